package module

import (
	"testing"

	"github.com/govchain/govchain/ledger"
)

func testTable() IndexTable {
	return IndexTable{
		Name:    "parcels",
		Columns: []Column{{Name: "id", Type: Text, Key: true}, {Name: "area", Type: Int, Indexed: true}},
		Events:  []string{"registry.parcel_registered"},
		Rows: func(e IndexEvent) ([]Row, error) {
			return []Row{{StateKey: "registry/parcel/" + e.Attr("parcel"), Values: map[string]any{"id": e.Attr("parcel"), "area": int64(7)}}}, nil
		},
	}
}

func TestIndexTableValidate(t *testing.T) {
	if err := testTable().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []func(*IndexTable){
		func(t *IndexTable) { t.Name = "Bad-Name" },
		func(t *IndexTable) { t.Rows = nil },
		func(t *IndexTable) { t.Events = nil },
		func(t *IndexTable) { t.Columns = append(t.Columns, Column{Name: "height", Type: Int}) },
		func(t *IndexTable) { t.Columns = append(t.Columns, Column{Name: "id", Type: Text}) },
		func(t *IndexTable) { t.Columns = append(t.Columns, Column{Name: "x", Type: 99}) },
		func(t *IndexTable) { t.Columns = []Column{{Name: "id", Type: Text}} },
	}
	for i, f := range bad {
		tb := testTable()
		f(&tb)
		if tb.Validate() == nil {
			t.Errorf("case %d: invalid declaration accepted", i)
		}
	}
}

func TestIndexTableRows(t *testing.T) {
	tb := testTable()
	rows, err := tb.Rows(IndexEvent{Height: 3, Event: ledger.Event{Type: "registry.parcel_registered", Attrs: []ledger.Attribute{{Key: "parcel", Value: "p1"}}}})
	if err != nil || len(rows) != 1 {
		t.Fatal(rows, err)
	}
	if err := tb.CheckRow(rows[0]); err != nil {
		t.Fatal(err)
	}
	if rows[0].StateKey != "registry/parcel/p1" {
		t.Fatal(rows[0].StateKey)
	}
	if tb.CheckRow(Row{Values: map[string]any{"id": "p1", "area": 7}}) == nil {
		t.Fatal("int (not int64) accepted for an Int column")
	}
	if tb.CheckRow(Row{Values: map[string]any{"id": "p1"}}) == nil {
		t.Fatal("missing column accepted")
	}
}
