package app

import (
	"context"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/x/identity"
)

// signSeq signs a create-citizen tx from signer with an explicit sequence.
func (h *harness) signSeq(signer string, seq uint64, citizen string) []byte {
	k := h.key(signer)
	c := h.key(citizen)
	t := &tx.Tx{Body: tx.Body{ChainID: testChain, Signer: k.Address(), Sequence: seq,
		Msgs: []tx.Msg{msg(h.t, identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: c.Algorithm, PublicKey: c.PublicKey(), Citizen: true})}}}
	raw, err := tx.Sign(t, k)
	if err != nil {
		h.t.Fatal(err)
	}
	return raw
}

func TestOutOfOrderSequences(t *testing.T) {
	h := newHarness(t)
	a1, a0, a3 := h.signSeq("cab", 1, "c1"), h.signSeq("cab", 0, "c0"), h.signSeq("cab", 3, "c3")
	b0 := h.signSeq("mof", 0, "m0")
	for i, raw := range [][]byte{a1, b0, a0, a3} {
		if r := h.checkTx(raw); r.Code != 0 {
			t.Fatalf("tx %d refused: %s", i, r.Log)
		}
	}
	// A second tx with a pending sequence, one far ahead: refused.
	if r := h.checkTx(h.signSeq("cab", 1, "other")); r.Code != ErrBadSequence.Code {
		t.Fatalf("duplicate pending sequence: %d %s", r.Code, r.Log)
	}
	if r := h.checkTx(h.signSeq("cab", 2+DefaultMempoolLimits().Window, "far")); r.Code != ErrSequenceGap.Code {
		t.Fatalf("too far ahead: %d %s", r.Code, r.Log)
	}
	// The proposer orders each account's txs and leaves out the gap (a3).
	pp, err := h.app.PrepareProposal(context.Background(), &abci.RequestPrepareProposal{Txs: [][]byte{a1, b0, a0, a3}, MaxTxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]byte{a0, a1, b0}
	if len(pp.Txs) != len(want) {
		t.Fatalf("proposal has %d txs, want %d", len(pp.Txs), len(want))
	}
	for i := range want {
		if string(pp.Txs[i]) != string(want[i]) {
			t.Fatalf("proposal tx %d out of order", i)
		}
	}
	for i, r := range h.block(pp.Txs...) {
		if r.Code != 0 {
			t.Fatalf("tx %d of the proposal failed: %s", i, r.Log)
		}
	}
	// After the commit, a used sequence is refused; the waiting a3 is
	// still fine once a2 arrives.
	if r := h.checkTx(a1); r.Code != ErrBadSequence.Code {
		t.Fatalf("replay after commit: %d", r.Code)
	}
	a2 := h.signSeq("cab", 2, "c2")
	for _, raw := range [][]byte{a3, a2} {
		if r := h.checkTx(raw); r.Code != 0 {
			t.Fatal(r.Log)
		}
	}
	pp, _ = h.app.PrepareProposal(context.Background(), &abci.RequestPrepareProposal{Txs: [][]byte{a3, a2}, MaxTxBytes: 1 << 20})
	if len(pp.Txs) != 2 || string(pp.Txs[0]) != string(a2) {
		t.Fatalf("second proposal: %d txs", len(pp.Txs))
	}
	// MaxTxBytes is respected.
	pp, _ = h.app.PrepareProposal(context.Background(), &abci.RequestPrepareProposal{Txs: [][]byte{a3, a2}, MaxTxBytes: int64(len(a2))})
	if len(pp.Txs) != 1 {
		t.Fatalf("byte limit: %d txs", len(pp.Txs))
	}
}

// PreVerify caches only signatures that verify: a forged tx in a batch is
// still refused by CheckTx, the good ones pass.
func TestPreVerifyBatch(t *testing.T) {
	h := newHarness(t)
	good := h.signSeq("cab", 0, "p0")
	forged := append([]byte{}, h.signSeq("cab", 1, "p1")...)
	forged[len(forged)-3] ^= 1
	h.app.PreVerify([][]byte{good, forged, []byte("junk")})
	if r := h.checkTx(forged); r.Code != ErrBadSignature.Code {
		t.Fatalf("forged tx after PreVerify: %d %s", r.Code, r.Log)
	}
	if r := h.checkTx(good); r.Code != 0 {
		t.Fatalf("good tx: %s", r.Log)
	}
	if res := h.block(good); res[0].Code != 0 {
		t.Fatal(res[0].Log)
	}
}
