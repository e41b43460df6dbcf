package e2e

import (
	"encoding/json"
	"os/exec"
	"testing"
)

// govchain bench --cluster runs a real multi-process testnet and reports
// the cluster and single-validator figures side by side.
func TestBenchCluster(t *testing.T) {
	skipShort(t)
	out, err := exec.Command(binary, "bench", "--cluster", "4", "--txs", "600", "--accounts", "6", "--concurrency", "3", "--batch", "50", "--noop=false", "-o", "json").Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("bench: %v\n%s", err, stderr)
	}
	var r struct {
		Validators   int     `json:"validators"`
		Committed    int     `json:"committed"`
		Failed       int     `json:"failed"`
		PerSec       float64 `json:"committed_tx_per_s"`
		SinglePerSec float64 `json:"single_validator_committed_tx_per_s"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if r.Validators != 4 || r.Committed != 600 || r.Failed != 0 || r.PerSec <= 0 || r.SinglePerSec <= 0 {
		t.Fatalf("bench --cluster: %+v", r)
	}
}
