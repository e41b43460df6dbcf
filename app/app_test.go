package app

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/store"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/x/identity"
)

func TestGenesisAndInfo(t *testing.T) {
	h := newHarness(t)
	if h.app.ChainID() != testChain {
		t.Fatalf("chain id %q", h.app.ChainID())
	}
	for _, d := range depts {
		a, err := h.app.Account(h.keys[d].Address())
		if err != nil || a.Department != d || !strings.Contains(strings.Join(a.Roles, ","), identity.RoleAdmin) {
			t.Fatalf("admin of %s: %+v %v", d, a, err)
		}
	}
	h.block()
	info, _ := h.app.Info(context.Background(), &abci.RequestInfo{})
	if info.LastBlockHeight != 1 || !bytes.Equal(info.LastBlockAppHash, h.appHash()) {
		t.Fatalf("info %+v", info)
	}
}

// The application refuses a message whose route needs a role the signer
// lacks, in CheckTx and in FinalizeBlock, with no state change (not even
// the sequence). Each module's role table, with the right role, a wrong
// role and no role for every message, is in the module's own tests
// (x/<module>, app/module/moduletest).
func TestUnauthorizedChangesNothing(t *testing.T) {
	h := newHarness(t)
	clerk := h.createOfficial("mof", "clerk") // no roles
	citizen := h.createCitizen("mof", "citizen")
	h.createOfficial("mof", "registrar", identity.RoleRegistrar) // a wrong role for grant_role
	for _, signer := range []string{"clerk", "citizen", "registrar"} {
		raw := h.sign(signer, msg(t, identity.TypeGrantRole, identity.MsgRole{Account: clerk, Role: identity.RoleAuditor}))
		if r := h.checkTx(raw); r.Code != ErrUnauthorized.Code || r.Log == "" {
			t.Fatalf("%s: CheckTx code %d (%s)", signer, r.Code, r.Log)
		}
		before := h.stateRoot()
		h.expect(ErrUnauthorized.Code, signer, msg(t, identity.TypeGrantRole, identity.MsgRole{Account: clerk, Role: identity.RoleAuditor}))
		if !bytes.Equal(before, h.stateRoot()) {
			t.Fatalf("%s: state changed by an unauthorized tx", signer)
		}
	}
	if a, _ := h.app.Account(citizen); a.Sequence != 0 {
		t.Fatalf("sequence after refusals: %d", a.Sequence)
	}
	// A route that names no role is open to any account.
	h.mustOK("citizen", msg(t, identity.TypeRotateKey, identity.MsgRotateKey{Algorithm: "ed25519", PublicKey: h.key("citizen-2").PublicKey()}))
}

// After a rotation the old key no longer signs for the account and the
// new one signs as the same address (the rotation itself is tested in
// x/identity).
func TestRotatedKeySigns(t *testing.T) {
	h := newHarness(t)
	addr := h.createOfficial("mof", "alice")
	newK := h.key("alice-new")
	h.mustOK("alice", msg(t, identity.TypeRotateKey, identity.MsgRotateKey{Algorithm: newK.Algorithm, PublicKey: newK.PublicKey()}))
	// The old key no longer signs for the account.
	h.expect(ErrKeyMismatch.Code, "alice", msg(t, identity.TypeRotateKey, identity.MsgRotateKey{Algorithm: "ed25519", PublicKey: h.key("z").PublicKey()}))
	// The new key signs as the same address.
	t2 := &tx.Tx{Body: tx.Body{ChainID: testChain, Signer: addr, Sequence: 1, Msgs: []tx.Msg{msg(t, identity.TypeRotateKey, identity.MsgRotateKey{Algorithm: "ed25519", PublicKey: h.key("alice-3").PublicKey()})}}}
	raw, _ := tx.Sign(t2, newK)
	if res := h.block(raw); res[0].Code != 0 {
		t.Fatalf("new key: %d %s", res[0].Code, res[0].Log)
	}
	a, _ := h.app.Account(addr)
	if !bytes.Equal(a.PublicKey, h.key("alice-3").PublicKey()) || a.Sequence != 2 {
		t.Fatalf("account after rotations: %+v", a)
	}
}

// Validator changes of an executed proposal reach CometBFT in the block's
// response; a failed proposal sends none (the proposals themselves are
// tested in x/identity).
func TestValidatorUpdatesReachConsensus(t *testing.T) {
	h := newHarness(t)
	newVal := h.key("moh-validator").PublicKey()
	add := identity.Action{Kind: identity.KindAddDepartment, Department: "moh", Name: "Ministry of Health",
		Algorithm: "ed25519", PublicKey: h.key("moh-admin").PublicKey(), ValidatorKey: newVal, Power: 4}
	if err := add.ProvePossession(testChain, 0, func(m []byte) ([]byte, error) { return h.key("moh-validator").Sign(m), nil }); err != nil {
		t.Fatal(err)
	}
	h.mustOK("mof", msg(t, identity.TypePropose, identity.MsgPropose{Action: add}))
	h.mustOK("nrb", msg(t, identity.TypeApprove, identity.MsgApprove{ID: 1}))
	if len(h.last.ValidatorUpdates) != 0 {
		t.Fatalf("updates before m approvals: %+v", h.last.ValidatorUpdates)
	}
	h.mustOK("cab", msg(t, identity.TypeApprove, identity.MsgApprove{ID: 1}))
	if len(h.last.ValidatorUpdates) != 1 || !bytes.Equal(h.last.ValidatorUpdates[0].PubKey.GetEd25519(), newVal) || h.last.ValidatorUpdates[0].Power != 4 {
		t.Fatalf("validator updates %+v", h.last.ValidatorUpdates)
	}
	// mof's validator can go only once moh's has signed a block (the
	// application records the signers of each block's last commit).
	zero := identity.Action{Kind: identity.KindSetValidator, Department: "mof", ValidatorKey: h.valKey, Power: 0}
	h.mustOK("nrb", msg(t, identity.TypePropose, identity.MsgPropose{Action: zero}))
	h.mustOK("cab", msg(t, identity.TypeApprove, identity.MsgApprove{ID: 2}))
	h.mustOK("ec", msg(t, identity.TypeApprove, identity.MsgApprove{ID: 2}))
	if p, _ := h.app.Proposal(2); p.Status != identity.StatusFailed || !strings.Contains(p.Result, identity.ErrUnprovenPower.Msg) {
		t.Fatalf("removing the only proven validator: %+v", p)
	}
	h.signedBy(h.valKey, newVal)
	h.block()
	h.signedBy()
	h.mustOK("nrb", msg(t, identity.TypePropose, identity.MsgPropose{Action: zero}))
	h.mustOK("cab", msg(t, identity.TypeApprove, identity.MsgApprove{ID: 3}))
	h.mustOK("ec", msg(t, identity.TypeApprove, identity.MsgApprove{ID: 3}))
	if len(h.last.ValidatorUpdates) != 1 || !bytes.Equal(h.last.ValidatorUpdates[0].PubKey.GetEd25519(), h.valKey) || h.last.ValidatorUpdates[0].Power != 0 {
		t.Fatalf("removing mof's validator: %+v", h.last.ValidatorUpdates)
	}
	rm := identity.Action{Kind: identity.KindSetValidator, Department: "moh", ValidatorKey: newVal, Power: 0}
	h.mustOK("nrb", msg(t, identity.TypePropose, identity.MsgPropose{Action: rm}))
	h.mustOK("cab", msg(t, identity.TypeApprove, identity.MsgApprove{ID: 4}))
	h.mustOK("ec", msg(t, identity.TypeApprove, identity.MsgApprove{ID: 4}))
	if p, _ := h.app.Proposal(4); p.Status != identity.StatusFailed {
		t.Fatalf("removing the last validator: %+v", p)
	}
	if len(h.last.ValidatorUpdates) != 0 {
		t.Fatalf("failed proposal emitted validator updates: %+v", h.last.ValidatorUpdates)
	}
}

// Bad input: each gets a stable code and a message; none changes state.
func TestBadInput(t *testing.T) {
	h := newHarness(t)
	good := h.sign("mof", msg(t, identity.TypeGrantRole, identity.MsgRole{Account: h.keys["mof"].Address(), Role: identity.RoleAuditor}))
	var gtx tx.Tx
	codec.Unmarshal(good, &gtx)
	resign := func(edit func(*tx.Tx), signWith string) []byte {
		c := gtx
		c.Body.Msgs = append([]tx.Msg{}, gtx.Body.Msgs...)
		edit(&c)
		k := h.key(signWith)
		sb, err := tx.SignBytes(&c.Body)
		if err != nil {
			t.Fatal(err)
		}
		c.Signature = tx.Signature{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Sig: k.Sign(sb)}
		raw, _ := codec.Marshal(&c)
		return raw
	}
	flipped := append([]byte{}, good...)
	flipped[len(flipped)-2] ^= 0xff
	badBody, _ := codec.Marshal(map[int]string{9: "x"})
	cases := []struct {
		name  string
		raw   []byte
		code  uint32
		check uint32 // CheckTx's code when it differs (mempool admission)
	}{
		{"garbage", []byte("not a transaction"), ErrMalformedTx.Code, 0},
		{"empty", []byte{}, ErrMalformedTx.Code, 0},
		{"truncated", good[:len(good)/2], ErrMalformedTx.Code, 0},
		{"non-canonical", bytes.Replace(good, []byte{0x01, 0x6d}, []byte{0x18, 0x01, 0x6d}, 1), ErrMalformedTx.Code, 0},
		{"oversize", bytes.Repeat([]byte{0xa0}, tx.MaxTxBytes+1), ErrTxTooLarge.Code, 0},
		{"bad signature", flipped, ErrBadSignature.Code, 0},
		{"wrong chain-id", resign(func(c *tx.Tx) { c.Body.ChainID = "govchain-other" }, "mof"), ErrWrongChainID.Code, 0},
		{"sequence far ahead", resign(func(c *tx.Tx) { c.Body.Sequence = 1000 }, "mof"), ErrBadSequence.Code, ErrSequenceGap.Code},
		{"unknown account", resign(func(c *tx.Tx) { c.Body.Signer = h.key("nobody").Address() }, "nobody"), ErrUnknownSigner.Code, 0},
		{"signed by another key", resign(func(c *tx.Tx) {}, "nrb"), ErrKeyMismatch.Code, 0},
		{"unknown message type", resign(func(c *tx.Tx) { c.Body.Msgs[0].Type = "identity.mint" }, "mof"), ErrUnknownMsgType.Code, 0},
		{"wrong role", resign(func(c *tx.Tx) { c.Body.Signer = h.keys["nrb"].Address(); c.Body.Msgs[0].Type = "identity.grant_role" }, "nrb"), 0, 0},
		{"oversize field", resign(func(c *tx.Tx) { c.Body.Memo = strings.Repeat("m", tx.MaxMemo+1) }, "mof"), ErrTxTooLarge.Code, 0},
		{"malformed body", resign(func(c *tx.Tx) { c.Body.Msgs[0].Body = badBody }, "mof"), 0, 0},
	}
	// "wrong role" here is an admin of another department granting to mof's
	// admin; it passes the mempool (role present) and fails in execution.
	cases[11].code = 0
	before := h.stateRoot()
	for _, c := range cases {
		r := h.checkTx(c.raw)
		want := c.code
		if c.check != 0 {
			want = c.check
		}
		if want != 0 && (r.Code != want || r.Log == "") {
			t.Errorf("%s: CheckTx code %d (%q), want %d", c.name, r.Code, r.Log, want)
		}
	}
	// The same txs forced into a block (a faulty proposer) are refused by
	// execution with the same codes and change no state except sequences
	// of authenticated signers.
	var raws [][]byte
	for _, c := range cases {
		if c.code != 0 {
			raws = append(raws, c.raw)
		}
	}
	res := h.block(raws...)
	i := 0
	for _, c := range cases {
		if c.code == 0 {
			continue
		}
		if res[i].Code != c.code {
			t.Errorf("%s: FinalizeBlock code %d (%s), want %d", c.name, res[i].Code, res[i].Log, c.code)
		}
		i++
	}
	if !bytes.Equal(before, h.stateRoot()) {
		t.Fatal("rejected transactions changed state")
	}
	if h.app.Log().Size() != uint64(len(raws)) {
		t.Fatalf("log has %d entries; every tx of a block is recorded with its code", h.app.Log().Size())
	}
	// The malformed body is authenticated, so it fails in execution with its
	// own code and advances only the sequence.
	mb := resign(func(c *tx.Tx) { c.Body.Msgs[0].Body = badBody }, "mof")
	if r := h.block(mb); r[0].Code != 20 {
		t.Fatalf("malformed body: %d %s", r[0].Code, r[0].Log)
	}
	a, _ := h.app.Account(h.keys["mof"].Address())
	if a.Sequence != 1 {
		t.Fatalf("sequence after a failed authenticated tx: %d", a.Sequence)
	}
	// It cannot be replayed.
	if r := h.block(mb); r[0].Code != ErrBadSequence.Code {
		t.Fatalf("replay: %d", r[0].Code)
	}
}

// Two nodes fed the same blocks reach the same app hash at every height, and
// a restarted node continues with the same hash.
func TestDeterminismAndRestart(t *testing.T) {
	a := newHarness(t)
	for i := 0; i < 30; i++ {
		a.createCitizen("cab", fmt.Sprintf("citizen-%d", i))
	}
	b := newHarness(t)
	var hashes [][]byte
	for i, req := range a.blocks {
		resp, err := b.app.FinalizeBlock(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		b.app.Commit(context.Background(), &abci.RequestCommit{})
		hashes = append(hashes, resp.AppHash)
		m, _ := a.app.MetaAt(int64(i + 1))
		if !bytes.Equal(resp.AppHash, m.AppHash) {
			t.Fatalf("height %d: app hashes differ", i+1)
		}
	}
	a.reopen()
	info, _ := a.app.Info(context.Background(), &abci.RequestInfo{})
	if info.LastBlockHeight != int64(len(hashes)) || !bytes.Equal(info.LastBlockAppHash, hashes[len(hashes)-1]) {
		t.Fatalf("after restart: %+v", info)
	}
	a.createCitizen("cab", "after-restart")
	// A block finalized but not committed (a crash before Commit) is
	// executed again after restart with the same result.
	raw := a.sign("cab", msg(t, identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: "ed25519", PublicKey: a.key("z1").PublicKey(), Citizen: true}))
	req := &abci.RequestFinalizeBlock{Txs: [][]byte{raw}, Height: a.height + 1}
	r1, _ := a.app.FinalizeBlock(context.Background(), req)
	a.reopen()
	r2, err := a.app.FinalizeBlock(context.Background(), req)
	if err != nil || !bytes.Equal(r1.AppHash, r2.AppHash) {
		t.Fatalf("replay after crash: %v", err)
	}
}

func TestStateProofOfAccount(t *testing.T) {
	h := newHarness(t)
	addr := h.createCitizen("cab", "proof-citizen")
	key := []byte("identity/acct/" + addr)
	v, p, m, err := h.app.Prove(key, -1)
	if err != nil || v == nil {
		t.Fatal(err)
	}
	var root store.Hash
	copy(root[:], m.StateRoot)
	if err := store.VerifyMembership(root, key, v, p); err != nil {
		t.Fatal(err)
	}
	// Before the account existed (height 0), the same key is provably absent.
	_, p0, m0, err := h.app.Prove(key, 0)
	if err != nil {
		t.Fatal(err)
	}
	copy(root[:], m0.StateRoot)
	if err := store.VerifyNonMembership(root, key, p0); err != nil {
		t.Fatal(err)
	}
}

// SM2 and Ed25519 accounts coexist on one chain.
func TestSM2Accounts(t *testing.T) {
	h := newHarness(t)
	k, err := crypto.GenerateKey(crypto.AlgSM2, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.keys["sm2-official"] = k
	h.mustOK("mof", msg(t, identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Roles: []string{identity.RoleRegistrar}}))
	// The SM2 official registers a citizen with an Ed25519 key.
	c := h.key("ed-citizen")
	h.mustOK("sm2-official", msg(t, identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: c.Algorithm, PublicKey: c.PublicKey(), Citizen: true}))
	a, _ := h.app.Account(k.Address())
	if a.Algorithm != crypto.AlgSM2 || a.Sequence != 1 {
		t.Fatalf("sm2 account: %+v", a)
	}
	// A tx whose algorithm does not match its key is refused.
	raw := h.sign("sm2-official", msg(t, identity.TypeRotateKey, identity.MsgRotateKey{Algorithm: "ed25519", PublicKey: c.PublicKey()}))
	var tt tx.Tx
	codec.Unmarshal(raw, &tt)
	tt.Signature.Algorithm = crypto.AlgEd25519
	bad, _ := codec.Marshal(&tt)
	if r := h.checkTx(bad); r.Code != ErrBadSignature.Code {
		t.Fatalf("algorithm/key mismatch: %d %s", r.Code, r.Log)
	}
}
