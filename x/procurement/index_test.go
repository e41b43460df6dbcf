package procurement_test

import (
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/x/procurement"
)

type mapReader map[string][]byte

func (m mapReader) Get(k []byte) ([]byte, bool) { v, ok := m[string(k)]; return v, ok }

func TestIndexTables(t *testing.T) {
	st := mapReader{}
	tables := map[string]module.IndexTable{}
	for _, tb := range procurement.New().IndexTables() {
		if err := tb.Validate(); err != nil {
			t.Fatal(err)
		}
		tables[tb.Name] = tb
	}
	ev := func(typ string, kv ...string) module.IndexEvent {
		e := ledger.Event{Type: typ}
		for i := 0; i+1 < len(kv); i += 2 {
			e.Attrs = append(e.Attrs, ledger.Attribute{Key: kv[i], Value: kv[i+1]})
		}
		return module.IndexEvent{Height: 7, Event: e, State: st}
	}
	awarded := ev("procurement.awarded", "tender", "3", "supplier", "gc1s", "amount", "900")
	if _, err := tables["tenders"].Rows(awarded); err == nil {
		t.Fatal("tender row from a missing record")
	}
	if _, err := tables["tenders"].Rows(ev("procurement.awarded", "tender", "x")); err == nil {
		t.Fatal("tender row from a malformed id")
	}
	st["tender/00000000000000000003"] = codec.MustMarshal(procurement.Tender{ID: 3, OCID: "ocds-x-3", Buyer: "cab", Title: "Roads", Ceiling: 1000,
		BudgetLine: "L-1", Method: "open", Published: 1_780_000_000, Status: procurement.StatusAwarded, Bids: []string{"gc1s", "gc1t"},
		Award: &procurement.Award{Winner: "gc1s", Amount: 900}})
	rows, err := tables["tenders"].Rows(awarded)
	if err != nil || len(rows) != 1 {
		t.Fatal(rows, err)
	}
	if err := tables["tenders"].CheckRow(rows[0]); err != nil {
		t.Fatal(err)
	}
	if v := rows[0].Values; rows[0].StateKey != "procurement/tender/00000000000000000003" || v["buyer"] != "cab" || v["winner"] != "gc1s" ||
		v["award_amount"] != int64(900) || v["bids"] != int64(2) || v["published_month"] != "2026-05" {
		t.Fatalf("tender row %s %v", rows[0].StateKey, rows[0].Values)
	}
	st["sup/gc1s"] = codec.MustMarshal(procurement.Supplier{Account: "gc1s", Name: "Acme", Scheme: "CN-USCC", Identifier: "911", Status: "approved", Registered: 2})
	rows, err = tables["suppliers"].Rows(ev("procurement.supplier_approved", "supplier", "gc1s"))
	if err != nil || len(rows) != 1 || tables["suppliers"].CheckRow(rows[0]) != nil || rows[0].StateKey != "procurement/sup/gc1s" {
		t.Fatal(rows, err)
	}
}
