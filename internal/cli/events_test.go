package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govchain/govchain/api/apitype"
)

// govchain events prints the history with its filters and exits.
func TestEventsCLI(t *testing.T) {
	_, e := startNode(t)
	addr := func(name string) string {
		var k struct{ Address string }
		e.jsonOut(&k, "keys", "show", name)
		return k.Address
	}
	e.ok("keys", "new", "alice")
	e.ok("keys", "new", "bob")
	e.ok("tx", "identity", "create-account", "--from", "cab-admin", "--key", "alice", "--citizen")
	e.ok("tx", "identity", "create-account", "--from", "mof-admin", "--key", "bob", "--role", "auditor")
	if code, out, errs := e.run("tx", "identity", "grant-role", "--from", "cab-admin", addr("alice"), "auditor"); code != ExitTxFailed {
		t.Fatalf("grant-role to a citizen: exit %d\n%s%s", code, out, errs)
	}

	lines := func(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") }
	out := e.ok("events", "--from-height", "1", "-o", "json")
	var ms []apitype.EventMessage
	for _, l := range lines(out) {
		var m apitype.EventMessage
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		ms = append(ms, m)
	}
	if len(ms) != 3 || ms[0].LogIndex != 0 || ms[2].LogIndex != 2 || ms[0].Code != 0 || ms[2].Code != 109 || ms[1].Events[0].Type != "identity.account_created" {
		t.Fatalf("events -o json:\n%s", out)
	}

	out = e.ok("events", "--from-height", "1", "--type", "identity.account_created")
	if l := lines(out); len(l) != 2 || !strings.Contains(l[0], "#0") || !strings.Contains(l[0], "  ok  identity.account_created address="+addr("alice")) ||
		!strings.Contains(l[1], "department=mof") || !strings.HasPrefix(l[1], fmt.Sprintf("%d  #1  %s", ms[1].Height, ms[1].TxHash[:8])) {
		t.Fatalf("events --type:\n%s", out)
	}
	out = e.ok("events", "--from-height", "1", "--code", "failed")
	if l := lines(out); len(l) != 1 || !strings.Contains(l[0], "code 109  [identity.grant_role] ") {
		t.Fatalf("events --code failed:\n%s", out)
	}
	out = e.ok("events", "--from-height", "1", "--attr", "department:mof", "--attr", "citizen:false", "--module", "identity")
	if l := lines(out); len(l) != 1 || !strings.Contains(l[0], addr("bob")) {
		t.Fatalf("events --attr:\n%s", out)
	}
	out = e.ok("events", "--from-height", "1", "--module", "registry")
	if strings.TrimSpace(out) != "" {
		t.Fatalf("events --module registry:\n%s", out)
	}
	// With --blocks, the history ends with the block of the latest height.
	out = e.ok("events", "--from-height", "1", "--blocks")
	t.Logf("govchain events --from-height 1 --blocks\n%s", out)
	l := lines(out)
	if last := l[len(l)-1]; !strings.Contains(last, "  block  ") || len(l) < 4+3 {
		t.Fatalf("events --blocks:\n%s", out)
	}
	e.ok("events") // the latest height only

	for _, args := range [][]string{
		{"events", "--attr", "nocolon"},
		{"events", "--code", "maybe"},
		{"events", "--type", "not a type"},
		{"events", "--from-height", "-2"},
		{"events", "extra"},
	} {
		if code, out, errs := e.run(args...); code != ExitUsage {
			t.Errorf("govchain %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, ExitUsage, out, errs)
		}
	}
}

// syncBuffer is a bytes.Buffer safe to read while a command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// govchain events --follow prints new transactions as they commit, until
// the stream ends (here: the node shuts down, which the error explains).
func TestEventsFollowCLI(t *testing.T) {
	d, e := startNode(t)
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"--home", e.home, "--node", e.api, "events", "--follow", "--type", "identity.account_created", "-o", "json"}, &out, &errb)
	}()
	e.ok("keys", "new", "carol")
	var res struct{ Hash string }
	e.jsonOut(&res, "tx", "identity", "create-account", "--from", "cab-admin", "--key", "carol", "--citizen")
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), res.Hash) {
		if time.Now().After(deadline) {
			t.Fatalf("the followed tx never came:\n%s%s", out.String(), errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	d.Stop()
	if code := <-done; code != ExitError || !strings.Contains(errb.String(), "server shutting down; reconnect with from_height=") {
		t.Fatalf("events --follow at shutdown: exit %d\n%s", code, errb.String())
	}
}
