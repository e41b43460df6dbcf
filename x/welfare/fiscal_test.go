package welfare_test

import (
	"testing"

	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/x/fiscal"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/welfare"
)

// The same run against the real x/fiscal (the module list wires welfare to
// it): the Ministry of Finance appropriates the line, the run reserves the
// period's benefits on it and pays each eligible citizen once, the line's
// totals are the payments, and a run the line cannot cover is refused
// before anything is paid.
func TestRunAgainstFiscal(t *testing.T) {
	lines := fiscal.New()
	w := &world{World: moduletest.New(t, identity.New(), lines, welfare.New(welfare.WithBudget(lines))), t: t}
	for _, d := range []string{"mof", "nrb", "cab", "ec", "ps"} {
		w.Department(d)
	}
	w.Grantors(welfare.RoleOfficer, "cab")
	w.Grantors(fiscal.RoleBudgetOffice, "mof")
	w.Official("budget", "mof", fiscal.RoleBudgetOffice)
	w.Official("officer", "cab", welfare.RoleOfficer)
	w.Official("police", "ps", welfare.RoleAttester)
	w.Official("civil", "cab", welfare.RoleAttester)
	for _, c := range []string{"alice", "bob", "carol"} {
		w.Citizen(c, "cab")
	}
	w.SetTime(nov)
	w.ok("budget", fiscal.TypeAppropriate, fiscal.MsgAppropriate{Line: "L-1", Year: 2026, Department: "cab", Function: "2080201", Economic: "50901", FundSource: "general", Amount: 250})
	w.ok("officer", welfare.TypeCreateProgram, program("P-1", 100))
	w.eligible("P-1", "alice")
	w.eligible("P-1", "bob")
	w.ok("officer", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-11"})
	w.ok("officer", welfare.TypeAdvanceRun, welfare.MsgRunRef{ID: 1})
	if r := w.run(1); r.Payments != 2 || r.Status != welfare.RunCompleted {
		t.Fatalf("run %+v", r)
	}
	l, err := fiscal.GetLine(w.View(fiscal.Name), "L-1")
	if err != nil {
		t.Fatal(err)
	}
	if l.Paid != 200 || l.Committed != 0 || l.Available != 50 {
		t.Fatalf("line after the run: %+v", l.Totals)
	}
	// October for three citizens (300) exceeds what is left (50).
	w.eligible("P-1", "carol")
	w.refused(welfare.ErrBudgetRefused.Code, "officer", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-10"})
	if l, _ := fiscal.GetLine(w.View(fiscal.Name), "L-1"); l.Paid != 200 {
		t.Fatalf("paid %d after a refused run", l.Paid)
	}
}
