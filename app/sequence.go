package app

import (
	"context"
	"sort"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/tx"
)

// MaxSequenceAhead is how far beyond an account's committed sequence the
// mempool accepts a transaction.
const MaxSequenceAhead = 10_000

// pendingSequences tracks, per account, which sequence numbers the mempool
// holds since the last commit.
//
// Transactions of one account can reach a node out of order: CometBFT
// checks gossiped txs from each peer on its own goroutine and inserts them
// into the mempool list after the app has answered, so the list order can
// differ from the check order. So CheckTx admits any sequence from the
// committed one up to MaxSequenceAhead that is not already pending, and
// PrepareProposal puts each account's txs into sequence order and leaves
// out what cannot execute yet. Execution stays strict.
type pendingSequences map[string]*accountSequences

type accountSequences struct {
	next  uint64          // lowest sequence not pending (all below it are)
	ahead map[uint64]bool // pending sequences above next
}

// admit records seq for acct, or refuses a sequence already used or
// pending, or too far ahead.
func (p pendingSequences) admit(acct *module.Account, seq uint64) *module.Error {
	s := p[acct.Address]
	if s == nil {
		s = &accountSequences{next: acct.Sequence}
		p[acct.Address] = s
	}
	switch {
	case seq < acct.Sequence:
		return ErrBadSequence.Wrapf("account %s is at sequence %d, tx has %d (already used)", acct.Address, acct.Sequence, seq)
	case seq < s.next || s.ahead[seq]:
		return ErrBadSequence.Wrapf("account %s already has a pending tx with sequence %d", acct.Address, seq)
	case seq >= acct.Sequence+MaxSequenceAhead:
		return ErrBadSequence.Wrapf("account %s is at sequence %d, tx has %d (more than %d ahead)", acct.Address, acct.Sequence, seq, MaxSequenceAhead)
	case seq == s.next:
		s.next++
		for s.ahead[s.next] {
			delete(s.ahead, s.next)
			s.next++
		}
	default:
		if s.ahead == nil {
			s.ahead = map[uint64]bool{}
		}
		s.ahead[seq] = true
	}
	return nil
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
