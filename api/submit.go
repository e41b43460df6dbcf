package api

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/tx"
)

// Codes of refusals the API itself makes before a tx reaches the chain
// (codespace "api", 900-999); they appear in /v1/codes with the chain's.
var (
	ErrCodeMempoolFull = module.Register("api", 900, "mempool is full; retry later")
	ErrCodeTimeout     = module.Register("api", 901, "not committed before the timeout; it may still commit")
	ErrCodeInternal    = module.Register("api", 902, "internal error while submitting")
)

func readJSON(r *http.Request, v any) error {
	body, err := readJSONBody(r)
	if err != nil {
		return err
	}
	return decodeStrictJSON(body, v)
}

// readJSONBody reads a JSON request's body, bounded by MaxBodyBytes.
func readJSONBody(r *http.Request) ([]byte, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "" && ct != "application/json" {
		return nil, problem(http.StatusUnsupportedMediaType, "send application/json (or application/cbor to POST /v1/txs)")
	}
	if r.ContentLength > MaxBodyBytes {
		return nil, problem(http.StatusRequestEntityTooLarge, "the body is larger than %d bytes", MaxBodyBytes)
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, problem(http.StatusRequestEntityTooLarge, "the body is larger than %d bytes", MaxBodyBytes)
	}
	if err != nil {
		return nil, badRequest("reading body: %v", err)
	}
	return body, nil
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

// writeGrace is what a waiting submission may take beyond its own timeout
// to write its answer.
const writeGrace = 15 * time.Second

func (s *Server) postTx(w http.ResponseWriter, r *http.Request) error {
	wait, timeout, err := waitMode(r)
	if err != nil {
		return err
	}
	if wait {
		extendWriteDeadline(w, timeout+writeGrace)
	}
	var raw []byte
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/cbor" {
		if r.ContentLength > tx.MaxTxBytes {
			return problem(http.StatusRequestEntityTooLarge, "a transaction is at most %d bytes", tx.MaxTxBytes)
		}
		raw, err = io.ReadAll(http.MaxBytesReader(nil, r.Body, tx.MaxTxBytes))
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return problem(http.StatusRequestEntityTooLarge, "a transaction is at most %d bytes", tx.MaxTxBytes)
		}
		if err != nil {
			return badRequest("reading body: %v", err)
		}
		if len(raw) == 0 {
			return badRequest("empty body")
		}
	} else {
		var req apitype.SubmitRequest
		if err := readJSON(r, &req); err != nil {
			return err
		}
		if raw, err = decodeB64(req.Tx); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	release := s.ingestSlot()
	defer release()
	res := s.submit(ctx, [][]byte{raw}, wait, release)[0]
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
	if wait {
		extendWriteDeadline(w, timeout+writeGrace)
	}
	// The body is read first: a slow sender must not hold a slot of the
	// ingest gate, which decoding, signature checks and CheckTx hold
	// (released before waiting for commits).
	body, err := readJSONBody(r)
	if err != nil {
		return err
	}
	release := s.ingestSlot()
	defer release()
	var req apitype.BatchRequest
	if err := decodeStrictJSON(body, &req); err != nil {
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
	out := apitype.BatchResult{Results: make([]apitype.SubmitResult, len(raws))}
	for i, res := range s.submit(ctx, raws, wait, release) {
		if res.err != nil {
			var p *Problem
			if !errors.As(res.err, &p) {
				s.logf("api: batch submit: %v", res.err)
				p = problem(http.StatusInternalServerError, "internal error")
			}
			if p.Code == 0 {
				p.Code, p.Codespace = ErrCodeInternal.Code, ErrCodeInternal.Codespace
			}
			res.Code, res.Codespace, res.Log, res.Status = p.Code, p.Codespace, p.Detail, p.Status
		} else if res.Code != 0 && !res.Committed {
			res.Status = http.StatusUnprocessableEntity
		}
		out.Results[i] = res.SubmitResult
	}
	return writeJSON(w, http.StatusOK, out)
}

// ingestSlot waits for a slot of the app's ingest gate and returns the
// function that gives it back (once, however often it is called).
func (s *Server) ingestSlot() func() {
	gate := s.app.IngestGate()
	gate.Acquire()
	var once sync.Once
	return func() { once.Do(gate.Release) }
}

type submitOutcome struct {
	apitype.SubmitResult
	err error
}

// apiRefusal is a problem with one of the API's own codes.
func apiRefusal(status int, e *module.Error, detail string, args ...any) *Problem {
	p := problem(status, detail, args...)
	p.Code, p.Codespace = e.Code, e.Codespace
	return p
}

// submit sends txs to the mempool in order and, with wait, waits for each
// accepted one to commit.
//
// The caller holds a slot of the ingest gate; submit calls release once
// the txs are in the mempool, before waiting for their commits.
func (s *Server) submit(ctx context.Context, raws [][]byte, wait bool, release func()) []submitOutcome {
	out := make([]submitOutcome, len(raws))
	chans := make([]<-chan app.TxOutcome, len(raws))
	// Verify signatures here, in parallel batches, rather than one by one
	// in the mempool's single CheckTx lane: on as many more goroutines as
	// the ingest gate has free slots.
	gate := s.app.IngestGate()
	extra := 0
	for extra < min(runtime.GOMAXPROCS(0), len(raws))-1 && gate.TryAcquire() {
		extra++
	}
	var wg sync.WaitGroup
	workers := extra + 1
	for w := 0; w < workers; w++ {
		part := raws[w*len(raws)/workers : (w+1)*len(raws)/workers]
		if w == workers-1 {
			s.app.PreVerify(part)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer gate.Release()
			s.app.PreVerify(part)
		}()
	}
	wg.Wait()
	for i, raw := range raws {
		h := s.app.TxHash(raw)
		out[i].Hash = hex.EncodeToString(h[:])
		if len(raw) > tx.MaxTxBytes {
			out[i].Code, out[i].Codespace, out[i].Log = app.ErrTxTooLarge.Code, app.ErrTxTooLarge.Codespace, app.ErrTxTooLarge.Msg
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
				out[i].SubmitResult = committedResult(v)
				chans[i] = nil
			}
		case errors.Is(err, ErrMempoolFull):
			out[i].err = apiRefusal(http.StatusServiceUnavailable, ErrCodeMempoolFull, "mempool is full; retry later")
			chans[i] = nil
			continue
		case err != nil && ctx.Err() != nil:
			out[i].err = apiRefusal(http.StatusGatewayTimeout, ErrCodeTimeout, "the mempool did not answer before the timeout; the tx may still commit (GET /v1/txs/%s)", out[i].Hash)
			chans[i] = nil
			continue
		case err != nil:
			out[i].err = err
			chans[i] = nil
			continue
		case resp.Code != 0:
			if v, ferr := s.txView(h); ferr == nil {
				// Already committed (a resubmission): report that result.
				out[i].SubmitResult = committedResult(v)
			} else {
				out[i].Code, out[i].Codespace, out[i].Log = resp.Code, resp.Codespace, resp.Log
				s.metrics.ObserveRejected(resp.Code)
			}
			chans[i] = nil
			continue
		}
	}
	release()
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
			out[i].err = apiRefusal(http.StatusGatewayTimeout, ErrCodeTimeout, "not committed before the timeout; it may still commit (GET /v1/txs/%s)", out[i].Hash)
		}
	}
	return out
}

func committedResult(v *apitype.Tx) apitype.SubmitResult {
	r := apitype.SubmitResult{Hash: v.Hash, Code: v.Code, Log: v.Log, Committed: true, Height: int64(v.Height), LogIndex: v.LogIndex}
	if v.Code != 0 {
		r.Codespace = codespace(v.Code)
	}
	return r
}

func codespace(code uint32) string {
	if e, ok := module.Codes()[code]; ok {
		return e.Codespace
	}
	return ""
}
