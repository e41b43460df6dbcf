package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/procurement"
)

// A tender on a live dev chain (no supplier can be approved there: the
// market regulator is listed by proposal, so it ends unsuccessful):
// exported with proofs, verified offline from genesis, and a tampered
// export refused with exit code 5.
func TestProcurementExportVerify(t *testing.T) {
	d, e := startNode(t)
	ctx := context.Background()
	c := client.New(d.Addr)
	k := benchKey(crypto.AlgEd25519, "proc-test", 0)
	if _, err := c.Exec(ctx, d.Admin("mof"), client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(),
		Roles: []string{procurement.RoleEvaluator, procurement.RoleOfficer}})); err != nil {
		t.Fatal(err)
	}
	st, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now, _ := time.Parse(time.RFC3339Nano, st.LatestTime)
	officer := &client.Signer{Key: k, Address: k.Address(), ChainID: st.ChainID}
	res, err := c.Exec(ctx, officer, client.Msg(procurement.TypePublishTender, procurement.MsgPublishTender{Title: "t", Items: []procurement.Item{{Description: "d", Quantity: 1}},
		Ceiling: 100, Method: "open", Deadline: now.Unix() + 2, Opening: now.Unix() + 2, RevealEnd: now.Unix() + 3, PriceWeight: 100, Committee: []string{k.Address()}}))
	if err != nil || res.Code != 0 {
		t.Fatalf("%v %+v", err, res)
	}
	if err := waitChainTime(ctx, c, now.Unix()+3); err != nil {
		t.Fatal(err)
	}
	if res, err := c.Exec(ctx, officer, client.Msg(procurement.TypeAward, procurement.MsgTenderRef{Tender: 1})); err != nil || res.Code != 0 {
		t.Fatalf("%v %+v", err, res)
	}
	d.WaitSigned(d.Height())
	file := filepath.Join(t.TempDir(), "export.json")
	e.ok("procurement", "export", "ocds-govchain-1", "--out", file)
	genesis := d.Home.GenesisFile()
	if out := e.ok("procurement", "verify", "ocds-govchain-1", "--export", file, "--trust", genesis); !strings.Contains(out, "verified: ocds-govchain-1, 0 bids, status unsuccessful") {
		t.Fatalf("%s", out)
	}
	// Online: fetched with proofs from the node.
	e.ok("procurement", "verify", "ocds-govchain-1", "--trust", genesis)
	if code, _, _ := e.run("procurement", "verify", "ocds-govchain-2", "--export", file, "--trust", genesis); code == 0 {
		t.Fatal("another ocid verified")
	}
	// OCDS packages from the node.
	var rp procurement.RecordPackage
	if err := json.Unmarshal([]byte(e.ok("procurement", "ocds", "ocds-govchain-1", "--record")), &rp); err != nil ||
		len(rp.Records) != 1 || rp.Records[0].CompiledRelease.Tender.Status != "unsuccessful" {
		t.Fatalf("%v %+v", err, rp)
	}
	var pkg procurement.ReleasePackage
	if err := json.Unmarshal([]byte(e.ok("procurement", "ocds", "ocds-govchain-1")), &pkg); err != nil || len(pkg.Releases) != 2 {
		t.Fatalf("%v %+v", err, pkg)
	}
	// The same packages from the API (computed queries): per ocid, the
	// record package, and in bulk by block time; no proof of their own.
	var api procurement.ReleasePackage
	if err := c.Get(ctx, "/v1/procurement/tenders/1/ocds/releases", &api); err != nil || len(api.Releases) != 2 || api.Releases[0].OCID != "ocds-govchain-1" {
		t.Fatalf("API release package: %v %+v", err, api)
	}
	var apiRec procurement.RecordPackage
	if err := c.Get(ctx, "/v1/procurement/tenders/1/ocds/record", &apiRec); err != nil || len(apiRec.Records) != 1 || apiRec.Records[0].CompiledRelease.Tender.Status != "unsuccessful" {
		t.Fatalf("API record package: %v %+v", err, apiRec)
	}
	var bulk procurement.ReleasePackage
	if err := c.Get(ctx, fmt.Sprintf("/v1/procurement/ocds/releases/%d/%d", now.Unix()-60, now.Unix()+3600), &bulk); err != nil || len(bulk.Releases) != 2 {
		t.Fatalf("API bulk releases: %v %+v", err, bulk)
	}
	var none json.RawMessage
	if err := c.Get(ctx, "/v1/procurement/ocds/releases/1/2", &none); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("an empty range: %v", err)
	}
	if err := c.Get(ctx, "/v1/procurement/tenders/9/ocds/releases", &none); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("an unknown tender: %v", err)
	}
	if err := c.Get(ctx, "/v1/procurement/tenders/1/ocds/releases?prove=true", &none); err == nil || !strings.Contains(err.Error(), "400") {
		t.Fatalf("a proof of a computed package: %v", err)
	}
	b, _ := os.ReadFile(file)
	// Tamper with the tender record's value (base64 of CBOR): flip a
	// character of the first value.
	i := strings.Index(string(b), `"value": "`) + len(`"value": "`) + 8
	bad := []byte(string(b))
	if bad[i] == 'A' {
		bad[i] = 'B'
	} else {
		bad[i] = 'A'
	}
	os.WriteFile(file, bad, 0o600)
	if code, _, _ := e.run("procurement", "verify", "ocds-govchain-1", "--export", file, "--trust", genesis); code != ExitUnverified {
		t.Fatalf("a tampered export: exit %d", code)
	}
}

func TestBidHashCommand(t *testing.T) {
	var out, errb bytes.Buffer
	doc, salt := strings.Repeat("ab", 32), strings.Repeat("01", 16)
	supplier := strings.Repeat("c", 40)
	if code := run([]string{"procurement", "bid-hash", "--tender", "3", "--supplier", supplier, "--amount", "1000", "--document", doc, "--salt", salt}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	d, _ := hex.DecodeString(doc)
	s, _ := hex.DecodeString(salt)
	if want := hex.EncodeToString(procurement.BidHash(3, supplier, 1000, d, s)); strings.TrimSpace(out.String()) != want {
		t.Fatalf("%s, want %s", out.String(), want)
	}
	if code := run([]string{"procurement", "bid-hash", "--tender", "3", "--supplier", supplier, "--amount", "1000", "--document", doc, "--salt", "01"}, &out, &errb); code == 0 {
		t.Fatal("a short salt was accepted")
	}
}
