// Package node wires one govchain process together: CometBFT (consensus,
// p2p, mempool, block store) run in-process with a per-connection local ABCI
// client, the application over its Pebble database, and the HTTP API. It
// also owns the home directory layout and configuration.
//
// It is the shell around the deterministic core; nothing in app/ or x/
// depends on it.
package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble"
	abci "github.com/cometbft/cometbft/abci/types"
	cmtcfg "github.com/cometbft/cometbft/config"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/mempool"
	cmtnode "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/proxy"
	rpccore "github.com/cometbft/cometbft/rpc/core"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/govchain/govchain/api"
	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/store/treedb"
)

// Options override the home's configuration.
type Options struct {
	HTTP     string    // API listen address; "" = config
	P2P, RPC string    // CometBFT listen addresses (tcp://host:port); "" = config
	LogLevel string    // "" = config
	Log      io.Writer // nil = stderr
	Noop     bool      // run the no-op application (benchmarks only)
	// Web serves the web UI (nil: none).
	Web http.Handler
	// Events bounds the event stream (zero: api's defaults).
	Events api.EventLimits
	// Index runs the SQL indexer in the node (node/index.go) into IndexDB
	// ("": SQLite in the home, data/index.db; or postgres://...).
	Index   bool
	IndexDB string
}

// Node is a running govchain process.
type Node struct {
	Home    Home
	App     *app.App
	Metrics *api.Metrics
	Events  *api.EventBroker // GET /v1/events (node/events.go)

	cfg      *cmtcfg.Config
	db       *pebble.DB
	cmt      *cmtnode.Node
	rpcEnv   *rpccore.Environment // read access to CometBFT's stores
	httpSrv  *http.Server
	api      *api.Server
	httpLn   net.Listener
	httpAddr string
	logf     func(string, ...any)
	index    *embeddedIndex // nil without Options.Index

	// lastCommit is when the node last committed a block (unix ns; its
	// start before the first); stallAfter is how long without one is a
	// stall (api.Liveness).
	lastCommit atomic.Int64
	stallAfter time.Duration

	waitMu  sync.Mutex
	waiters map[[32]byte][]chan app.TxOutcome
	// nextCommit is closed (and replaced) at every commit; WaitHeight
	// sleeps on it.
	nextCommit chan struct{}

	stopOnce sync.Once
	stopping atomic.Bool
}

// stoppingLogger silences CometBFT once shutdown has begun: closing
// listeners makes it log errors that are expected then.
type stoppingLogger struct {
	cmtlog.Logger
	stopping *atomic.Bool
}

func (l *stoppingLogger) Error(msg string, kv ...any) {
	if !l.stopping.Load() {
		l.Logger.Error(msg, kv...)
	}
}

func (l *stoppingLogger) With(kv ...any) cmtlog.Logger {
	return &stoppingLogger{Logger: l.Logger.With(kv...), stopping: l.stopping}
}

// Start opens the home and runs the node until Stop.
func Start(home Home, opts Options) (n *Node, err error) {
	if !home.Exists() {
		return nil, ErrNoHome
	}
	cfg, err := LoadCometConfig(home)
	if err != nil {
		return nil, err
	}
	if opts.P2P != "" {
		cfg.P2P.ListenAddress = opts.P2P
	}
	if opts.RPC != "" {
		cfg.RPC.ListenAddress = opts.RPC
	}
	acfg, err := LoadAppConfig(home)
	if err != nil {
		return nil, fmt.Errorf("node: %s: %w", home.AppConfigFile(), err)
	}
	if opts.HTTP != "" {
		acfg.HTTP = opts.HTTP
	}
	if opts.LogLevel != "" {
		acfg.LogLevel = opts.LogLevel
	}
	if err := acfg.checkHTTP(); err != nil {
		return nil, fmt.Errorf("node: %s: %w", home.AppConfigFile(), err)
	}
	w := opts.Log
	if w == nil {
		w = os.Stderr
	}
	allow, err := cmtlog.AllowLevel(acfg.LogLevel)
	if err != nil {
		return nil, fmt.Errorf("node: log level %q: %w", acfg.LogLevel, err)
	}
	n = &Node{Home: home, cfg: cfg, waiters: map[[32]byte][]chan app.TxOutcome{}, nextCommit: make(chan struct{})}
	n.lastCommit.Store(time.Now().UnixNano())
	logger := &stoppingLogger{Logger: cmtlog.NewFilter(cmtlog.NewTMLogger(cmtlog.NewSyncWriter(w)), allow), stopping: &n.stopping}
	n.logf = func(format string, args ...any) { logger.Logger.Error(fmt.Sprintf(format, args...)) }
	started := n // the named result is nil by the time an error return runs the defer
	defer func() {
		if err != nil {
			started.Stop()
		}
	}()

	if err := checkDataDir(home, cfg); err != nil {
		return nil, err
	}
	po := treedb.PebbleOptions() // tuned for the state tree, most of what the node reads and writes
	po.Logger = pebbleLogger{n.logf, acfg.LogLevel}
	n.db, err = pebble.Open(home.DBDir(), po)
	if err != nil {
		return nil, fmt.Errorf("node: opening %s: %w", home.DBDir(), err)
	}
	suite, err := GenesisHashSuite(home)
	if err != nil {
		return nil, err
	}
	n.App, err = app.New(n.db, app.Options{KeepRecent: acfg.KeepRecent, OnCommit: n.onCommit, Logf: n.logf, Noop: opts.Noop, HashSuite: suite, Modules: Modules(),
		Mempool: acfg.Mempool.Limits(cfg.Mempool.Size)})
	if err != nil {
		return nil, err
	}
	n.Metrics = api.NewMetrics(func() int {
		if n.cmt == nil {
			return 0
		}
		return n.cmt.Mempool().Size()
	})
	n.Metrics.Registry.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "govchain_block_sig_cache_hits_total",
			Help: "Txs of executed blocks whose signature was verified before (API batch or CheckTx)."},
			func() float64 { return float64(n.App.SigCacheStats().BlockHits) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "govchain_block_sig_cache_misses_total",
			Help: "Txs of executed blocks whose signature was verified during execution (not seen in this node's mempool)."},
			func() float64 { return float64(n.App.SigCacheStats().BlockMisses) }))
	n.Events = api.NewEventBroker(n.App, n.Metrics, opts.Events, n.logf) // before consensus: the handshake may replay blocks
	nodeKey, err := p2p.LoadNodeKey(cfg.NodeKeyFile())
	if err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	pv := privval.LoadFilePV(cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile())
	n.cmt, err = cmtnode.NewNode(cfg, pv, nodeKey, proxy.NewConnSyncLocalClientCreator(n.App),
		cmtnode.DefaultGenesisDocProviderFunc(cfg), cmtcfg.DefaultDBProvider,
		cmtnode.DefaultMetricsProvider(cfg.Instrumentation), logger)
	if err != nil {
		return nil, fmt.Errorf("node: starting consensus: %w", err)
	}
	if err := n.cmt.Start(); err != nil {
		return nil, fmt.Errorf("node: starting consensus: %w", err)
	}
	if n.rpcEnv, err = n.cmt.ConfigureRPC(); err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	n.stallAfter = acfg.StallAfter
	if n.stallAfter == 0 {
		n.stallAfter = max(3*cfg.Consensus.CreateEmptyBlocksInterval, 30*time.Second)
	}
	srv := api.New(n.App, n, n.Metrics, n.logf, opts.Web)
	srv.SetReadLimits(api.ReadLimits{Concurrent: acfg.HTTPHeavyReads, Wait: acfg.HTTPHeavyReadWait})
	n.api = srv
	if opts.Index {
		if err := n.startIndex(opts.IndexDB); err != nil {
			return nil, err
		}
	}
	if n.httpLn, err = net.Listen("tcp", acfg.HTTP); err != nil {
		return nil, fmt.Errorf("node: API listen on %s: %w", acfg.HTTP, err)
	}
	n.httpAddr = n.httpLn.Addr().String()
	n.httpSrv = newHTTPServer(srv, acfg)
	go func() {
		ln := newLimitListener(n.httpLn, ConnLimits{Max: acfg.HTTPMaxConnections, Reserved: acfg.HTTPReservedConnections,
			PerAddress: acfg.HTTPMaxConnectionsPerAddress, ExemptLoopback: !acfg.HTTPCapLoopback})
		if err := n.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			n.logf("api server: %v", err)
		}
	}()
	return n, nil
}

// newHTTPServer bounds what one connection can hold (docs/operations.md,
// "HTTP limits"): slow headers and bodies, slow readers of answers, idle
// keep-alives and large headers. A submission that waits for its commit
// extends its own write deadline, and the event stream lifts both (api).
func newHTTPServer(h http.Handler, c AppConfig) *http.Server {
	return &http.Server{Handler: reservedOnly(h), ConnContext: connContext,
		ReadHeaderTimeout: c.HTTPReadHeaderTimeout, ReadTimeout: c.HTTPReadTimeout,
		WriteTimeout: c.HTTPWriteTimeout, IdleTimeout: c.HTTPIdleTimeout, MaxHeaderBytes: c.HTTPMaxHeaderBytes,
		ErrorLog: log.New(io.Discard, "", 0), // TLS handshake and accept noise from scanners
	}
}

// checkDataDir refuses to start when govchain's database is gone but
// CometBFT's block store is not (or the reverse would be a fresh node): a
// node that silently re-executed from an empty state could not tell a lost
// directory from a new chain. docs/operations.md gives the recovery path.
func checkDataDir(home Home, cfg *cmtcfg.Config) error {
	_, dbErr := os.Stat(home.DBDir())
	_, bsErr := os.Stat(cfg.DBDir() + "/blockstore.db")
	if os.IsNotExist(dbErr) && bsErr == nil {
		return fmt.Errorf("node: %s is missing but the block store exists: the data directory is damaged; "+
			"to recover, remove %s entirely and restart to re-sync from peers (docs/operations.md)", home.DBDir(), cfg.DBDir())
	}
	return nil
}

// pebbleLogger routes Pebble's messages to the node's log: routine ones
// (WAL replay, compactions) only at info or debug level.
type pebbleLogger struct {
	logf  func(string, ...any)
	level string
}

func (l pebbleLogger) Infof(format string, args ...any) {
	if l.level == "info" || l.level == "debug" {
		l.logf("pebble: "+format, args...)
	}
}

func (l pebbleLogger) Fatalf(format string, args ...any) {
	l.logf("pebble: "+format, args...)
	os.Exit(1)
}

// API is the node's HTTP API server.
func (n *Node) API() *api.Server { return n.api }

// HTTPAddr is the address the API listens on.
func (n *Node) HTTPAddr() string { return n.httpAddr }

// Stop shuts everything down; it is safe to call more than once.
func (n *Node) Stop() {
	n.stopOnce.Do(func() {
		n.stopping.Store(true)
		n.stopIndex()
		n.Events.Close() // streams end before the database closes
		if n.httpSrv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			n.httpSrv.Shutdown(ctx)
			cancel()
		}
		if n.cmt != nil && n.cmt.IsRunning() {
			if err := n.cmt.Stop(); err != nil {
				n.logf("stopping consensus: %v", err)
			}
			n.cmt.Wait()
		}
		if n.App != nil {
			n.App.Close()
		}
		if n.db != nil {
			if err := n.db.Close(); err != nil {
				n.logf("closing database: %v", err)
			}
		}
	})
}

func (n *Node) onCommit(b app.CommittedBlock) {
	n.lastCommit.Store(time.Now().UnixNano())
	codes := make([]uint32, len(b.Txs))
	for i, t := range b.Txs {
		codes[i] = t.Code
	}
	if n.Metrics != nil {
		n.Metrics.ObserveBlock(b.Height, b.Time, codes)
	}
	n.Events.Committed(b.Height) // never blocks
	n.waitMu.Lock()
	defer n.waitMu.Unlock()
	close(n.nextCommit)
	n.nextCommit = make(chan struct{})
	if len(n.waiters) == 0 {
		return
	}
	for _, t := range b.Txs {
		for _, ch := range n.waiters[t.Hash] {
			select {
			case ch <- t:
			default:
			}
		}
		delete(n.waiters, t.Hash)
	}
}

// WaitHeight returns once the application has committed height h, or
// with ctx's error.
func (n *Node) WaitHeight(ctx context.Context, h int64) error {
	for {
		n.waitMu.Lock()
		next := n.nextCommit
		n.waitMu.Unlock()
		at := n.App.LastCommitted().Height
		if at >= h {
			return nil
		}
		select {
		case <-next:
		case <-ctx.Done():
			return fmt.Errorf("node: waiting for height %d (at %d): %w", h, at, ctx.Err())
		}
	}
}

// Watch implements api.Chain.
func (n *Node) Watch(hash [32]byte) (<-chan app.TxOutcome, func()) {
	ch := make(chan app.TxOutcome, 1)
	n.waitMu.Lock()
	n.waiters[hash] = append(n.waiters[hash], ch)
	n.waitMu.Unlock()
	return ch, func() {
		n.waitMu.Lock()
		defer n.waitMu.Unlock()
		ws := n.waiters[hash]
		for i, w := range ws {
			if w == ch {
				ws = append(ws[:i], ws[i+1:]...)
				break
			}
		}
		if len(ws) == 0 {
			delete(n.waiters, hash)
		} else {
			n.waiters[hash] = ws
		}
	}
}

// CheckTx implements api.Chain: it puts the tx into CometBFT's mempool
// (which gossips it to peers) and returns the application's verdict.
func (n *Node) CheckTx(ctx context.Context, raw []byte) (*abci.ResponseCheckTx, error) {
	done := make(chan *abci.ResponseCheckTx, 1)
	err := n.cmt.Mempool().CheckTx(raw, func(r *abci.ResponseCheckTx) { done <- r }, mempool.TxInfo{})
	var full mempool.ErrMempoolIsFull
	var large mempool.ErrTxTooLarge
	switch {
	case errors.Is(err, mempool.ErrTxInCache):
		return nil, api.ErrInMempool
	case errors.As(err, &full), errors.Is(err, mempool.ErrRecheckFull):
		return nil, api.ErrMempoolFull
	case errors.As(err, &large):
		e := app.ErrTxTooLarge
		return &abci.ResponseCheckTx{Code: e.Code, Codespace: e.Codespace, Log: err.Error()}, nil
	case err != nil:
		return nil, err
	}
	select {
	case r := <-done:
		return r, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Block implements api.Chain.
func (n *Node) Block(height int64) *cmttypes.Block { return n.cmt.BlockStore().LoadBlock(height) }

// LatestBlockHeight implements api.Chain.
func (n *Node) LatestBlockHeight() int64 { return n.cmt.BlockStore().Height() }

// Genesis implements api.Chain: the bytes of the home's genesis.json.
func (n *Node) Genesis() ([]byte, error) { return os.ReadFile(n.Home.GenesisFile()) }

// Header implements api.Chain.
func (n *Node) Header(height int64) *cmttypes.Header {
	if meta := n.cmt.BlockStore().LoadBlockMeta(height); meta != nil {
		return &meta.Header
	}
	return nil
}

// InitialHeight implements api.Chain: the genesis's initial height.
func (n *Node) InitialHeight() int64 {
	if h := n.cmt.GenesisDoc().InitialHeight; h > 0 {
		return h
	}
	return 1
}

// MempoolSize implements api.Chain.
func (n *Node) MempoolSize() int { return n.cmt.Mempool().Size() }

// Validators implements api.Chain: the size of the validator set of the
// next height.
func (n *Node) Validators() int {
	vals, err := n.rpcEnv.StateStore.LoadValidators(n.LatestBlockHeight() + 1)
	if err != nil {
		return 0
	}
	return vals.Size()
}

// Info implements api.Chain.
func (n *Node) Info() apitype.NodeInfo {
	i := apitype.NodeInfo{Moniker: n.cfg.Moniker, NodeID: string(n.cmt.NodeInfo().ID()), CatchingUp: n.cmt.ConsensusReactor().WaitSync()}
	if pk, err := n.cmt.PrivValidator().GetPubKey(); err == nil {
		i.Validator = pk.Address().String()
	}
	return i
}

// Liveness implements api.Chain. Blocks are expected when the chain makes
// empty blocks, or otherwise while txs wait in the mempool.
func (n *Node) Liveness() api.Liveness {
	return api.Liveness{
		LastBlockAge: time.Since(time.Unix(0, n.lastCommit.Load())),
		StallAfter:   n.stallAfter,
		Expected:     n.cfg.Consensus.CreateEmptyBlocks || n.MempoolSize() > 0,
		Peers:        n.cmt.Switch().Peers().Size(),
		Validators:   n.Validators(),
	}
}

// LightBlock implements api.Chain: the signed header of a committed height
// and the validator set that signed it.
func (n *Node) LightBlock(height int64) (*cmttypes.LightBlock, error) {
	bs := n.cmt.BlockStore()
	meta := bs.LoadBlockMeta(height)
	if meta == nil {
		return nil, fmt.Errorf("node: no block at height %d", height)
	}
	commit := bs.LoadBlockCommit(height)
	if commit == nil {
		commit = bs.LoadSeenCommit(height)
	}
	if commit == nil {
		return nil, fmt.Errorf("node: no commit for height %d yet", height)
	}
	vals, err := n.rpcEnv.StateStore.LoadValidators(height)
	if err != nil {
		return nil, fmt.Errorf("node: validators at %d: %w", height, err)
	}
	return &cmttypes.LightBlock{SignedHeader: &cmttypes.SignedHeader{Header: &meta.Header, Commit: commit}, ValidatorSet: vals}, nil
}
