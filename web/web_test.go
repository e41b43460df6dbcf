package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/govchain/govchain/web"
)

func get(t *testing.T, h http.Handler, method, path string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// The UI's files, the page for every route, the verifier gzip-encoded or
// not, and nothing but GET.
func TestHandler(t *testing.T) {
	h := web.Handler()
	for _, c := range []struct{ path, ctype, contains string }{
		{"/", "text/html", `<script type="module" src="/app.js">`},
		{"/parcel/BJ-001", "text/html", `id="main"`},
		{"/app.js", "javascript", "function route()"},
		{"/style.css", "text/css", ".verdict"},
		{"/wasm_exec.js", "javascript", "Go"},
	} {
		w := get(t, h, "GET", c.path, nil)
		if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Type"), c.ctype) || !strings.Contains(w.Body.String(), c.contains) {
			t.Errorf("%s: %d %s", c.path, w.Code, w.Header().Get("Content-Type"))
		}
		if !strings.Contains(w.Header().Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("%s: no content security policy", c.path)
		}
	}
	w := get(t, h, "GET", "/verify.wasm", map[string]string{"Accept-Encoding": "gzip"})
	if w.Code != 200 || w.Header().Get("Content-Encoding") != "gzip" || w.Header().Get("Content-Type") != "application/wasm" {
		t.Fatalf("wasm gzip: %d %v", w.Code, w.Header())
	}
	zr, err := gzip.NewReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(zr)
	if !bytes.HasPrefix(raw, []byte("\x00asm")) {
		t.Fatal("verify.wasm is not WebAssembly")
	}
	plain := get(t, h, "GET", "/verify.wasm", nil)
	if plain.Code != 200 || plain.Header().Get("Content-Encoding") != "" || !bytes.Equal(plain.Body.Bytes(), raw) {
		t.Fatal("wasm without gzip differs")
	}
	if w := get(t, h, "POST", "/", nil); w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", w.Code)
	}
}

// The committed verifier is the current verify package: rebuilding it
// gives the same bytes (go generate ./web after a change to verify or the
// modules).
func TestWasmCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the verifier for WebAssembly")
	}
	committed, err := os.ReadFile("static/verify.wasm.gz")
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(committed))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := io.ReadAll(zr)
	got, err := web.BuildVerifier()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("web/static/verify.wasm.gz is stale: run go generate ./web")
	}
}
