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
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
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

	db       *pebble.DB
	suite    crypto.Suite
	hasher   ledger.Hasher // the suite in the log's RFC 6962 structure; also events and app hash
	tree     *treedb.Tree
	log      *logdb.Log
	opts     Options
	modules  []module.Module
	routes   map[string]module.Route
	roles    []string // every role the modules define
	accounts module.Accounts
	acctPfx  string // the accounts module's state prefix

	mu        sync.RWMutex
	chainID   string
	committed Meta
	pending   *pendingBlock

	checkMu     sync.Mutex
	check       *cache
	checkReader *treedb.Reader
	seqs        pendingSequences

	sigMu    sync.Mutex
	sigCache map[[32]byte]struct{}
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
		opts: opts, routes: map[string]module.Route{}, sigCache: map[[32]byte]struct{}{}}
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
	if m.Height >= 0 && m.LogSize != l.Size() {
		return nil, fmt.Errorf("app: metadata says log size %d, log has %d: the data directory is inconsistent", m.LogSize, l.Size())
	}
	if b, closer, err := db.Get([]byte(keyChainID)); err == nil {
		a.chainID = string(b)
		closer.Close()
	}
	a.committed = m
	a.resetCheck(m.Height)
	return a, nil
}

// mount registers the modules' routes and roles and finds the accounts
// module.
func (a *App) mount(mods []module.Module) error {
	names := map[string]bool{}
	for _, m := range mods {
		if names[m.Name()] || strings.ContainsAny(m.Name(), "./") || m.Name() == "" {
			return fmt.Errorf("app: module name %q is empty, taken or not a plain word", m.Name())
		}
		names[m.Name()] = true
		if acc, ok := m.(module.Accounts); ok {
			if a.accounts != nil {
				return fmt.Errorf("app: two modules keep accounts (%s and %s)", a.acctPfx, m.Name())
			}
			a.accounts, a.acctPfx = acc, m.Name()+"/"
		}
		a.roles = append(a.roles, module.RoleNames(m.Roles())...)
		for _, r := range m.Routes() {
			if _, dup := a.routes[r.Type]; dup {
				return fmt.Errorf("app: message type %q routed twice", r.Type)
			}
			if !strings.HasPrefix(r.Type, m.Name()+".") {
				return fmt.Errorf("app: message type %q of module %s must start with %q", r.Type, m.Name(), m.Name()+".")
			}
			r.Roles = module.SortedUnique(r.Roles)
			a.routes[r.Type] = r
		}
	}
	if a.accounts == nil && !a.opts.Noop {
		return errors.New("app: no module keeps accounts (node.Modules must list x/identity)")
	}
	a.roles = module.SortedUnique(a.roles)
	a.modules = mods
	return nil
}

// Modules returns the chain's modules (for the API, the CLI and the docs).
func (a *App) Modules() []module.Module { return a.modules }

// DefinedRoles lists every role the modules define.
func (a *App) DefinedRoles() []string { return a.roles }

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

// AppState is the app_state section of genesis.json: one section per
// module, and the chain's hash suite.
type AppState map[string]json.RawMessage

// GenesisHashSuite is the app_state key naming the hash suite ("sha256",
// the default, or "sm3").
const GenesisHashSuite = "hash_suite"

// TxHash is a transaction's id under the chain's hash suite.
func (a *App) TxHash(raw []byte) [32]byte { return a.suite.Sum(raw) }

// HashSuite is the chain's hash suite.
func (a *App) HashSuite() crypto.Suite { return a.suite }

// InitChain writes the genesis state as version 0 and commits it at once
// (running it again after a crash writes the same bytes).
func (a *App) InitChain(_ context.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	var st AppState
	if err := json.Unmarshal(req.AppStateBytes, &st); err != nil {
		return nil, fmt.Errorf("app: genesis app_state: %w", err)
	}
	var suiteName string
	if raw, ok := st[GenesisHashSuite]; ok {
		if err := json.Unmarshal(raw, &suiteName); err != nil {
			return nil, fmt.Errorf("app: genesis %s: %w", GenesisHashSuite, err)
		}
	}
	if gs, err := crypto.SuiteByName(suiteName); err != nil || gs.Name != a.suite.Name {
		return nil, fmt.Errorf("app: genesis names hash suite %q, the node runs %s (%v)", suiteName, a.suite.Name, err)
	}
	c := newCache(func([]byte) ([]byte, bool) { return nil, false })
	ctx := module.NewContext(req.ChainId, 0, req.Time, module.Signer{}, c).WithDefinedRoles(a.roles)
	var updates []module.ValidatorUpdate
	for _, m := range a.modules {
		raw := st[m.Name()]
		if err := m.InitGenesis(ctx.WithModule(m.Name()), raw); err != nil {
			return nil, fmt.Errorf("app: genesis of %s: %w", m.Name(), err)
		}
	}
	updates = ctx.ValidatorUpdates()
	if err := sameValidators(updates, req.Validators); err != nil {
		return nil, err
	}
	b := a.db.NewBatch()
	root, err := a.tree.Apply(b, 0, c.changes())
	if err != nil {
		return nil, err
	}
	_, logRoot, _ := a.log.Root()
	m := Meta{Height: 0, StateRoot: root[:], LogRoot: logRoot, AppHash: a.hasher.AppHash(root[:], logRoot, 0), Time: req.Time.UnixNano()}
	a.writeMeta(b, m)
	b.Set([]byte(keyChainID), []byte(req.ChainId), nil)
	b.Set([]byte(keySuite), []byte(a.suite.Name), nil)
	if err := b.Commit(pebble.Sync); err != nil {
		return nil, err
	}
	a.tree.Committed(0)
	a.mu.Lock()
	a.chainID, a.committed = req.ChainId, m
	a.mu.Unlock()
	a.resetCheck(0)
	return &abci.ResponseInitChain{AppHash: m.AppHash}, nil
}

// sameValidators checks that genesis.json's validators are exactly the
// departments' validators of app_state.
func sameValidators(ours []module.ValidatorUpdate, theirs []abci.ValidatorUpdate) error {
	want := map[string]int64{}
	for _, u := range ours {
		want[string(u.PubKey)] = u.Power
	}
	if len(theirs) != len(want) {
		return fmt.Errorf("app: genesis lists %d validators, departments own %d", len(theirs), len(want))
	}
	for _, v := range theirs {
		pk := v.PubKey.GetEd25519()
		if p, ok := want[string(pk)]; !ok || p != v.Power {
			return fmt.Errorf("app: genesis validator %X (power %d) is not a department's validator with that power", pk, v.Power)
		}
	}
	return nil
}

func (a *App) writeMeta(b *pebble.Batch, m Meta) {
	enc := codec.MustMarshal(&m)
	b.Set([]byte(keyMeta), enc, nil)
	b.Set(binary.BigEndian.AppendUint64([]byte(pfxHeight), uint64(m.Height)), enc, nil)
}

// resetCheck starts CheckTx's overlay afresh over the state committed at
// height, read through one iterator (CheckTx runs under checkMu).
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
	a.seqs = pendingSequences{}
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

// decodeVerify decodes and checks a tx, remembering good signatures by tx
// hash so that rechecks and block execution verify each signature once.
func (a *App) decodeVerify(raw []byte, chainID string) (*tx.Tx, [32]byte, error) {
	h := a.TxHash(raw)
	t, err := tx.Decode(raw)
	if err != nil {
		return nil, h, err
	}
	a.sigMu.Lock()
	_, ok := a.sigCache[h]
	a.sigMu.Unlock()
	if ok {
		if t.Body.ChainID != chainID {
			return nil, h, tx.ErrWrongChain
		}
		return t, h, nil
	}
	if err := t.Verify(chainID); err != nil {
		return nil, h, err
	}
	a.rememberSignature(h)
	return t, h, nil
}

// PreVerify checks the form and signatures of txs outside consensus, as one
// batch (the API calls it on its own goroutines before handing txs to the
// mempool), so that CheckTx, which CometBFT runs one at a time, finds the
// signatures already verified. It is pure: it only fills the signature
// cache, and only with signatures that verify.
func (a *App) PreVerify(raws [][]byte) {
	if a.opts.Noop {
		return
	}
	a.mu.RLock()
	chainID := a.chainID
	a.mu.RUnlock()
	bv := crypto.NewBatchVerifier()
	var hashes [][32]byte
	for _, raw := range raws {
		h := a.TxHash(raw)
		a.sigMu.Lock()
		_, done := a.sigCache[h]
		a.sigMu.Unlock()
		if done {
			continue
		}
		t, err := tx.Decode(raw)
		if err != nil || t.Body.ChainID != chainID {
			continue
		}
		sb, err := tx.SignBytes(&t.Body)
		if err != nil {
			continue
		}
		bv.Add(t.Signature.Algorithm, t.Signature.PublicKey, sb, t.Signature.Sig)
		hashes = append(hashes, h)
	}
	for i, err := range bv.Verify() {
		if err == nil {
			a.rememberSignature(hashes[i])
		}
	}
}

func (a *App) rememberSignature(h [32]byte) {
	a.sigMu.Lock()
	defer a.sigMu.Unlock()
	if len(a.sigCache) >= sigCacheMax {
		clear(a.sigCache)
	}
	a.sigCache[h] = struct{}{}
}

func txError(err error) *module.Error {
	switch {
	case errors.Is(err, tx.ErrTooLarge):
		return ErrTxTooLarge.Wrapf("%v", err)
	case errors.Is(err, tx.ErrWrongChain):
		return ErrWrongChainID.Wrapf("%v", err)
	case errors.Is(err, tx.ErrSignature):
		return ErrBadSignature.Wrapf("%v", err)
	case errors.Is(err, tx.ErrMalformed):
		return ErrMalformedTx.Wrapf("%v", err)
	}
	return module.AsError(err)
}

// authenticate checks the signer against state (kv is the whole state) and
// every message's route and role, and returns the signer's account.
func (a *App) authenticate(kv module.Reader, t *tx.Tx) (*module.Account, *module.Error) {
	acct, e := a.authenticateAnySequence(kv, t)
	if e == nil && t.Body.Sequence != acct.Sequence {
		return nil, ErrBadSequence.Wrapf("account %s expects sequence %d, tx has %d", acct.Address, acct.Sequence, t.Body.Sequence)
	}
	return acct, e
}

// lookupAccount reads an account through the accounts module.
func (a *App) lookupAccount(kv module.Reader, addr string) (*module.Account, *module.Error) {
	acct, err := a.accounts.LookupAccount(prefixReader{g: kv.Get, prefix: a.acctPfx}, addr)
	if err != nil {
		return nil, module.AsError(err)
	}
	if acct == nil {
		return nil, ErrUnknownSigner.Wrapf("%s", addr)
	}
	return acct, nil
}

// authenticateAnySequence is authenticate without the sequence check.
func (a *App) authenticateAnySequence(kv module.Reader, t *tx.Tx) (*module.Account, *module.Error) {
	acct, e := a.lookupAccount(kv, t.Body.Signer)
	if e != nil {
		return nil, e
	}
	if acct.Algorithm != t.Signature.Algorithm || string(acct.PublicKey) != string(t.Signature.PublicKey) {
		return nil, ErrKeyMismatch.Wrapf("account %s", acct.Address)
	}
	if acct.Disabled {
		return nil, ErrSignerDisabled.Wrapf("%s", acct.Address)
	}
	for _, m := range t.Body.Msgs {
		r, ok := a.routes[m.Type]
		if !ok {
			return nil, ErrUnknownMsgType.Wrapf("%q", m.Type)
		}
		if !module.Allowed(r, acct.Signer) {
			return nil, ErrUnauthorized.Wrapf("%s needs one of %v", m.Type, r.Roles)
		}
	}
	return acct, nil
}

type prefixKV struct {
	kv     module.KV
	prefix string
}

func (p prefixKV) Get(k []byte) ([]byte, bool) { return p.kv.Get(append([]byte(p.prefix), k...)) }
func (p prefixKV) Set(k, v []byte)             { p.kv.Set(append([]byte(p.prefix), k...), v) }
func (p prefixKV) Delete(k []byte)             { p.kv.Delete(append([]byte(p.prefix), k...)) }

func errorResponse(e *module.Error) *abci.ResponseCheckTx {
	return &abci.ResponseCheckTx{Code: e.Code, Codespace: e.Codespace, Log: e.Error()}
}

// CheckTx admits to the mempool only transactions that can execute now:
// well-formed, signed for this chain by the account's current key, with the
// next sequence number, and each message allowed to the signer.
func (a *App) CheckTx(_ context.Context, req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
	if a.opts.Noop {
		return &abci.ResponseCheckTx{}, nil
	}
	a.mu.RLock()
	chainID := a.chainID
	a.mu.RUnlock()
	t, _, err := a.decodeVerify(req.Tx, chainID)
	if err != nil {
		return errorResponse(txError(err)), nil
	}
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	acct, e := a.authenticateAnySequence(a.check, t)
	if e != nil {
		return errorResponse(e), nil
	}
	if e := a.seqs.admit(acct, t.Body.Sequence); e != nil {
		return errorResponse(e), nil
	}
	return &abci.ResponseCheckTx{Code: 0}, nil
}

// FinalizeBlock executes a decided block and stages its writes; Commit
// persists them.
func (a *App) FinalizeBlock(_ context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	a.mu.RLock()
	chainID, prev := a.chainID, a.committed
	a.mu.RUnlock()
	if req.Height != prev.Height+1 {
		return nil, fmt.Errorf("app: asked to finalize height %d after %d", req.Height, prev.Height)
	}
	if a.opts.Noop {
		return a.finalizeNoop(req, prev), nil
	}
	br, err := a.tree.NewReader(uint64(max(prev.Height, 0)))
	if err != nil {
		return nil, err
	}
	defer br.Close()
	block := newCache(readerGetter(br))

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

	b := a.db.NewBatch()
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
		mod := m.Type[:indexDot(m.Type)]
		if err := r.Handler(ctx.WithModule(mod), m.Body); err != nil {
			e := module.AsError(err)
			if e == module.ErrInternal {
				a.opts.Logf("internal error in %s: %v", m.Type, err)
			}
			if len(t.Body.Msgs) > 1 {
				return e.Wrapf("message %d (%s): %s", i, m.Type, e.Error())
			}
			return e
		}
	}
	return nil
}

func indexDot(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return i
		}
	}
	return len(s)
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

// Commit writes the staged block durably, then publishes it.
func (a *App) Commit(_ context.Context, _ *abci.RequestCommit) (*abci.ResponseCommit, error) {
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
