package api_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/api"
	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/node"
	"github.com/govchain/govchain/node/nodetest"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/x/identity"
)

// eventsNode is a real dev node with event stream limits, and the signers
// of two department admins.
type eventsNode struct {
	t        *testing.T
	d        *nodetest.Dev
	n        *node.Node
	c        *client.Client
	cab, mof *client.Signer
}

func startEventsNode(t *testing.T, limits api.EventLimits) *eventsNode {
	t.Helper()
	d := nodetest.StartDev(t, nodetest.WithEvents(limits))
	return &eventsNode{t: t, d: d, n: d.Node, c: d.Client, cab: d.Admin("cab"), mof: d.Admin("mof")}
}

// waitHeight waits until the node has committed height h.
func (e *eventsNode) waitHeight(h int64) { e.d.WaitHeight(h) }

func newCitizenMsg() (tx.Msg, string) {
	k, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
	return client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Citizen: true}), k.Address()
}

// citizen commits a tx creating a citizen account, signed by s.
func (e *eventsNode) citizen(s *client.Signer) (*apitype.SubmitResult, string) {
	e.t.Helper()
	m, addr := newCitizenMsg()
	r, err := e.c.Exec(context.Background(), s, m)
	if err != nil {
		e.t.Fatal(err)
	}
	return r, addr
}

func (e *eventsNode) subscribe(f apitype.EventFilter) *client.Subscription {
	e.t.Helper()
	sub, err := e.c.Subscribe(context.Background(), f)
	if err != nil {
		e.t.Fatalf("subscribe %v: %v", f.Query(), err)
	}
	e.t.Cleanup(func() { sub.Close() })
	return sub
}

func next(t *testing.T, sub *client.Subscription) *apitype.EventMessage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := sub.Next(ctx)
	if err != nil {
		t.Fatalf("next event: %v", err)
	}
	return m
}

// txsThrough reads a blocks=true stream until the block message of height
// h, which follows every tx message of h, and returns the tx messages.
func txsThrough(t *testing.T, sub *client.Subscription, h int64) []*apitype.EventMessage {
	t.Helper()
	var out []*apitype.EventMessage
	for {
		m := next(t, sub)
		if m.Type == apitype.EventBlock {
			if m.Height >= h {
				return out
			}
			continue
		}
		out = append(out, m)
	}
}

func hashes(ms []*apitype.EventMessage) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.TxHash)
	}
	return out
}

// A committed tx arrives with its events; each filter keeps exactly what it
// should, failed txs included.
func TestEventsLiveAndFilters(t *testing.T) {
	e := startEventsNode(t, api.EventLimits{})
	filters := map[string]apitype.EventFilter{
		"all":            {},
		"identity":       {Module: "identity"},
		"registry":       {Module: "registry"},
		"created":        {Types: []string{"identity.account_created", "identity.role_granted"}},
		"citizen":        {Attrs: []ledger.Attribute{{Key: "citizen", Value: "true"}, {Key: "department", Value: "cab"}}},
		"not citizen":    {Attrs: []ledger.Attribute{{Key: "citizen", Value: "false"}}},
		"type and attr":  {Types: []string{"identity.role_granted"}, Attrs: []ledger.Attribute{{Key: "citizen", Value: "true"}}},
		"other dept":     {Attrs: []ledger.Attribute{{Key: "citizen", Value: "true"}, {Key: "department", Value: "mof"}}},
		"ok":             {Code: apitype.CodeOK},
		"failed":         {Code: apitype.CodeFailed},
		"failed created": {Code: apitype.CodeFailed, Types: []string{"identity.account_created"}},
	}
	subs := map[string]*client.Subscription{}
	for name, f := range filters {
		f.Blocks = true
		subs[name] = e.subscribe(f)
	}
	created, addr := e.citizen(e.cab)
	// A citizen holds no roles: this tx commits with code 109 and no events.
	failed, err := e.c.Exec(context.Background(), e.cab, client.Msg(identity.TypeGrantRole, identity.MsgRole{Account: addr, Role: "auditor"}))
	if err == nil || failed == nil || failed.Code != 109 || !failed.Committed {
		t.Fatalf("grant-role to a citizen: %+v %v", failed, err)
	}
	want := map[string][]string{
		"all":            {created.Hash, failed.Hash},
		"identity":       {created.Hash, failed.Hash}, // the failed one by its message type
		"registry":       {},
		"created":        {created.Hash},
		"citizen":        {created.Hash},
		"not citizen":    {},
		"type and attr":  {},
		"other dept":     {},
		"ok":             {created.Hash},
		"failed":         {failed.Hash},
		"failed created": {},
	}
	for name, sub := range subs {
		got := txsThrough(t, sub, failed.Height)
		if strings.Join(hashes(got), ",") != strings.Join(want[name], ",") {
			t.Errorf("filter %s: got %v, want %v", name, hashes(got), want[name])
		}
		if name != "all" {
			continue
		}
		c, f := got[0], got[1]
		if c.Type != apitype.EventTx || c.Height != created.Height || c.LogIndex != created.LogIndex || c.Code != 0 || c.Time.IsZero() ||
			len(c.MsgTypes) != 1 || c.MsgTypes[0] != identity.TypeCreateAccount ||
			len(c.Events) != 1 || c.Events[0].Type != "identity.account_created" ||
			!containsAttr(c.Events[0].Attrs, "address", addr) || !containsAttr(c.Events[0].Attrs, "citizen", "true") {
			t.Errorf("create-account message %+v", c)
		}
		if f.Code != 109 || f.Log == "" || len(f.Events) != 0 || f.LogIndex != failed.LogIndex || f.MsgTypes[0] != identity.TypeGrantRole {
			t.Errorf("failed tx message %+v", f)
		}
	}
	// The same tx read back through GET /v1/txs carries the same events.
	tv, err := e.c.Tx(context.Background(), created.Hash)
	if err != nil || len(tv.Events) != 1 || tv.Events[0].Type != "identity.account_created" {
		t.Fatalf("tx view %+v %v", tv, err)
	}
	if got := scrape(t, e.n, "govchain_event_subscribers"); got != float64(len(filters)) {
		t.Errorf("subscriber gauge %v, want %d", got, len(filters))
	}
}

func containsAttr(as []ledger.Attribute, k, v string) bool {
	for _, a := range as {
		if a.Key == k && a.Value == v {
			return true
		}
	}
	return false
}

// scrape reads one unlabelled metric from /metrics.
func scrape(t *testing.T, n *node.Node, name string) float64 {
	t.Helper()
	resp, err := http.Get("http://" + n.HTTPAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no metric %s", name)
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

// from_height replays history, then continues live: while another
// department keeps committing during the subscription, the log indexes
// received are exactly contiguous, each tx once.
func TestEventsReplayThenLive(t *testing.T) {
	e := startEventsNode(t, api.EventLimits{})
	first, _ := e.citizen(e.cab)
	for i := 0; i < 2; i++ {
		e.citizen(e.cab)
	}
	// Commit concurrently with the subscription and its replay.
	type result struct {
		r   *apitype.SubmitResult
		err error
	}
	during := make(chan result, 1)
	go func() {
		var last result
		for i := 0; i < 4; i++ {
			m, _ := newCitizenMsg()
			last.r, last.err = e.c.Exec(context.Background(), e.mof, m)
			if last.err != nil {
				break
			}
		}
		during <- last
	}()
	sub := e.subscribe(apitype.EventFilter{FromHeight: first.Height})
	d := <-during
	if d.err != nil {
		t.Fatal(d.err)
	}
	after, _ := e.citizen(e.cab) // live for sure
	seen := map[string]bool{}
	wantIdx := first.LogIndex
	for wantIdx <= after.LogIndex {
		m := next(t, sub)
		if m.LogIndex != wantIdx || seen[m.TxHash] {
			t.Fatalf("got log index %d (tx %s), want %d: a gap or a duplicate", m.LogIndex, m.TxHash, wantIdx)
		}
		if m.Height < first.Height {
			t.Fatalf("message of height %d before from_height %d", m.Height, first.Height)
		}
		seen[m.TxHash] = true
		wantIdx++
	}
	if !seen[first.Hash] || !seen[d.r.Hash] || !seen[after.Hash] {
		t.Fatal("a submitted tx is missing")
	}
}

// Malformed filters and a too long replay are refused with a problem
// document before the upgrade; the subscriber limit answers 503; shutting
// the node down ends streams with status 1001.
func TestEventsRefusals(t *testing.T) {
	e := startEventsNode(t, api.EventLimits{MaxSubscribers: 2, MaxReplay: 3})
	batchOfCitizens(t, e, e.cab, 4)
	base := "http://" + e.n.HTTPAddr() + "/v1/events"
	for q, want := range map[string]int{
		"?module=Bad-Name":            400,
		"?module=nosuch":              400,
		"?type=":                      400,
		"?type=a%20b":                 400,
		"?attr=nocolon":               400,
		"?attr=:v":                    400,
		"?code=maybe":                 400,
		"?blocks=yes":                 400,
		"?from_height=0":              400,
		"?from_height=-1":             400,
		"?from_height=x":              400,
		"?modul=identity":             400,
		"?module=identity&module=abc": 400,
		"?from_height=1":              400, // more than MaxReplay messages
		"?module=identity":            426, // well-formed, but not a websocket
	} {
		resp, err := http.Get(base + q)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d", q, resp.StatusCode, want)
		}
		p := problemOf(t, resp)
		t.Logf("%s: %v", q, p["detail"])
	}
	// The SDK reports the same refusal as a problem.
	var p *apitype.Problem
	if _, err := e.c.Subscribe(context.Background(), apitype.EventFilter{Module: "nosuch"}); !errors.As(err, &p) || p.Status != 400 || !strings.Contains(p.Detail, "identity") {
		t.Fatalf("bad filter through the SDK: %v", err)
	}

	s1 := e.subscribe(apitype.EventFilter{Blocks: true})
	s2, err := e.c.Subscribe(context.Background(), apitype.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Subscribe(context.Background(), apitype.EventFilter{}); !errors.As(err, &p) || p.Status != http.StatusServiceUnavailable {
		t.Fatalf("third subscriber: %v", err)
	}
	// A place frees up when a subscriber leaves.
	s2.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s3, err := e.c.Subscribe(context.Background(), apitype.EventFilter{})
		if err == nil {
			s3.Close()
			break
		}
		if !errors.As(err, &p) || p.Status != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("subscribing after one left: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.n.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		_, err := s1.Next(ctx)
		if err == nil {
			continue
		}
		var ce *client.ClosedError
		if !errors.As(err, &ce) || ce.Status != 1001 || !strings.Contains(ce.Reason, "shutting down") {
			t.Fatalf("stream at shutdown ended with %v", err)
		}
		break
	}
}

// collect reads a subscription in the background.
func collect(sub *client.Subscription) (<-chan *apitype.EventMessage, <-chan error) {
	ch, errc := make(chan *apitype.EventMessage, 100_000), make(chan error, 1)
	go func() {
		for {
			m, err := sub.Next(context.Background())
			if err != nil {
				errc <- err
				return
			}
			ch <- m
		}
	}()
	return ch, errc
}

// dropHeights reads the heights a "too slow" close reason names: where the
// subscriber was dropped and where to resume.
func dropHeights(t *testing.T, reason string) (at, resume int64) {
	t.Helper()
	m := regexp.MustCompile(`^too slow: more than \d+ events unsent at height (\d+); reconnect with from_height=(\d+)$`).FindStringSubmatch(reason)
	if m == nil {
		t.Fatalf("close reason %q", reason)
	}
	at, _ = strconv.ParseInt(m[1], 10, 64)
	resume, _ = strconv.ParseInt(m[2], 10, 64)
	if resume > at || resume < 1 {
		t.Fatalf("close reason %q: resume after the drop", reason)
	}
	return at, resume
}

func batchOfCitizens(t *testing.T, e *eventsNode, s *client.Signer, n int) []apitype.SubmitResult {
	t.Helper()
	raws := make([][]byte, n)
	for i := range raws {
		m, _ := newCitizenMsg()
		var err error
		if raws[i], err = s.Sign("", m); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := e.c.SubmitBatch(context.Background(), raws, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if !r.Committed || r.Code != 0 {
			t.Fatalf("batch tx %+v", r)
		}
	}
	return rs
}
