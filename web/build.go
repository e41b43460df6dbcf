package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// BuildVerifier compiles web/wasm, the browser's verifier, for
// WebAssembly and returns the module's bytes. The build is reproducible
// (-trimpath, no build id), so the committed static/verify.wasm.gz can be
// checked against it. Run from the web directory (go generate, tests).
func BuildVerifier() ([]byte, error) {
	dir, err := os.MkdirTemp("", "govchain-wasm")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "verify.wasm")
	// force64bit: curve25519-voi (CometBFT's Ed25519) picks its field
	// arithmetic by architecture and knows no wasm.
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-tags", "force64bit", "-trimpath", "-ldflags=-s -w -buildid=", "-o", out, "./wasm")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, b)
	}
	return os.ReadFile(out)
}

// Gzip compresses deterministically (no name or time in the header).
func Gzip(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
