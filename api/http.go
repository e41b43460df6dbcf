package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"runtime"
	"slices"
	"strings"
	"time"
)

// ReadLimits bound the expensive reads: list pages, anything with
// prove=true, receipts, anchors, log proofs, blocks and light blocks. At
// most Concurrent run at once; the others wait in line for up to Wait, then
// get 503 with Retry-After. Cheap reads (status, health, one record, one
// transaction) and submissions never wait here, so /v1/status stays fast
// while proven pages are being built.
type ReadLimits struct {
	Concurrent int           // 0: one per CPU but one, at least one
	Wait       time.Duration // 0: 10 s
}

// SetReadLimits sets the bounds on expensive reads; call it before serving.
func (s *Server) SetReadLimits(l ReadLimits) {
	if l.Concurrent <= 0 {
		// One CPU stays free for consensus, submissions and cheap reads:
		// measured on two CPUs, /v1/status under 100 clients of proven pages
		// answered in 0.2 ms (p50) with one expensive read at a time, in
		// 30 ms with two and in 600 ms unbounded.
		l.Concurrent = max(1, runtime.GOMAXPROCS(0)-1)
	}
	if l.Wait <= 0 {
		l.Wait = 10 * time.Second
	}
	s.heavy = make(chan struct{}, l.Concurrent)
	s.heavyWait = l.Wait
}

// serveOp is the HTTP handler of one operation: it refuses query
// parameters the operation does not declare, waits for a turn if the read
// is expensive, runs the handler and renders its error.
func (s *Server) serveOp(op *operation) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := op.checkQuery(r); err != nil {
			s.renderError(w, r, err)
			return
		}
		if op.isHeavy(r) {
			release, err := s.awaitTurn(r.Context())
			if err != nil {
				w.Header().Set("Retry-After", "1")
				s.renderError(w, r, err)
				return
			}
			defer release()
		}
		if err := op.handler(w, r); err != nil {
			s.renderError(w, r, err)
		}
	}
}

// isHeavy tells the reads whose cost grows with what they return.
func (op *operation) isHeavy(r *http.Request) bool {
	if op.heavy || (op.query != nil && op.query.List) {
		return true
	}
	return r.URL.Query().Get("prove") == "true"
}

// awaitTurn waits for one of the expensive reads' places.
func (s *Server) awaitTurn(ctx context.Context) (func(), error) {
	release := func() { <-s.heavy }
	select {
	case s.heavy <- struct{}{}:
		return release, nil
	default:
	}
	t := time.NewTimer(s.heavyWait)
	defer t.Stop()
	select {
	case s.heavy <- struct{}{}:
		return release, nil
	case <-t.C:
		s.metrics.ReadsBusy.Inc()
		return nil, problem(http.StatusServiceUnavailable, "too many expensive reads at once (list pages, proofs, receipts, blocks); retry in a second")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// checkQuery refuses a query parameter the operation does not declare (a
// misspelt ?heigth= would otherwise read the latest height and look
// right) and a repeated one that is not repeatable.
func (op *operation) checkQuery(r *http.Request) error {
	q, err := parseQuery(r)
	if err != nil {
		return err
	}
	for name, vs := range q {
		i := slices.IndexFunc(op.params, func(p param) bool { return p.in == "query" && p.name == name })
		if i < 0 {
			return badRequest("unknown query parameter %q; %s %s takes %s", name, op.method, op.path, op.queryNames())
		}
		if len(vs) > 1 && !op.params[i].repeat {
			return badRequest("query parameter %q is given %d times; it takes one value", name, len(vs))
		}
	}
	return nil
}

// parseQuery parses the query string strictly: a malformed one (a bad
// %-escape, a ';') is refused rather than partly read.
func parseQuery(r *http.Request) (map[string][]string, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest("malformed query string: %v", err)
	}
	return q, nil
}

func (op *operation) queryNames() string {
	var names []string
	for _, p := range op.params {
		if p.in == "query" {
			names = append(names, p.name)
		}
	}
	if len(names) == 0 {
		return "no query parameters"
	}
	return "only " + strings.Join(names, ", ")
}

// unrouted answers what no operation matches: 405 with Allow when the path
// is an operation's with another method, 404 otherwise; always a problem.
func (s *Server) unrouted(w http.ResponseWriter, r *http.Request) {
	if allow := s.allowedMethods(r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeProblem(w, problem(http.StatusMethodNotAllowed, "%s %s: this path takes %s", r.Method, r.URL.Path, strings.Join(allow, ", ")))
		return
	}
	detail := fmt.Sprintf("no such endpoint: %s %s", r.Method, r.URL.Path)
	if !strings.HasPrefix(r.URL.Path, "/v1/") {
		detail += " (the API is under /v1/; its document is GET /v1/openapi.json)"
	}
	writeProblem(w, notFound("%s", detail))
}

// allowedMethods lists the methods some route takes at r's path, asking
// the mux itself so that the answer follows the route table.
func (s *Server) allowedMethods(r *http.Request) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pat := s.mux.Handler(probe); strings.HasPrefix(pat, m+" ") {
			out = append(out, m)
			if m == http.MethodGet {
				out = append(out, http.MethodHead)
			}
		}
	}
	return out
}

// isAPIPath tells the paths the API owns (the rest is the web UI's).
func isAPIPath(p string) bool {
	return p == "/v1" || strings.HasPrefix(p, "/v1/") || p == "/healthz" || p == "/metrics"
}

// cleanPath is net/http's: the path ServeMux would redirect to.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}

// extendWriteDeadline lets a response that waits (a submission with
// wait=commit) take longer than the server's write timeout: d from now.
func extendWriteDeadline(w http.ResponseWriter, d time.Duration) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d))
}

// clearDeadlines lifts the server's read and write timeouts from a
// connection that becomes a long-lived stream (the events websocket).
func clearDeadlines(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
}

// Liveness is what the node knows of block production; /healthz and
// /v1/status judge it with one rule (Stalled).
type Liveness struct {
	// LastBlockAge is the time since the node last committed a block (or
	// started, if it has committed none since).
	LastBlockAge time.Duration
	// StallAfter is the limit: longer without a block is a stall.
	StallAfter time.Duration
	// Expected is whether blocks are due at all: always when the chain
	// makes empty blocks, otherwise only while txs wait in the mempool (an
	// idle chain without empty blocks is not stalled).
	Expected   bool
	Peers      int
	Validators int
}

// Stalled says why the chain looks stalled, or "" when it does not.
func (l Liveness) Stalled() string {
	if !l.Expected || l.LastBlockAge <= l.StallAfter {
		return ""
	}
	return fmt.Sprintf("no block committed for %s (limit %s); peers connected: %d, validators: %d",
		l.LastBlockAge.Round(100*time.Millisecond), l.StallAfter, l.Peers, l.Validators)
}
