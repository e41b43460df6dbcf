// Package e2e runs real govchain processes (built once per test run) on
// loopback ports, drives load through the HTTP API with the Go SDK, applies
// faults and checks invariants over the API only.
//
// It follows the layout of CometBFT's e2e framework, one file per phase:
// setup (testnet homes and processes), load (the load generator), perturb
// (faults and consortium changes), wait (waiting for heights and
// conditions), invariants (what must hold on every node at the end), and
// scenarios (the table of scenarios run by TestClusterScenarios).
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// binary is the govchain command under test.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "govchain-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "govchain")
	out, err := exec.Command("go", "build", "-o", binary, "../../cmd/govchain").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building govchain: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts processes")
	}
}
