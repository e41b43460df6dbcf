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
	"github.com/govchain/govchain/x/registry"
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
	regs := benchRegistrars(b, h, registrars)
	seqs := make([]uint64, registrars)
	n := 0
	b.ResetTimer()
	for done := 0; done < b.N; {
		b.StopTimer()
		var txs [][]byte
		for j := 0; j < 5000 && done+j < b.N; j++ {
			r := n % registrars
			raw := citizenTx(b, regs[r], seqs[r], n)
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

// benchRegistrars creates n registrar accounts (signed by the cabinet
// office's admin, committed in one block) and returns their keys.
func benchRegistrars(b *testing.B, h *harness, n int) []*crypto.PrivateKey {
	var regs []*crypto.PrivateKey
	var setup [][]byte
	for i := 0; i < n; i++ {
		k := seedKey(b, fmt.Sprint("reg", i))
		regs = append(regs, k)
		t := &tx.Tx{Body: tx.Body{ChainID: testChain, Signer: h.keys["cab"].Address(), Sequence: uint64(i),
			Msgs: []tx.Msg{msg(b, identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: "ed25519", PublicKey: k.PublicKey(), Roles: []string{identity.RoleRegistrar}})}}}
		raw, _ := tx.Sign(t, h.keys["cab"])
		setup = append(setup, raw)
	}
	h.block(setup...)
	return regs
}

// citizenTx is registrar reg's create_account of the n-th citizen, at seq.
func citizenTx(b *testing.B, reg *crypto.PrivateKey, seq uint64, n int) []byte {
	k := seedKey(b, fmt.Sprint("citizen", n))
	t := &tx.Tx{Body: tx.Body{ChainID: testChain, Signer: reg.Address(), Sequence: seq,
		Msgs: []tx.Msg{msg(b, identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: "ed25519", PublicKey: k.PublicKey(), Citizen: true})}}}
	raw, _ := tx.Sign(t, reg)
	return raw
}

func sole(a string) registry.Owner { return registry.Owner{Account: a, Share: registry.FullShare} }

// signSeqMsg signs msgs from signer with an explicit sequence.
func (h *harness) signSeqMsg(signer string, seq uint64, m tx.Msg) []byte {
	k := h.key(signer)
	raw, err := tx.Sign(&tx.Tx{Body: tx.Body{ChainID: testChain, Signer: k.Address(), Sequence: seq, Msgs: []tx.Msg{m}}}, k)
	if err != nil {
		h.t.Fatal(err)
	}
	return raw
}

// BenchmarkRegistryTransfer: full transfers (open, accept, pay, tax,
// executed by the last) through FinalizeBlock and Commit, 200 at a time in
// four blocks; reported per transfer, signatures included.
func BenchmarkRegistryTransfer(b *testing.B) {
	h := newHarness(b)
	// The consortium accredits a bank: it joins, then grants registry.bank.
	bankAdmin := h.key("icbc")
	for i, a := range []identity.Action{
		{Kind: identity.KindAddDepartment, Department: "icbc", Name: "A bank", Algorithm: bankAdmin.Algorithm, PublicKey: bankAdmin.PublicKey()},
		{Kind: identity.KindSetRoleGrantors, Role: registry.RoleBank, Departments: []string{"icbc"}},
	} {
		h.mustOK("mof", msg(b, identity.TypePropose, identity.MsgPropose{Action: a}))
		for _, d := range []string{"nrb", "cab"} {
			h.mustOK(d, msg(b, identity.TypeApprove, identity.MsgApprove{ID: uint64(i + 1)}))
		}
	}
	for _, o := range []struct{ dept, name, role string }{{"nrb", "registrar", registry.RoleRegistrar}, {"icbc", "bank", registry.RoleBank}, {"mof", "tax", registry.RoleTax}} {
		h.createOfficial(o.dept, o.name, o.role)
	}
	h.mustOK("tax", msg(b, registry.TypeSetTaxRate, registry.MsgSetTaxRate{Rate: 300}))
	const batch = 200
	var sellers, buyers []string
	for i := 0; i < batch; i++ {
		sellers = append(sellers, fmt.Sprint("seller", i))
		buyers = append(buyers, fmt.Sprint("buyer", i))
	}
	var setup [][]byte
	a, _ := h.app.Account(h.key("cab").Address())
	seq := a.Sequence
	for _, n := range append(append([]string{}, sellers...), buyers...) {
		k := h.key(n)
		setup = append(setup, h.signSeqMsg("cab", seq, msg(b, identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Citizen: true})))
		seq++
	}
	h.block(setup...)
	acct := func(n string) uint64 { a, _ := h.app.Account(h.key(n).Address()); return a.Sequence }
	round := 0
	b.ResetTimer()
	for done := 0; done < b.N; done += batch {
		b.StopTimer()
		// Parcels for this round, registered outside the timing.
		var regs [][]byte
		rs := acct("registrar")
		for i, s := range sellers {
			regs = append(regs, h.signSeqMsg("registrar", rs+uint64(i), msg(b, registry.TypeRegisterParcel, registry.MsgRegisterParcel{
				Number: fmt.Sprintf("R%d-%d", round, i), District: "D", Area: 100, Use: "residential", Owners: []registry.Owner{sole(h.key(s).Address())}})))
		}
		h.block(regs...)
		firstID := uint64(round*batch + 1)
		var opens, accepts, pays, taxes [][]byte
		bs, ts := acct("bank"), acct("tax")
		for i := range sellers {
			opens = append(opens, h.signSeqMsg(sellers[i], acct(sellers[i]), msg(b, registry.TypeOpenTransfer, registry.MsgOpenTransfer{
				Parcel: fmt.Sprintf("R%d-%d", round, i), Buyers: []registry.Owner{sole(h.key(buyers[i]).Address())}, Price: 1000})))
			id := firstID + uint64(i)
			accepts = append(accepts, h.signSeqMsg(buyers[i], acct(buyers[i]), msg(b, registry.TypeAcceptTransfer, registry.MsgTransferRef{ID: id})))
			pays = append(pays, h.signSeqMsg("bank", bs+uint64(i), msg(b, registry.TypeConfirmPayment, registry.MsgTransferRef{ID: id})))
			taxes = append(taxes, h.signSeqMsg("tax", ts+uint64(i), msg(b, registry.TypeConfirmTax, registry.MsgConfirmTax{ID: id, Amount: 30})))
		}
		b.StartTimer()
		for _, blk := range [][][]byte{opens, accepts, pays, taxes} {
			for _, r := range h.block(blk...) {
				if r.Code != 0 {
					b.Fatal(r.Log)
				}
			}
		}
		round++
	}
}

// BenchmarkRecheck measures CometBFT's recheck of a pending tx after a
// block (CheckTx of type Recheck, the signature already verified): after
// every block the mempool's whole remainder goes through it, on the
// consensus goroutine, before the next proposal. Reported per tx.
func BenchmarkRecheck(b *testing.B) {
	h := newHarness(b)
	const registrars = 50
	regs := benchRegistrars(b, h, registrars)
	var txs [][]byte
	for n := 0; n < 5000; n++ {
		r := n % registrars
		raw := citizenTx(b, regs[r], uint64(n/registrars), n)
		if resp := h.checkTx(raw); resp.Code != 0 {
			b.Fatal(resp.Log)
		}
		txs = append(txs, raw)
	}
	ctx := context.Background()
	b.ResetTimer()
	for done := 0; done < b.N; {
		b.StopTimer()
		h.block() // an empty block: everything pending is rechecked
		b.StartTimer()
		for _, raw := range txs {
			if done == b.N {
				break
			}
			r, err := h.app.CheckTx(ctx, &abci.RequestCheckTx{Tx: raw, Type: abci.CheckTxType_Recheck})
			if err != nil || r.Code != 0 {
				b.Fatal(err, r.Log)
			}
			done++
		}
	}
}
