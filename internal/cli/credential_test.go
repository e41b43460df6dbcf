package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/credential"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/node/nodetest"
	"github.com/govchain/govchain/x/credentials"
	"github.com/govchain/govchain/x/identity"
)

// credChain sets up, on a dev node, what credentials need: cab authorised
// to issue residency credentials (a proposal mof, nrb and cab pass), its
// issuer key k1 (the CLI key "issuer-k1"), an official "clerk" keeping its
// revocation list rev and suspension list sus, and a citizen "alice".
func credChain(t *testing.T) (*nodetest.Dev, *cliEnv, string) {
	t.Helper()
	d, e := startNode(t)
	ctx := context.Background()
	exec := func(s *client.Signer, typ string, body any) int64 {
		t.Helper()
		res, err := d.Client.Exec(ctx, s, client.Msg(typ, body))
		if err != nil || res.Code != 0 {
			t.Fatalf("%s: %+v %v", typ, res, err)
		}
		return res.Height
	}
	exec(d.Admin("mof"), identity.TypePropose, identity.MsgPropose{Action: identity.Action{Kind: identity.KindAuthorizeIssuer, Department: "cab", Name: "residency"}})
	ps, err := client.ListAll[identity.Proposal](ctx, d.Client, client.Path("identity", "proposals"), 0)
	if err != nil || len(ps) == 0 {
		t.Fatal(ps, err)
	}
	for _, dept := range []string{"nrb", "cab"} {
		exec(d.Admin(dept), identity.TypeApprove, identity.MsgApprove{ID: ps[len(ps)-1].ID})
	}
	for _, k := range []string{"issuer-k1", "clerk", "alice"} {
		e.ok("keys", "new", k)
	}
	ik, _ := e.loadKey("issuer-k1")
	exec(d.Admin("cab"), identity.TypeAddIssuerKey, identity.MsgAddIssuerKey{Kid: "k1", Algorithm: ik.Algorithm, PublicKey: ik.PublicKey()})
	ck, _ := e.loadKey("clerk")
	exec(d.Admin("cab"), identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: ck.Algorithm, PublicKey: ck.PublicKey(), Roles: []string{credentials.RoleIssuer}})
	ak, _ := e.loadKey("alice")
	exec(d.Admin("cab"), identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: ak.Algorithm, PublicKey: ak.PublicKey(), Citizen: true})
	e.ok("tx", "credentials", "create-list", "rev", "--from", "clerk", "--purpose", "revocation")
	e.ok("tx", "credentials", "create-list", "sus", "--from", "clerk", "--purpose", "suspension", "--size", "1024")
	return d, e, ak.Address()
}

func (e *cliEnv) loadKey(name string) (*crypto.PrivateKey, error) {
	k, _, err := crypto.ReadKeyFile(filepath.Join(e.home, "keys", name+".json"))
	return k, err
}

// issue, present and verify through the CLI; then each refusal the issue
// lists, from a bundle the verifier checks offline.
func TestCredentialCLI(t *testing.T) {
	d, e, alice := credChain(t)
	dir := t.TempDir()
	cred := filepath.Join(dir, "cred.txt")
	e.ok("credential", "issue", "--key", "issuer-k1", "--kid", "k1", "--issuer", "cab", "--type", "residency", "--holder", alice, "--from", "clerk",
		"--claim", "district=Xicheng", "--claim", "since=2011", "--claim", `address={"street":"Fuxingmen 1"}`,
		"--status", "revocation:rev:5", "--status", "suspension:sus:5", "--valid-days", "365", "--out", cred)
	chain := d.Home.GenesisFile()
	aud := "did:govchain:x:mca"
	bundleAt := func(name, nonce string, disclose ...string) string {
		t.Helper()
		d.WaitHeight(d.Height() + 1) // the header signing the latest change
		p := filepath.Join(dir, name)
		args := []string{"credential", "present", cred, "--key", "alice", "--aud", aud, "--nonce", nonce, "--out", p}
		for _, c := range disclose {
			args = append(args, "--disclose", c)
		}
		e.ok(args...)
		return p
	}
	verifyArgs := func(p, nonce string) []string {
		return []string{"credential", "verify", p, "--trust", chain, "--aud", aud, "--nonce", nonce}
	}
	good := bundleAt("good.json", "n-1", "district")
	out := e.ok(verifyArgs(good, "n-1")...)
	if !strings.Contains(out, "verified: residency credential") || !strings.Contains(out, `district: "Xicheng"`) || strings.Contains(out, "2011") {
		t.Fatalf("verify output:\n%s", out)
	}
	var res struct {
		Credential credential.Verified
		Height     int64
	}
	e.jsonOut(&res, verifyArgs(good, "n-1")...)
	if res.Credential.Holder != alice || res.Credential.Issuer != "cab" || len(res.Credential.Claims) != 1 {
		t.Fatalf("%+v", res)
	}
	if os.Getenv("GOVCHAIN_WRITE_CREDENTIAL_VECTOR") != "" {
		writeCredentialVector(t, good, chain, aud, "n-1", res.Credential.PresentedAt)
	}
	refused := func(what string, args []string, want string) {
		t.Helper()
		code, out, errs := e.run(args...)
		if code != ExitUnverified || !strings.Contains(out+errs, want) {
			t.Fatalf("%s: exit %d, want %d with %q\n%s%s", what, code, ExitUnverified, want, out, errs)
		}
	}
	refused("another audience", []string{"credential", "verify", good, "--trust", chain, "--aud", "did:govchain:x:mof", "--nonce", "n-1"}, "another audience")
	refused("stale nonce", verifyArgs(good, "n-0"), "nonce")
	b, _ := os.ReadFile(good)
	tampered := filepath.Join(dir, "tampered.json")
	os.WriteFile(tampered, []byte(strings.Replace(string(b), `"found":true`, `"found":false`, 1)), 0o600)
	refused("tampered proof", verifyArgs(tampered, "n-1"), "NOT VERIFIED")

	// Suspended, then reinstated, then revoked for good.
	e.ok("tx", "credentials", "suspend", "sus", "5", "--from", "clerk")
	refused("suspended", verifyArgs(bundleAt("sus.json", "n-2"), "n-2"), "suspended")
	e.ok("tx", "credentials", "unsuspend", "sus", "5", "--from", "clerk")
	e.ok(verifyArgs(bundleAt("back.json", "n-3"), "n-3")...)
	e.ok("tx", "credentials", "revoke", "rev", "5", "--from", "clerk", "--reason", "moved away")
	refused("revoked", verifyArgs(bundleAt("rev.json", "n-4"), "n-4"), "revoked")

	// An issuer not authorised for the type: cab signs a degree. The chain
	// refuses to register it; signed anyway and presented, the verifier
	// refuses it.
	degree := filepath.Join(dir, "degree.txt")
	degreeArgs := []string{"credential", "issue", "--key", "issuer-k1", "--kid", "k1", "--issuer", "cab", "--type", "degree", "--holder", alice,
		"--claim", "level=bachelor", "--out", degree}
	if code, out, errs := e.run(append(degreeArgs, "--from", "clerk")...); code != ExitTxFailed || !strings.Contains(out+errs, "not authorised") {
		t.Fatalf("registering a degree: exit %d\n%s%s", code, out, errs)
	}
	e.ok(append(degreeArgs, "--no-register")...)
	p := filepath.Join(dir, "degree.json")
	e.ok("credential", "present", degree, "--key", "alice", "--aud", aud, "--nonce", "n-5", "--out", p)
	refused("issuer not authorised", verifyArgs(p, "n-5"), "not authorised")

	// DIDs resolve with a proof: the holder's key, cab's issuer keys.
	var doc credential.DIDDocument
	d.WaitHeight(d.Height() + 1)
	e.jsonOut(&doc, "credential", "did", credential.AccountDID("govchain-dev", alice), "--trust", chain)
	ak, _ := e.loadKey("alice")
	if alg, pub, err := doc.VerificationMethod[0].PublicKeyJwk.Key(); err != nil || alg != ak.Algorithm || string(pub) != string(ak.PublicKey()) || doc.Controller != "did:govchain:govchain-dev:cab" {
		t.Fatalf("account DID document %+v %v", doc, err)
	}
	e.jsonOut(&doc, "credential", "did", "did:govchain:govchain-dev:cab", "--trust", chain)
	if len(doc.AssertionMethod) != 1 || doc.AssertionMethod[0] != "did:govchain:govchain-dev:cab#k1" {
		t.Fatalf("department DID document %+v", doc)
	}
	var raw json.RawMessage
	if err := d.Client.Get(context.Background(), "/v1/did/did:govchain:govchain-dev:cab?prove=true", &raw); err != nil {
		t.Fatal(err)
	}
	forged := filepath.Join(dir, "did.json")
	os.WriteFile(forged, []byte(strings.Replace(string(raw), "#k1", "#k2", 1)), 0o600)
	refused("forged DID document", []string{"credential", "did", "did:govchain:govchain-dev:cab", "--trust", chain, "--file", forged}, "DID document")
	if code, _, _ := e.run("credential", "did", "did:govchain:govchain-dev:ec", "--trust", chain); code != ExitNotFound {
		t.Fatalf("a department that issues nothing: exit %d", code)
	}

	// Presented by a key that is not the holder's.
	e.ok("keys", "new", "mallory")
	p = filepath.Join(dir, "mallory.json")
	e.ok("credential", "present", cred, "--key", "mallory", "--aud", aud, "--nonce", "n-6", "--out", p)
	refused("not the holder's key", verifyArgs(p, "n-6"), "key binding")
}

// writeCredentialVector refreshes credential/bundle/testdata: the bundle,
// the genesis it is verified against, and what the verifier expects.
func writeCredentialVector(t *testing.T, bundleFile, genesis, aud, nonce string, at int64) {
	dir := filepath.Join("..", "..", "credential", "bundle", "testdata")
	copyFile := func(from, to string) {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, to), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(bundleFile, "presentation.json")
	copyFile(genesis, "genesis.json")
	v, _ := json.MarshalIndent(map[string]any{"audience": aud, "nonce": nonce, "now": at}, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "expect.json"), append(v, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
