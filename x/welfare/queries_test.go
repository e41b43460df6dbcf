package welfare_test

import (
	"strings"
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/welfare"
)

// Every query resolves to records after a run: lists by prefix, indexes
// through their targets, with the tracing links a payment carries.
func TestQueriesResolve(t *testing.T) {
	w := newWorld(t)
	w.ok("officer", welfare.TypeCreateProgram, program("P-1", 100))
	w.eligible("P-1", "alice")
	w.eligible("P-1", "bob")
	w.ok("officer", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-11"})
	w.ok("officer", welfare.TypeAdvanceRun, welfare.MsgRunRef{ID: 1})
	alice := w.Addr("alice")
	args := module.Args{"program": "P-1", "account": alice, "id": "1", "period": "2026-11"}
	want := map[string]int{"programs": 1, "enrolments": 2, "enrolment_history": 1, "program_runs": 1, "run_payments": 2,
		"citizen_enrolments": 1, "citizen_attestations": 2, "citizen_payments": 1}
	for _, q := range welfare.New().Queries() {
		for _, p := range q.Params {
			if p.Pattern != nil && !p.Pattern.MatchString(args[p.Name]) {
				t.Errorf("%s: %s=%q does not match %s", q.Name, p.Name, args[p.Name], p.Pattern)
			}
		}
		if !q.List {
			key, _ := q.Key(args)
			if _, ok := w.View(welfare.Name).Get([]byte(key)); !ok {
				t.Errorf("%s: no record at %s", q.Name, key)
			}
			continue
		}
		prefix, _ := q.Prefix(args)
		keys := w.Keys("welfare/" + prefix)
		for _, k := range keys {
			k = strings.TrimPrefix(k, "welfare/")
			if q.Target != nil {
				k = q.Target(strings.TrimPrefix(k, prefix))
			}
			b, ok := w.View(welfare.Name).Get([]byte(k))
			if !ok {
				t.Errorf("%s: index names %s, absent", q.Name, k)
				continue
			}
			if _, err := q.Decode(b); err != nil {
				t.Errorf("%s: %s: %v", q.Name, k, err)
			}
		}
		if len(keys) != want[q.Name] {
			t.Errorf("%s: %d items, want %d", q.Name, len(keys), want[q.Name])
		}
	}
	p, _ := welfare.GetPayment(w.View(welfare.Name), "P-1", "2026-11", alice)
	if p.Run != 1 || p.BudgetLine != "L-1" || p.Ref != welfare.RunRef(1) || p.PayID != welfare.PayID("P-1", "2026-11", alice) {
		t.Fatalf("%+v", p)
	}
}

// A negative amount does not decode into a fen amount (code 20); an
// officer of another department neither advances nor closes a run.
func TestNegativeAndForeign(t *testing.T) {
	w := newWorld(t)
	w.refused(module.ErrBadMessage.Code, "officer", welfare.TypeCreateProgram, map[int]any{1: "P-1", 2: "n", 3: "cash", 4: "monthly", 5: -100, 6: "L-1"})
	w.ok("officer", welfare.TypeCreateProgram, program("P-1", 100))
	w.refused(welfare.ErrNotCitizen.Code, "clerk", welfare.TypeEnrol, welfare.MsgEnrol{Program: "P-1"})
	w.refused(welfare.ErrNotCitizen.Code, "officer", welfare.TypeEnrol, welfare.MsgEnrol{Program: "P-1", Beneficiary: w.Addr("police")})
	w.refused(welfare.ErrUnknownAccount.Code, "officer", welfare.TypeEnrol, welfare.MsgEnrol{Program: "P-1", Beneficiary: strings.Repeat("ab", 20)})
	w.eligible("P-1", "alice")
	w.ok("officer", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-11"})
	w.refused(welfare.ErrWrongDepartment.Code, "other", welfare.TypeAdvanceRun, welfare.MsgRunRef{ID: 1})
	w.refused(welfare.ErrWrongDepartment.Code, "other", welfare.TypeCloseRun, welfare.MsgRunRef{ID: 1})
	w.ok("officer2", welfare.TypeCloseRun, welfare.MsgRunRef{ID: 1})
	if r := w.run(1); r.Status != welfare.RunClosed || r.Released != 100 || r.Payments != 0 {
		t.Fatalf("%+v", r)
	}
	if l := getLine(w.World, "L-1"); l.Committed != 0 || l.Available != 1_000_000 {
		t.Fatalf("%+v", l)
	}
}
