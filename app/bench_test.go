package app

import (
	"context"
	"fmt"
	"testing"

	"github.com/cockroachdb/pebble"
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/x/identity"
)

// BenchmarkBlock measures FinalizeBlock+Commit of blocks of 5,000 signed
// create_account txs from 50 registrars (after CheckTx, so signatures are
// cached as in production), on disk. Reported per tx.
func BenchmarkBlock(b *testing.B) {
	h := newHarness(b)
	// Use an on-disk database like a node does.
	h.app.Close()
	h.db.Close()
	h.fs = nil
	h.dir = b.TempDir()
	db, err := pebble.Open(h.dir, &pebble.Options{Cache: pebble.NewCache(256 << 20)})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	h.db = db
	h.app, _ = New(db, Options{Modules: testModules()})
	defer h.app.Close()
	h.app.InitChain(context.Background(), &abci.RequestInitChain{ChainId: testChain, Validators: []abci.ValidatorUpdate{abci.Ed25519ValidatorUpdate(h.valKey, 10)}, AppStateBytes: genesisState(b, h.valKey)})
	const registrars = 50
	var regs []*crypto.PrivateKey
	var setup [][]byte
	for i := 0; i < registrars; i++ {
		k := seedKey(b, fmt.Sprint("reg", i))
		regs = append(regs, k)
		t := &tx.Tx{Body: tx.Body{ChainID: testChain, Signer: h.keys["cab"].Address(), Sequence: uint64(i),
			Msgs: []tx.Msg{msg(b, identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: "ed25519", PublicKey: k.PublicKey(), Roles: []string{identity.RoleRegistrar}})}}}
		raw, _ := tx.Sign(t, h.keys["cab"])
		setup = append(setup, raw)
	}
	h.block(setup...)
	seqs := make([]uint64, registrars)
	n := 0
	b.ResetTimer()
	for done := 0; done < b.N; {
		b.StopTimer()
		var txs [][]byte
		for j := 0; j < 5000 && done+j < b.N; j++ {
			r := n % registrars
			k := seedKey(b, fmt.Sprint("citizen", n))
			t := &tx.Tx{Body: tx.Body{ChainID: testChain, Signer: regs[r].Address(), Sequence: seqs[r],
				Msgs: []tx.Msg{msg(b, identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: "ed25519", PublicKey: k.PublicKey(), Citizen: true})}}}
			raw, _ := tx.Sign(t, regs[r])
			seqs[r]++
			n++
			if resp := h.checkTx(raw); resp.Code != 0 {
				b.Fatal(resp.Log)
			}
			txs = append(txs, raw)
		}
		b.StartTimer()
		res := h.block(txs...)
		for _, r := range res {
			if r.Code != 0 {
				b.Fatal(r.Log)
			}
		}
		done += len(txs)
	}
}
