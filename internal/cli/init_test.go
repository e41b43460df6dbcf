package cli

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govchain/govchain/node"
)

// runCLI runs the command line without the test environment's flags.
func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// A refused init leaves nothing behind, so the next init succeeds.
func TestInitRefusalsLeaveNothing(t *testing.T) {
	parent := t.TempDir()
	home := filepath.Join(parent, "home")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--hash-suite", "md5"}, "--hash-suite"},
		{[]string{"--algo", "rsa"}, "--algo"},
		{[]string{"--http", "notanaddr"}, `--http "notanaddr" is not host:port`},
		{[]string{"--http", "http://127.0.0.1:8080"}, "without a scheme"},
		{[]string{"--http", "127.0.0.1:70000"}, "port must be a number"},
		{[]string{"--p2p", "notanaddr"}, "--p2p"},
		{[]string{"--p2p", ":26656"}, "give a host"},
		{[]string{"--rpc", "udp://127.0.0.1:1"}, "--rpc"},
	} {
		code, _, errs := runCLI(append([]string{"--home", home, "init"}, c.args...)...)
		if code != ExitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("init %v: exit %d, want %d with %q\n%s", c.args, code, ExitUsage, c.want, errs)
		}
		if entries, _ := os.ReadDir(parent); len(entries) != 0 {
			t.Fatalf("init %v failed but left %v", c.args, entries)
		}
	}
	// start checks its flags before it creates the development chain.
	for _, args := range [][]string{{"--http", "x"}, {"--p2p", "x"}, {"--rpc", "x"}} {
		if code, _, errs := runCLI(append([]string{"--home", home, "start"}, args...)...); code != ExitUsage || !strings.Contains(errs, args[0]) {
			t.Errorf("start %v: exit %d\n%s", args, code, errs)
		}
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Fatalf("start with a bad flag left %v", entries)
	}
	if code, _, errs := runCLI("--home", home, "init", "--http", "127.0.0.1:18080", "--p2p", "127.0.0.1:0", "--rpc", "127.0.0.1:0"); code != 0 {
		t.Fatalf("init after refusals: exit %d\n%s", code, errs)
	}
	cfg, err := node.LoadCometConfig(node.Home(home))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.P2P.ListenAddress != "tcp://127.0.0.1:0" || cfg.RPC.ListenAddress != "tcp://127.0.0.1:0" {
		t.Fatalf("listen addresses %q %q", cfg.P2P.ListenAddress, cfg.RPC.ListenAddress)
	}
	if code, _, errs := runCLI("--home", home, "init"); code == 0 || !strings.Contains(errs, "already holds a chain") {
		t.Fatalf("init over a chain: exit %d\n%s", code, errs)
	}
}

// keys new on a taken name says so plainly.
func TestKeyNameTaken(t *testing.T) {
	home := t.TempDir()
	if code, _, errs := runCLI("--home", home, "keys", "new", "alice"); code != 0 {
		t.Fatal(errs)
	}
	for _, args := range [][]string{{"keys", "new", "alice"}, {"keys", "import", "alice", "/nonexistent"}} {
		code, _, errs := runCLI(append([]string{"--home", home}, args...)...)
		want := "a key named alice already exists in " + filepath.Join(home, "keys") + "; choose another name or remove it"
		if code != ExitUsage || !strings.Contains(errs, want) {
			t.Errorf("%v: exit %d\n%s", args, code, errs)
		}
	}
}

// Failures print once: a message on stderr, and with -o json the problem on
// stdout.
func TestFailureJSON(t *testing.T) {
	home := t.TempDir()
	code, out, errs := runCLI("--home", home, "keys", "show", "nobody", "-o", "json")
	var f failure
	if err := json.Unmarshal([]byte(out), &f); err != nil || code != ExitNotFound || f.ExitCode != ExitNotFound || f.Title != "not found" || !strings.Contains(f.Detail, "nobody") {
		t.Fatalf("exit %d, failure %+v (%v)\n%s%s", code, f, err, out, errs)
	}
	if strings.Count(errs, "nobody") != 1 {
		t.Fatalf("stderr: %q", errs)
	}
	code, out, errs = runCLI("--home", home, "keys", "show", "nobody")
	if code != ExitNotFound || out != "" || strings.Count(errs, "error:") != 1 {
		t.Fatalf("text: exit %d\n%q\n%q", code, out, errs)
	}
	code, out, _ = runCLI("no-such-command", "-o", "json")
	if err := json.Unmarshal([]byte(out), &f); err != nil || code != ExitUsage || f.ExitCode != ExitUsage {
		t.Fatalf("usage error: exit %d %q", code, out)
	}
}

// Without --node the CLI talks to the API address in the home's app.toml,
// and a connection error says which node and why that one.
func TestNodeAddressSource(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	home := filepath.Join(t.TempDir(), "home")
	os.MkdirAll(filepath.Join(home, "config"), 0o700)
	cfg := node.DefaultAppConfig()
	_, port, _ := net.SplitHostPort(closed)
	cfg.HTTP = "0.0.0.0:" + port
	if err := node.WriteAppConfig(node.Home(home), cfg); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--home", home}, "cannot reach the node at http://" + closed + " (address from http in " + node.Home(home).AppConfigFile() + ")"},
		{[]string{"--home", home, "--node", "http://" + closed}, "(address from --node)"},
	} {
		code, out, errs := runCLI(append(c.args, "query", "status", "-o", "json")...)
		var f failure
		if code != ExitError || !strings.Contains(errs, c.want) || json.Unmarshal([]byte(out), &f) != nil || !strings.Contains(f.Detail, "cannot reach") {
			t.Errorf("%v: exit %d, want %q\n%s%s", c.args, code, c.want, out, errs)
		}
	}
	// No home config: the default (not dialled here: a developer's node may
	// well be listening on it).
	g := &globals{home: t.TempDir()}
	if g.resolveNode(); g.node != defaultNode || !strings.HasPrefix(g.nodeFrom, "the default (no ") {
		t.Fatalf("no home config: %q from %q", g.node, g.nodeFrom)
	}
}
