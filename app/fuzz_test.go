package app

import (
	"bytes"
	"maps"
	"slices"
	"testing"

	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/modules"
)

// FuzzCheckTx feeds arbitrary bytes to CheckTx and to block execution: no
// panic, a code and message for every rejection, and no state change unless
// the tx succeeded.
func FuzzCheckTx(f *testing.F) {
	h := newHarness(f)
	good := h.sign("mof", msg(f, identity.TypeGrantRole, identity.MsgRole{Account: h.keys["mof"].Address(), Role: identity.RoleAuditor}))
	f.Add(good)
	f.Add([]byte{0xa0})
	f.Add(good[:len(good)/2])
	f.Fuzz(func(t *testing.T, raw []byte) {
		h.t = t
		r := h.checkTx(raw)
		if r.Code != 0 && r.Log == "" {
			t.Fatalf("code %d without a message", r.Code)
		}
		before := h.stateRoot()
		res := h.block(raw)
		if res[0].Code != 0 && res[0].Code < 20 && !bytes.Equal(before, h.stateRoot()) {
			t.Fatalf("rejected tx (code %d) changed state", res[0].Code)
		}
	})
}

// FuzzMessageBodies sends arbitrary bodies for every message type, signed
// by an admin: handlers must reject what they cannot decode with a code,
// never panic.
func FuzzMessageBodies(f *testing.F) {
	h := newHarnessOf(f, MempoolLimits{}, modules.All()) // every module of the chain
	// Sorted, so that the seed corpus and "which" name the same types on
	// every run (Routes is a map).
	types := slices.Sorted(maps.Keys(h.app.Routes()))
	for i := range types {
		f.Add(uint8(i), codec.MustMarshal(identity.MsgRole{Account: h.keys["mof"].Address(), Role: "auditor"}))
		f.Add(uint8(i), codec.MustMarshal(identity.MsgPropose{Action: identity.Action{Kind: identity.KindSetThreshold, Threshold: 2}}))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		h.t = t
		typ := types[int(which)%len(types)]
		k := h.keys["mof"]
		seq := uint64(0)
		if a, err := h.app.Account(k.Address()); err == nil {
			seq = a.Sequence
		}
		tt := &tx.Tx{Body: tx.Body{ChainID: testChain, Signer: k.Address(), Sequence: seq, Msgs: []tx.Msg{{Type: typ, Body: body}}}}
		raw, err := tx.Sign(tt, k)
		if err != nil {
			return // the envelope itself is invalid (body not a map, too big)
		}
		res := h.block(raw)
		if res[0].Code != 0 && res[0].Log == "" {
			t.Fatalf("code %d without a message", res[0].Code)
		}
	})
}
