package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/node/nodetest"
	"github.com/govchain/govchain/x/identity"
)

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// Whatever the route table does not answer is a problem document: 405 with
// Allow for a known path and another method, 404 for unknown paths, never a
// redirect or text/plain; oversize bodies are 413.
func TestHTTPRules(t *testing.T) {
	base := nodetest.StartDev(t).URL
	cases := []struct {
		method, path string
		status       int
		allow        string
	}{
		{"DELETE", "/v1/status", 405, "GET, HEAD"},
		{"POST", "/v1/status", 405, "GET, HEAD"},
		{"GET", "/v1/txs", 405, "POST"},
		{"PUT", "/v1/txs/batch", 405, "GET, HEAD, POST"}, // GET is /v1/txs/{hash}
		{"POST", "/v1/identity/departments", 405, "GET, HEAD"},
		{"POST", "/v1/state/identity/params", 405, "GET, HEAD"},
		{"POST", "/healthz", 405, "GET, HEAD"},
		{"PUT", "/metrics", 405, "GET, HEAD"},
		{"GET", "/", 404, ""},
		{"GET", "/index.html", 404, ""},
		{"GET", "/v1", 404, ""},
		{"GET", "/v1/", 404, ""},
		{"GET", "/v1//status", 404, ""},
		{"GET", "/v1/./status", 404, ""},
		{"GET", "/v1/x/../status", 404, ""},
		{"GET", "/v1/status/", 404, ""},
		{"GET", "/v1/nothing", 404, ""},
		{"DELETE", "/v1/nothing", 404, ""},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, base+c.path, nil)
		req.URL.Path = c.path // as sent, not cleaned
		resp, err := noRedirects.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != c.status || resp.Header.Get("Allow") != c.allow || resp.Header.Get("Location") != "" {
			t.Errorf("%s %s: %d Allow %q Location %q, want %d Allow %q", c.method, c.path, resp.StatusCode,
				resp.Header.Get("Allow"), resp.Header.Get("Location"), c.status, c.allow)
		}
		problemOf(t, resp)
	}
	// HEAD of a GET route answers like GET, without a body.
	resp, err := http.Head(base + "/v1/status")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("HEAD /v1/status: %v %v", resp, err)
	}
	resp.Body.Close()

	// 20 MB bodies: declared or streamed, JSON or CBOR, are 413.
	big := bytes.Repeat([]byte("A"), 20<<20)
	for _, c := range []struct {
		path, ctype string
		chunked     bool
	}{
		{"/v1/txs", "application/json", false},
		{"/v1/txs", "application/json", true},
		{"/v1/txs/batch", "application/json", false},
		{"/v1/txs?wait=commit", "application/cbor", false},
		{"/v1/txs", "application/cbor", true},
	} {
		var body io.Reader = bytes.NewReader(big)
		if c.chunked {
			body = io.MultiReader(body) // no length: sent chunked
		}
		req, _ := http.NewRequest("POST", base+c.path, body)
		req.Header.Set("Content-Type", c.ctype)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s (chunked %v): %v", c.path, c.ctype, c.chunked, err)
		}
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("%s %s (chunked %v): %d, want 413", c.path, c.ctype, c.chunked, resp.StatusCode)
		}
		problemOf(t, resp)
	}
}

// Pages of a list: the cursor seeks past the previous page, every record
// comes once, in order, and each page carries the list's total.
func TestPages(t *testing.T) {
	d := nodetest.StartDev(t)
	ctx := context.Background()
	s := d.Admin("cab")
	raws := make([][]byte, 23)
	for i := range raws {
		m, _ := newCitizenMsg()
		var err error
		if raws[i], err = s.Sign("", m); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := d.Client.SubmitBatch(ctx, raws, true)
	if err != nil {
		t.Fatal(err)
	}
	d.WaitSigned(rs[len(rs)-1].Height)
	path := client.Path("identity", "departments", "cab", "accounts")
	all, err := client.List[identity.Account](ctx, d.Client, path, client.ReadOptions{Limit: 1000})
	if err != nil || all.Next != "" || all.Total == nil || *all.Total != len(all.Items) || len(all.Items) < 23 {
		t.Fatalf("one page of everything: %d items, next %q, total %v, %v", len(all.Items), all.Next, all.Total, err)
	}
	for _, prove := range []bool{false, true} {
		var got []string
		after := ""
		for pages := 0; ; pages++ {
			var p apitype.Page[json.RawMessage]
			q := "?limit=7"
			if after != "" {
				q += "&after=" + after
			}
			if prove {
				q += "&prove=true"
			}
			if err := d.Client.Get(ctx, path+q, &p); err != nil {
				t.Fatal(err)
			}
			if p.Total == nil || *p.Total != len(all.Items) || p.TotalAtLeast != 0 {
				t.Fatalf("page %d: total %v, at least %d; want %d", pages, p.Total, p.TotalAtLeast, len(all.Items))
			}
			for _, raw := range p.Items {
				var a struct {
					identity.Account
					Record *identity.Account `json:"record"`
				}
				if err := json.Unmarshal(raw, &a); err != nil {
					t.Fatal(err)
				}
				if a.Record != nil {
					a.Account = *a.Record
				}
				got = append(got, a.Address)
			}
			if p.Next == "" {
				break
			}
			after = p.Next
		}
		var want []string
		for _, a := range all.Items {
			want = append(want, a.Address)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("prove=%v: paged %d records, want the %d of one page, in order", prove, len(got), len(want))
		}
	}
	// A cursor past the end is an empty last page.
	p, err := client.List[identity.Account](ctx, d.Client, path, client.ReadOptions{After: "~"})
	if err != nil || len(p.Items) != 0 || p.Next != "" {
		t.Fatalf("after the end: %+v %v", p, err)
	}
}
