package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The deterministic core (app/ and x/) must not reach the shell: no HTTP,
// no node or API package, no CometBFT node/p2p/rpc/consensus packages, no
// wall clock, no randomness. (Pebble pulls net/http in transitively through
// its error reporting, so the net/http rule is on direct imports.)
func TestCoreImportGuard(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}|{{join .Imports ","}}|{{join .Deps ","}}`, "../app/...", "../x/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbiddenDirect := []string{"net/http", "math/rand", "math/rand/v2", "crypto/rand", "os/exec", "net"}
	forbiddenDeps := []string{
		"github.com/govchain/govchain/api", "github.com/govchain/govchain/node", "github.com/govchain/govchain/internal/cli",
		"github.com/cometbft/cometbft/node", "github.com/cometbft/cometbft/p2p", "github.com/cometbft/cometbft/rpc",
		"github.com/cometbft/cometbft/consensus", "github.com/cometbft/cometbft/mempool",
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 3 {
		t.Fatalf("go list listed only %d packages", len(lines))
	}
	for _, line := range lines {
		parts := strings.SplitN(line, "|", 3)
		pkg, imports, deps := parts[0], strings.Split(parts[1], ","), strings.Split(parts[2], ",")
		for _, imp := range imports {
			for _, f := range forbiddenDirect {
				if imp == f {
					t.Errorf("%s imports %s", pkg, f)
				}
			}
		}
		for _, d := range deps {
			for _, f := range forbiddenDeps {
				if d == f || strings.HasPrefix(d, f+"/") {
					t.Errorf("%s depends on %s", pkg, d)
				}
			}
		}
	}
}

// No wall clock or timers in the state machine's source.
func TestCoreNoWallClock(t *testing.T) {
	bad := regexp.MustCompile(`time\.(Now|Since|Until|Sleep|After|Tick|NewTimer|NewTicker)\(`)
	n := 0
	for _, root := range []string{".", "../x"} {
		filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			n++
			if loc := bad.FindIndex(b); loc != nil {
				t.Errorf("%s uses %s", p, b[loc[0]:loc[1]])
			}
			return nil
		})
	}
	if n < 5 {
		t.Fatalf("scanned only %d files", n)
	}
}
