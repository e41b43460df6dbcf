package app

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/cockroachdb/pebble"
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/ledger/logdb"
	"github.com/govchain/govchain/store"
)

// ErrNoHeight reports a height that is not committed (or not kept).
var ErrNoHeight = errors.New("app: height not available")

// ChainID is the chain's id (empty before genesis).
func (a *App) ChainID() string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.chainID
}

// LastCommitted returns the metadata of the last committed height (-1
// before genesis).
func (a *App) LastCommitted() Meta {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.committed
}

// MetaAt returns the metadata recorded at height.
func (a *App) MetaAt(height int64) (Meta, error) {
	if height < 0 || height > a.LastCommitted().Height {
		return Meta{}, fmt.Errorf("%w: %d", ErrNoHeight, height)
	}
	b, closer, err := a.db.Get(binary.BigEndian.AppendUint64([]byte(pfxHeight), uint64(height)))
	if errors.Is(err, pebble.ErrNotFound) {
		return Meta{}, fmt.Errorf("%w: %d", ErrNoHeight, height)
	}
	if err != nil {
		return Meta{}, err
	}
	defer closer.Close()
	var m Meta
	return m, codec.Unmarshal(b, &m)
}

// ValidatorChanges lists the heights up to upTo at which a validator set
// other than the previous height's began to sign (height 1 not included).
func (a *App) ValidatorChanges(upTo int64) ([]int64, error) {
	it, err := a.db.NewIter(&pebble.IterOptions{LowerBound: []byte(pfxValChange), UpperBound: []byte("a/vc0")})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []int64
	for ok := it.First(); ok; ok = it.Next() {
		h := int64(binary.BigEndian.Uint64(it.Key()[len(pfxValChange):]))
		if h > upTo {
			break
		}
		out = append(out, h)
	}
	return out, it.Error()
}

// Log is the record log (read-only use).
func (a *App) Log() *logdb.Log { return a.log }

// Get reads a state key at height (latest when height < 0).
func (a *App) Get(key []byte, height int64) ([]byte, bool, error) {
	h, err := a.Resolve(height)
	if err != nil {
		return nil, false, err
	}
	return a.tree.Get(key, uint64(h))
}

// Prove returns key's value (nil when absent) and a proof against the state
// root at height (latest when height < 0), with that height's metadata.
func (a *App) Prove(key []byte, height int64) ([]byte, *store.Proof, Meta, error) {
	h, err := a.Resolve(height)
	if err != nil {
		return nil, nil, Meta{}, err
	}
	m, err := a.MetaAt(h)
	if err != nil {
		return nil, nil, Meta{}, err
	}
	p, v, err := a.tree.Prove(key, uint64(h))
	return v, p, m, err
}

// Resolve turns a height to read at into a committed height (the latest
// when height < 0), or ErrNoHeight.
func (a *App) Resolve(height int64) (int64, error) {
	last := a.LastCommitted().Height
	if last < 0 {
		return 0, fmt.Errorf("%w: no genesis yet", ErrNoHeight)
	}
	if height < 0 {
		return last, nil
	}
	if height > last {
		return 0, fmt.Errorf("%w: %d is above the latest %d", ErrNoHeight, height, last)
	}
	if height < last {
		if err := a.tree.CheckVersion(uint64(height)); err != nil {
			return 0, err
		}
	}
	return height, nil
}

// Iterate lists the committed keys under prefix at height (latest when
// height < 0), in key order, while fn returns true.
func (a *App) Iterate(prefix string, height int64, fn func(key, value []byte) bool) error {
	h, err := a.Resolve(height)
	if err != nil {
		return err
	}
	return a.tree.Iterate([]byte(prefix), uint64(h), fn)
}

// IterateAfter is Iterate from the first key after the key after ("":
// from the start): it seeks there, so a page costs the same wherever it starts.
func (a *App) IterateAfter(prefix, after string, height int64, fn func(key, value []byte) bool) error {
	h, err := a.Resolve(height)
	if err != nil {
		return err
	}
	var start []byte
	if after != "" {
		start = []byte(after)
	}
	return a.tree.IterateAfter([]byte(prefix), start, uint64(h), fn)
}

// Query answers ABCI queries: path "/state" with the key in Data returns the
// value at Height (0 = latest), with a JSON store proof in ProofOps when
// Prove is set.
func (a *App) Query(_ context.Context, req *abci.RequestQuery) (*abci.ResponseQuery, error) {
	if req.Path != "/state" {
		return &abci.ResponseQuery{Code: ErrUnknownQuery.Code, Codespace: ErrUnknownQuery.Codespace, Log: ErrUnknownQuery.Wrapf("%s (only /state)", strconv.Quote(req.Path)).Error()}, nil
	}
	h := req.Height
	if h == 0 {
		h = -1
	}
	if !req.Prove {
		v, ok, err := a.Get(req.Data, h)
		if err != nil {
			return &abci.ResponseQuery{Code: module.ErrInvalidField.Code, Log: err.Error()}, nil
		}
		if !ok {
			v = nil
		}
		return &abci.ResponseQuery{Key: req.Data, Value: v, Height: max(h, a.LastCommitted().Height)}, nil
	}
	v, p, m, err := a.Prove(req.Data, h)
	if err != nil {
		return &abci.ResponseQuery{Code: module.ErrInvalidField.Code, Log: err.Error()}, nil
	}
	pj, _ := json.Marshal(p)
	return &abci.ResponseQuery{Key: req.Data, Value: v, Height: m.Height, Info: string(pj)}, nil
}
