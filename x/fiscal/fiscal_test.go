package fiscal_test

import (
	"math"
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/x/fiscal"
	"github.com/govchain/govchain/x/identity"
)

// world: a budget office (mof), spenders in cab and nrb, a clerk with no
// role (cab), a registry-less chain.
type world struct {
	*moduletest.World
	t *testing.T
}

func newWorld(t testing.TB) *world {
	w := &world{World: moduletest.New(t, identity.New(), fiscal.New())}
	if tt, ok := t.(*testing.T); ok {
		w.t = tt
	}
	for _, d := range []string{"mof", "nrb", "cab", "ec"} {
		w.Department(d)
	}
	w.Official("budget", "mof", fiscal.RoleBudgetOffice)
	w.Official("spender", "cab", fiscal.RoleSpender)
	w.Official("nrb-spender", "nrb", fiscal.RoleSpender)
	w.Official("clerk", "cab")
	return w
}

func (w *world) ok(signer, typ string, body any) {
	w.t.Helper()
	w.ExpectOK(w.t, signer, typ, body)
}

func (w *world) refused(code uint32, signer, typ string, body any) {
	w.t.Helper()
	w.ExpectCode(w.t, code, signer, typ, body)
}

func appropriation(id, dept string, amount uint64) fiscal.MsgAppropriate {
	return fiscal.MsgAppropriate{Line: id, Year: 2026, Department: dept, Function: "2080201", Economic: "50901",
		FundSource: fiscal.FundGeneral, Program: "P-1", Amount: amount}
}

func (w *world) line(id string) *fiscal.Line {
	w.t.Helper()
	l, err := fiscal.GetLine(w.View(fiscal.Name), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return l
}

const org = "CN-USCC-91110000100000000X"

func TestRoles(t *testing.T) {
	w := newWorld(t)
	w.ok("budget", fiscal.TypeAppropriate, appropriation("L-1", "cab", 1000))
	refused := func(s string) []moduletest.Attempt {
		return []moduletest.Attempt{{Signer: s, Code: module.ErrUnauthorized.Code}, {Signer: "clerk", Code: module.ErrUnauthorized.Code}}
	}
	tried := func(wrong, right string) []moduletest.Attempt {
		return append(refused(wrong), moduletest.Attempt{Signer: right})
	}
	moduletest.CheckRoleTable(t, w.World, fiscal.New(), moduletest.RoleTable{
		{Type: fiscal.TypeAppropriate, Roles: []string{fiscal.RoleBudgetOffice}, Attempts: tried("spender", "budget"),
			Body: appropriation("L-2", "cab", 500)},
		{Type: fiscal.TypeAdjust, Roles: []string{fiscal.RoleBudgetOffice}, Attempts: tried("spender", "budget"),
			Body: fiscal.MsgAdjust{Line: "L-1", Delta: 100, Reason: "supplementary budget"}},
		{Type: fiscal.TypeCommit, Roles: []string{fiscal.RoleSpender}, Attempts: tried("budget", "spender"),
			Body: fiscal.MsgCommit{Line: "L-1", Amount: 300, Ref: "invoice/1", Payee: org}},
		{Type: fiscal.TypePay, Roles: []string{fiscal.RoleSpender}, Attempts: tried("budget", "spender"),
			Body: fiscal.MsgPay{Line: "L-1", Amount: 100, Payee: org, Ref: "invoice/1", PayID: "pay-1"}},
		{Type: fiscal.TypeUncommit, Roles: []string{fiscal.RoleSpender}, Attempts: tried("budget", "spender"),
			Body: fiscal.MsgUncommit{Line: "L-1", Amount: 50, Ref: "invoice/1"}},
		{Type: fiscal.TypeCloseLine, Roles: []string{fiscal.RoleBudgetOffice}, Attempts: tried("spender", "budget"),
			Body: fiscal.MsgCloseLine{Line: "L-2", Reason: "program ended"}},
	})
	l := w.line("L-1")
	want := fiscal.Totals{Original: 1000, Adjusted: 1100, Committed: 150, Paid: 100, Available: 850, Lines: 1}
	if l.Totals != want {
		t.Fatalf("line totals %+v, want %+v", l.Totals, want)
	}
}

// The budget office is the Ministry of Finance's; every department grants
// the spender role to its own officials (it can only spend its own lines).
func TestGrantTable(t *testing.T) {
	w := moduletest.New(t, identity.New(), fiscal.New())
	for _, d := range []string{"mof", "nrb", "cab", "ec"} {
		w.Department(d)
	}
	w.Threshold(3)
	moduletest.CheckGrantTable(t, w, fiscal.New(), moduletest.GrantTable{
		{Role: fiscal.RoleBudgetOffice, Grantors: []string{"mof"}},
		{Role: fiscal.RoleSpender, Grantors: []string{module.AnyDepartment}},
	})
}

func TestBudgetExecution(t *testing.T) {
	w := newWorld(t)
	w.ok("budget", fiscal.TypeAppropriate, appropriation("L-1", "cab", 10_000))
	w.ok("budget", fiscal.TypeAppropriate, fiscal.MsgAppropriate{Line: "L-2", Year: 2026, Department: "nrb", Function: "220", Economic: "302",
		FundSource: fiscal.FundGovernment, Amount: 5_000})
	w.ok("budget", fiscal.TypeAdjust, fiscal.MsgAdjust{Line: "L-1", Delta: -2_000, Reason: "mid-year review"})
	w.ok("spender", fiscal.TypeCommit, fiscal.MsgCommit{Line: "L-1", Amount: 8_000, Ref: "welfare/prog-1/2026-11", Purpose: "benefits"})
	w.refused(fiscal.ErrInsufficient.Code, "spender", fiscal.TypeCommit, fiscal.MsgCommit{Line: "L-1", Amount: 1, Ref: "x"})
	w.ok("spender", fiscal.TypePay, fiscal.MsgPay{Line: "L-1", Amount: 3_000, Payee: w.Addr("clerk"), Ref: "welfare/prog-1/2026-11", PayID: "w/1"})
	w.refused(fiscal.ErrDuplicatePayID.Code, "spender", fiscal.TypePay, fiscal.MsgPay{Line: "L-1", Amount: 1, Payee: org, Ref: "welfare/prog-1/2026-11", PayID: "w/1"})
	w.refused(fiscal.ErrExceedsCommit.Code, "spender", fiscal.TypePay, fiscal.MsgPay{Line: "L-1", Amount: 5_001, Payee: org, Ref: "welfare/prog-1/2026-11", PayID: "w/2"})
	w.refused(fiscal.ErrBelowSpent.Code, "budget", fiscal.TypeAdjust, fiscal.MsgAdjust{Line: "L-1", Delta: -1, Reason: "cut"})
	w.ok("spender", fiscal.TypeUncommit, fiscal.MsgUncommit{Line: "L-1", Amount: 1_000, Ref: "welfare/prog-1/2026-11"})
	w.ok("budget", fiscal.TypeAdjust, fiscal.MsgAdjust{Line: "L-1", Delta: -1_000, Reason: "cut"})
	w.ok("nrb-spender", fiscal.TypeCommit, fiscal.MsgCommit{Line: "L-2", Amount: 5_000, Ref: "procurement/ocds-gc-1/award", Payee: org})
	w.ok("nrb-spender", fiscal.TypePay, fiscal.MsgPay{Line: "L-2", Amount: 5_000, Payee: org, Ref: "procurement/ocds-gc-1/award", PayID: "p/1"})

	if l := w.line("L-1"); l.Totals != (fiscal.Totals{Original: 10_000, Adjusted: 7_000, Committed: 4_000, Paid: 3_000, Available: 0, Lines: 1}) || l.Adjustments != 2 {
		t.Fatalf("L-1: %+v", l)
	}
	a := moduletest.Get[fiscal.Adjustment](w.World, fiscal.Name, "adj/L-1/00000000000000000000")
	if a.Before != 10_000 || a.After != 8_000 || a.Reason != "mid-year review" || a.By != w.Addr("budget") {
		t.Fatalf("adjustment 0: %+v", a)
	}
	c, _ := fiscal.GetCommitment(w.View(fiscal.Name), "L-1", "welfare/prog-1/2026-11")
	if c.Committed != 8_000 || c.Released != 1_000 || c.Paid != 3_000 || c.Open != 4_000 {
		t.Fatalf("commitment: %+v", c)
	}
	y, _ := fiscal.GetYear(w.View(fiscal.Name), 2026)
	if y.Totals != (fiscal.Totals{Original: 15_000, Adjusted: 12_000, Committed: 4_000, Paid: 8_000, Available: 0, Lines: 2}) {
		t.Fatalf("year: %+v", y.Totals)
	}
	d, _ := fiscal.GetRollup(w.View(fiscal.Name), 2026, fiscal.KindDepartment, "nrb")
	if d.Totals != (fiscal.Totals{Original: 5_000, Adjusted: 5_000, Paid: 5_000, Lines: 1}) {
		t.Fatalf("nrb: %+v", d.Totals)
	}
	// Indexes the queries read.
	for _, k := range []string{"yline/2026/L-1", "dline/2026/nrb/L-2", "linepay/L-1/w/1", "refpay/procurement~ocds-gc-1~award/p/1"} {
		if _, ok := w.View(fiscal.Name).Get([]byte(k)); !ok {
			t.Errorf("index %s missing", k)
		}
	}
}

// Each refusal of issue 15's list, with its stable code and no state
// change (ExpectCode checks that).
func TestBadInput(t *testing.T) {
	w := newWorld(t)
	w.ok("budget", fiscal.TypeAppropriate, appropriation("L-1", "cab", 1000))
	w.ok("budget", fiscal.TypeAppropriate, appropriation("L-N", "nrb", 1000))
	w.ok("spender", fiscal.TypeCommit, fiscal.MsgCommit{Line: "L-1", Amount: 1000, Ref: "r"})
	w.ok("budget", fiscal.TypeAdjust, fiscal.MsgAdjust{Line: "L-N", Delta: math.MaxInt64, Reason: "x"})
	cases := []struct {
		name   string
		code   uint32
		signer string
		typ    string
		body   any
	}{
		{"overspend", fiscal.ErrInsufficient.Code, "spender", fiscal.TypeCommit, fiscal.MsgCommit{Line: "L-1", Amount: 1, Ref: "r2"}},
		{"zero amount", fiscal.ErrBadAmount.Code, "spender", fiscal.TypeCommit, fiscal.MsgCommit{Line: "L-1", Amount: 0, Ref: "r"}},
		{"zero appropriation", fiscal.ErrBadAmount.Code, "budget", fiscal.TypeAppropriate, appropriation("L-2", "cab", 0)},
		{"negative amount", module.ErrBadMessage.Code, "spender", fiscal.TypeCommit, map[int]any{1: "L-1", 2: -5, 3: "r"}},
		{"overflowing adjustment", fiscal.ErrOverflow.Code, "budget", fiscal.TypeAdjust, fiscal.MsgAdjust{Line: "L-N", Delta: math.MaxInt64, Reason: "x"}},
		{"wrong role", module.ErrUnauthorized.Code, "clerk", fiscal.TypePay, fiscal.MsgPay{Line: "L-1", Amount: 1, Payee: org, Ref: "r", PayID: "a"}},
		{"wrong department", fiscal.ErrWrongDepartment.Code, "spender", fiscal.TypeCommit, fiscal.MsgCommit{Line: "L-N", Amount: 1, Ref: "r"}},
		{"adjustment without reason", fiscal.ErrNoReason.Code, "budget", fiscal.TypeAdjust, fiscal.MsgAdjust{Line: "L-1", Delta: 5}},
		{"unknown line", fiscal.ErrUnknownLine.Code, "spender", fiscal.TypeCommit, fiscal.MsgCommit{Line: "L-9", Amount: 1, Ref: "r"}},
		{"unknown line adjusted", fiscal.ErrUnknownLine.Code, "budget", fiscal.TypeAdjust, fiscal.MsgAdjust{Line: "L-9", Delta: 5, Reason: "x"}},
		{"line exists", fiscal.ErrLineExists.Code, "budget", fiscal.TypeAppropriate, appropriation("L-1", "cab", 1)},
		{"unknown department", fiscal.ErrUnknownDept.Code, "budget", fiscal.TypeAppropriate, appropriation("L-3", "xyz", 1)},
		{"bad function", fiscal.ErrBadFunction.Code, "budget", fiscal.TypeAppropriate, fiscal.MsgAppropriate{Line: "L-3", Year: 2026, Department: "cab", Function: "999", Economic: "501", FundSource: "general", Amount: 1}},
		{"bad economic", fiscal.ErrBadEconomic.Code, "budget", fiscal.TypeAppropriate, fiscal.MsgAppropriate{Line: "L-3", Year: 2026, Department: "cab", Function: "201", Economic: "401", FundSource: "general", Amount: 1}},
		{"bad fund", fiscal.ErrBadFundSource.Code, "budget", fiscal.TypeAppropriate, fiscal.MsgAppropriate{Line: "L-3", Year: 2026, Department: "cab", Function: "201", Economic: "501", FundSource: "lottery", Amount: 1}},
		{"bad year", fiscal.ErrBadYear.Code, "budget", fiscal.TypeAppropriate, fiscal.MsgAppropriate{Line: "L-3", Year: 26, Department: "cab", Function: "201", Economic: "501", FundSource: "general", Amount: 1}},
		{"payee is a name", fiscal.ErrBadPayee.Code, "spender", fiscal.TypePay, fiscal.MsgPay{Line: "L-1", Amount: 1, Payee: "张三", Ref: "r", PayID: "a"}},
		{"payee is a latin name", fiscal.ErrBadPayee.Code, "spender", fiscal.TypePay, fiscal.MsgPay{Line: "L-1", Amount: 1, Payee: "Zhang San", Ref: "r", PayID: "a"}},
		{"bad ref", fiscal.ErrBadRef.Code, "spender", fiscal.TypeCommit, fiscal.MsgCommit{Line: "L-1", Amount: 1, Ref: "a~b"}},
		{"unknown commitment", fiscal.ErrUnknownCommit.Code, "spender", fiscal.TypePay, fiscal.MsgPay{Line: "L-1", Amount: 1, Payee: org, Ref: "nope", PayID: "a"}},
		{"uncommit too much", fiscal.ErrExceedsCommit.Code, "spender", fiscal.TypeUncommit, fiscal.MsgUncommit{Line: "L-1", Amount: 1001, Ref: "r"}},
		{"cut below spent", fiscal.ErrBelowSpent.Code, "budget", fiscal.TypeAdjust, fiscal.MsgAdjust{Line: "L-1", Delta: -1, Reason: "x"}},
		{"cut below zero", fiscal.ErrBelowSpent.Code, "budget", fiscal.TypeAdjust, fiscal.MsgAdjust{Line: "L-1", Delta: math.MinInt64, Reason: "x"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { w.t = t; w.refused(c.code, c.signer, c.typ, c.body) })
	}
	w.t = t
	// A closed line takes no new commitment or adjustment; its open
	// commitments are still paid.
	w.refused(fiscal.ErrNoReason.Code, "budget", fiscal.TypeCloseLine, fiscal.MsgCloseLine{Line: "L-1"})
	w.ok("budget", fiscal.TypeCloseLine, fiscal.MsgCloseLine{Line: "L-1", Reason: "year end"})
	w.refused(fiscal.ErrLineClosed.Code, "budget", fiscal.TypeCloseLine, fiscal.MsgCloseLine{Line: "L-1", Reason: "again"})
	w.refused(fiscal.ErrLineClosed.Code, "budget", fiscal.TypeAdjust, fiscal.MsgAdjust{Line: "L-1", Delta: 5, Reason: "x"})
	w.ok("spender", fiscal.TypeUncommit, fiscal.MsgUncommit{Line: "L-1", Amount: 1, Ref: "r"})
	w.refused(fiscal.ErrLineClosed.Code, "spender", fiscal.TypeCommit, fiscal.MsgCommit{Line: "L-1", Amount: 1, Ref: "r"})
	w.ok("spender", fiscal.TypePay, fiscal.MsgPay{Line: "L-1", Amount: 1, Payee: org, Ref: "r", PayID: "a"})
	w.refused(fiscal.ErrDuplicatePayID.Code, "spender", fiscal.TypePay, fiscal.MsgPay{Line: "L-1", Amount: 1, Payee: org, Ref: "r", PayID: "a"})
}

// Another module's handler calls the Lines: a context whose module is
// "welfare", signed by a welfare officer of cab. Writes land in fiscal's
// state, never welfare's; a refusal writes nothing.
func TestLinesFromAnotherModule(t *testing.T) {
	w := newWorld(t)
	w.ok("budget", fiscal.TypeAppropriate, appropriation("L-1", "cab", 1000))
	var lines = fiscal.New()
	ctxOf := func(dept string) *module.Context {
		return module.NewContext(moduletest.ChainID, w.Height(), w.Time(), module.Signer{Address: w.Addr("officer"), Department: dept,
			Roles: []string{"welfare.officer"}}, w.State()).WithModule("welfare")
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	refused := func(code uint32, fn func(ctx *module.Context) error, dept string) {
		t.Helper()
		before := w.Snapshot()
		err := fn(ctxOf(dept))
		if module.AsError(err).Code != code {
			t.Fatalf("got %v, want code %d", err, code)
		}
		w.Unchanged(t, before)
	}
	ref := "welfare/prog-1/2026-11"
	ctx := ctxOf("cab")
	must(lines.Commit(ctx, "L-1", 600, ref))
	must(lines.Pay(ctx, "L-1", 200, w.Addr("clerk"), ref, ref+"/"+w.Addr("clerk"), "benefit"))
	must(lines.Uncommit(ctx, "L-1", 100, ref))
	// The caller's store is welfare's again after each call.
	ctx.Store().Set([]byte("probe"), []byte{1})
	if _, ok := w.View("welfare").Get([]byte("probe")); !ok {
		t.Fatal("InModule did not restore the caller's prefix")
	}
	for _, k := range w.Keys("welfare/") {
		if k != "welfare/probe" {
			t.Fatalf("fiscal wrote into welfare's state: %s", k)
		}
	}
	refused(fiscal.ErrDuplicatePayID.Code, func(c *module.Context) error {
		return lines.Pay(c, "L-1", 1, w.Addr("clerk"), ref, ref+"/"+w.Addr("clerk"), "benefit")
	}, "cab")
	refused(fiscal.ErrInsufficient.Code, func(c *module.Context) error { return lines.Commit(c, "L-1", 501, ref) }, "cab")
	refused(fiscal.ErrWrongDepartment.Code, func(c *module.Context) error { return lines.Commit(c, "L-1", 1, ref) }, "nrb")
	refused(fiscal.ErrUnknownLine.Code, func(c *module.Context) error { return lines.Commit(c, "L-9", 1, ref) }, "cab")
	refused(fiscal.ErrBadAmount.Code, func(c *module.Context) error { return lines.Commit(c, "L-1", 0, ref) }, "cab")
	refused(fiscal.ErrExceedsCommit.Code, func(c *module.Context) error {
		return lines.Pay(c, "L-1", 301, w.Addr("clerk"), ref, "other", "benefit")
	}, "cab")
	refused(fiscal.ErrExceedsCommit.Code, func(c *module.Context) error { return lines.Uncommit(c, "L-1", 301, ref) }, "cab")
	refused(fiscal.ErrBadPayee.Code, func(c *module.Context) error { return lines.Pay(c, "L-1", 1, "Li Si", ref, "x", "") }, "cab")
	if l := w.line("L-1"); l.Totals != (fiscal.Totals{Original: 1000, Adjusted: 1000, Committed: 300, Paid: 200, Available: 500, Lines: 1}) {
		t.Fatalf("%+v", l.Totals)
	}
	p, err := fiscal.GetPayment(w.View(fiscal.Name), ref+"/"+w.Addr("clerk"))
	if err != nil || p.Ref != ref || p.Department != "cab" || p.Amount != 200 {
		t.Fatalf("%+v %v", p, err)
	}
	w.ok("budget", fiscal.TypeCloseLine, fiscal.MsgCloseLine{Line: "L-1", Reason: "year end"})
	refused(fiscal.ErrLineClosed.Code, func(c *module.Context) error { return lines.Commit(c, "L-1", 1, ref) }, "cab")
	must(lines.Pay(ctxOf("cab"), "L-1", 300, w.Addr("clerk"), ref, "last", "benefit"))
}
