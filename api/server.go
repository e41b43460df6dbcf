// Package api is govchain's HTTP JSON API under /v1/: status, blocks,
// transactions with results and receipts, state and log proofs,
// transaction submission, every module's queries (mounted from the
// modules' declarations at /v1/<module>/...), the OpenAPI document
// generated from the same route table, and Prometheus metrics. Errors are
// application/problem+json (RFC 9457) and never carry internal details.
//
// Reads are open; writes are signed transactions. The package reads the
// application (app) and talks to consensus through the Chain interface, so
// it never imports node or CometBFT's node packages. Its JSON types live in
// api/apitype, which the Go SDK shares.
package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app"
)

// Errors a Chain returns from CheckTx.
var (
	ErrMempoolFull = errors.New("mempool is full")
	ErrInMempool   = errors.New("transaction is already in the mempool")
)

// Chain is what the API needs from the consensus engine.
type Chain interface {
	// CheckTx submits a tx to the mempool and returns the app's verdict.
	CheckTx(ctx context.Context, raw []byte) (*abci.ResponseCheckTx, error)
	// Watch delivers the outcome of the tx with this hash when it commits.
	Watch(hash [32]byte) (<-chan app.TxOutcome, func())
	// Block returns a committed block (nil when absent).
	Block(height int64) *cmttypes.Block
	LatestBlockHeight() int64
	MempoolSize() int
	// Validators is the size of the current validator set.
	Validators() int
	Info() apitype.NodeInfo
	// Liveness describes block production for /healthz and /v1/status.
	Liveness() Liveness
	// LightBlock returns a committed height's signed header and the
	// validator set that signed it.
	LightBlock(height int64) (*cmttypes.LightBlock, error)
	// InitialHeight is the height of the chain's first block (genesis
	// initial_height).
	InitialHeight() int64
	// Genesis returns the chain's genesis document, the bytes of its
	// genesis.json (what verifiers trust).
	Genesis() ([]byte, error)
	// Header returns a committed block's header (nil when absent).
	Header(height int64) *cmttypes.Header
}

// Server serves the API.
type Server struct {
	app     *app.App
	chain   Chain
	metrics *Metrics
	logf    func(string, ...any)
	mux     *http.ServeMux
	web     http.Handler
	ops     []*operation
	doc     []byte // the OpenAPI document, built once
	anchors anchorCache

	// heavy admits expensive reads (heavyReads), each waiting at most
	// heavyWait for a turn.
	heavy     chan struct{}
	heavyWait time.Duration

	index indexState // the SQL index, if any (api/index.go)
}

// MaxBodyBytes bounds request bodies (a batch of transactions).
const MaxBodyBytes = 8 << 20

// New builds the API server. web, if not nil, serves everything outside
// /v1/, /healthz and /metrics.
func New(a *app.App, c Chain, m *Metrics, logf func(string, ...any), web http.Handler) *Server {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	s := &Server{app: a, chain: c, metrics: m, logf: logf, mux: http.NewServeMux(), web: web}
	s.SetReadLimits(ReadLimits{})
	s.ops = append(append(s.coreOperations(), s.moduleOperations()...), s.indexOperations()...)
	for _, op := range s.ops {
		s.mux.HandleFunc(op.method+" "+op.muxPath(), s.serveOp(op))
	}
	doc, err := s.OpenAPI()
	if err != nil {
		panic("api: building the OpenAPI document: " + err.Error()) // a bug in a route declaration
	}
	s.doc = doc
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	// Whatever no operation answers is a problem document: 405 with Allow
	// for a known path, 404 otherwise (docs/api.md, "HTTP rules").
	s.mux.HandleFunc("/metrics", s.unrouted)
	s.mux.HandleFunc("/healthz", s.unrouted)
	s.mux.HandleFunc("/v1", s.unrouted)
	s.mux.HandleFunc("/v1/", s.unrouted)
	if web != nil {
		s.mux.Handle("/", web)
	} else {
		s.mux.HandleFunc("/", s.unrouted)
	}
	return s
}

// ServeHTTP implements http.Handler. The API never redirects: ServeMux
// would answer a path with //, /./ or /../ with a redirect to its clean
// form, which a client of a JSON API does not expect; it gets a 404
// problem naming the clean path instead.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p := r.URL.Path; (s.web == nil || isAPIPath(p)) && p != cleanPath(p) {
		writeProblem(w, notFound("no such endpoint: %s is not a clean path (did you mean %s?)", p, cleanPath(p)))
		return
	}
	s.mux.ServeHTTP(w, r)
}

// Routes lists the "METHOD /path" patterns of every documented operation.
func (s *Server) Routes() []string {
	out := make([]string, len(s.ops))
	for i, op := range s.ops {
		out[i] = op.method + " " + op.path
	}
	return out
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(s.doc)
	return err
}

// muxPath turns "{key}" of a catch-all parameter into the mux's "{key...}".
func (op *operation) muxPath() string {
	if op.rest != "" {
		return strings.Replace(op.path, "{"+op.rest+"}", "{"+op.rest+"...}", 1)
	}
	return op.path
}
