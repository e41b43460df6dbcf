package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/node"
)

// What a tx command prints: the ids it created, once; a failure once; a
// refusal as JSON with -o json; --receipt with --no-wait is refused.
func TestTxOutcome(t *testing.T) {
	d, e := startNode(t)

	// New ids, from the tx's events.
	out := e.ok("tx", "identity", "propose", "set_threshold", "--threshold", "2", "--from", "mof-admin")
	if !strings.Contains(out, "proposal 1 opened\n") {
		t.Fatalf("propose:\n%s", out)
	}
	var res struct {
		Committed bool
		Hash      string
		Events    []struct{ Type string }
		Created   []struct{ Record, ID, Verb, Event string }
	}
	e.jsonOut(&res, "tx", "identity", "propose", "set_threshold", "--threshold", "3", "--from", "nrb-admin")
	if !res.Committed || len(res.Events) == 0 || len(res.Created) != 1 || res.Created[0].Record != "proposal" || res.Created[0].ID != "2" || res.Created[0].Event != "identity.proposal_opened" {
		t.Fatalf("propose -o json: %+v", res)
	}
	e.ok("keys", "new", "alice")
	var alice struct{ Address string }
	e.jsonOut(&alice, "keys", "show", "alice")
	if out := e.ok("tx", "identity", "create-account", "--from", "cab-admin", "--key", "alice", "--citizen"); !strings.Contains(out, "account "+alice.Address+" created\n") {
		t.Fatalf("create-account:\n%s", out)
	}

	// A tx that commits and fails: one message, on stderr; with -o json
	// the result on stdout (once) and the message on stderr.
	grant := []string{"tx", "identity", "grant-role", "--from", "cab-admin", alice.Address, "auditor"}
	code, out, errs := e.run(grant...)
	if code != ExitTxFailed || out != "" || strings.Count(errs, "error:") != 1 || !strings.Contains(errs, "failed with code") {
		t.Fatalf("failed tx: exit %d\nstdout %q\nstderr %q", code, out, errs)
	}
	code, out, errs = e.run(append(grant, "-o", "json")...)
	var failed struct {
		Code      uint32
		Committed bool
	}
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&failed); err != nil || dec.More() || code != ExitTxFailed || failed.Code == 0 || !failed.Committed || strings.Count(errs, "error:") != 1 {
		t.Fatalf("failed tx -o json: exit %d %v\nstdout %q\nstderr %q", code, err, out, errs)
	}

	// A refusal before execution (alice's key for another account): the
	// node's problem on stdout with -o json.
	var mof struct{ Address string }
	e.jsonOut(&mof, "keys", "show", "mof-admin")
	code, out, errs = e.run("tx", "identity", "create-account", "--from", "alice", "--address", mof.Address, "--key", "alice", "--citizen", "-o", "json")
	var f failure
	if err := json.Unmarshal([]byte(out), &f); err != nil || code != ExitTxFailed || f.Code == 0 || f.Status != 422 || f.ExitCode != ExitTxFailed || !strings.Contains(errs, "refused the transaction with code") {
		t.Fatalf("refusal -o json: exit %d %v\nstdout %q\nstderr %q", code, err, out, errs)
	}

	// --receipt needs the commit.
	rc := filepath.Join(t.TempDir(), "r.json")
	if code, _, errs := e.run("tx", "identity", "create-account", "--from", "cab-admin", "--key", "alice", "--citizen", "--no-wait", "--receipt", rc); code != ExitUsage || !strings.Contains(errs, "--no-wait") {
		t.Fatalf("--receipt --no-wait: exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(rc); err == nil {
		t.Fatal("a receipt was written")
	}

	// Without --node, the CLI reads the node's address from the home.
	home := node.Home(filepath.Join(t.TempDir(), "home"))
	os.MkdirAll(filepath.Dir(home.AppConfigFile()), 0o700)
	cfg := node.DefaultAppConfig()
	cfg.HTTP = d.Addr
	if err := node.WriteAppConfig(home, cfg); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCLI("--home", string(home), "query", "status"); code != 0 || !strings.Contains(out, node.DevChainID) {
		t.Fatalf("query status from the home's address: exit %d\n%s%s", code, out, errs)
	}
}

func TestCreatedRecords(t *testing.T) {
	ev := func(typ string, kv ...string) ledger.Event {
		e := ledger.Event{Type: typ}
		for i := 0; i+1 < len(kv); i += 2 {
			e.Attrs = append(e.Attrs, ledger.Attribute{Key: kv[i], Value: kv[i+1]})
		}
		return e
	}
	got := createdRecords([]ledger.Event{
		ev("identity.proposal_opened", "id", "3", "kind", "set_threshold"),
		ev("identity.proposal_approved", "id", "3"),
		ev("identity.department_added", "id", "moh", "admin", "ab"),
		ev("identity.account_created", "address", "cd", "department", "cab"),
		ev("registry.tax_rate_set", "rate_bp", "300"),
		ev("registry.encumbered", "parcel", "BJ-001", "seq", "2"),
		ev("registry.encumbrance_proposed", "id", "7"),
		ev("x.thing_created"), // no id: nothing to print
		ev("noperiod_created", "id", "1"),
	})
	want := []createdRecord{
		{"proposal", "3", "opened", "identity.proposal_opened"},
		{"department", "moh", "added", "identity.department_added"},
		{"account", "cd", "created", "identity.account_created"},
		{"encumbrance", "7", "proposed", "registry.encumbrance_proposed"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

func TestAsksJSON(t *testing.T) {
	for args, want := range map[string]bool{
		"x -o json": true, "x --output json": true, "x --output=json": true, "x -ojson": true,
		"x -o text": false, "x": false, "x -- -o json": false, "x -o": false,
	} {
		if got := asksJSON(strings.Fields(args)); got != want {
			t.Errorf("asksJSON(%q) = %v", args, got)
		}
	}
}
