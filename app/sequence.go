package app

import (
	"context"
	"sort"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/tx"
)

// MempoolLimits bound what one account and one department may hold in the
// mempool, and how long a tx that cannot execute may wait there
// (docs/transactions.md, "Mempool admission"). They are local policy: they
// decide CheckTx only, never a block's execution, so nodes may differ.
type MempoolLimits struct {
	// Size is the mempool's capacity in txs (config.toml mempool.size).
	Size int
	// Window: a tx's sequence must be below the account's lowest missing
	// sequence (committed or pending, whichever is higher) plus Window.
	Window uint64
	// PerAccount caps an account's pending txs.
	PerAccount int
	// DepartmentPercent caps the pending txs of one department's accounts
	// (citizens count with the department that registered them), in
	// percent of Size.
	DepartmentPercent int
	// NearlyFullPercent: from this many pending txs (percent of Size) on,
	// the department holding the most pending txs is refused.
	NearlyFullPercent int
	// TTLBlocks and TTL: a tx that still has a gap below its sequence
	// after this many blocks, or this much block time, since it was
	// admitted is dropped (whichever comes first; 0 keeps the default).
	TTLBlocks int64
	TTL       time.Duration
}

// DefaultMempoolLimits are the limits unless app.toml [mempool] says
// otherwise; Size is node.DefaultCometConfig's mempool.size.
//
// Window 32: one account's txs reach a node out of order only by a little.
// The API submits a batch in order, one CheckTx at a time; CometBFT gossips
// a peer's txs in its mempool order and checks each peer's on one
// goroutine, so a node sees an account's stream reordered only where two
// peers relay it with different lags or a client sends several requests
// at once. 32 covers that with room (bench keeps at most one batch of 100
// in flight per account, in order), while an account can park at most 31
// txs behind a gap.
//
// PerAccount 256: bench keeps one batch per account in flight, 100 txs by
// default and 250 in README's heaviest runs; five attacking accounts hold
// at most 1,280 of 50,000 slots.
//
// DepartmentPercent 50, NearlyFullPercent 75: one department cannot take
// more than half the mempool, and once three quarters are pending the
// biggest holder is refused, so a department with few pending txs still
// gets in. Half, not less: README's heaviest bench runs keep 64 accounts of
// one department with 250 txs each in flight (16,000), which a quarter
// (12,500) refused.
//
// TTLBlocks 20, TTL 60 s: a missing predecessor is normally a reordering
// that heals within a block, or a client retrying within seconds; 20
// blocks is 10-20 s on a busy chain (a mempool that is not empty makes a
// block every timeout_commit), and 60 s of block time bounds the wait on a
// chain with slow blocks.
func DefaultMempoolLimits() MempoolLimits {
	return MempoolLimits{Size: 50_000, Window: 32, PerAccount: 256, DepartmentPercent: 50, NearlyFullPercent: 75,
		TTLBlocks: 20, TTL: 60 * time.Second}
}

// withDefaults fills the zero fields from DefaultMempoolLimits.
func (l MempoolLimits) withDefaults() MempoolLimits {
	d := DefaultMempoolLimits()
	if l.Size <= 0 {
		l.Size = d.Size
	}
	if l.Window == 0 {
		l.Window = d.Window
	}
	if l.PerAccount <= 0 {
		l.PerAccount = d.PerAccount
	}
	if l.DepartmentPercent <= 0 {
		l.DepartmentPercent = d.DepartmentPercent
	}
	if l.NearlyFullPercent <= 0 {
		l.NearlyFullPercent = d.NearlyFullPercent
	}
	if l.TTLBlocks <= 0 {
		l.TTLBlocks = d.TTLBlocks
	}
	if l.TTL <= 0 {
		l.TTL = d.TTL
	}
	return l
}

func (l MempoolLimits) departmentCap() int { return max(1, l.Size*l.DepartmentPercent/100) }

func (l MempoolLimits) nearlyFull() int { return max(1, l.Size*l.NearlyFullPercent/100) }

// mempoolBook is CheckTx's account of what the mempool holds since the last
// commit: per account the pending sequences and their count, per
// department the count, the total, and when each tx was admitted.
//
// Transactions of one account can reach a node out of order: CometBFT
// checks gossiped txs from each peer on its own goroutine and inserts them
// into the mempool list after the app has answered, so the list order can
// differ from the check order. So CheckTx admits any sequence from the
// account's lowest missing one up to Window ahead that is not already
// pending, and PrepareProposal puts each account's txs into sequence order
// and leaves out what cannot execute yet. Execution stays strict.
//
// The book is rebuilt at every commit, and so stays what the mempool
// holds: Commit starts an empty book (resetCheck) and CometBFT, under its
// mempool lock, then drops the block's txs from the mempool and rechecks
// every remaining tx in mempool order (mempool.recheck, which node
// requires) before any new tx is checked. A recheck re-enters the tx into
// the book, or refuses it (a used sequence, an expired gap), which removes
// it from the mempool. Limits are not applied again on recheck: a tx
// passed them on admission and what remains is a subset of what was there.
// The only drift is a tx admitted here that CometBFT then does not insert
// (its own size limit, raced by another tx): counted until the next commit.
type mempoolBook struct {
	limits   MempoolLimits
	height   int64     // the committed block the book sits on
	time     time.Time // its block time
	accounts map[string]*accountPending
	depts    map[string]int
	total    int
	admitted map[[32]byte]admission // txs in the book
	earlier  map[[32]byte]admission // the previous book's, read by rechecks
	// earlierAccounts is the previous book's per-account view: a recheck
	// asks it whether a tx's gap was filled by a tx the mempool still
	// holds but rechecks later in this pass.
	earlierAccounts map[string]*accountPending
}

type accountPending struct {
	next  uint64          // lowest sequence not pending (all below it are)
	ahead map[uint64]bool // pending sequences above next
	count int
	dept  string
}

// admission is when a tx entered the mempool: the last committed block
// then.
type admission struct {
	height int64
	time   time.Time
}

// newMempoolBook starts a book over the block committed at height, carrying
// over the previous book's admissions for the rechecks.
func newMempoolBook(l MempoolLimits, height int64, t time.Time, prev *mempoolBook) *mempoolBook {
	b := &mempoolBook{limits: l, height: height, time: t, accounts: map[string]*accountPending{}, depts: map[string]int{},
		admitted: map[[32]byte]admission{}}
	if prev != nil {
		b.earlier, b.earlierAccounts = prev.admitted, prev.accounts
	}
	return b
}

// admit enters a tx (hash h, signer acct, sequence seq) into the book, or
// refuses it. A first check applies the window and the limits; a recheck
// applies only validity and expiry.
func (b *mempoolBook) admit(acct *module.Account, seq uint64, h [32]byte, recheck bool) *module.Error {
	s := b.accounts[acct.Address]
	if s == nil {
		s = &accountPending{next: acct.Sequence, dept: acct.Department}
		b.accounts[acct.Address] = s
	}
	switch {
	case seq < acct.Sequence:
		return ErrBadSequence.Wrapf("account %s is at sequence %d, tx has %d (already used)", acct.Address, acct.Sequence, seq)
	case seq < s.next || s.ahead[seq]:
		return ErrBadSequence.Wrapf("account %s already has a pending tx with sequence %d", acct.Address, seq)
	}
	when := admission{b.height, b.time}
	if recheck {
		if a, ok := b.earlier[h]; ok {
			when = a
		}
		if seq != s.next && b.expired(when) && !b.filledBefore(acct.Address, seq) {
			return ErrGapExpired.Wrapf("account %s: sequence %d waited from height %d to %d for sequence %d (at most %d blocks or %s)",
				acct.Address, seq, when.height, b.height, s.next, b.limits.TTLBlocks, b.limits.TTL)
		}
	} else if e := b.limit(acct, s, seq); e != nil {
		return e
	}
	b.record(s, seq)
	b.admitted[h] = when
	return nil
}

// limit applies the window and the shares to a tx seen for the first time.
func (b *mempoolBook) limit(acct *module.Account, s *accountPending, seq uint64) *module.Error {
	l := b.limits
	if seq >= s.next+l.Window {
		return ErrSequenceGap.Wrapf("account %s misses sequence %d; a tx may be at most %d ahead of it, tx has %d", acct.Address, s.next, l.Window-1, seq)
	}
	if s.count >= l.PerAccount {
		return ErrAccountPending.Wrapf("account %s has %d pending txs (at most %d); resubmit after the next block", acct.Address, s.count, l.PerAccount)
	}
	// An account's first pending tx is admitted whatever its department
	// holds: however many of a department's accounts flood the mempool,
	// each of its other accounts still gets a tx in (CometBFT's own size
	// limit still applies).
	first := s.count == 0
	held := b.depts[s.dept]
	if share := b.departmentShare(s.dept); held >= share && !first {
		return ErrDepartmentShare.Wrapf("department %q's accounts have %d pending txs (its share: %d of %d, at most %d%%, less while other departments are waiting); resubmit after the next block",
			s.dept, held, share, l.Size, l.DepartmentPercent)
	}
	if b.total >= l.nearlyFull() && held > 0 && held >= b.largestDepartment() && !first {
		return ErrMempoolBusy.Wrapf("the mempool holds %d txs (%d%% of %d) and department %q holds the most (%d); retry after the next block",
			b.total, l.NearlyFullPercent, l.Size, s.dept, held)
	}
	return nil
}

// departmentShare is what department dept may hold: DepartmentPercent of
// the mempool, and no more than an equal share with room for one more,
// Size/(n+1) where n counts the departments holding pending txs (dept
// included). So departments at their shares never fill the mempool: a
// department that has nothing pending always finds a free part.
func (b *mempoolBook) departmentShare(dept string) int {
	n := 0
	for d, c := range b.depts {
		if c > 0 || d == dept {
			n++
		}
	}
	if b.depts[dept] == 0 {
		if _, ok := b.depts[dept]; !ok {
			n++
		}
	}
	return max(1, min(b.limits.departmentCap(), b.limits.Size/(n+1)))
}

func (b *mempoolBook) largestDepartment() int {
	m := 0
	for _, n := range b.depts {
		m = max(m, n)
	}
	return m
}

// filledBefore reports whether, in the previous book, every sequence
// below seq was pending or committed: then the tx has no gap, only a
// predecessor that the mempool rechecks after it in this pass (rechecks
// run in mempool order, which can differ from sequence order), and it must
// not expire for a gap that is filled.
func (b *mempoolBook) filledBefore(addr string, seq uint64) bool {
	p := b.earlierAccounts[addr]
	return p != nil && p.next > seq
}

func (b *mempoolBook) expired(a admission) bool {
	return b.height-a.height >= b.limits.TTLBlocks || b.time.Sub(a.time) >= b.limits.TTL
}

// record counts seq as pending for s.
func (b *mempoolBook) record(s *accountPending, seq uint64) {
	if seq == s.next {
		s.next++
		for s.ahead[s.next] {
			delete(s.ahead, s.next)
			s.next++
		}
	} else {
		if s.ahead == nil {
			s.ahead = map[uint64]bool{}
		}
		s.ahead[seq] = true
	}
	s.count++
	b.depts[s.dept]++
	b.total++
}

// MempoolPending is what CheckTx counts as pending since the last commit
// (for tests and diagnostics): the total and per department.
func (a *App) MempoolPending() (total int, byDepartment map[string]int) {
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	byDepartment = make(map[string]int, len(a.book.depts))
	for d, n := range a.book.depts {
		byDepartment[d] = n
	}
	return a.book.total, byDepartment
}

// PrepareProposal orders each account's txs by sequence and keeps only
// those that continue the account's committed sequence without a gap (the
// rest stay in the mempool for a later block). Accounts appear in the order
// of their first tx in the mempool. Only the proposer runs this; validators
// execute whatever the block holds.
func (a *App) PrepareProposal(_ context.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
	if a.opts.Noop {
		return a.BaseApplication.PrepareProposal(context.Background(), req)
	}
	type item struct {
		raw []byte
		seq uint64
	}
	bySigner := map[string][]item{}
	var order []string
	for _, raw := range req.Txs {
		t, err := tx.Decode(raw)
		if err != nil {
			continue // cannot execute; CheckTx keeps such txs out anyway
		}
		s := t.Body.Signer
		if _, seen := bySigner[s]; !seen {
			order = append(order, s)
		}
		bySigner[s] = append(bySigner[s], item{raw, t.Body.Sequence})
	}
	get := a.committedGetter(a.LastCommitted().Height)
	kv := prefixReader{g: get}
	var out [][]byte
	var size int64
	for _, s := range order {
		acct, e := a.lookupAccount(kv, s)
		if e != nil {
			continue
		}
		items := bySigner[s]
		sort.SliceStable(items, func(i, j int) bool { return items[i].seq < items[j].seq })
		next := acct.Sequence
		for _, it := range items {
			if it.seq != next {
				if it.seq < next {
					continue // a duplicate of a sequence already placed
				}
				break // a gap: wait for the missing tx
			}
			if size+int64(len(it.raw)) > req.MaxTxBytes {
				return &abci.ResponsePrepareProposal{Txs: out}, nil
			}
			size += int64(len(it.raw))
			out = append(out, it.raw)
			next++
		}
	}
	return &abci.ResponsePrepareProposal{Txs: out}, nil
}
