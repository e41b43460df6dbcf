package welfare

import (
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/ledger"
)

type indexMapReader map[string][]byte

func (m indexMapReader) Get(k []byte) ([]byte, bool) { v, ok := m[string(k)]; return v, ok }

// TestIndexTables: an advance's rows are the payments it made (at its
// height), found through the enrolment sequence; a failed payment's row
// comes from its pay_id.
func TestIndexTables(t *testing.T) {
	st := indexMapReader{}
	tables := map[string]module.IndexTable{}
	for _, tb := range New().IndexTables() {
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
		return module.IndexEvent{Height: 20, Event: e, State: st}
	}
	st[programKey("p1")] = codec.MustMarshal(Program{ID: "p1", Name: "Pension", Department: "cab", Amount: 100, Enrolled: 3, Active: 3, Payments: 2, Paid: 200})
	st[runKey(1)] = codec.MustMarshal(Run{ID: 1, Program: "p1", Period: "2026-11", Amount: 100, End: 3, Cursor: 3, Payments: 2, Paid: 200, Status: RunCompleted})
	for i, acct := range []string{"a", "b", "c"} {
		st[seqKey("p1", uint64(i))] = []byte(acct)
		st[enrolKey("p1", acct)] = codec.MustMarshal(Enrolment{Program: "p1", Beneficiary: acct, Seq: uint64(i), Status: StatusActive, Payments: 1, Paid: 100})
	}
	// a paid at this advance, b paid earlier (another run), c not paid
	st[paymentKey("p1", "2026-11", "a")] = codec.MustMarshal(Payment{Program: "p1", Period: "2026-11", Beneficiary: "a", Amount: 100, Run: 1,
		PayID: PayID("p1", "2026-11", "a"), Status: PayPaid, Height: 20})
	st[paymentKey("p1", "2026-11", "b")] = codec.MustMarshal(Payment{Program: "p1", Period: "2026-11", Beneficiary: "b", Amount: 100, Run: 1,
		PayID: PayID("p1", "2026-11", "b"), Status: PayPaid, Height: 15})
	adv := ev("welfare.run_advanced", "run", "1", "cursor", "3", "status", RunCompleted)
	rows, err := tables["payments"].Rows(adv)
	if err != nil || len(rows) != 1 || rows[0].Values["beneficiary"] != "a" || rows[0].StateKey != "welfare/pay/p1/2026-11/a" {
		t.Fatalf("payments of the advance: %v %v", rows, err)
	}
	for name, want := range map[string]int{"enrolments": 1, "runs": 1, "programs": 1} {
		rows, err := tables[name].Rows(adv)
		if err != nil || len(rows) != want {
			t.Fatalf("%s of the advance: %v %v", name, rows, err)
		}
		for _, r := range rows {
			if err := tables[name].CheckRow(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	rows, err = tables["payments"].Rows(ev("welfare.payment_failed", "pay_id", PayID("p1", "2026-11", "b")))
	if err != nil || len(rows) != 1 || rows[0].Values["beneficiary"] != "b" {
		t.Fatalf("failed payment: %v %v", rows, err)
	}
	if _, err := tables["payments"].Rows(ev("welfare.payment_failed", "pay_id", "nonsense")); err == nil {
		t.Fatal("row from a malformed pay_id")
	}
	if _, err := tables["runs"].Rows(ev("welfare.run_closed", "run", "9")); err == nil {
		t.Fatal("row of a missing run")
	}
}
