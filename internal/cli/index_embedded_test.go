package cli

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/govchain/govchain/api"
	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/index"
	"github.com/govchain/govchain/index/pgtest"
	"github.com/govchain/govchain/node"
	"github.com/govchain/govchain/node/nodetest"
	"github.com/govchain/govchain/x/fiscal"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/registry"
)

// indexWorkload commits a mix of identity, fiscal and registry txs on a
// dev chain: two departments' lines, commitments and payments over two
// months are not needed (one block time), so sums are by department,
// function and economic class.
func indexWorkload(t *testing.T, d *nodetest.Dev) {
	ctx := context.Background()
	exec := func(s *client.Signer, typ string, body any) {
		t.Helper()
		res, err := d.Client.Exec(ctx, s, client.Msg(typ, body))
		if err != nil || res.Code != 0 {
			t.Fatalf("%s: %+v %v", typ, res, err)
		}
	}
	official := func(dept string, roles ...string) *client.Signer {
		t.Helper()
		k, err := crypto.GenerateKey(crypto.AlgEd25519, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		exec(d.Admin(dept), identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Roles: roles})
		s, err := d.Client.NewSigner(ctx, k, "")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	budget := official("mof", fiscal.RoleBudgetOffice)
	cab := official("cab", fiscal.RoleSpender)
	nrb := official("nrb", fiscal.RoleSpender, registry.RoleRegistrar)
	exec(budget, fiscal.TypeAppropriate, fiscal.MsgAppropriate{Line: "L-1", Year: 2026, Department: "cab", Function: "2080201", Economic: "50901", FundSource: fiscal.FundGeneral, Amount: 1_000_000})
	exec(budget, fiscal.TypeAppropriate, fiscal.MsgAppropriate{Line: "L-2", Year: 2026, Department: "nrb", Function: "2200101", Economic: "30201", FundSource: fiscal.FundGeneral, Amount: 2_000_000})
	exec(cab, fiscal.TypeCommit, fiscal.MsgCommit{Line: "L-1", Amount: 400_000, Ref: "inv-1"})
	for i := 0; i < 3; i++ {
		exec(cab, fiscal.TypePay, fiscal.MsgPay{Line: "L-1", Amount: 100_000, Payee: cab.Address, Ref: "inv-1", PayID: fmt.Sprintf("pay-cab-%d", i)})
	}
	exec(nrb, fiscal.TypeCommit, fiscal.MsgCommit{Line: "L-2", Amount: 500_000, Ref: "inv-2"})
	exec(nrb, fiscal.TypePay, fiscal.MsgPay{Line: "L-2", Amount: 250_000, Payee: nrb.Address, Ref: "inv-2", PayID: "pay-nrb-0"})
	for i := 0; i < 5; i++ {
		exec(nrb, registry.TypeRegisterParcel, registry.MsgRegisterParcel{Number: fmt.Sprintf("P-%d", i), District: []string{"east", "west"}[i%2],
			Area: uint64(1000 * (i + 1)), Use: "residential", Owners: []registry.Owner{{Account: cab.Address, Share: 10000}}})
	}
}

// waitIndexed waits for the embedded index to hold height h (status).
func waitIndexed(t *testing.T, d *nodetest.Dev, h int64) apitype.IndexStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), nodetest.Timeout)
	defer cancel()
	for {
		st, err := d.Client.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Index == nil {
			t.Fatal("status without index")
		}
		if st.Index.Height >= h {
			return *st.Index
		}
		if err := d.Node.WaitHeight(ctx, st.LatestHeight+1); err != nil { // the index moves at commits
			t.Fatalf("index at %d, want %d: %v", st.Index.Height, h, err)
		}
	}
}

func getJSON(t *testing.T, c *client.Client, path string, v any) {
	t.Helper()
	if err := c.Get(context.Background(), path, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// TestEmbeddedIndexSQLite: govchain start --index on SQLite in the home.
// The node replays at most 10 messages on a stream, so the rebuild over
// HTTP walks the chain's blocks and txs first (HTTPSource.walk).
func TestEmbeddedIndexSQLite(t *testing.T) {
	embeddedIndex(t, "", nodetest.WithEvents(api.EventLimits{MaxReplay: 10}))
}

// TestEmbeddedIndexPostgres: --index-db postgres://... (skips without the
// PostgreSQL binaries); the rebuild streams from genesis.
func TestEmbeddedIndexPostgres(t *testing.T) { embeddedIndex(t, pgtest.Start(t)) }

// embeddedIndex runs a node with the embedded index, commits a workload,
// then checks: the index lag in status and metrics; lists with filters,
// totals, cursors and proofs; aggregates; search; the index against the
// state tree (index.Check); and that `govchain index --rebuild` from
// genesis over HTTP gives the same index row for row.
func embeddedIndex(t *testing.T, dsn string, opts ...nodetest.Option) {
	d := nodetest.StartDev(t, append(opts, nodetest.WithIndex(dsn))...)
	e := &cliEnv{t: t, home: string(d.Home), api: d.Addr}
	indexWorkload(t, d)
	target := d.Height()
	st := waitIndexed(t, d, target)
	if st.Lag < 0 || (dsn == "" && st.Database != "sqlite") || (dsn != "" && st.Database != "postgres") {
		t.Fatalf("index status %+v", st)
	}
	c := d.Client

	// Lists: payments of a budget line, with the total and a cursor.
	var page apitype.IndexPage
	getJSON(t, c, "/v1/index/fiscal/payments?eq=line:L-1&limit=2&sort=id", &page)
	if page.Total != 3 || len(page.Rows) != 2 || page.Next == "" || page.Rows[0].Values["id"] != "pay-cab-0" {
		t.Fatalf("payments of L-1: %+v", page)
	}
	var page2 apitype.IndexPage
	getJSON(t, c, "/v1/index/fiscal/payments?eq=line:L-1&limit=2&sort=id&after="+page.Next, &page2)
	if len(page2.Rows) != 1 || page2.Next != "" || page2.Rows[0].Values["id"] != "pay-cab-2" {
		t.Fatalf("second page: %+v", page2)
	}
	// Parcels by district, largest first; by owner (a list column).
	getJSON(t, c, "/v1/index/registry/parcels?eq=district:west&sort=area_centi_m2&order=desc", &page)
	if page.Total != 2 || page.Rows[0].Values["number"] != "P-3" {
		t.Fatalf("parcels of west: %+v", page)
	}
	owner := page.Rows[0].Values["owners"].(string)
	getJSON(t, c, "/v1/index/registry/parcels?has=owners:"+owner, &page)
	if page.Total != 5 {
		t.Fatalf("parcels of %s: %d", owner, page.Total)
	}
	// A row's proof: the state proof at the row's height, whose value is
	// the record the row shows.
	getJSON(t, c, "/v1/index/registry/parcels?eq=number:P-1&prove=true", &page)
	r := page.Rows[0]
	if r.Proof == nil || !r.Proof.Found || r.Proof.Key != r.StateKey || r.Proof.Height != r.Height || r.Proof.Proof == nil {
		t.Fatalf("proof of %+v", r)
	}
	raw, _ := base64.StdEncoding.DecodeString(*r.Proof.Value)
	var parcel registry.Parcel
	if err := codec.Unmarshal(raw, &parcel); err != nil || parcel.District != r.Values["district"] || int64(parcel.Area) != int64(r.Values["area_centi_m2"].(float64)) {
		t.Fatalf("proven record %+v vs row %+v (%v)", parcel, r.Values, err)
	}
	// Aggregates: payments by department, and by month and economic class.
	var agg apitype.IndexAggregate
	getJSON(t, c, "/v1/index/fiscal/payments/aggregate?group=department&sum=amount", &agg)
	if len(agg.Groups) != 2 || agg.Groups[0].Keys["department"] != "cab" || agg.Groups[0].Sums["amount"] != 300_000 || agg.Groups[0].Count != 3 ||
		agg.Groups[1].Sums["amount"] != 250_000 {
		t.Fatalf("payments by department: %+v", agg)
	}
	getJSON(t, c, "/v1/index/fiscal/payments/aggregate?group=month&group=economic&sum=amount", &agg)
	if len(agg.Groups) != 2 || agg.Groups[0].Keys["economic"] != "30201" {
		t.Fatalf("payments by month and economic class: %+v", agg)
	}
	// Search by prefix, and the chain's own tables.
	var sr apitype.IndexSearch
	getJSON(t, c, "/v1/index/search?q=pay-nrb", &sr)
	if len(sr.Hits) != 1 || sr.Hits[0].Table != "fiscal/payments" || sr.Hits[0].StateKey != "fiscal/pay/pay-nrb-0" {
		t.Fatalf("search: %+v", sr)
	}
	getJSON(t, c, "/v1/index/chain/txs?limit=1&order=desc", &page)
	if page.Total < 15 || page.Rows[0].ProofURL == "" {
		t.Fatalf("txs: %+v", page)
	}
	// Refusals: an unknown column, a bad cursor.
	for _, p := range []string{"/v1/index/fiscal/payments?eq=nope:1", "/v1/index/fiscal/payments?after=zz", "/v1/index/fiscal/nope"} {
		if err := c.Get(context.Background(), p, &page); err == nil || !strings.Contains(err.Error(), "40") {
			t.Fatalf("GET %s: %v", p, err)
		}
	}
	// Lag in /metrics.
	resp, err := http.Get(d.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "govchain_index_lag_blocks") || !strings.Contains(string(body), "govchain_index_height") {
		t.Fatal("no index metrics")
	}

	// Property: every module table agrees with the state tree at the
	// index height.
	s := d.Node.IndexStore()
	if _, err := index.Check(context.Background(), s, node.LocalSource{N: d.Node}); err != nil {
		t.Fatal(err)
	}
	// A rebuild from genesis over HTTP equals the embedded index.
	path := filepath.Join(t.TempDir(), "rebuilt.db")
	var res RebuildResult
	e.jsonOut(&res, "index", "--rebuild", "--db", "sqlite:"+path)
	if res.Height < target || res.Txs < 15 {
		t.Fatalf("rebuild %+v", res)
	}
	rebuilt, err := index.OpenDSN(context.Background(), "sqlite:"+path, index.TablesOf(node.Modules()))
	if err != nil {
		t.Fatal(err)
	}
	defer rebuilt.DB.Close()
	waitIndexed(t, d, res.Height)
	a, err := s.Dump(context.Background(), res.Height)
	if err != nil {
		t.Fatal(err)
	}
	b, err := rebuilt.Dump(context.Background(), res.Height)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("embedded index (%d rows) differs from the rebuild (%d rows)", len(a), len(b))
	}
	if out := e.ok("index", "--check", "--db", "sqlite:"+path); !strings.Contains(out, "agrees") {
		t.Fatalf("index --check: %s", out)
	}
	// A row changed behind the indexer's back is found.
	if _, err := rebuilt.DB.Exec("UPDATE fiscal_payments SET amount = amount + 1 WHERE id = 'pay-nrb-0'"); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := e.run("index", "--check", "--db", "sqlite:"+path); code == 0 || !strings.Contains(errs, "pay-nrb-0") {
		t.Fatalf("index --check of a tampered index: exit %d %s %s", code, out, errs)
	}
}
