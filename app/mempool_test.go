package app

import (
	"context"
	"fmt"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/x/identity"
)

// mempoolSim plays CometBFT's mempool around the harness: it keeps what
// CheckTx admitted, in order; after each block it drops the block's txs and
// rechecks the rest in order, dropping what the recheck refuses.
type mempoolSim struct {
	h   *harness
	txs [][]byte
}

func newMempoolSim(h *harness) *mempoolSim { return &mempoolSim{h: h} }

// add checks raw for the first time and keeps it if admitted.
func (m *mempoolSim) add(raw []byte) *abci.ResponseCheckTx {
	r := m.h.checkTx(raw)
	if r.Code == 0 {
		m.txs = append(m.txs, raw)
	}
	return r
}

// submit signs a create-citizen tx from signer at seq and adds it.
func (m *mempoolSim) submit(signer string, seq uint64) *abci.ResponseCheckTx {
	return m.add(m.h.signSeq(signer, seq, fmt.Sprintf("c/%s/%d", signer, seq)))
}

// mustAdmit submits seqs from..to-1 of signer and fails on a refusal.
func (m *mempoolSim) mustAdmit(signer string, from, to uint64) {
	m.h.t.Helper()
	for s := from; s < to; s++ {
		if r := m.submit(signer, s); r.Code != 0 {
			m.h.t.Fatalf("%s sequence %d refused: %d %s", signer, s, r.Code, r.Log)
		}
	}
}

// block commits at most n of the txs the proposer would take, plus extra
// txs from elsewhere (another node's mempool), then rechecks the rest as
// CometBFT does and returns the recheck refusals.
func (m *mempoolSim) block(n int, extra ...[]byte) []*abci.ResponseCheckTx {
	pp, err := m.h.app.PrepareProposal(context.Background(), &abci.RequestPrepareProposal{Txs: m.txs, MaxTxBytes: 1 << 30})
	if err != nil {
		m.h.t.Fatal(err)
	}
	in := append(pp.Txs[:min(n, len(pp.Txs))], extra...)
	m.h.block(in...)
	taken := map[string]bool{}
	for _, raw := range in {
		taken[string(raw)] = true
	}
	var kept [][]byte
	var refused []*abci.ResponseCheckTx
	for _, raw := range m.txs {
		if taken[string(raw)] {
			continue
		}
		r, err := m.h.app.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: raw, Type: abci.CheckTxType_Recheck})
		if err != nil {
			m.h.t.Fatal(err)
		}
		if r.Code == 0 {
			kept = append(kept, raw)
		} else {
			refused = append(refused, r)
		}
	}
	m.txs = kept
	m.consistent()
	return refused
}

// consistent checks that the app counts exactly what the mempool holds.
func (m *mempoolSim) consistent() {
	m.h.t.Helper()
	total, _ := m.h.app.MempoolPending()
	if total != len(m.txs) {
		m.h.t.Fatalf("the app counts %d pending txs, the mempool holds %d", total, len(m.txs))
	}
}

func wantCode(t *testing.T, what string, r *abci.ResponseCheckTx, e uint32) {
	t.Helper()
	if r.Code != e || r.Log == "" {
		t.Fatalf("%s: code %d (%s), want %d", what, r.Code, r.Log, e)
	}
}

// A tx may be up to Window-1 sequences beyond the account's lowest missing
// one: a small reordering is admitted, a parked flood is not.
func TestMempoolWindow(t *testing.T) {
	h := newHarness(t)
	m := newMempoolSim(h)
	w := DefaultMempoolLimits().Window
	m.mustAdmit("cab", 1, w) // sequence 0 missing
	wantCode(t, "beyond the window", m.submit("cab", w), ErrSequenceGap.Code)
	wantCode(t, "far beyond", m.submit("cab", 9_999), ErrSequenceGap.Code)
	m.mustAdmit("cab", 0, 1) // the gap closes: the window moves on
	m.mustAdmit("cab", w, 2*w)
	wantCode(t, "pending twice", m.submit("cab", 5), ErrBadSequence.Code)
	m.block(10)
	wantCode(t, "used", m.submit("cab", 3), ErrBadSequence.Code)
	m.consistent()
}

// An account holds at most PerAccount pending txs, counted again after
// each block.
func TestMempoolAccountCap(t *testing.T) {
	h := newHarness(t)
	m := newMempoolSim(h)
	c := uint64(DefaultMempoolLimits().PerAccount)
	m.mustAdmit("cab", 0, c)
	wantCode(t, "over the account cap", m.submit("cab", c), ErrAccountPending.Code)
	m.mustAdmit("mof", 0, 1) // another account is not affected
	m.block(100)             // cab 0..99 commit
	m.mustAdmit("cab", c, c+100)
	wantCode(t, "over the cap again", m.submit("cab", c+100), ErrAccountPending.Code)
}

// A department's accounts (its citizens included) share DepartmentPercent
// of the mempool; another department still gets in.
func TestMempoolDepartmentShare(t *testing.T) {
	h := newHarnessWith(t, MempoolLimits{Size: 100, DepartmentPercent: 25, NearlyFullPercent: 90})
	citizen := h.createCitizen("cab", "citizen")
	m := newMempoolSim(h)
	seq, _ := h.app.Account(h.key("cab").Address())
	m.mustAdmit("cab", seq.Sequence, seq.Sequence+20)
	for s := uint64(0); s < 5; s++ {
		if r := m.add(h.signRotate("citizen", s)); r.Code != 0 {
			t.Fatalf("citizen tx %d: %s", s, r.Log)
		}
	}
	wantCode(t, "citizen of a full department", m.add(h.signRotate("citizen", 5)), ErrDepartmentShare.Code)
	wantCode(t, "admin of a full department", m.submit("cab", seq.Sequence+20), ErrDepartmentShare.Code)
	if _, by := h.app.MempoolPending(); by["cab"] != 25 {
		t.Fatalf("department cab holds %d, want 25 (%s is its citizen)", by["cab"], citizen)
	}
	m.mustAdmit("mof", 0, 25)
	m.block(10) // frees 10 of cab's
	m.mustAdmit("cab", seq.Sequence+20, seq.Sequence+30)
}

// Nearly full, the department holding the most is refused; one holding
// less is still admitted.
func TestMempoolNearlyFull(t *testing.T) {
	h := newHarnessWith(t, MempoolLimits{Size: 100, DepartmentPercent: 50, NearlyFullPercent: 40})
	m := newMempoolSim(h)
	m.mustAdmit("mof", 0, 20)
	m.mustAdmit("cab", 0, 15)
	m.mustAdmit("nrb", 0, 5) // 40: nearly full
	wantCode(t, "the biggest holder", m.submit("mof", 20), ErrMempoolBusy.Code)
	m.mustAdmit("cab", 15, 20) // up to the biggest holder's count
	wantCode(t, "tied for the most", m.submit("cab", 20), ErrMempoolBusy.Code)
	m.mustAdmit("ec", 0, 10)
	m.block(60) // mof's 20, cab's 20 and 20 more commit: no longer nearly full
	m.mustAdmit("mof", 20, 21)
}

// Departments at their shares never fill the mempool: each may hold an
// equal share with room for one more department (before, two departments
// at half each filled it and locked every other out).
func TestMempoolFairShares(t *testing.T) {
	h := newHarnessWith(t, MempoolLimits{Size: 100, DepartmentPercent: 50, NearlyFullPercent: 100, Window: 200, PerAccount: 200})
	m := newMempoolSim(h)
	m.mustAdmit("mof", 0, 50) // alone: half
	wantCode(t, "mof beyond half", m.submit("mof", 50), ErrDepartmentShare.Code)
	m.mustAdmit("cab", 0, 33) // two waiting: a third each
	wantCode(t, "cab beyond a third", m.submit("cab", 33), ErrDepartmentShare.Code)
	m.mustAdmit("nrb", 0, 17) // a third department still gets in, with the rest
	if total, _ := h.app.MempoolPending(); total != 100 {
		t.Fatalf("pending %d", total)
	}
}

// Many accounts of one department (its citizens count with it) cannot
// lock out that department's other accounts: an account's first pending tx
// is admitted whatever the department holds.
func TestMempoolCitizensOfAFloodedDepartment(t *testing.T) {
	h := newHarnessWith(t, MempoolLimits{Size: 100, DepartmentPercent: 25, NearlyFullPercent: 50})
	var flood []string
	for i := 0; i < 5; i++ {
		flood = append(flood, h.createCitizen("cab", fmt.Sprintf("flood%d", i)))
	}
	h.createCitizen("cab", "honest")
	m := newMempoolSim(h)
	for i := range flood {
		for s := uint64(0); s < 5; s++ {
			m.add(h.signRotate(fmt.Sprintf("flood%d", i), s))
		}
	}
	if _, by := h.app.MempoolPending(); by["cab"] != 25 {
		t.Fatalf("cab holds %d, want its share 25", by["cab"])
	}
	wantCode(t, "a flooder's sixth", m.add(h.signRotate("flood0", 5)), ErrDepartmentShare.Code)
	if r := m.add(h.signRotate("honest", 0)); r.Code != 0 {
		t.Fatalf("an honest citizen of the flooded department: %s", r.Log)
	}
	wantCode(t, "the honest citizen's second", m.add(h.signRotate("honest", 1)), ErrDepartmentShare.Code)
}

// The counts stay what the mempool holds across blocks, including txs a
// block made invalid (a sequence used by a tx from another node).
func TestMempoolRecheckKeepsCounts(t *testing.T) {
	h := newHarness(t)
	m := newMempoolSim(h)
	m.mustAdmit("cab", 0, 10)
	m.mustAdmit("cab", 12, 13)
	m.mustAdmit("mof", 0, 5)
	m.block(8) // cab 0..7
	if _, by := h.app.MempoolPending(); by["cab"] != 3 || by["mof"] != 5 {
		t.Fatalf("after a block: %v, want cab 3 mof 5", by)
	}
	m.mustAdmit("cab", 10, 12) // the gap closes
	wantCode(t, "still pending", m.submit("cab", 12), ErrBadSequence.Code)
	other := h.signSeq("cab", 8, "from another node")
	refused := m.block(0, other)
	if len(refused) != 1 || refused[0].Code != ErrBadSequence.Code {
		t.Fatalf("recheck after a competing tx: %+v", refused)
	}
	if _, by := h.app.MempoolPending(); by["cab"] != 4 { // 9, 10, 11, 12
		t.Fatalf("cab holds %d, want 4", by["cab"])
	}
	m.block(100)
	if total, _ := h.app.MempoolPending(); total != 0 || len(m.txs) != 0 {
		t.Fatalf("everything committed, %d still counted, %d left", total, len(m.txs))
	}
}

// A tx with a gap below it is dropped once it has waited TTLBlocks blocks;
// a tx that can execute never expires. The dropped tx does not execute
// when the gap closes later: it has to be submitted again.
func TestMempoolGapExpires(t *testing.T) {
	h := newHarness(t)
	m := newMempoolSim(h)
	ttl := int(DefaultMempoolLimits().TTLBlocks)
	gapped := h.signSeq("cab", 1, "c/cab/1")
	m.add(gapped)
	m.mustAdmit("mof", 0, 1) // executable, but the proposer leaves it out
	for i := 1; i < ttl; i++ {
		if refused := m.block(0); len(refused) != 0 {
			t.Fatalf("block %d: refused early: %s", i, refused[0].Log)
		}
	}
	refused := m.block(0)
	if len(refused) != 1 || refused[0].Code != ErrGapExpired.Code {
		t.Fatalf("after %d blocks: %+v", ttl, refused)
	}
	for i := 0; i < 5; i++ {
		m.block(0)
	}
	if len(m.txs) != 1 {
		t.Fatalf("the executable tx expired: %d left", len(m.txs))
	}
	m.mustAdmit("cab", 0, 1)
	m.block(100)
	if a, _ := h.app.Account(h.key("cab").Address()); a.Sequence != 1 {
		t.Fatalf("cab at sequence %d: the expired tx executed", a.Sequence)
	}
	if r := m.add(gapped); r.Code != 0 {
		t.Fatalf("resubmitted: %s", r.Log)
	}
	m.block(100)
	if a, _ := h.app.Account(h.key("cab").Address()); a.Sequence != 2 {
		t.Fatalf("cab at sequence %d after the resubmission", a.Sequence)
	}
}

// A gapped tx whose gap is filled does not expire in the recheck pass that
// meets it before its predecessor (the mempool holds sequence 1, admitted
// long ago, ahead of sequence 0, admitted in the last block, and rechecks
// in that order): before, sequence 1 was dropped as expired although
// sequence 0 was right behind it.
func TestMempoolFilledGapDoesNotExpire(t *testing.T) {
	h := newHarness(t)
	m := newMempoolSim(h)
	ttl := int(DefaultMempoolLimits().TTLBlocks)
	m.mustAdmit("cab", 1, 2) // waits for sequence 0
	for i := 1; i < ttl; i++ {
		if refused := m.block(0); len(refused) != 0 {
			t.Fatalf("block %d: refused early: %s", i, refused[0].Log)
		}
	}
	m.mustAdmit("cab", 0, 1) // fills the gap; the mempool holds 1 before 0
	if refused := m.block(0); len(refused) != 0 {
		t.Fatalf("the recheck after the TTL dropped a tx whose gap was filled: %s", refused[0].Log)
	}
	m.block(100)
	if a, _ := h.app.Account(h.key("cab").Address()); a.Sequence != 2 {
		t.Fatalf("cab at sequence %d, want 2: both txs execute", a.Sequence)
	}
}

// The time limit counts block time (the harness makes a block a second).
func TestMempoolGapExpiresByTime(t *testing.T) {
	h := newHarnessWith(t, MempoolLimits{TTLBlocks: 100, TTL: 3 * time.Second})
	m := newMempoolSim(h)
	m.mustAdmit("cab", 1, 2)
	m.block(0)
	m.block(0)
	if refused := m.block(0); len(refused) != 1 || refused[0].Code != ErrGapExpired.Code {
		t.Fatalf("after 3 s of block time: %+v", refused)
	}
}

// signRotate signs a rotate-key tx (allowed to any account, citizens
// included) from name at seq, to its own key.
func (h *harness) signRotate(name string, seq uint64) []byte {
	k := h.key(name)
	t := &tx.Tx{Body: tx.Body{ChainID: testChain, Signer: k.Address(), Sequence: seq,
		Msgs: []tx.Msg{msg(h.t, identity.TypeRotateKey, identity.MsgRotateKey{Algorithm: k.Algorithm, PublicKey: k.PublicKey()})}}}
	raw, err := tx.Sign(t, k)
	if err != nil {
		h.t.Fatal(err)
	}
	return raw
}
