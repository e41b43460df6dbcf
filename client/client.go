// Package client is the Go SDK for govchain's HTTP API: build, sign and
// submit transactions, read records, fetch proofs. The CLI, the benchmark
// and the end-to-end tests use it, so it is exercised constantly.
package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/tx"
)

// Client talks to one node's API.
type Client struct {
	base string
	http *http.Client
}

// New returns a client for the API at base ("http://127.0.0.1:8080").
func New(base string) *Client {
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	// Go keeps 2 idle connections per host by default; a busy client would
	// open and close sockets constantly.
	t.MaxIdleConns = 512
	t.MaxIdleConnsPerHost = 512
	return &Client{base: strings.TrimRight(base, "/"), http: &http.Client{Transport: t, Timeout: 6 * time.Minute}}
}

// Base is the API address.
func (c *Client) Base() string { return c.base }

func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		p := &apitype.Problem{Status: resp.StatusCode, Title: http.StatusText(resp.StatusCode)}
		if json.Unmarshal(b, p) != nil || p.Detail == "" {
			p.Detail = strings.TrimSpace(string(b))
		}
		return p
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

// Get fetches a path of the API into out.
func (c *Client) Get(ctx context.Context, path string, out any) error {
	return c.do(ctx, http.MethodGet, path, nil, out)
}

// Status returns the node's status.
func (c *Client) Status(ctx context.Context) (*apitype.Status, error) {
	var s apitype.Status
	return &s, c.Get(ctx, "/v1/status", &s)
}

// Tx returns a committed transaction with its result.
func (c *Client) Tx(ctx context.Context, hash string) (*apitype.Tx, error) {
	var t apitype.Tx
	return &t, c.Get(ctx, "/v1/txs/"+url.PathEscape(hash), &t)
}

// Block returns a block ("latest" or a height).
func (c *Client) Block(ctx context.Context, height string) (*apitype.Block, error) {
	var b apitype.Block
	return &b, c.Get(ctx, "/v1/blocks/"+url.PathEscape(height), &b)
}

// State reads a state key, with a proof when prove is set (height < 0 =
// latest).
func (c *Client) State(ctx context.Context, key string, height int64, prove bool) (*apitype.State, error) {
	q := url.Values{}
	if height >= 0 {
		q.Set("height", strconv.FormatInt(height, 10))
	}
	if prove {
		q.Set("prove", "true")
	}
	var v apitype.State
	p := "/v1/state/" + key
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	return &v, c.Get(ctx, p, &v)
}

func waitQuery(wait bool) string {
	if wait {
		return "?wait=commit"
	}
	return ""
}

// Submit sends signed tx bytes; with wait it returns once committed.
func (c *Client) Submit(ctx context.Context, raw []byte, wait bool) (*apitype.SubmitResult, error) {
	var r apitype.SubmitResult
	err := c.do(ctx, http.MethodPost, "/v1/txs"+waitQuery(wait), apitype.SubmitRequest{Tx: base64.StdEncoding.EncodeToString(raw)}, &r)
	return &r, err
}

// SubmitBatch sends many signed txs in one request (in order).
func (c *Client) SubmitBatch(ctx context.Context, raws [][]byte, wait bool) ([]apitype.SubmitResult, error) {
	req := apitype.BatchRequest{Txs: make([]string, len(raws))}
	for i, r := range raws {
		req.Txs[i] = base64.StdEncoding.EncodeToString(r)
	}
	var out apitype.BatchResult
	err := c.do(ctx, http.MethodPost, "/v1/txs/batch"+waitQuery(wait), req, &out)
	return out.Results, err
}

// Signer signs transactions for one account, tracking its sequence.
type Signer struct {
	Key      *crypto.PrivateKey
	Address  string
	ChainID  string
	Sequence uint64
}

// NewSigner loads the chain-id and the account's next sequence from the node.
// The address defaults to the key's own (it differs after a key rotation).
func (c *Client) NewSigner(ctx context.Context, key *crypto.PrivateKey, address string) (*Signer, error) {
	if address == "" {
		address = key.Address()
	}
	st, err := c.Status(ctx)
	if err != nil {
		return nil, err
	}
	var a struct {
		Sequence uint64 `json:"sequence"`
	}
	if err := c.Get(ctx, Path("identity", "accounts", address), &a); err != nil {
		return nil, fmt.Errorf("account %s: %w", address, err)
	}
	return &Signer{Key: key, Address: address, ChainID: st.ChainID, Sequence: a.Sequence}, nil
}

// Sign builds and signs a tx with the next sequence, then advances it.
func (s *Signer) Sign(memo string, msgs ...tx.Msg) ([]byte, error) {
	t := &tx.Tx{Body: tx.Body{ChainID: s.ChainID, Signer: s.Address, Sequence: s.Sequence, Msgs: msgs, Memo: memo}}
	raw, err := tx.Sign(t, s.Key)
	if err != nil {
		return nil, err
	}
	s.Sequence++
	return raw, nil
}

// Msg encodes a message (panics only for unencodable Go types).
func Msg(typ string, body any) tx.Msg {
	m, err := tx.NewMsg(typ, body)
	if err != nil {
		panic(err)
	}
	return m
}

// Exec signs msgs as one tx, submits it and waits for the commit. A
// committed tx with a non-zero code is returned as an error. The signer's
// sequence is given back only when the node refused the tx before it could
// execute; after a timeout (504) the tx may still commit, so the sequence
// stays used (call NewSigner again to resynchronize).
func (c *Client) Exec(ctx context.Context, s *Signer, msgs ...tx.Msg) (*apitype.SubmitResult, error) {
	raw, err := s.Sign("", msgs...)
	if err != nil {
		return nil, err
	}
	r, err := c.Submit(ctx, raw, true)
	if err != nil {
		var p *apitype.Problem
		if errors.As(err, &p) && (p.Status < 500 || p.Status == http.StatusServiceUnavailable) {
			s.Sequence-- // refused before execution: the sequence is still free
		}
		return nil, err
	}
	if r.Code != 0 {
		return r, fmt.Errorf("tx %s failed with code %d: %s", r.Hash, r.Code, r.Log)
	}
	return r, nil
}
