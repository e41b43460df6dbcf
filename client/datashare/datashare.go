// Package datashare is the transport of x/datashare: data stays with its
// owner department and goes from the owner's data service straight to the
// requester, never through the chain. The chain holds the grant and the
// log.
//
// A requester signs each request with its account key (Requester.Do): an
// x/datashare AccessRequest naming the chain, the grant, the dataset, the
// purpose, the subject citizen, the audience (the owner's service
// account), a timestamp, a nonce and the hash of the HTTP request itself,
// sent in the Govchain-Access-Request and Govchain-Access-Signature
// headers. The owner's service wraps its handler in Service.Handler, which
// verifies the signature with the requester's key read from the node,
// checks the request's chain, audience, time window and nonce, checks on
// chain that the grant is live for it (period, purpose, department,
// consent), serves, and logs the access (datashare.log_access, signed by
// the service account, with the hash of the answer) before the answer
// leaves: if the chain refuses the entry, the data is not sent.
// docs/datashare.md, "Transport", describes the exchange.
//
// It uses the Go SDK (package client) and must not import the server
// (api, app, node).
package datashare

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/x/datashare"
	"github.com/govchain/govchain/x/identity"
)

// Headers of the exchange.
const (
	// HeaderRequest carries the AccessRequest's canonical CBOR, base64
	// (standard alphabet, padded).
	HeaderRequest = "Govchain-Access-Request"
	// HeaderSignature carries "<algorithm> <base64 signature>".
	HeaderSignature = "Govchain-Access-Signature"
	// HeaderResponseHash is SHA-256 of the answer's body, hex: the value
	// logged on chain.
	HeaderResponseHash = "Govchain-Response-Hash"
	// HeaderLog names the log entry: "<grant>/<seq>", and HeaderLogTx the
	// transaction that recorded it.
	HeaderLog   = "Govchain-Access-Log"
	HeaderLogTx = "Govchain-Access-Log-Tx"
)

// MaxBody bounds a request body the service reads.
const MaxBody = 1 << 20

// QueryHash binds a signed request to the HTTP request it travels with:
// SHA-256 of the method, the request URI (path and query) and SHA-256 of
// the body, separated by newlines.
func QueryHash(method, requestURI string, body []byte) []byte {
	b := sha256.Sum256(body)
	h := sha256.Sum256([]byte(method + "\n" + requestURI + "\n" + hex.EncodeToString(b[:])))
	return h[:]
}

// Access names what a request is for.
type Access struct {
	Grant   uint64
	Dataset string
	Purpose string
	Subject string // the citizen the data concerns ("" for none)
	// Audience is the owner's data service account address.
	Audience string
}

// Requester signs requests with a requester account's key.
type Requester struct {
	Key     *crypto.PrivateKey
	Address string // the account's address (default: the key's)
	ChainID string
	HTTP    *http.Client
	Now     func() time.Time
}

// Sign builds the signed request for an HTTP request and sets its headers.
func (r *Requester) Sign(req *http.Request, body []byte, a Access) (*datashare.AccessRequest, error) {
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	addr := r.Address
	if addr == "" {
		addr = r.Key.Address()
	}
	ar := &datashare.AccessRequest{ChainID: r.ChainID, Grant: a.Grant, Dataset: a.Dataset, Purpose: a.Purpose, Subject: a.Subject,
		Audience: a.Audience, Requester: addr, Time: now().Unix(), Nonce: nonce, Query: QueryHash(req.Method, req.URL.RequestURI(), body)}
	raw, sig := ar.Sign(r.Key)
	SetHeaders(req.Header, raw, r.Key.Algorithm, sig)
	return ar, nil
}

// SetHeaders puts a signed request into h.
func SetHeaders(h http.Header, raw []byte, alg string, sig []byte) {
	h.Set(HeaderRequest, base64.StdEncoding.EncodeToString(raw))
	h.Set(HeaderSignature, alg+" "+base64.StdEncoding.EncodeToString(sig))
}

// Response is a service's answer.
type Response struct {
	Status int
	Body   []byte
	Header http.Header
	// Log is the log entry ("<grant>/<seq>") the service says it wrote.
	Log string
}

// Do sends a signed request to url and reads the answer; it checks that
// the response hash header matches the body.
func (r *Requester) Do(ctx context.Context, method, url string, body []byte, a Access) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if _, err := r.Sign(req, body, a); err != nil {
		return nil, err
	}
	return send(r.HTTP, req)
}

func send(hc *http.Client, req *http.Request) (*Response, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	out := &Response{Status: resp.StatusCode, Body: b, Header: resp.Header, Log: resp.Header.Get(HeaderLog)}
	if resp.StatusCode/100 == 2 {
		h := sha256.Sum256(b)
		if resp.Header.Get(HeaderResponseHash) != hex.EncodeToString(h[:]) {
			return out, errors.New("datashare: the answer's hash differs from the one the service logged")
		}
	}
	return out, nil
}

// Service is the owner department's data service side: Handler wraps the
// handler that reads the data.
type Service struct {
	Node *client.Client
	// Signer is the service account (role datashare.service, of the
	// dataset owner's department); its ChainID and Address are the chain
	// and audience the service accepts.
	Signer *client.Signer
	// Window is how far a request's time may be from the service's clock
	// (default 2 minutes); nonces are remembered that long.
	Window time.Duration
	Now    func() time.Time
	Logf   func(format string, args ...any)

	mu     sync.Mutex
	seen   map[string]int64 // request hash -> unix time it expires from the cache
	free   []uint64         // sequences given back by refused submissions
	synced bool
	dept   string
}

type ctxKey struct{}

// FromContext returns the verified request a handler wrapped by
// Service.Handler serves.
func FromContext(ctx context.Context) *datashare.AccessRequest {
	r, _ := ctx.Value(ctxKey{}).(*datashare.AccessRequest)
	return r
}

// Refusal is why the service refused a request: an HTTP status and a
// reason, with the chain's code when a datashare rule refused it.
type Refusal struct {
	Status int
	Code   uint32
	Reason string
}

func (e *Refusal) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("%d: code %d: %s", e.Status, e.Code, e.Reason)
	}
	return fmt.Sprintf("%d: %s", e.Status, e.Reason)
}

func refuse(status int, err error) *Refusal {
	r := &Refusal{Status: status, Reason: err.Error()}
	var me *module.Error
	if errors.As(err, &me) {
		r.Code = me.Code
	}
	return r
}

// Handler serves next only for requests inside a live grant, and logs
// each access on chain before its answer leaves.
func (s *Service) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ar, raw, alg, sig, err := s.Check(req)
		if err != nil {
			writeRefusal(w, err)
			return
		}
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(rec, req.WithContext(context.WithValue(req.Context(), ctxKey{}, ar)))
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		if rec.status/100 != 2 {
			w.WriteHeader(rec.status) // no data: nothing to log
			w.Write(rec.body.Bytes())
			return
		}
		h := sha256.Sum256(rec.body.Bytes())
		logged, tx, err := s.log(req.Context(), raw, alg, sig, h[:])
		if err != nil {
			writeRefusal(w, err)
			return
		}
		w.Header().Set(HeaderResponseHash, hex.EncodeToString(h[:]))
		w.Header().Set(HeaderLog, logged)
		w.Header().Set(HeaderLogTx, tx)
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
	})
}

func writeRefusal(w http.ResponseWriter, err error) {
	var r *Refusal
	if !errors.As(err, &r) {
		r = &Refusal{Status: http.StatusBadGateway, Reason: err.Error()}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if r.Code != 0 {
		w.Header().Set("Govchain-Code", strconv.FormatUint(uint64(r.Code), 10))
	}
	w.WriteHeader(r.Status)
	io.WriteString(w, r.Reason+"\n")
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) window() int64 {
	if s.Window > 0 {
		return int64(s.Window / time.Second)
	}
	return 120
}

// Check verifies a request (its body is read and restored) and that its
// grant is live for it now, reading the node; it returns the request and
// its signature.
func (s *Service) Check(req *http.Request) (*datashare.AccessRequest, []byte, string, []byte, error) {
	ar, raw, alg, sig, err := ParseHeaders(req.Header)
	if err != nil {
		return nil, nil, "", nil, err
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, MaxBody+1))
	if err != nil || len(body) > MaxBody {
		return nil, nil, "", nil, &Refusal{Status: http.StatusRequestEntityTooLarge, Reason: "body too large or unreadable"}
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	now := s.now().Unix()
	switch {
	case ar.ChainID != s.Signer.ChainID:
		return nil, nil, "", nil, refuse(http.StatusUnauthorized, datashare.ErrWrongChain.Wrapf("%q", ar.ChainID))
	case ar.Audience != s.Signer.Address:
		return nil, nil, "", nil, refuse(http.StatusUnauthorized, datashare.ErrWrongAudience.Wrapf("addressed to %s", ar.Audience))
	case ar.Time < now-s.window() || ar.Time > now+s.window():
		return nil, nil, "", nil, refuse(http.StatusUnauthorized, datashare.ErrStaleRequest.Wrapf("request at %d, now %d", ar.Time, now))
	case !bytes.Equal(ar.Query, QueryHash(req.Method, req.URL.RequestURI(), body)):
		return nil, nil, "", nil, &Refusal{Status: http.StatusUnauthorized, Reason: "the signed request is for another query"}
	}
	ctx := req.Context()
	acct, err := client.Query[identity.Account](ctx, s.Node, client.Path("identity", "accounts", ar.Requester))
	if err != nil {
		return nil, nil, "", nil, refuse(http.StatusUnauthorized, datashare.ErrUnknownAccount.Wrapf("%s", ar.Requester))
	}
	if acct.Disabled || acct.Algorithm != alg {
		return nil, nil, "", nil, refuse(http.StatusUnauthorized, datashare.ErrBadSignature.Wrapf("account %s", ar.Requester))
	}
	if err := datashare.VerifyRequest(ar, raw, acct.Algorithm, acct.PublicKey, sig); err != nil {
		return nil, nil, "", nil, refuse(http.StatusUnauthorized, err)
	}
	if err := s.checkGrant(ctx, ar, acct, now); err != nil {
		return nil, nil, "", nil, err
	}
	// Remember the nonce last: only a request that would be served uses it.
	if err := s.remember(datashare.RequestHash(raw), now); err != nil {
		return nil, nil, "", nil, err
	}
	return ar, raw, alg, sig, nil
}

// ParseHeaders reads a signed request from HTTP headers: the request,
// its encoding, the signature's algorithm and the signature. It checks
// their forms only; a refusal is a *Refusal.
func ParseHeaders(h http.Header) (*datashare.AccessRequest, []byte, string, []byte, error) {
	raw, err := base64.StdEncoding.DecodeString(h.Get(HeaderRequest))
	if err != nil || len(raw) == 0 {
		return nil, nil, "", nil, &Refusal{Status: http.StatusUnauthorized, Reason: "no signed request (" + HeaderRequest + ")"}
	}
	alg, sigB64, _ := strings.Cut(h.Get(HeaderSignature), " ")
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil || len(sig) == 0 || len(sig) > 256 || alg == "" || len(alg) > 16 {
		return nil, nil, "", nil, &Refusal{Status: http.StatusUnauthorized, Reason: "no signature (" + HeaderSignature + ")"}
	}
	ar, err := datashare.DecodeRequest(raw)
	if err != nil {
		return nil, nil, "", nil, refuse(http.StatusBadRequest, err)
	}
	return ar, raw, alg, sig, nil
}

// checkGrant reads the grant, its dataset and the subject's consent from
// the node and decides with the chain's own rule (datashare.CheckAccess).
func (s *Service) checkGrant(ctx context.Context, ar *datashare.AccessRequest, acct *identity.Account, now int64) error {
	id := strconv.FormatUint(ar.Grant, 10)
	g, err := client.Query[datashare.Request](ctx, s.Node, client.Path("datashare", "requests", id))
	if err != nil {
		return refuse(http.StatusForbidden, datashare.ErrUnknownRequest.Wrapf("%s: %v", id, err))
	}
	ds, err := client.Query[datashare.Dataset](ctx, s.Node, client.Path("datashare", "datasets", g.Dataset))
	if err != nil {
		return &Refusal{Status: http.StatusBadGateway, Reason: err.Error()}
	}
	if ds.Owner != s.department(ctx) {
		return refuse(http.StatusForbidden, datashare.ErrWrongService.Wrapf("%s is %s's", ds.ID, ds.Owner))
	}
	if ar.Dataset != g.Dataset {
		return refuse(http.StatusForbidden, datashare.ErrRequestMismatch.Wrapf("grant %d is of %s", g.ID, g.Dataset))
	}
	if acct.Department != g.Requester || !slices.Contains(acct.Roles, datashare.RoleRequester) {
		return refuse(http.StatusForbidden, datashare.ErrWrongRequester.Wrapf("%s of %s", ar.Requester, acct.Department))
	}
	var consent *datashare.Consent
	if ds.ConsentRequired && ar.Subject != "" {
		c, err := client.Query[datashare.Consent](ctx, s.Node, client.Path("datashare", "requests", id, "consents", ar.Subject))
		var p *apitype.Problem
		switch {
		case err == nil:
			consent = c
		case errors.As(err, &p) && p.Status == http.StatusNotFound:
		default:
			return &Refusal{Status: http.StatusBadGateway, Reason: err.Error()}
		}
	}
	// An access now: after every logged one, at the service's clock.
	a := &datashare.Access{ID: math.MaxUint64, Grant: g.ID, Dataset: g.Dataset, Requester: acct.Department, RequesterAccount: ar.Requester,
		Purpose: ar.Purpose, Subject: ar.Subject, RequestTime: ar.Time, Time: now}
	if err := datashare.CheckAccess(a, g, ds, consent); err != nil {
		return refuse(http.StatusForbidden, err)
	}
	return nil
}

// department is the service account's department (read once: an
// account never changes department).
func (s *Service) department(ctx context.Context) string {
	s.mu.Lock()
	d := s.dept
	s.mu.Unlock()
	if d != "" {
		return d
	}
	a, err := client.Query[identity.Account](ctx, s.Node, client.Path("identity", "accounts", s.Signer.Address))
	if err != nil {
		return ""
	}
	s.mu.Lock()
	s.dept = a.Department
	s.mu.Unlock()
	return a.Department
}

func (s *Service) remember(hash []byte, now int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]int64{}
	}
	if len(s.seen) > 4096 {
		for k, exp := range s.seen {
			if exp < now {
				delete(s.seen, k)
			}
		}
	}
	k := string(hash)
	if exp, ok := s.seen[k]; ok && exp >= now {
		return refuse(http.StatusConflict, datashare.ErrReplay)
	}
	// Kept past the window on both sides: an older copy is stale anyway.
	s.seen[k] = now + 2*s.window() + 1
	return nil
}

// log records the access on chain and waits for its commit; it returns
// the entry's name ("<grant>/<seq>") and the tx hash.
func (s *Service) log(ctx context.Context, raw []byte, alg string, sig, respHash []byte) (string, string, error) {
	msg := client.Msg(datashare.TypeLogAccess, datashare.MsgLogAccess{Request: raw, Algorithm: alg, Signature: sig, ResponseHash: respHash})
	txRaw, seq, err := s.sign(ctx, msg)
	if err != nil {
		return "", "", &Refusal{Status: http.StatusBadGateway, Reason: err.Error()}
	}
	res, err := s.Node.Submit(ctx, txRaw, true)
	if err != nil {
		var p *apitype.Problem
		if errors.As(err, &p) && (p.Status < 500 || p.Status == http.StatusServiceUnavailable) {
			s.giveBack(seq) // refused before execution: the sequence is free
		}
		return "", "", &Refusal{Status: http.StatusBadGateway, Reason: "logging the access: " + err.Error()}
	}
	if res.Code != 0 {
		return "", "", &Refusal{Status: http.StatusForbidden, Code: res.Code, Reason: res.Log}
	}
	// The entry's key, from the chain's index of logged requests.
	st, err := s.Node.State(ctx, datashare.Name+"/seen/"+hex.EncodeToString(datashare.RequestHash(raw)), res.Height, false)
	if err != nil || st.Value == nil {
		return "", res.Hash, nil
	}
	key, _ := base64.StdEncoding.DecodeString(*st.Value)
	return LogName(string(key)), res.Hash, nil
}

// LogName turns an access's state key ("access/<grant>/<seq>", zero
// padded) into its name "<grant>/<seq>".
func LogName(key string) string {
	parts := strings.Split(key, "/")
	if len(parts) != 3 {
		return ""
	}
	g, err1 := strconv.ParseUint(parts[1], 10, 64)
	n, err2 := strconv.ParseUint(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return ""
	}
	return fmt.Sprintf("%d/%d", g, n)
}

// sign signs a tx of the service account with a free sequence (one given
// back first, so no gap stalls the account's later txs).
func (s *Service) sign(ctx context.Context, msg tx.Msg) ([]byte, uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.synced {
		fresh, err := s.Node.NewSigner(ctx, s.Signer.Key, s.Signer.Address)
		if err != nil {
			return nil, 0, err
		}
		s.Signer.Sequence, s.synced = fresh.Sequence, true
	}
	next := s.Signer.Sequence
	seq := next
	if len(s.free) > 0 {
		slices.Sort(s.free)
		seq, s.free = s.free[0], s.free[1:]
		s.Signer.Sequence = seq
	}
	raw, err := s.Signer.Sign("", msg)
	if seq != next {
		s.Signer.Sequence = next
	}
	if err != nil {
		return nil, 0, err
	}
	return raw, seq, nil
}

func (s *Service) giveBack(seq uint64) {
	s.mu.Lock()
	s.free = append(s.free, seq)
	s.mu.Unlock()
}

// recorder buffers a handler's answer until its access is logged.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}
