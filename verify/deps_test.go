package verify_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The offline verifier and the pure halves of the state tree and the record
// log must not reach storage or CometBFT's node: a citizen's verifier (and
// the Go SDK and the modules, which import them) should not carry Pebble,
// a database driver, p2p or an RPC client. The stored tree and log live in
// store/treedb and ledger/logdb; the light client verifier is copied in
// verify/lightverify.
func TestPureImportGuard(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", `{{if not .Standard}}{{.ImportPath}}{{end}}`,
		"../verify/...", "../ledger", "../store").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := []string{
		"github.com/cockroachdb/pebble", "github.com/cometbft/cometbft-db",
		"github.com/govchain/govchain/ledger/logdb", "github.com/govchain/govchain/store/treedb",
	}
	for _, p := range []string{"node", "p2p", "rpc", "light", "consensus", "mempool", "state", "store", "statesync", "blocksync", "evidence", "proxy", "privval", "config"} {
		forbidden = append(forbidden, "github.com/cometbft/cometbft/"+p)
	}
	deps := strings.Fields(string(out))
	for _, want := range []string{"github.com/govchain/govchain/verify", "github.com/govchain/govchain/verify/lightverify", "github.com/cometbft/cometbft/types"} {
		if !slices.Contains(deps, want) {
			t.Fatalf("go list -deps did not list %s; the guard is looking at the wrong packages:\n%s", want, out)
		}
	}
	for _, d := range deps {
		for _, f := range forbidden {
			if d == f || strings.HasPrefix(d, f+"/") {
				t.Errorf("depends on %s", d)
			}
		}
	}
}
