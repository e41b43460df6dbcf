package node_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"

	"github.com/govchain/govchain/api"
	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/node"
	"github.com/govchain/govchain/node/nodetest"
)

// The stall rule: blocks expected and none for longer than the limit.
func TestLivenessRule(t *testing.T) {
	for _, c := range []struct {
		l       api.Liveness
		stalled bool
	}{
		{api.Liveness{LastBlockAge: 29 * time.Second, StallAfter: 30 * time.Second, Expected: true}, false},
		{api.Liveness{LastBlockAge: 31 * time.Second, StallAfter: 30 * time.Second, Expected: true}, true},
		// No empty blocks and nothing in the mempool: idle, not stalled.
		{api.Liveness{LastBlockAge: time.Hour, StallAfter: 30 * time.Second, Expected: false}, false},
	} {
		if got := c.l.Stalled() != ""; got != c.stalled {
			t.Errorf("%+v: stalled %v (%q)", c.l, got, c.l.Stalled())
		}
	}
}

// getJSON fetches a path and decodes its body, whatever the status.
func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode
}

// A chain that stops committing is reported: /healthz answers 503 with
// the reason and /v1/status says so, and both recover with the chain. The
// stall is real: the single validator's signing state is moved ahead, so
// it refuses to sign (height regression) until it is put back.
func TestHealthReportsStall(t *testing.T) {
	d := nodetest.StartDev(t, nodetest.WithAppConfig(func(c *node.AppConfig) { c.StallAfter = 5 * time.Second }))
	// Empty blocks every second, so that a five-second limit is a stall.
	d.Stop()
	cfg, err := node.LoadCometConfig(d.Home)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Consensus.CreateEmptyBlocksInterval = time.Second
	cmtcfg.WriteConfigFile(d.Home.ConfigFile(), cfg)
	d.Start()
	d.WaitHeight(d.Height() + 2)
	var h apitype.Health
	if code := getJSON(t, d.URL+"/healthz", &h); code != 200 || h.Status != "ok" || h.LastBlockAgeSeconds > 5 {
		t.Fatalf("healthy node: %d %+v", code, h)
	}
	var st apitype.Status
	if getJSON(t, d.URL+"/v1/status", &st); !st.Healthy || st.StalledReason != "" {
		t.Fatalf("healthy status %+v", st)
	}

	// Stall it.
	d.Stop()
	stateFile := cfg.PrivValidatorStateFile()
	orig, err := os.ReadFile(stateFile)
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]any
	if err := json.Unmarshal(orig, &state); err != nil {
		t.Fatal(err)
	}
	signed, _ := strconv.ParseInt(state["height"].(string), 10, 64)
	state["height"] = strconv.FormatInt(signed+1_000_000, 10)
	ahead, _ := json.Marshal(state)
	if err := os.WriteFile(stateFile, ahead, 0o600); err != nil {
		t.Fatal(err)
	}
	d.Start()
	stalledAt := d.Height()
	ctx, cancel := context.WithTimeout(context.Background(), nodetest.Timeout)
	defer cancel()
	var p apitype.Problem
	for code := 0; code != http.StatusServiceUnavailable; {
		// Waiting for the limit to pass: there is no event for "nothing
		// was committed", so this polls.
		select {
		case <-ctx.Done():
			t.Fatalf("/healthz never reported the stall: %d %+v", code, p)
		case <-time.After(200 * time.Millisecond):
		}
		var raw json.RawMessage
		if code = getJSON(t, d.URL+"/healthz", &raw); code == http.StatusServiceUnavailable {
			json.Unmarshal(raw, &p)
		}
	}
	if !strings.Contains(p.Detail, "no block committed for") || p.Status != 503 {
		t.Fatalf("stall problem %+v", p)
	}
	st = apitype.Status{}
	if getJSON(t, d.URL+"/v1/status", &st); st.Healthy || st.StalledReason == "" || st.LastBlockAgeSeconds <= 5 || st.LatestHeight != stalledAt {
		t.Fatalf("stalled status %+v (stalled at %d)", st, stalledAt)
	}
	t.Logf("stalled: %s", p.Detail)

	// Put the signing state back: the chain resumes and is healthy again.
	d.Stop()
	if err := os.WriteFile(stateFile, orig, 0o600); err != nil {
		t.Fatal(err)
	}
	d.Start()
	d.WaitHeight(stalledAt + 1)
	h = apitype.Health{}
	if code := getJSON(t, d.URL+"/healthz", &h); code != 200 {
		t.Fatalf("recovered node: %d %+v", code, h)
	}
}
