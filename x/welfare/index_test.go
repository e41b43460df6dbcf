package welfare_test

import (
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/x/welfare"
)

// TestIndexTables runs a program through the real handlers (enrolments,
// a status change, a run paying three of four enrollees in one advance, a
// failed and retried payment), then derives each table's rows from every
// event against the final state: every row is well-formed, its state key
// holds a record, and the tables hold what happened.
func TestIndexTables(t *testing.T) {
	w := newWorld(t)
	type heightEvent struct {
		h int64
		e ledger.Event
	}
	var evs []heightEvent
	do := func(signer, typ string, body any) {
		t.Helper()
		for _, e := range w.ok(signer, typ, body).Events {
			evs = append(evs, heightEvent{w.Height(), e})
		}
	}
	do("officer", welfare.TypeCreateProgram, program("P-1", 100))
	for _, c := range []string{"alice", "bob", "carol"} {
		w.eligible("P-1", c)
		evs = append(evs, heightEvent{w.Height(), ledger.Event{Type: "welfare.enrolled", Attrs: []ledger.Attribute{{Key: "program", Value: "P-1"}, {Key: "beneficiary", Value: w.Addr(c)}}}})
	}
	do("dave", welfare.TypeEnrol, welfare.MsgEnrol{Program: "P-1"}) // never attested: ineligible
	do("officer", welfare.TypeSetStatus, welfare.MsgSetStatus{Program: "P-1", Beneficiary: w.Addr("carol"), Status: "suspended", Reason: "case 1"})
	w.NextBlock()
	do("officer", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-11"})
	do("officer", welfare.TypeAdvanceRun, welfare.MsgRunRef{ID: 1})
	w.NextBlock()
	pref := welfare.MsgPaymentRef{Program: "P-1", Period: "2026-11", Beneficiary: w.Addr("alice"), Reason: "account closed"}
	do("officer", welfare.TypePaymentFailed, pref)
	do("officer", welfare.TypeRetryPayment, pref)

	st := w.View(welfare.Name)
	got := map[string]map[string]map[string]any{} // table -> state key -> values
	for _, tb := range welfare.New().IndexTables() {
		if err := tb.Validate(); err != nil {
			t.Fatal(err)
		}
		got[tb.Name] = map[string]map[string]any{}
		follows := map[string]bool{}
		for _, e := range tb.Events {
			follows[e] = true
		}
		for _, he := range evs {
			if !follows[he.e.Type] {
				continue
			}
			rows, err := tb.Rows(module.IndexEvent{Height: he.h, Event: he.e, State: st})
			if err != nil {
				t.Fatalf("%s from %s: %v", tb.Name, he.e.Type, err)
			}
			for _, r := range rows {
				if err := tb.CheckRow(r); err != nil {
					t.Fatal(err)
				}
				if _, ok := w.State().Get([]byte(r.StateKey)); !ok {
					t.Fatalf("%s: state key %s holds nothing", tb.Name, r.StateKey)
				}
				got[tb.Name][r.StateKey] = r.Values
			}
		}
	}
	if len(got["payments"]) != 2 {
		t.Fatalf("payments %v", got["payments"])
	}
	alice := got["payments"]["welfare/pay/P-1/2026-11/"+w.Addr("alice")]
	if alice == nil || alice["status"] != welfare.PayPaid || alice["attempts"] != int64(2) || alice["run"] != int64(1) {
		t.Fatalf("alice's payment %v", alice)
	}
	if p := got["programs"]["welfare/prog/P-1"]; p["enrolled"] != int64(4) || p["payments"] != int64(2) || p["paid"] != int64(200) {
		t.Fatalf("program %v", p)
	}
	if r := got["runs"]["welfare/run/00000000000000000001"]; r["status"] != welfare.RunCompleted || r["ineligible"] != int64(2) {
		t.Fatalf("run %v", r)
	}
	if len(got["enrolments"]) != 4 || got["enrolments"]["welfare/enr/P-1/"+w.Addr("bob")]["payments"] != int64(1) ||
		got["enrolments"]["welfare/enr/P-1/"+w.Addr("carol")]["status"] != "suspended" {
		t.Fatalf("enrolments %v", got["enrolments"])
	}
	bad := module.IndexEvent{Height: 1, State: st, Event: ledger.Event{Type: "welfare.payment_failed", Attrs: []ledger.Attribute{{Key: "pay_id", Value: "nonsense"}}}}
	if _, err := welfare.New().IndexTables()[3].Rows(bad); err == nil {
		t.Fatal("a row from a malformed pay_id")
	}
}
