package node_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/node"
)

// A failed init leaves nothing behind, so the next one succeeds; an
// existing empty directory is a fine home, a non-empty one without a chain
// is refused.
func TestInitDevIsAtomic(t *testing.T) {
	parent := t.TempDir()
	home := node.Home(filepath.Join(parent, "home"))
	for _, o := range []node.DevOptions{
		{ChainOptions: node.ChainOptions{HashSuite: "md5"}},
		{ChainOptions: node.ChainOptions{AdminAlgo: "rsa"}},
		{HTTP: "notanaddr"},
		{P2P: "udp://127.0.0.1:1"},
	} {
		if err := node.InitDev(home, time.Now(), o); err == nil {
			t.Fatalf("InitDev(%+v) succeeded", o)
		}
		if entries, _ := os.ReadDir(parent); len(entries) != 0 {
			t.Fatalf("InitDev(%+v) failed but left %v behind", o, entries)
		}
	}
	if err := os.Mkdir(string(home), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := node.InitDev(home, time.Now(), node.DevOptions{HTTP: "127.0.0.1:0", P2P: "127.0.0.1:0"}); err != nil {
		t.Fatal(err)
	}
	if !home.Exists() {
		t.Fatal("no genesis after init")
	}
	if _, err := os.Stat(home.KeyFile(node.AdminKeyName("mof"))); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Fatalf("init left temporary files: %v", entries)
	}
	cfg, err := node.LoadCometConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.P2P.ListenAddress != "tcp://127.0.0.1:0" || cfg.RootDir != string(home) {
		t.Fatalf("config: p2p %q root %q", cfg.P2P.ListenAddress, cfg.RootDir)
	}
	if err := node.InitDev(home, time.Now(), node.DevOptions{}); err == nil || !strings.Contains(err.Error(), "already holds a chain") {
		t.Fatalf("init over a chain: %v", err)
	}

	other := node.Home(filepath.Join(parent, "other"))
	os.MkdirAll(filepath.Join(string(other), "keys"), 0o700)
	if err := node.InitDev(other, time.Now(), node.DevOptions{}); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("init into a non-empty directory: %v", err)
	}
}

func TestListenAddresses(t *testing.T) {
	for _, c := range []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:8080", true}, {":8080", true}, {"localhost:0", true}, {"[::1]:8080", true},
		{"notanaddr", false}, {"127.0.0.1", false}, {"127.0.0.1:99999", false}, {"http://127.0.0.1:8080", false},
		{"bad_host:80", false}, {"127.0.0.1:http", false},
	} {
		if err := node.CheckHTTPAddr(c.addr); (err == nil) != c.ok {
			t.Errorf("CheckHTTPAddr(%q) = %v", c.addr, err)
		}
	}
	for _, c := range []struct {
		addr string
		p2p  bool
		want string // "" = refused
	}{
		{"tcp://127.0.0.1:26656", true, "tcp://127.0.0.1:26656"},
		{"0.0.0.0:26656", true, "tcp://0.0.0.0:26656"},
		{":26656", true, ""},
		{"unix:///tmp/x.sock", true, ""},
		{"unix:///tmp/x.sock", false, "unix:///tmp/x.sock"},
		{":26657", false, "tcp://:26657"},
		{"http://127.0.0.1:26657", false, ""},
		{"notanaddr", false, ""},
	} {
		got, err := node.CometListenAddr(c.addr, c.p2p)
		if got != c.want || (err == nil) != (c.want != "") {
			t.Errorf("CometListenAddr(%q, p2p=%v) = %q, %v; want %q", c.addr, c.p2p, got, err, c.want)
		}
	}
	for in, want := range map[string]string{"0.0.0.0:8080": "127.0.0.1:8080", ":8080": "127.0.0.1:8080", "[::]:8080": "[::1]:8080", "10.0.0.1:80": "10.0.0.1:80"} {
		if got := node.DialAddr(in); got != want {
			t.Errorf("DialAddr(%q) = %q, want %q", in, got, want)
		}
	}
}
