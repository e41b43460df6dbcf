// Package web is the explorer and citizen portal that `govchain start`
// serves at /: plain HTML, CSS and JavaScript modules (no build step), and
// the proof verifier compiled to WebAssembly from the verify package
// (web/wasm, built by `go generate ./web` into static/verify.wasm.gz), so
// the browser checks proofs with the same code as `govchain verify`.
// Everything is embedded in the binary; nothing is fetched from elsewhere.
//
// It reads the chain only through the public API, like any client; it
// must not import app, node or api.
package web

import (
	"bytes"
	"compress/gzip"
	"embed"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

//go:embed static
var static embed.FS

// Handler serves the web UI: the files of static/, index.html for every
// path that names no file (the pages are routed in the browser), and the
// verifier as /verify.wasm (gzip-encoded when the client accepts it).
func Handler() http.Handler {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err)
	}
	files := http.FileServer(http.FS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'")
		p := path.Clean("/" + r.URL.Path)
		switch {
		case p == "/verify.wasm":
			serveWasm(w, r, sub)
			return
		case p == "/" || !exists(sub, strings.TrimPrefix(p, "/")):
			b, _ := fs.ReadFile(sub, "index.html")
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			w.Write(b)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

func exists(fsys fs.FS, name string) bool {
	st, err := fs.Stat(fsys, name)
	return err == nil && !st.IsDir()
}

var (
	wasmOnce sync.Once
	wasmRaw  []byte // decompressed, for the rare client without gzip
)

func serveWasm(w http.ResponseWriter, r *http.Request, fsys fs.FS) {
	gz, err := fs.ReadFile(fsys, "verify.wasm.gz")
	if err != nil {
		http.Error(w, "the verifier is not built (go generate ./web)", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/wasm")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("Vary", "Accept-Encoding")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		http.ServeContent(w, r, "verify.wasm", zeroTime, bytes.NewReader(gz))
		return
	}
	wasmOnce.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err == nil {
			wasmRaw, _ = io.ReadAll(zr)
		}
	})
	http.ServeContent(w, r, "verify.wasm", zeroTime, bytes.NewReader(wasmRaw))
}

var zeroTime = time.Time{}
