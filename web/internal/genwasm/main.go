// Command genwasm builds the browser's verifier (web/wasm) and writes it,
// gzip-compressed, to web/static/verify.wasm.gz, with the Go runtime's
// wasm_exec.js beside it. Run through `go generate ./web`. The build is
// reproducible (-trimpath, no build id, a gzip header without a time), so
// web's test can check that the committed file is current.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/govchain/govchain/web"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "genwasm:", err)
		os.Exit(1)
	}
}

func run() error {
	raw, err := web.BuildVerifier()
	if err != nil {
		return err
	}
	gz, err := web.Gzip(raw)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join("static", "verify.wasm.gz"), gz, 0o644); err != nil {
		return err
	}
	root, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return err
	}
	js, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(root)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return err
	}
	fmt.Printf("verify.wasm: %d bytes, %d gzip'd\n", len(raw), len(gz))
	return os.WriteFile(filepath.Join("static", "wasm_exec.js"), js, 0o644)
}
