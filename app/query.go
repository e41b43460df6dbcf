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
	"github.com/govchain/govchain/x/identity"
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
	h, err := a.resolve(height)
	if err != nil {
		return nil, false, err
	}
	return a.tree.Get(key, uint64(h))
}

// Prove returns key's value (nil when absent) and a proof against the state
// root at height (latest when height < 0), with that height's metadata.
func (a *App) Prove(key []byte, height int64) ([]byte, *store.Proof, Meta, error) {
	h, err := a.resolve(height)
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

func (a *App) resolve(height int64) (int64, error) {
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
	return height, nil
}

// Iterate lists committed keys under prefix at the latest height.
func (a *App) Iterate(prefix string, fn func(key, value []byte) bool) error {
	last := a.LastCommitted().Height
	if last < 0 {
		return nil
	}
	return a.tree.Iterate([]byte(prefix), uint64(last), fn)
}

func (a *App) latestIdentity() module.Reader {
	return prefixReader{g: a.committedGetter(a.LastCommitted().Height), prefix: identity.Name + "/"}
}

// Account reads an account at the latest height.
func (a *App) Account(addr string) (*identity.Account, error) {
	return identity.GetAccount(a.latestIdentity(), addr)
}

// Department reads a department at the latest height.
func (a *App) Department(id string) (*identity.Department, error) {
	return identity.GetDepartment(a.latestIdentity(), id)
}

// Params returns the identity parameters and counters.
func (a *App) Params() (*identity.Params, *identity.Meta, error) {
	r := a.latestIdentity()
	p, err := identity.GetParams(r)
	if err != nil {
		return nil, nil, err
	}
	m, err := identity.GetMeta(r)
	return p, m, err
}

// Proposal reads a proposal.
func (a *App) Proposal(id uint64) (*identity.Proposal, error) {
	return identity.GetProposal(a.latestIdentity(), id)
}

// List decodes every record under an identity prefix into new values of T.
func List[T any](a *App, prefix string, limit int) ([]T, error) {
	_, out, err := ListState[T](a, identity.Name+"/"+prefix, limit)
	return out, err
}

// ListState decodes the records under a full state prefix (latest height),
// with their keys.
func ListState[T any](a *App, prefix string, limit int) ([]string, []T, error) {
	var keys []string
	var out []T
	var ierr error
	err := a.Iterate(prefix, func(k, v []byte) bool {
		var t T
		if ierr = codec.Unmarshal(v, &t); ierr != nil {
			return false
		}
		keys, out = append(keys, string(k)), append(out, t)
		return limit <= 0 || len(out) < limit
	})
	if err == nil {
		err = ierr
	}
	return keys, out, err
}

// Keys lists the keys under a full state prefix (latest height).
func (a *App) Keys(prefix string, limit int) ([]string, error) {
	var keys []string
	err := a.Iterate(prefix, func(k, _ []byte) bool {
		keys = append(keys, string(k))
		return limit <= 0 || len(keys) < limit
	})
	return keys, err
}

// Members lists the addresses of a department's accounts.
func (a *App) Members(dept string, limit int) ([]string, error) {
	p := identity.Name + "/" + identity.MemberPrefix(dept)
	var out []string
	err := a.Iterate(p, func(k, _ []byte) bool {
		out = append(out, string(k[len(p):]))
		return limit <= 0 || len(out) < limit
	})
	return out, err
}

// Query answers ABCI queries: path "/state" with the key in Data returns the
// value at Height (0 = latest), with a JSON store proof in ProofOps when
// Prove is set.
func (a *App) Query(_ context.Context, req *abci.RequestQuery) (*abci.ResponseQuery, error) {
	if req.Path != "/state" {
		return &abci.ResponseQuery{Code: ErrUnknownMsgType.Code, Log: "unknown query path " + strconv.Quote(req.Path)}, nil
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
