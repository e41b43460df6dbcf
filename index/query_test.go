package index

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govchain/govchain/api/apitype"
)

// fixtureStore is an SQLite index of the registry fixture (n parcels in
// districts d0..d2, two per block, with blocks).
func fixtureStore(t testing.TB, n int) *Store {
	t.Helper()
	msgs, state := fixture(n)
	s, err := OpenDSN(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "q.db"), registryTables())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.DB.Close() })
	var batch []*apitype.EventMessage
	for i := range msgs {
		batch = append(batch, &msgs[i])
		if i%2 == 1 || i == n-1 {
			batch = append(batch, &apitype.EventMessage{Type: apitype.EventBlock, Height: msgs[i].Height, Time: msgs[i].Time, AppHash: "00", NumTxs: 2})
		}
	}
	if _, err := s.ApplyBatch(context.Background(), batch, state); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestListPagesEveryRowOnce walks a filtered, sorted list page by page in
// both orders: every matching row once, in order, with the total.
func TestListPagesEveryRowOnce(t *testing.T) {
	s := fixtureStore(t, 50)
	ctx := context.Background()
	for _, desc := range []bool{false, true} {
		var got []int64
		after := ""
		for pages := 0; ; pages++ {
			p, err := s.List(ctx, apitype.IndexListRequest{Module: "registry", Table: "parcels", Where: []apitype.IndexFilter{{Column: "district", Op: "eq", Value: "d1"}},
				Sort: "area_centi_m2", Desc: desc, Limit: 4, After: after})
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != 17 {
				t.Fatalf("total %d", p.Total)
			}
			for _, r := range p.Rows {
				got = append(got, r.Values["area_centi_m2"].(int64))
				if r.StateKey == "" || !strings.Contains(r.ProofURL, "prove=true") {
					t.Fatalf("row without provenance %+v", r)
				}
			}
			if p.Next == "" {
				break
			}
			after = p.Next
		}
		if len(got) != 17 {
			t.Fatalf("%d rows", len(got))
		}
		for i := 1; i < len(got); i++ {
			if (got[i] <= got[i-1]) != desc {
				t.Fatalf("order desc=%v: %v", desc, got)
			}
		}
	}
	h, _ := s.Height(ctx)
	if h != 26 {
		t.Fatalf("index height %d", h)
	}
	agg, err := s.Aggregate(ctx, apitype.IndexAggregateRequest{Module: "registry", Table: "parcels", Group: []string{"district"}, Sum: []string{"area_centi_m2"}})
	if err != nil || len(agg.Groups) != 3 || agg.Groups[1].Keys["district"] != "d1" || agg.Groups[1].Count != 17 {
		t.Fatalf("aggregate %+v %v", agg, err)
	}
	var sum int64
	for i := 1; i < 50; i += 3 {
		sum += int64(100 + i)
	}
	if agg.Groups[1].Sums["area_centi_m2"] != sum {
		t.Fatalf("sum %d, want %d", agg.Groups[1].Sums["area_centi_m2"], sum)
	}
	sr, err := s.Search(ctx, "P-000004", 100)
	if err != nil || len(sr.Hits) != 20 || sr.Hits[0].Table != "registry/parcels" || sr.Hits[10].Table != "registry/history" {
		t.Fatalf("search %+v %v", sr, err)
	}
	blocks, err := s.List(ctx, apitype.IndexListRequest{Module: "chain", Table: "blocks", Limit: 1, Desc: true})
	if err != nil || blocks.Total != 25 || blocks.Rows[0].Values["height"] != int64(26) {
		t.Fatalf("blocks %+v %v", blocks, err)
	}
}

// FuzzList: whatever the request, the index answers a page or a
// QueryError (a 400), never another error (SQL built from the input).
func FuzzList(f *testing.F) {
	f.Add("registry", "parcels", "district", "eq", "d1", "area_centi_m2", "", false)
	f.Add("registry", "parcels", "owners", "has", "gc1o", "number", "WyJQIl0", true)
	f.Add("chain", "txs", "hash", "prefix", "0%_\\", "time", "bad", false)
	f.Add("registry", "parcels", "area_centi_m2", "gte", "x'; DROP TABLE txs;--", "frozen", "", true)
	s := fixtureStore(f, 10)
	f.Fuzz(func(t *testing.T, mod, table, col, op, val, sort, after string, desc bool) {
		_, err := s.List(context.Background(), apitype.IndexListRequest{Module: mod, Table: table, Where: []apitype.IndexFilter{{Column: col, Op: op, Value: val}},
			Sort: sort, Desc: desc, Limit: 3, After: after})
		var qe *QueryError
		if err != nil && !errors.As(err, &qe) {
			t.Fatalf("%v", err)
		}
		_, err = s.Aggregate(context.Background(), apitype.IndexAggregateRequest{Module: mod, Table: table, Group: []string{sort}, Sum: []string{col},
			Where: []apitype.IndexFilter{{Column: col, Op: op, Value: val}}})
		if err != nil && !errors.As(err, &qe) {
			t.Fatalf("aggregate: %v", err)
		}
	})
}

// FuzzCursor: a cursor decodes to values of the order's column types or
// is refused.
func FuzzCursor(f *testing.F) {
	f.Add("WyJQIiwxXQ")
	f.Add(encodeCursor([]string{"area_centi_m2", "number"}, map[string]any{"area_centi_m2": int64(5), "number": "P-1"}))
	rt := readTable{columns: registryTables()[0].Columns}
	f.Fuzz(func(t *testing.T, c string) {
		vals, err := decodeCursor(rt, []string{"area_centi_m2", "number"}, c)
		if err != nil {
			return
		}
		if _, ok := vals[0].(int64); !ok {
			t.Fatalf("%T", vals[0])
		}
		if _, ok := vals[1].(string); !ok {
			t.Fatalf("%T", vals[1])
		}
	})
}
