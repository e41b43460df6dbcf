package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/x/datashare"
	"github.com/govchain/govchain/x/identity"
)

// A grant with two logged accesses on a live dev chain, then revoked: the
// audit of the grant (online, and offline from an export) and of the
// citizen verifies every access against signed headers from genesis; a
// tampered export fails with exit code 5.
func TestDatashareAudit(t *testing.T) {
	d, e := startNode(t)
	ctx := context.Background()
	c := client.New(d.Addr)
	k := func(n string) *crypto.PrivateKey { return benchKey(crypto.AlgEd25519, "datashare-test/"+n, 0) }
	acct := func(n string, citizen bool, roles ...string) tx.Msg {
		return client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: crypto.AlgEd25519, PublicKey: k(n).PublicKey(), Citizen: citizen, Roles: roles})
	}
	if _, err := c.Exec(ctx, d.Admin("cab"), acct("steward", false, datashare.RoleSteward), acct("service", false, datashare.RoleService), acct("alice", true)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, d.Admin("mof"), acct("requester", false, datashare.RoleRequester)); err != nil {
		t.Fatal(err)
	}
	st, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	signer := func(n string) *client.Signer {
		return &client.Signer{Key: k(n), Address: k(n).Address(), ChainID: st.ChainID}
	}
	steward, service, requester, alice := signer("steward"), signer("service"), signer("requester"), signer("alice")
	exec := func(s *client.Signer, typ string, body any) {
		t.Helper()
		if _, err := c.Exec(ctx, s, client.Msg(typ, body)); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
	}
	now := time.Now().Unix()
	exec(steward, datashare.TypePublishDataset, datashare.MsgPublishDataset{ID: "cab.households", Name: "Household register", SchemaHash: bytes.Repeat([]byte{1}, 32),
		LegalBasis: "art. 8", Sensitivity: datashare.LevelConfidential, ConsentRequired: true})
	exec(requester, datashare.TypeRequestAccess, datashare.MsgRequestAccess{Dataset: "cab.households", Purpose: "welfare", From: now - 60, Until: now + 3600})
	exec(steward, datashare.TypeApprove, datashare.MsgDecision{Request: 1})
	exec(alice, datashare.TypeGiveConsent, datashare.MsgConsent{Grant: 1})
	for i := 0; i < 2; i++ {
		r := &datashare.AccessRequest{ChainID: st.ChainID, Grant: 1, Dataset: "cab.households", Purpose: "welfare", Subject: alice.Address,
			Audience: service.Address, Requester: requester.Address, Time: time.Now().Unix(), Nonce: []byte(fmt.Sprintf("nonce-%d-%d", i, now)), Query: make([]byte, 32)}
		body, sig := r.Sign(requester.Key)
		h := sha256.Sum256([]byte(fmt.Sprint("answer ", i)))
		exec(service, datashare.TypeLogAccess, datashare.MsgLogAccess{Request: body, Algorithm: crypto.AlgEd25519, Signature: sig, ResponseHash: h[:]})
	}
	exec(steward, datashare.TypeRevoke, datashare.MsgDecision{Request: 1, Reason: "done"})
	d.WaitSigned(d.Height())
	genesis := d.Home.GenesisFile()
	if out := e.ok("datashare", "audit", "--grant", "1", "--trust", genesis); !strings.Contains(out, "2 accesses, each under a live grant (the grant's complete log)") {
		t.Fatalf("%s", out)
	}
	if out := e.ok("datashare", "audit", "--subject", alice.Address, "--trust", genesis); !strings.Contains(out, "2 accesses, each under a live grant") {
		t.Fatalf("%s", out)
	}
	var rep AuditReport
	e.jsonOut(&rep, "datashare", "audit", "--grant", "1", "--trust", genesis)
	if len(rep.Accesses) != 2 || !rep.Complete || rep.Accesses[1].Seq != 2 {
		t.Fatalf("%+v", rep)
	}
	file := filepath.Join(t.TempDir(), "export.json")
	e.ok("datashare", "export", "--grant", "1", "--out", file)
	e.ok("datashare", "audit", "--grant", "1", "--export", file, "--trust", genesis)
	if code, _, _ := e.run("datashare", "audit", "--trust", genesis); code == 0 {
		t.Fatal("an audit of nothing ran")
	}
	// Tamper with a proven value: flip one character of the last value.
	b, _ := os.ReadFile(file)
	i := strings.LastIndex(string(b), `"value": "`) + len(`"value": "`) + 12
	bad := []byte(string(b))
	if bad[i] == 'A' {
		bad[i] = 'B'
	} else {
		bad[i] = 'A'
	}
	os.WriteFile(file, bad, 0o600)
	if code, _, errs := e.run("datashare", "audit", "--grant", "1", "--export", file, "--trust", genesis); code != ExitUnverified {
		t.Fatalf("a tampered export: exit %d %s", code, errs)
	}
}

// bench --workload datashare logs every entry it submits.
func TestBenchDatashareSmall(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"bench", "--workload", "datashare", "--txs", "200", "--accounts", "4", "--concurrency", "2", "--batch", "20", "--noop=false", "-o", "json"}, &out, &errb)
	if code != 0 {
		t.Fatalf("datashare bench: exit %d\n%s", code, errb.String())
	}
	var r BenchResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Committed != 200 || r.Txs != 200 || r.Failed != 0 || r.CommittedPerSec <= 0 {
		t.Fatalf("datashare bench result %+v", r)
	}
}

// The generated tx and query commands of the module, from keys in the
// home: publish, request, grant, consent, and the citizen's view.
func TestDatashareCLI(t *testing.T) {
	_, e := startNode(t)
	addr := func(name string) string {
		var k struct{ Address string }
		e.jsonOut(&k, "keys", "show", name)
		return k.Address
	}
	for _, k := range []string{"steward", "requester", "alice"} {
		e.ok("keys", "new", k)
	}
	e.ok("tx", "identity", "create-account", "--from", "cab-admin", "--key", "steward", "--role", datashare.RoleSteward)
	e.ok("tx", "identity", "create-account", "--from", "mof-admin", "--key", "requester", "--role", datashare.RoleRequester)
	e.ok("tx", "identity", "create-account", "--from", "cab-admin", "--key", "alice", "--citizen")
	e.ok("tx", "datashare", "publish-dataset", "cab.households", "--from", "steward", "--name", "Household register",
		"--schema-hash", strings.Repeat("ab", 32), "--legal-basis", "Measures on social assistance, art. 8", "--sensitivity", "3", "--consent-required", "true")
	if code, _, _ := e.run("tx", "datashare", "publish-dataset", "cab.other", "--from", "requester", "--name", "x",
		"--schema-hash", strings.Repeat("ab", 32), "--legal-basis", "x"); code == 0 {
		t.Fatal("a requester published a dataset")
	}
	now := time.Now().Unix()
	if out := e.ok("tx", "datashare", "request-access", "cab.households", "--from", "requester", "--purpose", "welfare",
		"--start", fmt.Sprint(now-60), "--until", fmt.Sprint(now+3600)); !strings.Contains(out, "request 1 opened\n") {
		t.Fatalf("request-access does not print the new id:\n%s", out)
	}
	if code, _, _ := e.run("tx", "datashare", "approve", "1", "--from", "requester"); code == 0 {
		t.Fatal("the requester granted its own request")
	}
	e.ok("tx", "datashare", "approve", "1", "--from", "steward")
	e.ok("tx", "datashare", "give-consent", "1", "--from", "alice")
	var r datashare.Request
	e.jsonOut(&r, "query", "datashare", "request", "1")
	if r.Status != datashare.StatusGranted || r.Requester != "mof" || r.Owner != "cab" || r.EffectiveStatus != datashare.StatusGranted {
		t.Fatalf("%+v", r)
	}
	var cons struct{ Items []datashare.Consent }
	e.jsonOut(&cons, "query", "datashare", "subject-consents", addr("alice"))
	if len(cons.Items) != 1 || cons.Items[0].Grant != 1 {
		t.Fatalf("%+v", cons)
	}
	if out := e.ok("query", "datashare", "dataset", "cab.households"); !strings.Contains(out, "Household register") {
		t.Fatalf("%s", out)
	}
	e.ok("tx", "datashare", "withdraw-consent", "1", "--from", "alice")
	e.jsonOut(&cons, "query", "datashare", "subject-consents", addr("alice"))
	if len(cons.Items) != 1 || cons.Items[0].Withdrawn == 0 {
		t.Fatalf("%+v", cons)
	}
}
