package fiscal_test

import (
	"testing"
	"time"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/x/fiscal"
)

type mapReader map[string][]byte

func (m mapReader) Get(k []byte) ([]byte, bool) { v, ok := m[string(k)]; return v, ok }

func indexEvent(st mapReader, typ string, kv ...string) module.IndexEvent {
	e := ledger.Event{Type: typ}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Attrs = append(e.Attrs, ledger.Attribute{Key: kv[i], Value: kv[i+1]})
	}
	return module.IndexEvent{Height: 9, Time: time.Unix(1_780_000_000, 0), Event: e, State: st}
}

// TestIndexTables derives each table's rows from records as the handlers
// store them, and refuses a row whose record is missing.
func TestIndexTables(t *testing.T) {
	st := mapReader{}
	tables := map[string]module.IndexTable{}
	for _, tb := range fiscal.New().IndexTables() {
		if err := tb.Validate(); err != nil {
			t.Fatal(err)
		}
		tables[tb.Name] = tb
	}
	paid := indexEvent(st, "fiscal.paid", "line", "L-1", "ref", "inv-1", "pay_id", "p-1", "amount", "500")
	for name, tb := range tables {
		if _, err := tb.Rows(paid); err == nil {
			t.Fatalf("%s: a row from missing records", name)
		}
	}
	st["line/L-1"] = codec.MustMarshal(fiscal.Line{ID: "L-1", Year: 2026, Department: "cab", Function: "2080201", Economic: "50901",
		FundSource: fiscal.FundGeneral, Totals: fiscal.Totals{Original: 1000, Adjusted: 1000, Committed: 200, Paid: 500, Available: 300}, Height: 3})
	st["commit/L-1/inv-1"] = codec.MustMarshal(fiscal.Commitment{Line: "L-1", Ref: "inv-1", Committed: 700, Paid: 500, Open: 200, Department: "cab", Height: 4})
	st["pay/p-1"] = codec.MustMarshal(fiscal.Payment{ID: "p-1", Line: "L-1", Ref: "inv-1", Payee: "gc1p", Amount: 500, Department: "cab", Height: 9, Time: 1_780_000_000})
	want := map[string]string{"lines": "fiscal/line/L-1", "payments": "fiscal/pay/p-1", "commitments": "fiscal/commit/L-1/inv-1"}
	for name, tb := range tables {
		rows, err := tb.Rows(paid)
		if err != nil || len(rows) != 1 {
			t.Fatalf("%s: %v %v", name, rows, err)
		}
		if err := tb.CheckRow(rows[0]); err != nil {
			t.Fatal(err)
		}
		if rows[0].StateKey != want[name] {
			t.Fatalf("%s: state key %s", name, rows[0].StateKey)
		}
		v := rows[0].Values
		switch name {
		case "lines":
			if v["available"] != int64(300) || v["function"] != "2080201" {
				t.Fatalf("line row %v", v)
			}
		case "payments":
			if v["month"] != "2026-05" || v["economic"] != "50901" || v["amount"] != int64(500) || v["year"] != int64(2026) {
				t.Fatalf("payment row %v", v)
			}
		case "commitments":
			if v["open"] != int64(200) {
				t.Fatalf("commitment row %v", v)
			}
		}
	}
}
