// Package api is govchain's HTTP JSON API under /v1/: status, blocks,
// transactions with results, accounts, departments, proposals, state with
// proofs, transaction submission, the OpenAPI document and Prometheus
// metrics. Errors are application/problem+json (RFC 9457) and never carry
// internal details.
//
// Reads are open; writes are signed transactions. The package reads the
// application (app) and talks to consensus through the Chain interface, so
// it never imports node or CometBFT's node packages.
package api

import (
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/store"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/x/identity"
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
	Info() NodeInfo
	// LightBlock returns a committed height's signed header and the
	// validator set that signed it.
	LightBlock(height int64) (*cmttypes.LightBlock, error)
}

// NodeInfo describes the serving node.
type NodeInfo struct {
	Moniker    string `json:"moniker"`
	NodeID     string `json:"node_id"`
	Validator  string `json:"validator_address,omitempty"`
	CatchingUp bool   `json:"catching_up"`
}

// Server serves the API.
type Server struct {
	app     *app.App
	chain   Chain
	metrics *Metrics
	logf    func(string, ...any)
	mux     *http.ServeMux
	routes  []string // "METHOD /path", for the OpenAPI consistency test
	extra   http.Handler
}

// MaxBodyBytes bounds request bodies (a batch of transactions).
const MaxBodyBytes = 8 << 20

// New builds the API server. web, if not nil, serves everything outside
// /v1/, /healthz and /metrics.
func New(a *app.App, c Chain, m *Metrics, logf func(string, ...any), web http.Handler) *Server {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	s := &Server{app: a, chain: c, metrics: m, logf: logf, mux: http.NewServeMux(), extra: web}
	s.handle("GET /healthz", s.healthz)
	s.handle("GET /v1/status", s.status)
	s.handle("GET /v1/blocks/{height}", s.block)
	s.handle("GET /v1/txs/{hash}", s.getTx)
	s.handle("GET /v1/txs/{hash}/receipt", s.receipt)
	s.handle("GET /v1/light/{height}", s.lightBlock)
	s.handle("POST /v1/txs", s.postTx)
	s.handle("POST /v1/txs/batch", s.postBatch)
	s.handle("GET /v1/accounts/{address}", s.account)
	s.handle("GET /v1/departments", s.departments)
	s.handle("GET /v1/departments/{id}", s.department)
	s.handle("GET /v1/departments/{id}/accounts", s.departmentAccounts)
	s.handle("GET /v1/roles", s.roles)
	s.handle("GET /v1/proposals", s.proposals)
	s.handle("GET /v1/proposals/{id}", s.proposal)
	s.handle("GET /v1/state/{key...}", s.state)
	s.handle("GET /v1/commitments/{height}", s.commitments)
	s.handle("GET /v1/anchor/{height}", s.anchorOf)
	s.handle("GET /v1/log/proof", s.logProof)
	s.handle("GET /v1/log/consistency", s.logConsistency)
	s.handle("GET /v1/codes", s.codes)
	s.registryRoutes()
	s.handle("GET /v1/events", s.events) // websocket: api/events_ws.go
	s.handle("GET /v1/openapi.json", s.openapi)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	s.mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, notFound("no such endpoint: %s %s", r.Method, r.URL.Path))
	})
	if web != nil {
		s.mux.Handle("/", web)
	}
	return s
}

func (s *Server) handle(pattern string, h handlerFunc) {
	s.routes = append(s.routes, pattern)
	s.mux.HandleFunc(pattern, s.wrap(h))
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Routes lists "METHOD /path" patterns served under /v1 and /healthz.
func (s *Server) Routes() []string { return append([]string{}, s.routes...) }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	if s.app.LastCommitted().Height < 0 {
		return problem(http.StatusServiceUnavailable, "no genesis yet")
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// Status is the answer of /v1/status.
type Status struct {
	ChainID      string   `json:"chain_id"`
	HashSuite    string   `json:"hash_suite"`
	LatestHeight int64    `json:"latest_height"`
	LatestTime   string   `json:"latest_time"`
	AppHash      string   `json:"app_hash"`
	StateRoot    string   `json:"state_root"`
	LogRoot      string   `json:"log_root"`
	LogSize      uint64   `json:"log_size"`
	MempoolSize  int      `json:"mempool_size"`
	Node         NodeInfo `json:"node"`
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) error {
	m := s.app.LastCommitted()
	return writeJSON(w, http.StatusOK, Status{
		ChainID: s.app.ChainID(), HashSuite: s.app.HashSuite().Name, LatestHeight: m.Height, LatestTime: time.Unix(0, m.Time).UTC().Format(time.RFC3339Nano),
		AppHash: hex.EncodeToString(m.AppHash), StateRoot: hex.EncodeToString(m.StateRoot),
		LogRoot: hex.EncodeToString(m.LogRoot), LogSize: m.LogSize,
		MempoolSize: s.chain.MempoolSize(), Node: s.chain.Info(),
	})
}

// BlockView is a block as the API shows it.
type BlockView struct {
	Height          int64    `json:"height"`
	Hash            string   `json:"hash"`
	Time            string   `json:"time"`
	ChainID         string   `json:"chain_id"`
	Proposer        string   `json:"proposer_address"`
	AppHash         string   `json:"app_hash"`
	LastBlockHash   string   `json:"last_block_hash"`
	ValidatorsHash  string   `json:"validators_hash"`
	LastCommitSigns int      `json:"last_commit_signatures"`
	Signers         []string `json:"last_commit_signers"`
	NumTxs          int      `json:"num_txs"`
	Txs             []string `json:"txs"`
}

func (s *Server) block(w http.ResponseWriter, r *http.Request) error {
	hs := r.PathValue("height")
	var h int64
	if hs == "latest" {
		h = s.chain.LatestBlockHeight()
	} else {
		var err error
		if h, err = strconv.ParseInt(hs, 10, 64); err != nil || h <= 0 {
			return badRequest("height must be a positive integer or \"latest\"")
		}
	}
	b := s.chain.Block(h)
	if b == nil {
		return notFound("no block at height %d", h)
	}
	v := BlockView{
		Height: b.Height, Hash: hex.EncodeToString(b.Hash()), Time: b.Time.UTC().Format(time.RFC3339Nano), ChainID: b.ChainID,
		Proposer: hex.EncodeToString(b.ProposerAddress), AppHash: hex.EncodeToString(b.AppHash),
		LastBlockHash: hex.EncodeToString(b.LastBlockID.Hash), ValidatorsHash: hex.EncodeToString(b.ValidatorsHash),
		NumTxs: len(b.Txs), Txs: []string{}, Signers: []string{},
	}
	if b.LastCommit != nil {
		for _, sig := range b.LastCommit.Signatures {
			if sig.BlockIDFlag == cmttypes.BlockIDFlagCommit {
				v.LastCommitSigns++
				v.Signers = append(v.Signers, hex.EncodeToString(sig.ValidatorAddress))
			}
		}
	}
	for _, t := range b.Txs {
		h := s.app.TxHash(t)
		v.Txs = append(v.Txs, hex.EncodeToString(h[:]))
	}
	return writeJSON(w, http.StatusOK, v)
}

// TxView is a committed transaction with its result.
type TxView struct {
	Hash       string         `json:"hash"`
	Height     uint64         `json:"height"`
	Index      uint32         `json:"index"`
	LogIndex   uint64         `json:"log_index"`
	Code       uint32         `json:"code"`
	Log        string         `json:"log,omitempty"`
	Events     []ledger.Event `json:"events"`
	EventsHash string         `json:"events_hash"`
	Tx         TxBodyView     `json:"tx"`
	Raw        string         `json:"raw"`
}

// TxBodyView is a decoded transaction.
type TxBodyView struct {
	ChainID   string       `json:"chain_id"`
	Signer    string       `json:"signer"`
	Sequence  uint64       `json:"sequence"`
	Memo      string       `json:"memo,omitempty"`
	Msgs      []MsgView    `json:"msgs"`
	Signature tx.Signature `json:"signature"`
}

// MsgView is a message with its body decoded where the type is known.
type MsgView struct {
	Type string `json:"type"`
	Body any    `json:"body"`
}

func (s *Server) decodeTx(raw []byte) (TxBodyView, bool) {
	t, err := tx.Decode(raw)
	if err != nil {
		return TxBodyView{}, false
	}
	v := TxBodyView{ChainID: t.Body.ChainID, Signer: t.Body.Signer, Sequence: t.Body.Sequence, Memo: t.Body.Memo, Signature: t.Signature}
	routes := s.app.Routes()
	for _, m := range t.Body.Msgs {
		mv := MsgView{Type: m.Type, Body: base64.StdEncoding.EncodeToString(m.Body)}
		if r, ok := routes[m.Type]; ok && r.Decode != nil {
			if b, err := r.Decode(m.Body); err == nil {
				mv.Body = b
			}
		}
		v.Msgs = append(v.Msgs, mv)
	}
	return v, true
}

func parseHash(s string) ([32]byte, error) {
	var h [32]byte
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return h, badRequest("hash must be 64 hex digits")
	}
	copy(h[:], b)
	return h, nil
}

func (s *Server) getTx(w http.ResponseWriter, r *http.Request) error {
	h, err := parseHash(strings.ToLower(r.PathValue("hash")))
	if err != nil {
		return err
	}
	v, err := s.txView(h)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (s *Server) txView(h [32]byte) (*TxView, error) {
	idx, err := s.app.Log().Find(h[:])
	if errors.Is(err, ledger.ErrNotFound) {
		return nil, notFound("no committed transaction %x", h)
	}
	if err != nil {
		return nil, err
	}
	e, d, err := s.app.Log().Entry(idx)
	if err != nil {
		return nil, err
	}
	body, _ := s.decodeTx(d.Tx)
	evs := d.Events
	if evs == nil {
		evs = []ledger.Event{}
	}
	return &TxView{
		Hash: hex.EncodeToString(e.TxHash), Height: e.Height, Index: d.TxIndex, LogIndex: idx, Code: e.Code, Log: d.Log,
		Events: evs, EventsHash: hex.EncodeToString(e.EventsHash), Tx: body, Raw: base64.StdEncoding.EncodeToString(d.Tx),
	}, nil
}

// SubmitRequest is the JSON body of POST /v1/txs.
type SubmitRequest struct {
	Tx string `json:"tx"` // base64 of the canonical CBOR bytes
}

// BatchRequest is the JSON body of POST /v1/txs/batch.
type BatchRequest struct {
	Txs []string `json:"txs"`
}

// SubmitResult is the outcome of one submission.
type SubmitResult struct {
	Hash      string `json:"hash"`
	Code      uint32 `json:"code"`
	Codespace string `json:"codespace,omitempty"`
	Log       string `json:"log,omitempty"`
	// Committed is set when the request waited for the commit.
	Committed bool   `json:"committed"`
	Height    int64  `json:"height,omitempty"`
	LogIndex  uint64 `json:"log_index,omitempty"`
}

func readJSON(r *http.Request, v any) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "" && ct != "application/json" {
		return problem(http.StatusUnsupportedMediaType, "send application/json (or application/cbor to POST /v1/txs)")
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, MaxBodyBytes+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("malformed JSON body: %v", err)
	}
	if dec.More() {
		return badRequest("malformed JSON body: trailing data")
	}
	return nil
}

func decodeB64(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, badRequest("tx must be standard base64: %v", err)
	}
	if len(b) == 0 {
		return nil, badRequest("tx is empty")
	}
	return b, nil
}

// waitMode parses ?wait=commit|none and ?timeout=.
func waitMode(r *http.Request) (bool, time.Duration, error) {
	wait := false
	switch r.URL.Query().Get("wait") {
	case "", "none", "false":
	case "commit", "true":
		wait = true
	default:
		return false, 0, badRequest("wait must be commit or none")
	}
	timeout := 30 * time.Second
	if ts := r.URL.Query().Get("timeout"); ts != "" {
		d, err := time.ParseDuration(ts)
		if err != nil || d <= 0 || d > 5*time.Minute {
			return false, 0, badRequest("timeout must be a duration up to 5m, e.g. 10s")
		}
		timeout = d
	}
	return wait, timeout, nil
}

func (s *Server) postTx(w http.ResponseWriter, r *http.Request) error {
	wait, timeout, err := waitMode(r)
	if err != nil {
		return err
	}
	var raw []byte
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/cbor" {
		raw, err = io.ReadAll(io.LimitReader(r.Body, tx.MaxTxBytes+1))
		if err != nil {
			return badRequest("reading body: %v", err)
		}
		if len(raw) == 0 {
			return badRequest("empty body")
		}
	} else {
		var req SubmitRequest
		if err := readJSON(r, &req); err != nil {
			return err
		}
		if raw, err = decodeB64(req.Tx); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	res := s.submit(ctx, [][]byte{raw}, wait)[0]
	if res.err != nil {
		return res.err
	}
	status := http.StatusOK
	if !wait {
		status = http.StatusAccepted
	}
	if res.Code != 0 && !res.Committed {
		p := problem(http.StatusUnprocessableEntity, "%s", res.Log)
		p.Code, p.Codespace = res.Code, res.Codespace
		return p
	}
	return writeJSON(w, status, res.SubmitResult)
}

func (s *Server) postBatch(w http.ResponseWriter, r *http.Request) error {
	wait, timeout, err := waitMode(r)
	if err != nil {
		return err
	}
	var req BatchRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if len(req.Txs) == 0 || len(req.Txs) > 1000 {
		return badRequest("a batch holds 1 to 1000 transactions")
	}
	raws := make([][]byte, len(req.Txs))
	for i, t := range req.Txs {
		if raws[i], err = decodeB64(t); err != nil {
			return badRequest("tx %d: %s", i, err.(*Problem).Detail)
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	out := make([]SubmitResult, len(raws))
	for i, res := range s.submit(ctx, raws, wait) {
		if res.err != nil {
			var p *Problem
			if !errors.As(res.err, &p) {
				s.logf("api: batch submit: %v", res.err)
				p = problem(http.StatusInternalServerError, "internal error")
			}
			res.Code, res.Log = 0, p.Detail
			res.Codespace = "api"
		}
		out[i] = res.SubmitResult
	}
	return writeJSON(w, http.StatusOK, map[string]any{"results": out})
}

type submitOutcome struct {
	SubmitResult
	err error
}

// submit sends txs to the mempool in order and, with wait, waits for each
// accepted one to commit.
func (s *Server) submit(ctx context.Context, raws [][]byte, wait bool) []submitOutcome {
	out := make([]submitOutcome, len(raws))
	chans := make([]<-chan app.TxOutcome, len(raws))
	// Verify signatures here, in parallel batches, rather than one by one
	// in the mempool's single CheckTx lane.
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(raws))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(part [][]byte) {
			defer wg.Done()
			s.app.PreVerify(part)
		}(raws[w*len(raws)/workers : (w+1)*len(raws)/workers])
	}
	wg.Wait()
	for i, raw := range raws {
		h := s.app.TxHash(raw)
		out[i].Hash = hex.EncodeToString(h[:])
		if len(raw) > tx.MaxTxBytes {
			out[i].Code, out[i].Codespace, out[i].Log = app.ErrTxTooLarge.Code, "app", app.ErrTxTooLarge.Msg
			s.metrics.ObserveRejected(out[i].Code)
			continue
		}
		var cancel func()
		if wait {
			chans[i], cancel = s.chain.Watch(h)
			defer cancel()
		}
		resp, err := s.chain.CheckTx(ctx, raw)
		switch {
		case errors.Is(err, ErrInMempool):
			// Seen before: report its committed result if it has one;
			// otherwise it is pending, so accept (and wait, if asked).
			if v, ferr := s.txView(h); ferr == nil {
				out[i].SubmitResult = SubmitResult{Hash: v.Hash, Code: v.Code, Log: v.Log, Committed: true, Height: int64(v.Height), LogIndex: v.LogIndex}
				chans[i] = nil
			}
		case errors.Is(err, ErrMempoolFull):
			out[i].err = problem(http.StatusServiceUnavailable, "mempool is full; retry later")
			chans[i] = nil
			continue
		case err != nil:
			out[i].err = err
			chans[i] = nil
			continue
		case resp.Code != 0:
			if v, ferr := s.txView(h); ferr == nil {
				// Already committed (a resubmission): report that result.
				out[i].SubmitResult = SubmitResult{Hash: v.Hash, Code: v.Code, Log: v.Log, Committed: true, Height: int64(v.Height), LogIndex: v.LogIndex}
			} else {
				out[i].Code, out[i].Codespace, out[i].Log = resp.Code, resp.Codespace, resp.Log
				s.metrics.ObserveRejected(resp.Code)
			}
			chans[i] = nil
			continue
		}
	}
	if !wait {
		return out
	}
	for i, ch := range chans {
		if ch == nil {
			continue
		}
		select {
		case o := <-ch:
			out[i].Code, out[i].Log, out[i].Committed = o.Code, o.Log, true
			out[i].Height, out[i].LogIndex = o.Height, o.LogIndex
			if o.Code != 0 {
				out[i].Codespace = codespace(o.Code)
			}
		case <-ctx.Done():
			out[i].err = problem(http.StatusGatewayTimeout, "not committed before the timeout; it may still commit (GET /v1/txs/%s)", out[i].Hash)
		}
	}
	return out
}

func codespace(code uint32) string {
	if e, ok := module.Codes()[code]; ok {
		return e.Codespace
	}
	return ""
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	if wantProof(r) {
		return proveRecord[identity.Account](s, w, r, identity.AccountStateKey(r.PathValue("address")), "account")
	}
	a, err := s.app.Account(r.PathValue("address"))
	if errors.Is(err, identity.ErrUnknownAccount) {
		return notFound("no account %q", r.PathValue("address"))
	}
	if err != nil {
		return err
	}
	if a.Roles == nil {
		a.Roles = []string{}
	}
	return writeJSON(w, http.StatusOK, a)
}

func limit(r *http.Request) (int, error) {
	ls := r.URL.Query().Get("limit")
	if ls == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(ls)
	if err != nil || n < 1 || n > 1000 {
		return 0, badRequest("limit must be 1 to 1000")
	}
	return n, nil
}

func (s *Server) departments(w http.ResponseWriter, r *http.Request) error {
	ds, err := app.List[identity.Department](s.app, identity.DepartmentPrefix, 0)
	if err != nil {
		return err
	}
	p, m, err := s.app.Params()
	if err != nil {
		return err
	}
	if ds == nil {
		ds = []identity.Department{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"departments": ds, "threshold": p.Threshold, "active": m.Departments, "total_power": m.TotalPower})
}

func (s *Server) department(w http.ResponseWriter, r *http.Request) error {
	if wantProof(r) {
		return proveRecord[identity.Department](s, w, r, identity.DepartmentStateKey(r.PathValue("id")), "department")
	}
	d, err := s.app.Department(r.PathValue("id"))
	if errors.Is(err, identity.ErrUnknownDepartment) {
		return notFound("no department %q", r.PathValue("id"))
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

func (s *Server) departmentAccounts(w http.ResponseWriter, r *http.Request) error {
	n, err := limit(r)
	if err != nil {
		return err
	}
	if _, err := s.app.Department(r.PathValue("id")); err != nil {
		return notFound("no department %q", r.PathValue("id"))
	}
	addrs, err := s.app.Members(r.PathValue("id"), n)
	if err != nil {
		return err
	}
	accts := []*identity.Account{}
	for _, a := range addrs {
		acct, err := s.app.Account(a)
		if err != nil {
			return err
		}
		accts = append(accts, acct)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"accounts": accts})
}

// RoleView says which messages a role allows.
type RoleView struct {
	Role     string   `json:"role"`
	Messages []string `json:"messages"`
}

func (s *Server) roles(w http.ResponseWriter, r *http.Request) error {
	byRole := map[string][]string{}
	var open []string
	for typ, rt := range s.app.Routes() {
		if len(rt.Roles) == 0 {
			open = append(open, typ)
		}
		for _, role := range rt.Roles {
			byRole[role] = append(byRole[role], typ)
		}
	}
	out := []RoleView{}
	for role, msgs := range byRole {
		sort.Strings(msgs)
		out = append(out, RoleView{Role: role, Messages: msgs})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Role < out[j].Role })
	sort.Strings(open)
	return writeJSON(w, http.StatusOK, map[string]any{"roles": out, "any_account": open})
}

func (s *Server) proposals(w http.ResponseWriter, r *http.Request) error {
	n, err := limit(r)
	if err != nil {
		return err
	}
	ps, err := app.List[identity.Proposal](s.app, identity.ProposalPrefix, n)
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []identity.Proposal{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"proposals": ps})
}

func (s *Server) proposal(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		return badRequest("id must be a number")
	}
	if wantProof(r) {
		return proveRecord[identity.Proposal](s, w, r, identity.ProposalStateKey(id), "proposal")
	}
	p, err := s.app.Proposal(id)
	if errors.Is(err, identity.ErrUnknownProposal) {
		return notFound("no proposal %d", id)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// StateView answers GET /v1/state/{key}. With prove=true it is a complete
// state proof (docs/proofs.md; `govchain verify state` reads it).
type StateView struct {
	Version   int                `json:"version,omitempty"`
	ChainID   string             `json:"chain_id"`
	Key       string             `json:"key"`
	Height    int64              `json:"height"`
	Found     bool               `json:"found"`
	Value     *string            `json:"value"` // base64; null when absent
	Proof     *verify.StoreProof `json:"proof,omitempty"`
	StateRoot string             `json:"state_root,omitempty"`
	LogRoot   string             `json:"log_root,omitempty"`
	LogSize   uint64             `json:"log_size,omitempty"`
	AppHash   string             `json:"app_hash,omitempty"`
	Anchor    *verify.Anchor     `json:"anchor,omitempty"`
	// HeaderPending is set when the header that signs this height's app
	// hash (height+1) is not committed yet, so there is no anchor.
	HeaderPending bool `json:"header_pending,omitempty"`
}

func (s *Server) state(w http.ResponseWriter, r *http.Request) error {
	v, err := s.stateView(r, r.PathValue("key"), r.URL.Query().Get("prove") == "true")
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (s *Server) stateView(r *http.Request, key string, prove bool) (*StateView, error) {
	if err := store.CheckKey([]byte(key)); err != nil {
		return nil, badRequest("%v", err)
	}
	height, err := s.heightParam(r, prove)
	if err != nil {
		return nil, err
	}
	v := &StateView{ChainID: s.app.ChainID(), Key: key}
	if !prove {
		val, ok, err := s.app.Get([]byte(key), height)
		if err != nil {
			return nil, stateError(err)
		}
		v.Height = height
		if height < 0 {
			v.Height = s.app.LastCommitted().Height
		}
		v.Found = ok
		if ok {
			b := base64.StdEncoding.EncodeToString(val)
			v.Value = &b
		}
		return v, nil
	}
	val, p, m, err := s.app.Prove([]byte(key), height)
	if err != nil {
		return nil, stateError(err)
	}
	sp := verify.NewStoreProof(p)
	v.Version, v.Height, v.Found, v.Proof = verify.Version, m.Height, val != nil, &sp
	if val != nil {
		b := base64.StdEncoding.EncodeToString(val)
		v.Value = &b
	}
	v.StateRoot, v.LogRoot, v.LogSize, v.AppHash = hex.EncodeToString(m.StateRoot), hex.EncodeToString(m.LogRoot), m.LogSize, hex.EncodeToString(m.AppHash)
	if v.Anchor, err = s.anchor(m); errors.Is(err, errHeaderPending) {
		v.HeaderPending = true
	} else if err != nil {
		return nil, err
	}
	return v, nil
}

// ProvenRecord answers a record endpoint with ?prove=true: the record as
// decoded from the proven value, and the state proof (docs/proofs.md).
type ProvenRecord struct {
	Record any        `json:"record"`
	Proof  *StateView `json:"proof"`
}

// proveRecord serves a record of a module with its proof.
func proveRecord[T any](s *Server, w http.ResponseWriter, r *http.Request, key, what string) error {
	v, err := s.stateView(r, key, true)
	if err != nil {
		return err
	}
	if !v.Found {
		return notFound("no %s at height %d (GET /v1/state/%s?prove=true proves the absence)", what, v.Height, key)
	}
	var rec T
	if err := codec.Unmarshal(mustB64(*v.Value), &rec); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ProvenRecord{Record: &rec, Proof: v})
}

func wantProof(r *http.Request) bool { return r.URL.Query().Get("prove") == "true" }

func codecUnmarshal(b []byte, v any) error { return codec.Unmarshal(b, v) }

func mustB64(s string) []byte {
	b, _ := base64.StdEncoding.DecodeString(s)
	return b
}

// heightParam reads ?height=; without it, proofs default to the newest
// height whose app hash is already signed (the one below the latest), other
// reads to the latest (-1).
func (s *Server) heightParam(r *http.Request, prove bool) (int64, error) {
	if hs := r.URL.Query().Get("height"); hs != "" {
		h, err := strconv.ParseInt(hs, 10, 64)
		if err != nil || h < 0 {
			return 0, badRequest("height must be a non-negative integer")
		}
		return h, nil
	}
	if prove {
		if last := s.app.LastCommitted().Height; last >= 1 {
			return last - 1, nil
		}
	}
	return -1, nil
}

var errHeaderPending = errors.New("api: the signing header is not committed yet")

// headerPending answers a proof request whose signing header (height h+1)
// is not committed yet.
func headerPending(w http.ResponseWriter, h int64) error {
	w.Header().Set("Retry-After", "1")
	return problem(http.StatusConflict, "the header signing height %d is not committed yet; retry in a second", h)
}

// anchor binds height m to the signed header m+1, with the light blocks
// from height 1 through every validator-set change (docs/proofs.md).
func (s *Server) anchor(m app.Meta) (*verify.Anchor, error) {
	top := m.Height + 1
	if top > s.chain.LatestBlockHeight() {
		return nil, errHeaderPending
	}
	changes, err := s.app.ValidatorChanges(top)
	if err != nil {
		return nil, err
	}
	heights := []int64{1}
	for _, h := range changes {
		if h > heights[len(heights)-1] && h < top {
			heights = append(heights, h)
		}
	}
	if top > 1 {
		heights = append(heights, top)
	}
	a := &verify.Anchor{HashSuite: s.app.HashSuite().Name, Height: m.Height, AppHash: hex.EncodeToString(m.AppHash), StateRoot: hex.EncodeToString(m.StateRoot),
		LogRoot: hex.EncodeToString(m.LogRoot), LogSize: m.LogSize}
	for _, h := range heights {
		lb, err := s.chain.LightBlock(h)
		if err != nil {
			return nil, errHeaderPending
		}
		raw, err := verify.EncodeLightBlock(lb)
		if err != nil {
			return nil, err
		}
		a.Headers = append(a.Headers, raw)
	}
	return a, nil
}

func (s *Server) receipt(w http.ResponseWriter, r *http.Request) error {
	h, err := parseHash(strings.ToLower(r.PathValue("hash")))
	if err != nil {
		return err
	}
	idx, err := s.app.Log().Find(h[:])
	if errors.Is(err, ledger.ErrNotFound) {
		return notFound("no committed transaction %x", h)
	}
	if err != nil {
		return err
	}
	e, d, err := s.app.Log().Entry(idx)
	if err != nil {
		return err
	}
	m, err := s.app.MetaAt(int64(e.Height))
	if err != nil {
		return stateError(err)
	}
	a, err := s.anchor(m)
	if errors.Is(err, errHeaderPending) {
		return headerPending(w, int64(e.Height))
	}
	if err != nil {
		return err
	}
	p, err := s.app.Log().InclusionProof(idx, m.LogSize)
	if err != nil {
		return err
	}
	evs := d.Events
	if evs == nil {
		evs = []ledger.Event{}
	}
	return writeJSON(w, http.StatusOK, verify.Receipt{Version: verify.Version, ChainID: s.app.ChainID(),
		Tx: base64.StdEncoding.EncodeToString(d.Tx), Entry: verify.NewEntry(e), Events: evs, LogIndex: idx,
		InclusionProof: hexList(p), Anchor: *a})
}

func (s *Server) lightBlock(w http.ResponseWriter, r *http.Request) error {
	h, err := strconv.ParseInt(r.PathValue("height"), 10, 64)
	if err != nil || h <= 0 {
		return badRequest("height must be a positive integer")
	}
	if h > s.chain.LatestBlockHeight() {
		return notFound("no block at height %d", h)
	}
	lb, err := s.chain.LightBlock(h)
	if err != nil {
		return notFound("%v", err)
	}
	raw, err := verify.EncodeLightBlock(lb)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(append(raw, '\n'))
	return err
}

func stateError(err error) error {
	switch {
	case errors.Is(err, app.ErrNoHeight), errors.Is(err, store.ErrNoVersion):
		return notFound("%v", err)
	case errors.Is(err, store.ErrPruned):
		return problem(http.StatusGone, "%v", err)
	}
	return err
}

// Commitments are what the app hash of a height binds.
type Commitments struct {
	Height    int64  `json:"height"`
	AppHash   string `json:"app_hash"`
	StateRoot string `json:"state_root"`
	LogRoot   string `json:"log_root"`
	LogSize   uint64 `json:"log_size"`
}

func (s *Server) commitments(w http.ResponseWriter, r *http.Request) error {
	h, err := strconv.ParseInt(r.PathValue("height"), 10, 64)
	if err != nil || h < 0 {
		return badRequest("height must be a non-negative integer")
	}
	m, err := s.app.MetaAt(h)
	if err != nil {
		return stateError(err)
	}
	return writeJSON(w, http.StatusOK, Commitments{Height: m.Height, AppHash: hex.EncodeToString(m.AppHash),
		StateRoot: hex.EncodeToString(m.StateRoot), LogRoot: hex.EncodeToString(m.LogRoot), LogSize: m.LogSize})
}

func (s *Server) anchorOf(w http.ResponseWriter, r *http.Request) error {
	h, err := strconv.ParseInt(r.PathValue("height"), 10, 64)
	if err != nil || h < 0 {
		return badRequest("height must be a non-negative integer")
	}
	m, err := s.app.MetaAt(h)
	if err != nil {
		return stateError(err)
	}
	a, err := s.anchor(m)
	if errors.Is(err, errHeaderPending) {
		return headerPending(w, int64(h))
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a)
}

func uintParam(r *http.Request, name string) (uint64, error) {
	v, err := strconv.ParseUint(r.URL.Query().Get(name), 10, 64)
	if err != nil {
		return 0, badRequest("%s must be a non-negative integer", name)
	}
	return v, nil
}

func (s *Server) logProof(w http.ResponseWriter, r *http.Request) error {
	idx, err := uintParam(r, "index")
	if err != nil {
		return err
	}
	var height int64
	if r.URL.Query().Get("size") != "" {
		size, err := uintParam(r, "size")
		if err != nil {
			return err
		}
		if height, err = s.heightOfLogSize(size); err != nil {
			return err
		}
	} else if height, err = s.heightParam(r, true); err != nil {
		return err
	}
	if height < 0 {
		return notFound("no height is signed yet")
	}
	m, err := s.app.MetaAt(height)
	if err != nil {
		return stateError(err)
	}
	if idx >= m.LogSize {
		return notFound("the log at height %d has %d entries", height, m.LogSize)
	}
	e, _, err := s.app.Log().Entry(idx)
	if err != nil {
		return err
	}
	p, err := s.app.Log().InclusionProof(idx, m.LogSize)
	if err != nil {
		return err
	}
	lp := verify.LogProof{Version: verify.Version, ChainID: s.app.ChainID(), Index: idx, Entry: verify.NewEntry(e), InclusionProof: hexList(p)}
	a, err := s.anchor(m)
	if errors.Is(err, errHeaderPending) {
		return headerPending(w, int64(height))
	}
	if err != nil {
		return err
	}
	lp.Anchor = *a
	return writeJSON(w, http.StatusOK, lp)
}

// heightOfLogSize finds the height after which the log had exactly size
// entries: only such sizes have a root the validators signed.
func (s *Server) heightOfLogSize(size uint64) (int64, error) {
	lo, hi := int64(0), s.app.LastCommitted().Height
	for lo < hi { // first height whose log size is >= size
		mid := lo + (hi-lo)/2
		m, err := s.app.MetaAt(mid)
		if err != nil {
			return 0, stateError(err)
		}
		if m.LogSize < size {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	m, err := s.app.MetaAt(lo)
	if err != nil {
		return 0, stateError(err)
	}
	if m.LogSize != size {
		return 0, notFound("no height ends with a log of %d entries (the next is height %d with %d); ask by height", size, lo, m.LogSize)
	}
	return lo, nil
}

func hexList(bs [][]byte) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = hex.EncodeToString(b)
	}
	return out
}

// ConsistencyView proves the log of size To extends the log of size From.
type ConsistencyView struct {
	From     uint64   `json:"from"`
	To       uint64   `json:"to"`
	FromRoot string   `json:"from_root"`
	ToRoot   string   `json:"to_root"`
	Proof    []string `json:"proof"`
}

func (s *Server) logConsistency(w http.ResponseWriter, r *http.Request) error {
	from, err := uintParam(r, "from")
	if err != nil {
		return err
	}
	to, err := uintParam(r, "to")
	if err != nil {
		return err
	}
	if from > to || to > s.app.Log().Size() {
		return notFound("sizes %d..%d: the log has %d entries", from, to, s.app.Log().Size())
	}
	p, err := s.app.Log().ConsistencyProof(from, to)
	if err != nil {
		return err
	}
	r1, err := s.app.Log().RootAt(from)
	if err != nil {
		return err
	}
	r2, err := s.app.Log().RootAt(to)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ConsistencyView{From: from, To: to, FromRoot: hex.EncodeToString(r1), ToRoot: hex.EncodeToString(r2), Proof: hexList(p)})
}

// CodeView documents one result code.
type CodeView struct {
	Code      uint32 `json:"code"`
	Codespace string `json:"codespace"`
	Message   string `json:"message"`
}

func (s *Server) codes(w http.ResponseWriter, r *http.Request) error {
	var out []CodeView
	for c, e := range module.Codes() {
		out = append(out, CodeView{Code: c, Codespace: e.Codespace, Message: e.Msg})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return writeJSON(w, http.StatusOK, map[string]any{"codes": out})
}

//go:embed openapi.json
var openapiDoc []byte

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openapiDoc)
	return err
}
