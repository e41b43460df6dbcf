package credential_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The credential layer is pure: x/welfare runs it inside transactions and
// the browser's verifier carries it. It must not reach the shell (HTTP,
// storage, CometBFT's node) nor any module (credential/bundle, its
// offline half, reads modules' records).
func TestCredentialImportGuard(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}|{{join .Imports ","}}|{{join .Deps ","}}`, ".", "./bundle").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := []string{"github.com/cockroachdb/pebble", "github.com/govchain/govchain/api", "github.com/govchain/govchain/node", "github.com/govchain/govchain/client"}
	for _, p := range []string{"node", "p2p", "rpc", "consensus", "mempool", "proxy", "privval", "config"} {
		forbidden = append(forbidden, "github.com/cometbft/cometbft/"+p)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		t.Fatalf("go list: %s", out)
	}
	for _, line := range lines {
		parts := strings.Split(line, "|")
		deps := strings.Split(parts[2], ",")
		if parts[0] == "github.com/govchain/govchain/credential" {
			for _, d := range strings.Split(parts[1], ",") {
				if strings.HasPrefix(d, "github.com/govchain/govchain/x/") || d == "github.com/govchain/govchain/verify" {
					t.Errorf("credential imports %s", d)
				}
			}
			// bundle reaches net/http through CometBFT's types (as verify
			// does); the SD-JWT layer itself does not.
			if slices.Contains(deps, "net/http") {
				t.Error("credential depends on net/http")
			}
			if !slices.Contains(deps, "github.com/go-jose/go-jose/v4") {
				t.Fatal("the guard is looking at the wrong package")
			}
		}
		for _, d := range deps {
			for _, f := range forbidden {
				if d == f || strings.HasPrefix(d, f+"/") {
					t.Errorf("%s depends on %s", parts[0], d)
				}
			}
		}
	}
}
