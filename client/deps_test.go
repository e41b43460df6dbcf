package client

import (
	"os/exec"
	"strings"
	"testing"
)

// The SDK, the offline verifier and the modules link none of the server:
// no Pebble, no CometBFT node, p2p, rpc or light client, no application
// or API server package.
func TestSDKLinksNoServer(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "../client", "../verify/...", "../x/...", "../app/module", "../api/apitype").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 20 {
		t.Fatalf("go list listed only %d packages", len(deps))
	}
	forbidden := []string{
		"github.com/cockroachdb/pebble", "github.com/cometbft/cometbft-db",
		"github.com/cometbft/cometbft/node", "github.com/cometbft/cometbft/p2p", "github.com/cometbft/cometbft/rpc",
		"github.com/cometbft/cometbft/light", "github.com/cometbft/cometbft/consensus", "github.com/cometbft/cometbft/mempool",
		"github.com/govchain/govchain/app", "github.com/govchain/govchain/api", "github.com/govchain/govchain/node",
		"github.com/govchain/govchain/store/treedb", "github.com/govchain/govchain/ledger/logdb",
	}
	allowed := map[string]bool{"github.com/govchain/govchain/app/module": true, "github.com/govchain/govchain/api/apitype": true}
	for _, d := range deps {
		if allowed[d] {
			continue
		}
		for _, f := range forbidden {
			if d == f || strings.HasPrefix(d, f+"/") {
				t.Errorf("the SDK side depends on %s", d)
			}
		}
	}
}
