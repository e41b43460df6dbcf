package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/govchain/govchain/node/nodetest"
)

func problemOf(t *testing.T, resp *http.Response) map[string]any {
	t.Helper()
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("%s: content type %q", resp.Request.URL, ct)
	}
	var p map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if p["title"] == "" || p["status"] == nil || p["detail"] == "" {
		t.Fatalf("incomplete problem %v", p)
	}
	return p
}

// Malformed input to every POST endpoint gets a 4xx problem, never a crash.
func TestMalformedPosts(t *testing.T) {
	base := nodetest.StartDev(t).URL
	bodies := map[string]string{
		"not json":          "{bad",
		"wrong type":        `{"tx": 5}`,
		"unknown field":     `{"tx": "AAAA", "extra": 1}`,
		"not base64":        `{"tx": "!!!"}`,
		"empty tx":          `{"tx": ""}`,
		"trailing data":     `{"tx": "AAAA"} {}`,
		"garbage tx":        `{"tx": "AAECAwQ="}`,
		"array":             `[]`,
		"empty":             ``,
		"batch wrong shape": `{"txs": "AAAA"}`,
		"batch empty":       `{"txs": []}`,
	}
	for _, ep := range []string{"/v1/txs", "/v1/txs/batch", "/v1/txs?wait=commit"} {
		for name, body := range bodies {
			resp, err := http.Post(base+ep, "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode < 400 || resp.StatusCode >= 500 {
				if ep == "/v1/txs/batch" && resp.StatusCode == 200 {
					// A well-formed batch reports per-tx results instead.
					resp.Body.Close()
					continue
				}
				t.Errorf("%s %s: status %d", ep, name, resp.StatusCode)
				resp.Body.Close()
				continue
			}
			problemOf(t, resp)
		}
	}
	// Wrong content type, oversize body, bad query parameters.
	resp, _ := http.Post(base+"/v1/txs", "text/plain", strings.NewReader(`{"tx":"AAAA"}`))
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain: %d", resp.StatusCode)
	}
	problemOf(t, resp)
	resp, _ = http.Post(base+"/v1/txs/batch", "application/json", bytes.NewReader(bytes.Repeat([]byte(" "), 9<<20)))
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize body: %d", resp.StatusCode)
	}
	problemOf(t, resp)
	resp, _ = http.Post(base+"/v1/txs?wait=maybe", "application/json", strings.NewReader(`{"tx":"AAAA"}`))
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad wait: %d", resp.StatusCode)
	}
	problemOf(t, resp)
	// A refused tx carries the chain's code.
	resp, _ = http.Post(base+"/v1/txs", "application/json", strings.NewReader(`{"tx":"AAECAwQ="}`))
	p := problemOf(t, resp)
	if resp.StatusCode != http.StatusUnprocessableEntity || p["code"] != float64(1) {
		t.Errorf("garbage tx: %d %v", resp.StatusCode, p)
	}
	resp, _ = http.Post(base+"/v1/txs", "application/cbor", bytes.NewReader([]byte{0xa0}))
	p = problemOf(t, resp)
	if p["code"] != float64(1) {
		t.Errorf("cbor garbage: %v", p)
	}
}

func TestBadReads(t *testing.T) {
	base := nodetest.StartDev(t).URL
	cases := map[string]int{
		"/v1/blocks/0":                       400,
		"/v1/blocks/abc":                     400,
		"/v1/blocks/99999999":                404,
		"/v1/txs/zz":                         400,
		"/v1/txs/" + strings.Repeat("0", 64): 404,
		"/v1/identity/accounts/nobody":       400, // malformed ids are 400, like /v1/txs/zz
		"/v1/identity/accounts/" + strings.Repeat("ab", 20):    404,
		"/v1/identity/accounts/" + strings.Repeat("AB", 20):    400,
		"/v1/identity/departments/No_Such":                     400,
		"/v1/registry/parcels/bad!number":                      400,
		"/v1/registry/parcels/BJ-404":                          404,
		"/v1/registry/owners/zz/parcels":                       400,
		"/v1/identity/departments?prove=yes":                   400,
		"/v1/identity/params?prove=1":                          400,
		"/v1/state/identity/params?prove=yes":                  400,
		"/v1/identity/departments?heigth=3":                    400, // unknown parameter, not silently the latest
		"/v1/status?verbose=1":                                 400,
		"/v1/log/proof?index=0&size=1&height=1":                400,
		"/v1/log/proof?index=0&prove=true":                     400,
		"/v1/identity/departments?limit=5&limit=6":             400,
		"/v1/identity/departments?limit=%zz":                   400,
		"/v1/identity/departments?limit=1001":                  400,
		"/v1/identity/departments?limit=21&prove=true":         400,
		"/v1/identity/departments/nope":                        404,
		"/v1/identity/departments/nope/accounts":               404,
		"/v1/identity/proposals/x":                             400,
		"/v1/identity/proposals/7":                             404,
		"/v1/identity/proposals?limit=0":                       400,
		"/v1/state/identity/params?height=-1":                  400,
		"/v1/state/identity/params?height=99999999&prove=true": 404,
		"/v1/nothing": 404,
	}
	for path, want := range cases {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
		problemOf(t, resp)
	}
	for _, path := range []string{"/healthz", "/v1/status", "/v1/blocks/latest", "/v1/identity/departments", "/v1/identity/departments/mof/accounts", "/v1/roles", "/v1/codes", "/v1/identity/proposals", "/v1/state/identity/params?prove=true", "/v1/state/identity/params?height=0"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}
