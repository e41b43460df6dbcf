package cli

import (
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/x/fiscal"
	"github.com/govchain/govchain/x/identity"
)

// The export reads a year's lines from a node and writes the Fiscal Data
// Package: lines appropriated, committed and paid on a dev chain show in
// the CSV with their totals.
func TestFiscalExport(t *testing.T) {
	d, e := startNode(t)
	ctx := context.Background()
	exec := func(s *client.Signer, typ string, body any) {
		t.Helper()
		res, err := d.Client.Exec(ctx, s, client.Msg(typ, body))
		if err != nil || res.Code != 0 {
			t.Fatalf("%s: %+v %v", typ, res, err)
		}
	}
	official := func(dept, role string) *client.Signer {
		t.Helper()
		k, err := crypto.GenerateKey(crypto.AlgEd25519, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		exec(d.Admin(dept), identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Roles: []string{role}})
		s, err := d.Client.NewSigner(ctx, k, "")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	budget := official("mof", fiscal.RoleBudgetOffice)
	spender := official("cab", fiscal.RoleSpender)
	for _, id := range []string{"L-2", "L-1"} {
		exec(budget, fiscal.TypeAppropriate, fiscal.MsgAppropriate{Line: id, Year: 2026, Department: "cab", Function: "2080201", Economic: "50901", FundSource: fiscal.FundGeneral, Amount: 1_000_000})
	}
	exec(spender, fiscal.TypeCommit, fiscal.MsgCommit{Line: "L-1", Amount: 400_000, Ref: "welfare/p-1/2026-11"})
	exec(spender, fiscal.TypePay, fiscal.MsgPay{Line: "L-1", Amount: 150_000, Payee: spender.Address, Ref: "welfare/p-1/2026-11", PayID: "welfare/p-1/2026-11/" + spender.Address})

	dir := filepath.Join(t.TempDir(), "fdp")
	var res struct{ Lines int }
	e.jsonOut(&res, "fiscal", "export", "--out", dir, "--year", "2026")
	if res.Lines != 2 {
		t.Fatalf("exported %d lines", res.Lines)
	}
	f, err := os.Open(filepath.Join(dir, fiscal.ExportCSV))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("%v %v", rows, err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	r := rows[1]
	if r[col["line_id"]] != "L-1" || r[col["committed"]] != "2500.00" || r[col["paid"]] != "1500.00" || r[col["available"]] != "6000.00" || r[col["cofog"]] != "10" {
		t.Fatalf("row %v", r)
	}
	var desc map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, fiscal.ExportDescriptor))
	if err := json.Unmarshal(b, &desc); err != nil || desc["model"] == nil {
		t.Fatalf("descriptor %s: %v", b, err)
	}
	if code, _, _ := e.run("fiscal", "export", "--year", "2026"); code != ExitUsage {
		t.Fatalf("export without --out: exit %d", code)
	}
}
