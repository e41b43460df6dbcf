package app

import (
	"context"
	"encoding/binary"
	"fmt"
	"runtime"
	"sync"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/ledger/logdb"
	"github.com/govchain/govchain/tx"
)

// FinalizeBlock executes a decided block and stages its writes; Commit
// persists them.
func (a *App) FinalizeBlock(_ context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	a.mu.RLock()
	chainID, prev := a.chainID, a.committed
	a.mu.RUnlock()
	if req.Height != prev.Height+1 {
		return nil, fmt.Errorf("app: asked to finalize height %d after %d", req.Height, prev.Height)
	}
	a.gate.setExecuting(true) // until Commit
	if a.opts.Noop {
		return a.finalizeNoop(req, prev), nil
	}
	br, err := a.tree.NewReader(uint64(max(prev.Height, 0)))
	if err != nil {
		return nil, err
	}
	defer br.Close()
	block := newCache(readerGetter(br))
	// Record the validators that signed the last block (once each): a
	// key with power that has never signed may belong to no running node
	// (module.Context.HasSigned).
	for _, v := range req.DecidedLastCommit.Votes {
		if v.BlockIdFlag != cmtproto.BlockIDFlagCommit {
			continue
		}
		k := []byte(module.SignedKey(v.Validator.Address))
		if _, ok := block.Get(k); !ok {
			block.Set(k, []byte{1})
		}
	}

	// Decode and verify in parallel (pure work), then execute in order.
	type decoded struct {
		t    *tx.Tx
		hash [32]byte
		err  error
	}
	ds := make([]decoded, len(req.Txs))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(req.Txs); i += workers {
				t, h, err := a.decodeVerify(req.Txs[i], chainID)
				ds[i] = decoded{t, h, err}
			}
		}(w)
	}
	wg.Wait()

	resp := &abci.ResponseFinalizeBlock{TxResults: make([]*abci.ExecTxResult, len(req.Txs))}
	recs := make([]logdb.Record, len(req.Txs))
	outs := make([]TxOutcome, len(req.Txs))
	var valUpdates []module.ValidatorUpdate
	for i, d := range ds {
		var res *abci.ExecTxResult
		var events []ledger.Event
		if d.err != nil {
			e := txError(d.err)
			res = &abci.ExecTxResult{Code: e.Code, Codespace: e.Codespace, Log: e.Error()}
		} else {
			var ups []module.ValidatorUpdate
			res, events, ups = a.deliver(block, d.t, req, chainID)
			valUpdates = append(valUpdates, ups...)
		}
		res.Events = abciEvents(events)
		resp.TxResults[i] = res
		recs[i] = logdb.Record{
			Entry:  ledger.Entry{TxHash: d.hash[:], Height: uint64(req.Height), Code: res.Code, EventsHash: a.hasher.EventsHash(events)},
			Detail: ledger.Detail{Tx: req.Txs[i], TxIndex: uint32(i), Log: res.Log, Events: events},
		}
		outs[i] = TxOutcome{Hash: d.hash, Height: req.Height, Code: res.Code, Log: res.Log, LogIndex: prev.LogSize + uint64(i)}
	}
	resp.ValidatorUpdates = abciValidatorUpdates(valUpdates)

	// Sized like the last block's per tx, so that a big block's batch is
	// not copied over and over as it grows.
	b := a.db.NewBatchWithSize(min(len(req.Txs)*int(a.batchPerTx.Load()), 256<<20))
	root, err := a.tree.Apply(b, uint64(req.Height), block.changes())
	if err != nil {
		return nil, fmt.Errorf("app: state at height %d: %w", req.Height, err)
	}
	size, logRoot, err := a.log.Append(b, recs)
	if err != nil {
		return nil, fmt.Errorf("app: log at height %d: %w", req.Height, err)
	}
	m := Meta{Height: req.Height, StateRoot: root[:], LogRoot: logRoot, LogSize: size,
		AppHash: a.hasher.AppHash(root[:], logRoot, size), Time: req.Time.UnixNano()}
	a.writeMeta(b, m)
	if len(resp.ValidatorUpdates) > 0 {
		// CometBFT applies updates returned at height h from height h+2.
		b.Set(binary.BigEndian.AppendUint64([]byte(pfxValChange), uint64(req.Height+2)), nil, nil)
	}
	if len(req.Txs) > 0 {
		a.batchPerTx.Store(int64(len(b.Repr()) / len(req.Txs)))
	}
	resp.AppHash = m.AppHash
	a.mu.Lock()
	a.pending = &pendingBlock{batch: b, meta: m, txs: outs, time: req.Time}
	a.mu.Unlock()
	return resp, nil
}

func (a *App) finalizeNoop(req *abci.RequestFinalizeBlock, prev Meta) *abci.ResponseFinalizeBlock {
	resp := &abci.ResponseFinalizeBlock{TxResults: make([]*abci.ExecTxResult, len(req.Txs)), AppHash: prev.AppHash}
	outs := make([]TxOutcome, len(req.Txs))
	for i, raw := range req.Txs {
		resp.TxResults[i] = &abci.ExecTxResult{}
		outs[i] = TxOutcome{Hash: a.TxHash(raw), Height: req.Height}
	}
	m := prev
	m.Height, m.Time = req.Height, req.Time.UnixNano()
	b := a.db.NewBatch()
	a.writeMeta(b, m)
	a.mu.Lock()
	a.pending = &pendingBlock{batch: b, meta: m, txs: outs, time: req.Time}
	a.mu.Unlock()
	return resp
}

// deliver executes one authenticated transaction against the block overlay.
// Authentication failures change nothing; once authenticated, the sequence
// advances even if a message fails, so a failed tx cannot be replayed.
func (a *App) deliver(block *cache, t *tx.Tx, req *abci.RequestFinalizeBlock, chainID string) (res *abci.ExecTxResult, events []ledger.Event, ups []module.ValidatorUpdate) {
	acct, e := a.authenticate(block, t)
	if e != nil {
		return &abci.ExecTxResult{Code: e.Code, Codespace: e.Codespace, Log: e.Error()}, nil, nil
	}
	txc := newCache(block.Get)
	a.accounts.BumpSequence(prefixKV{txc, a.acctPfx}, acct)
	msgs := newCache(txc.Get)
	ctx := module.NewContext(chainID, req.Height, req.Time, acct.Signer, msgs).WithDefinedRoles(a.roles)
	if err := a.runMsgs(ctx, t); err != nil {
		txc.writeTo(block)
		return &abci.ExecTxResult{Code: err.Code, Codespace: err.Codespace, Log: err.Error()}, nil, nil
	}
	msgs.writeTo(txc)
	txc.writeTo(block)
	return &abci.ExecTxResult{Code: 0}, ctx.Events(), ctx.ValidatorUpdates()
}

func (a *App) runMsgs(ctx *module.Context, t *tx.Tx) (merr *module.Error) {
	defer func() {
		if r := recover(); r != nil {
			if sf, ok := r.(storeFailure); ok {
				panic(sf) // not deterministic: stop the node
			}
			if e, ok := r.(*module.Error); ok {
				merr = e
				return
			}
			a.opts.Logf("panic executing tx: %v", r)
			merr = module.ErrInternal
		}
	}()
	for i, m := range t.Body.Msgs {
		r := a.routes[m.Type]
		if err := r.Handler(ctx.WithModule(r.Module), m.Body); err != nil {
			e := module.AsError(err)
			if e == module.ErrInternal {
				a.opts.Logf("internal error in %s: %v", m.Type, err)
			}
			if len(t.Body.Msgs) > 1 {
				if e.Detail() == "" {
					return e.Wrapf("message %d (%s)", i, m.Type)
				}
				return e.Wrapf("message %d (%s): %s", i, m.Type, e.Detail())
			}
			return e
		}
	}
	return nil
}

func abciEvents(evs []ledger.Event) []abci.Event {
	out := make([]abci.Event, len(evs))
	for i, e := range evs {
		out[i].Type = e.Type
		for _, at := range e.Attrs {
			out[i].Attributes = append(out[i].Attributes, abci.EventAttribute{Key: at.Key, Value: at.Value})
		}
	}
	return out
}

// abciValidatorUpdates keeps the last update per key, in first-seen order.
func abciValidatorUpdates(ups []module.ValidatorUpdate) []abci.ValidatorUpdate {
	last := map[string]int64{}
	var order []string
	for _, u := range ups {
		if _, seen := last[string(u.PubKey)]; !seen {
			order = append(order, string(u.PubKey))
		}
		last[string(u.PubKey)] = u.Power
	}
	out := make([]abci.ValidatorUpdate, len(order))
	for i, k := range order {
		out[i] = abci.Ed25519ValidatorUpdate([]byte(k), last[k])
	}
	return out
}
