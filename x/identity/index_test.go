package identity_test

import (
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/x/identity"
)

type mapReader map[string][]byte

func (m mapReader) Get(k []byte) ([]byte, bool) { v, ok := m[string(k)]; return v, ok }

func TestIndexTables(t *testing.T) {
	st := mapReader{
		"acct/gc1a": codec.MustMarshal(identity.Account{Address: "gc1a", Department: "mof", Roles: []string{"department.admin"}, Created: 3}),
		"dept/mof":  codec.MustMarshal(identity.Department{ID: "mof", Name: "Ministry of Finance", Admins: 1}),
	}
	ev := module.IndexEvent{Height: 4, State: st, Event: ledger.Event{Type: "identity.role_granted",
		Attrs: []ledger.Attribute{{Key: "address", Value: "gc1a"}, {Key: "role", Value: "department.admin"}}}}
	want := map[string]string{"accounts": "identity/acct/gc1a", "departments": "identity/dept/mof"}
	for _, tb := range identity.New().IndexTables() {
		if err := tb.Validate(); err != nil {
			t.Fatal(err)
		}
		rows, err := tb.Rows(ev)
		if err != nil || len(rows) != 1 {
			t.Fatal(tb.Name, rows, err)
		}
		if err := tb.CheckRow(rows[0]); err != nil {
			t.Fatal(err)
		}
		if rows[0].StateKey != want[tb.Name] {
			t.Errorf("%s: state key %q, want %q", tb.Name, rows[0].StateKey, want[tb.Name])
		}
	}
	ev.Event.Attrs[0].Value = "gc1missing"
	if _, err := identity.New().IndexTables()[0].Rows(ev); err == nil {
		t.Fatal("account row from a missing record")
	}
}
