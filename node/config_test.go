package node

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/app"
)

// A home written before app.toml had a [mempool] section gets the defaults;
// a key the operator set is kept; CometBFT's recheck cannot be turned off.
func TestMempoolConfig(t *testing.T) {
	home := Home(filepath.Join(t.TempDir(), "home"))
	if err := InitDev(home, time.Now(), DevOptions{P2P: "tcp://127.0.0.1:0", RPC: "tcp://127.0.0.1:0", HTTP: "127.0.0.1:0"}); err != nil {
		t.Fatal(err)
	}
	written, err := os.ReadFile(home.AppConfigFile())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(written), "[mempool]") || !strings.Contains(string(written), `ttl = "1m0s"`) {
		t.Fatalf("init writes the mempool section:\n%s", written)
	}
	old := "http = \"127.0.0.1:0\"\nlog_level = \"error\"\n"
	if err := os.WriteFile(home.AppConfigFile(), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadAppConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Mempool.Limits(50_000), app.DefaultMempoolLimits(); got != want {
		t.Fatalf("old home: %+v, want the defaults %+v", got, want)
	}
	if err := os.WriteFile(home.AppConfigFile(), []byte(old+"[mempool]\nttl_blocks = 5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err = LoadAppConfig(home); err != nil || c.Mempool.TTLBlocks != 5 || c.Mempool.Window != app.DefaultMempoolLimits().Window {
		t.Fatalf("operator's ttl_blocks: %+v %v", c.Mempool, err)
	}
	if err := os.WriteFile(home.AppConfigFile(), []byte(old+"[mempool]\ndepartment_percent = 150\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadAppConfig(home); err == nil {
		t.Fatal("department_percent 150 accepted")
	}
	cfg, err := os.ReadFile(home.ConfigFile())
	if err != nil {
		t.Fatal(err)
	}
	off := strings.Replace(string(cfg), "recheck = true", "recheck = false", 1)
	if off == string(cfg) {
		t.Fatal("config.toml has no recheck = true")
	}
	if err := os.WriteFile(home.ConfigFile(), []byte(off), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCometConfig(home); err == nil || !strings.Contains(err.Error(), "recheck") {
		t.Fatalf("recheck = false: %v", err)
	}
}

// Ports picked below EphemeralPortsFrom are outside the kernel's ephemeral
// range, whose first port it reads where Linux publishes it.
func TestEphemeralPortsFrom(t *testing.T) {
	from := EphemeralPortsFrom()
	if from < 22000 || from > 65535 {
		t.Fatalf("ephemeral ports from %d", from)
	}
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if lo, _ := strconv.Atoi(strings.Fields(string(b))[0]); lo >= 22000 && lo != from {
			t.Fatalf("ephemeral ports from %d, the kernel says %d", from, lo)
		}
	}
}
