package moduletest

import (
	"os/exec"
	"strings"
	"testing"
)

func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

// The kit runs modules without the application: no Pebble, no app package,
// no node or API, and no CometBFT beyond the crypto packages govchain/crypto
// itself uses (for Ed25519 batch verification), which every module already
// depends on.
func TestKitDependencies(t *testing.T) {
	allowed := map[string]bool{}
	for _, d := range deps(t, "github.com/govchain/govchain/crypto") {
		allowed[d] = true
	}
	kit := deps(t, ".")
	if len(kit) < 10 {
		t.Fatalf("go list listed %d packages", len(kit))
	}
	for _, d := range kit {
		switch {
		case strings.Contains(d, "cockroachdb/pebble"):
			t.Errorf("the kit depends on %s", d)
		case d == "github.com/govchain/govchain/app", strings.HasPrefix(d, "github.com/govchain/govchain/node"),
			strings.HasPrefix(d, "github.com/govchain/govchain/api"):
			t.Errorf("the kit depends on %s", d)
		case strings.HasPrefix(d, "github.com/cometbft/cometbft") && !allowed[d]:
			t.Errorf("the kit depends on %s (not through govchain/crypto)", d)
		}
	}
}
