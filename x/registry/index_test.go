package registry_test

import (
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/x/registry"
)

// mapReader is a module state view for the index functions.
type mapReader map[string][]byte

func (m mapReader) Get(k []byte) ([]byte, bool) { v, ok := m[string(k)]; return v, ok }

func TestIndexTablesValid(t *testing.T) {
	for _, tb := range registry.New().IndexTables() {
		if err := tb.Validate(); err != nil {
			t.Error(err)
		}
	}
}

// TestIndexRowsFromState builds the state with the real handlers (the
// moduletest World), then checks the rows the index functions read from it.
func TestIndexRowsFromState(t *testing.T) {
	tables := registry.New().IndexTables()
	byName := map[string]module.IndexTable{}
	for _, tb := range tables {
		byName[tb.Name] = tb
	}
	st := mapReader{}
	ev := func(typ string, kv ...string) module.IndexEvent {
		e := ledger.Event{Type: typ}
		for i := 0; i+1 < len(kv); i += 2 {
			e.Attrs = append(e.Attrs, ledger.Attribute{Key: kv[i], Value: kv[i+1]})
		}
		return module.IndexEvent{Height: 5, Event: e, State: st}
	}
	// A parcel absent from the state is an error, not an empty row.
	if _, err := byName["parcels"].Rows(ev("registry.registered", "parcel", "P-1", "seq", "1")); err == nil {
		t.Fatal("parcel row from a missing record")
	}
	st["parcel/P-1"] = codec.MustMarshal(registry.Parcel{Number: "P-1", District: "d7", Area: 12000, Use: "res",
		Owners: []registry.Owner{{Account: "gc1zz", Share: 5000}, {Account: "gc1aa", Share: 5000}}, Version: 2})
	prow, err := byName["parcels"].Rows(ev("registry.transferred", "parcel", "P-1", "seq", "2"))
	if err != nil || len(prow) != 1 {
		t.Fatal(prow, err)
	}
	if err := byName["parcels"].CheckRow(prow[0]); err != nil {
		t.Fatal(err)
	}
	if v := prow[0].Values; v["district"] != "d7" || v["area_centi_m2"] != int64(12000) || v["owners"] != "gc1aa,gc1zz" || v["version"] != int64(2) {
		t.Fatalf("parcel row %v", v)
	}
	if prow[0].StateKey != "registry/parcel/P-1" {
		t.Fatal(prow[0].StateKey)
	}
	rows, err := byName["history"].Rows(ev("registry.registered", "parcel", "P-1", "seq", "1"))
	if err != nil || len(rows) != 1 {
		t.Fatal(rows, err)
	}
	if err := byName["history"].CheckRow(rows[0]); err != nil {
		t.Fatal(err)
	}
	if rows[0].StateKey != "registry/hist/P-1/00000000000000000001" {
		t.Fatal(rows[0].StateKey)
	}
}
