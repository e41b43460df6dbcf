// Package app is govchain's ABCI application: it decodes and authenticates
// transactions, routes each message to its module, keeps the authenticated
// state (store) and the record log (ledger), and commits both atomically in
// one Pebble batch per block.
//
// It holds no domain logic. Execution is deterministic: no wall clock, no
// randomness, no map order in outputs; the only goroutines check signatures
// and their results are used in block order. It must not import api, node,
// net/http or CometBFT's node packages.
package app

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble"
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/ledger/logdb"
	"github.com/govchain/govchain/store"
	"github.com/govchain/govchain/store/treedb"
	"github.com/govchain/govchain/tx"
)

var _ abci.Application = (*App)(nil)

// Options configure an App.
type Options struct {
	// KeepRecent keeps this many recent state versions provable; 0 keeps
	// every version.
	KeepRecent uint64
	// OnCommit, if set, is called after each block is durably committed
	// (outside the state machine: for waiters, metrics, events).
	OnCommit func(CommittedBlock)
	// Logf logs what operators should see; nil discards.
	Logf func(format string, args ...any)
	// HashSuite names the chain's hash suite (genesis app_state.hash_suite;
	// "" is sha256). The database remembers it and refuses another.
	HashSuite string
	// Noop accepts every transaction and executes nothing: no decoding,
	// signatures, state or log. Only `govchain bench --noop` uses it, to
	// measure the consensus engine's own cost with the same configuration.
	Noop bool
	// Mempool bounds what an account and a department may hold in the
	// mempool (zero fields: DefaultMempoolLimits).
	Mempool MempoolLimits
	// Modules are the chain's modules (node.Modules). Exactly one of them
	// keeps the accounts (module.Accounts).
	Modules []module.Module
}

// CommittedBlock describes a block after Commit.
type CommittedBlock struct {
	Height  int64
	Time    time.Time
	AppHash []byte
	Txs     []TxOutcome
}

// TxOutcome is one transaction's result.
type TxOutcome struct {
	Hash     [32]byte
	Height   int64
	Code     uint32
	Log      string
	LogIndex uint64
}

// Meta is what the app records for every committed height.
type Meta struct {
	Height    int64  `cbor:"1,keyasint,omitempty" json:"height"`
	AppHash   []byte `cbor:"2,keyasint" json:"app_hash"`
	StateRoot []byte `cbor:"3,keyasint" json:"state_root"`
	LogRoot   []byte `cbor:"4,keyasint" json:"log_root"`
	LogSize   uint64 `cbor:"5,keyasint,omitempty" json:"log_size"`
	Time      int64  `cbor:"6,keyasint,omitempty" json:"time_unix_nano"`
}

const (
	keyMeta    = "a/meta"
	pfxHeight  = "a/h/"
	keyChainID = "a/chain"
	keySuite   = "a/suite"
	// pfxValChange lists the heights from which a new validator set signs
	// (local bookkeeping for proofs, not part of the state).
	pfxValChange = "a/vc/"
	appVersion   = 1
	sigCacheMax  = 200_000
)

// App is the ABCI application.
type App struct {
	abci.BaseApplication

	gate *IngestGate // the API's submissions pass it; narrower while a block executes

	db       *pebble.DB
	suite    crypto.Suite
	hasher   ledger.Hasher // the suite in the log's RFC 6962 structure; also events and app hash
	tree     *treedb.Tree
	log      *logdb.Log
	opts     Options
	modules  []module.Module
	routes   map[string]module.Route
	roles    []module.Role // every role the modules define, sorted by name
	accounts module.Accounts
	acctPfx  string // the accounts module's state prefix

	mu        sync.RWMutex
	chainID   string
	committed Meta
	pending   *pendingBlock
	// batchPerTx is the last block's batch size per tx (FinalizeBlock
	// sizes the next batch from it).
	batchPerTx atomic.Int64
	// prechecks: some route has a CheckTx precheck (module.Route.Precheck).
	prechecks bool
	// Block execution's signature cache hits and misses (SigCacheStats).
	blockSigHits, blockSigMisses atomic.Uint64

	checkMu     sync.Mutex
	check       *cache
	checkReader *treedb.Reader
	book        *mempoolBook

	sigMu    sync.Mutex
	sigCache map[[32]byte]*tx.Tx // verified txs by hash, decoded
}

type pendingBlock struct {
	batch *pebble.Batch
	meta  Meta
	txs   []TxOutcome
	time  time.Time
}

// New opens the application over db.
func New(db *pebble.DB, opts Options) (*App, error) {
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	suite, err := crypto.SuiteByName(opts.HashSuite)
	if err != nil {
		return nil, err
	}
	if b, closer, err := db.Get([]byte(keySuite)); err == nil {
		stored := string(b)
		closer.Close()
		if stored != suite.Name {
			return nil, fmt.Errorf("app: the database was built with hash suite %s, genesis says %s", stored, suite.Name)
		}
	}
	hasher := ledger.NewHasher(suite.Name, suite.Sum)
	l, err := logdb.OpenWithHasher(db, hasher)
	if err != nil {
		return nil, err
	}
	a := &App{db: db, suite: suite, hasher: hasher, tree: treedb.NewTreeWithHasher(db, store.NewHasher(suite.Name, suite.Sum)), log: l,
		opts: opts, routes: map[string]module.Route{}, sigCache: map[[32]byte]*tx.Tx{}, gate: newIngestGate()}
	if err := a.mount(opts.Modules); err != nil {
		return nil, err
	}
	var m Meta
	if b, closer, err := db.Get([]byte(keyMeta)); err == nil {
		err = codec.Unmarshal(b, &m)
		closer.Close()
		if err != nil {
			return nil, fmt.Errorf("app: corrupt metadata: %w", err)
		}
		m.Height = max(m.Height, 0)
	} else if !errors.Is(err, pebble.ErrNotFound) {
		return nil, err
	} else {
		m.Height = -1 // nothing, not even genesis
	}
	if m.Height >= 0 {
		// The tree's storage format is checked here, at start, rather than
		// at the first block or query.
		if _, err := a.tree.Root(uint64(m.Height)); errors.Is(err, treedb.ErrOldFormat) {
			return nil, fmt.Errorf("app: %w", err)
		}
	}
	if m.Height >= 0 && m.LogSize != l.Size() {
		return nil, fmt.Errorf("app: metadata says log size %d, log has %d: the data directory is inconsistent", m.LogSize, l.Size())
	}
	if b, closer, err := db.Get([]byte(keyChainID)); err == nil {
		a.chainID = string(b)
		closer.Close()
	}
	a.committed = m
	a.opts.Mempool = opts.Mempool.withDefaults()
	a.resetCheck(m.Height)
	return a, nil
}

// IngestGate is the gate the API's submissions pass, which leaves a core
// to block execution while a block executes.
func (a *App) IngestGate() *IngestGate { return a.gate }

// moduleName is what a module may be called: its name is a state prefix,
// a message type prefix and a path segment under /v1/.
var moduleName = regexp.MustCompile(`^[a-z][a-z0-9]{1,31}$`)

// reservedNames are the /v1/ path segments and prefixes the chain itself
// uses; a module may not take them.
var reservedNames = map[string]bool{
	"a": true, "app": true, "chain": true, "genesis": true, "anchor": true, "blocks": true, "codes": true, "commitments": true, "events": true,
	"light": true, "log": true, "openapi": true, "roles": true, "state": true, "status": true, "txs": true, "api": true,
}

// mount registers the modules' routes and roles and finds the accounts
// module.
func (a *App) mount(mods []module.Module) error {
	names := map[string]bool{}
	for _, m := range mods {
		if names[m.Name()] || !moduleName.MatchString(m.Name()) || reservedNames[m.Name()] {
			return fmt.Errorf("app: module name %q is taken, reserved or not a lowercase word", m.Name())
		}
		names[m.Name()] = true
		if acc, ok := m.(module.Accounts); ok {
			if a.accounts != nil {
				return fmt.Errorf("app: two modules keep accounts (%s and %s)", a.acctPfx, m.Name())
			}
			a.accounts, a.acctPfx = acc, m.Name()+"/"
		}
		a.roles = append(a.roles, m.Roles()...)
		for _, r := range m.Routes() {
			if _, dup := a.routes[r.Type]; dup {
				return fmt.Errorf("app: message type %q routed twice", r.Type)
			}
			if !strings.HasPrefix(r.Type, m.Name()+".") {
				return fmt.Errorf("app: message type %q of module %s must start with %q", r.Type, m.Name(), m.Name()+".")
			}
			r.Roles, r.Module = module.SortedUnique(r.Roles), m.Name()
			a.routes[r.Type] = r
			a.prechecks = a.prechecks || r.Precheck != nil
		}
	}
	if a.accounts == nil && !a.opts.Noop {
		return errors.New("app: no module keeps accounts (node.Modules must list x/identity)")
	}
	a.roles = module.SortRoles(a.roles)
	a.modules = mods
	return nil
}

// Modules returns the chain's modules (for the API, the CLI and the docs).
func (a *App) Modules() []module.Module { return a.modules }

// DefinedRoles lists every role the modules define.
func (a *App) DefinedRoles() []string { return module.RoleNames(a.roles) }

// Close releases the app's readers; call it before closing the database.
func (a *App) Close() {
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	if a.checkReader != nil {
		a.checkReader.Close()
		a.checkReader = nil
	}
}

// Routes returns every message route (for docs, the API and tests).
func (a *App) Routes() map[string]module.Route { return a.routes }

// committedGetter reads committed state at height (version).
func (a *App) committedGetter(height int64) getter {
	if height < 0 {
		return func([]byte) ([]byte, bool) { return nil, false }
	}
	return func(key []byte) ([]byte, bool) {
		v, ok, err := a.tree.Get(key, uint64(height))
		if err != nil {
			panic(storeFailure{err})
		}
		return v, ok
	}
}

// Info reports the last committed block for CometBFT's handshake.
func (a *App) Info(_ context.Context, _ *abci.RequestInfo) (*abci.ResponseInfo, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	resp := &abci.ResponseInfo{Data: "govchain", Version: "1", AppVersion: appVersion}
	if a.committed.Height > 0 {
		resp.LastBlockHeight = a.committed.Height
		resp.LastBlockAppHash = a.committed.AppHash
	}
	return resp, nil
}

// TxHash is a transaction's id under the chain's hash suite.
func (a *App) TxHash(raw []byte) [32]byte { return a.suite.Sum(raw) }

// HashSuite is the chain's hash suite.
func (a *App) HashSuite() crypto.Suite { return a.suite }

func (a *App) writeMeta(b *pebble.Batch, m Meta) {
	enc := codec.MustMarshal(&m)
	b.Set([]byte(keyMeta), enc, nil)
	b.Set(binary.BigEndian.AppendUint64([]byte(pfxHeight), uint64(m.Height)), enc, nil)
}

// resetCheck starts CheckTx's overlay afresh over the state committed at
// height, read through one iterator (CheckTx runs under checkMu), and a new
// mempool book that CometBFT's rechecks then fill (see mempoolBook).
func (a *App) resetCheck(height int64) {
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	if a.checkReader != nil {
		a.checkReader.Close()
		a.checkReader = nil
	}
	g := a.committedGetter(height)
	if height >= 0 {
		if r, err := a.tree.NewReader(uint64(height)); err == nil {
			a.checkReader = r
			g = readerGetter(r)
		}
	}
	a.check = newCache(g)
	a.book = newMempoolBook(a.opts.Mempool, height, time.Unix(0, a.LastCommitted().Time), a.book)
}

// readerGetter reads through a treedb.Reader; storage errors stop the node.
func readerGetter(r *treedb.Reader) getter {
	return func(key []byte) ([]byte, bool) {
		v, ok, err := r.Get(key)
		if err != nil {
			panic(storeFailure{err})
		}
		return v, ok
	}
}

// Commit writes the staged block durably, then publishes it.
func (a *App) Commit(_ context.Context, _ *abci.RequestCommit) (*abci.ResponseCommit, error) {
	defer a.gate.setExecuting(false)
	a.mu.Lock()
	p := a.pending
	a.pending = nil
	a.mu.Unlock()
	if p == nil {
		return nil, errors.New("app: commit without a finalized block")
	}
	if k := a.opts.KeepRecent; k > 0 && uint64(p.meta.Height) > k {
		if err := a.tree.Prune(p.batch, uint64(p.meta.Height)-k); err != nil {
			return nil, err
		}
	}
	if err := p.batch.Commit(pebble.Sync); err != nil {
		return nil, fmt.Errorf("app: commit height %d: %w", p.meta.Height, err)
	}
	p.batch.Close()
	a.tree.Committed(uint64(p.meta.Height))
	a.log.Commit()
	a.mu.Lock()
	a.committed = p.meta
	a.mu.Unlock()
	a.resetCheck(p.meta.Height)
	if a.opts.OnCommit != nil {
		a.opts.OnCommit(CommittedBlock{Height: p.meta.Height, Time: p.time, AppHash: p.meta.AppHash, Txs: p.txs})
	}
	return &abci.ResponseCommit{}, nil
}
