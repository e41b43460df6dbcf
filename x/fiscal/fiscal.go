// Package fiscal keeps budget execution in the open: budget lines
// appropriated by the Ministry of Finance under China's functional and
// economic classifications (mapped to COFOG and GFSM 2014), adjustments
// that never overwrite, commitments and payments by the spending
// department, totals rolled up per department, function class, economic
// class and year as they change, PEFA PI-1 and PI-2 computed from them,
// and a Fiscal Data Package export.
//
// It implements budget.Lines for the modules that spend from lines
// (procurement, welfare). It is a pure state machine over module.Context
// and must not import api, node, net/http, CometBFT's node packages or
// read the wall clock.
package fiscal

import (
	"encoding/json"
	"strconv"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/fiscal/budget"
	"github.com/govchain/govchain/x/identity"
)

// Module is the fiscal module; it is also the chain's budget.Lines.
type Module struct{}

// New returns the module.
func New() *Module { return &Module{} }

var (
	_ module.Module = (*Module)(nil)
	_ budget.Lines  = (*Module)(nil)
)

func (m *Module) Name() string { return Name }

// Roles are the roles this module defines.
func (m *Module) Roles() []module.Role {
	return []module.Role{
		{Name: RoleBudgetOffice, Doc: "appropriates budget lines and adjusts them with a reason (Ministry of Finance)", Grantors: []string{"mof"}},
		{Name: RoleSpender, Doc: "commits and pays from its own department's budget lines (granted by each department to its officials)", Grantors: []string{module.AnyDepartment}},
	}
}

// Routes declares each message with the role it needs; the department
// check (a spender spends only from its own department's lines) is in the
// handlers.
func (m *Module) Routes() []module.Route {
	return []module.Route{
		module.NewRoute(TypeAppropriate, []string{RoleBudgetOffice}, "Appropriate a budget line: year, department, function, economic class, fund source, program, original amount", m.appropriate),
		module.NewRoute(TypeAdjust, []string{RoleBudgetOffice}, "Adjust a line's amount up or down with a reason; the original and every adjustment stay", m.adjust),
		module.NewRoute(TypeCommit, []string{RoleSpender}, "Reserve part of the department's line for a ref (contract, award, run); refused beyond the available balance", m.commitMsg),
		module.NewRoute(TypeUncommit, []string{RoleSpender}, "Return an unpaid part of a ref's commitment to the line", m.uncommitMsg),
		module.NewRoute(TypePay, []string{RoleSpender}, "Pay out of a ref's commitment on the department's line, under a unique payment id", m.payMsg),
		module.NewRoute(TypeCloseLine, []string{RoleBudgetOffice}, "Close a line with a reason: no new commitment or adjustment; open commitments may still be paid or released", m.closeLine),
	}
}

// InitGenesis accepts no state: lines are appropriated by transactions.
func (m *Module) InitGenesis(ctx *module.Context, raw []byte) error {
	if raw != nil {
		var v map[string]json.RawMessage
		if err := json.Unmarshal(raw, &v); err != nil || len(v) != 0 {
			return module.ErrInvalidField.Wrapf("fiscal genesis must be empty")
		}
	}
	return nil
}

// GetLine reads a budget line (kv rooted at "fiscal/").
func GetLine(kv module.Reader, id string) (*Line, error) {
	return module.Load[Line](kv, lineKey(id), ErrUnknownLine, strconv.Quote(id))
}

// GetCommitment reads ref's commitment on a line.
func GetCommitment(kv module.Reader, line, ref string) (*Commitment, error) {
	return module.Load[Commitment](kv, commitKey(line, ref), ErrUnknownCommit, ref+" on "+line)
}

// GetPayment reads a payment by id.
func GetPayment(kv module.Reader, id string) (*Payment, error) {
	return module.Load[Payment](kv, payKey(id), ErrUnknownPayment, strconv.Quote(id))
}

// GetRollup reads a rollup (kind department, function or economic); an
// absent one reads as zero.
func GetRollup(kv module.Reader, year uint32, kind, code string) (*Rollup, error) {
	r := Rollup{Year: year, Kind: kind, Code: code}
	_, err := module.GetRecord(kv, rollupKey(uint64(year), kind, code), &r)
	return &r, err
}

// GetYear reads a fiscal year's totals; an absent one reads as zero.
func GetYear(kv module.Reader, year uint32) (*Year, error) {
	y := Year{Year: year}
	_, err := module.GetRecord(kv, yearKey(uint64(year)), &y)
	return &y, err
}

// Rollup kinds.
const (
	KindDepartment = "department"
	KindFunction   = "function"
	KindEconomic   = "economic"
)

// delta is a change of a line's measures; it applies to the line and to
// every rollup the line counts in.
type delta struct {
	newLine          bool
	origUp           uint64
	adjUp, adjDown   uint64
	commUp, commDown uint64
	paidUp           uint64
}

func (d delta) apply(t *Totals) error {
	var err error
	if t.Original, err = add(t.Original, d.origUp); err != nil {
		return err
	}
	if t.Adjusted, err = add(t.Adjusted, d.adjUp); err != nil {
		return err
	}
	if t.Committed, err = add(t.Committed, d.commUp); err != nil {
		return err
	}
	if t.Paid, err = add(t.Paid, d.paidUp); err != nil {
		return err
	}
	if d.newLine {
		t.Lines++
	}
	if t.Adjusted < d.adjDown || t.Committed < d.commDown {
		return ErrBelowSpent
	}
	t.Adjusted -= d.adjDown
	t.Committed -= d.commDown
	spent, err := add(t.Committed, t.Paid)
	if err != nil {
		return err
	}
	if spent > t.Adjusted {
		return ErrInsufficient
	}
	t.Available = t.Adjusted - spent
	return nil
}

func classUp(list []ClassOutturn, code string, d delta) ([]ClassOutturn, error) {
	i := 0
	for i < len(list) && list[i].Code < code {
		i++
	}
	if i == len(list) || list[i].Code != code {
		if len(list) >= MaxClasses {
			return nil, ErrOverflow.Wrapf("too many classes")
		}
		list = append(list[:i], append([]ClassOutturn{{Code: code}}, list[i:]...)...)
	}
	var err error
	if list[i].Original, err = add(list[i].Original, d.origUp); err != nil {
		return nil, err
	}
	if list[i].Paid, err = add(list[i].Paid, d.paidUp); err != nil {
		return nil, err
	}
	return list, nil
}

// change applies d to line l and its rollups, checking everything before
// writing anything: an error leaves the state as it was.
func change(ctx *module.Context, l *Line, d delta) error {
	kv := ctx.Store()
	if err := d.apply(&l.Totals); err != nil {
		return err
	}
	fn, _ := FunctionClassOf(l.Function)
	ec, _ := EconomicClassOf(l.Economic)
	rollups := []struct{ kind, code string }{{KindDepartment, l.Department}, {KindFunction, fn.Code}, {KindEconomic, ec.Code}}
	var rs []*Rollup
	for _, r := range rollups {
		v, err := GetRollup(kv, l.Year, r.kind, r.code)
		if err != nil {
			return err
		}
		if err := d.apply(&v.Totals); err != nil {
			return err
		}
		rs = append(rs, v)
	}
	y, err := GetYear(kv, l.Year)
	if err != nil {
		return err
	}
	if err := d.apply(&y.Totals); err != nil {
		return err
	}
	if y.Functions, err = classUp(y.Functions, fn.Code, d); err != nil {
		return err
	}
	if y.Economic, err = classUp(y.Economic, ec.Code, d); err != nil {
		return err
	}
	for _, r := range rs {
		module.SetRecord(kv, rollupKey(uint64(r.Year), r.Kind, r.Code), r)
	}
	module.SetRecord(kv, yearKey(uint64(l.Year)), y)
	module.SetRecord(kv, lineKey(l.ID), l)
	return nil
}

func (m *Module) appropriate(ctx *module.Context, msg *MsgAppropriate) error {
	kv := ctx.Store()
	if _, ok := kv.Get([]byte(lineKey(msg.Line))); ok {
		return ErrLineExists.Wrapf("%q", msg.Line)
	}
	if _, err := identity.GetDepartment(ctx.View(identity.Name), msg.Department); err != nil {
		if module.IsMissing(err) {
			return ErrUnknownDept.Wrapf("%q", msg.Department)
		}
		return err
	}
	l := &Line{ID: msg.Line, Year: msg.Year, Department: msg.Department, Function: msg.Function, Economic: msg.Economic,
		FundSource: msg.FundSource, Program: msg.Program, Height: ctx.Height}
	if err := change(ctx, l, delta{newLine: true, origUp: msg.Amount, adjUp: msg.Amount}); err != nil {
		return err
	}
	kv.Set([]byte(yearLineKey(l.Year, l.ID)), []byte{})
	kv.Set([]byte(deptLineKey(l.Year, l.Department, l.ID)), []byte{})
	ctx.Emit("fiscal.appropriated", "line", l.ID, "department", l.Department, "amount", strconv.FormatUint(msg.Amount, 10))
	return nil
}

func (m *Module) adjust(ctx *module.Context, msg *MsgAdjust) error {
	kv := ctx.Store()
	l, err := GetLine(kv, msg.Line)
	if err != nil {
		return err
	}
	if l.Closed {
		return ErrLineClosed.Wrapf("%q", l.ID)
	}
	d := delta{}
	if msg.Delta > 0 {
		d.adjUp = uint64(msg.Delta)
	} else {
		d.adjDown = uint64(-(msg.Delta + 1)) + 1 // safe for math.MinInt64
	}
	before := l.Adjusted
	if err := change(ctx, l, d); err != nil {
		if err == ErrInsufficient {
			return ErrBelowSpent.Wrapf("adjusted %d < committed %d + paid %d", int64(before)+msg.Delta, l.Committed, l.Paid)
		}
		return err
	}
	// change has stored l with the new totals; record the adjustment.
	a := &Adjustment{Line: l.ID, Seq: l.Adjustments, Delta: msg.Delta, Before: before, After: l.Adjusted,
		Reason: msg.Reason, By: ctx.Signer.Address, Height: ctx.Height}
	l.Adjustments++
	module.SetRecord(kv, adjKey(l.ID, a.Seq), a)
	module.SetRecord(kv, lineKey(l.ID), l)
	ctx.Emit("fiscal.adjusted", "line", l.ID, "delta", strconv.FormatInt(msg.Delta, 10))
	return nil
}

func (m *Module) closeLine(ctx *module.Context, msg *MsgCloseLine) error {
	kv := ctx.Store()
	l, err := GetLine(kv, msg.Line)
	if err != nil {
		return err
	}
	if l.Closed {
		return ErrLineClosed.Wrapf("%q", l.ID)
	}
	l.Closed, l.CloseReason = true, msg.Reason
	module.SetRecord(kv, lineKey(l.ID), l)
	ctx.Emit("fiscal.closed", "line", l.ID)
	return nil
}

// spendable loads a line the signer's department may spend from.
func spendable(ctx *module.Context, id string) (*Line, error) {
	l, err := GetLine(ctx.Store(), id)
	if err != nil {
		return nil, err
	}
	if l.Department != ctx.Signer.Department {
		return nil, ErrWrongDepartment.Wrapf("line %s belongs to %s, signer to %q", l.ID, l.Department, ctx.Signer.Department)
	}
	return l, nil
}

type commitArgs struct {
	line    string
	amount  uint64
	ref     string
	payee   string
	purpose string
	doc     []byte
}

func (m *Module) commit(ctx *module.Context, a commitArgs) error {
	kv := ctx.Store()
	l, err := spendable(ctx, a.line)
	if err != nil {
		return err
	}
	if l.Closed {
		return ErrLineClosed.Wrapf("%q", l.ID)
	}
	if a.amount > l.Available {
		return ErrInsufficient.Wrapf("line %s: %d available, %d asked", l.ID, l.Available, a.amount)
	}
	c := &Commitment{Line: l.ID, Ref: a.ref, Department: l.Department, Height: ctx.Height}
	if _, err := module.GetRecord(kv, commitKey(l.ID, a.ref), c); err != nil {
		return err
	}
	if c.Committed, err = add(c.Committed, a.amount); err != nil {
		return err
	}
	if c.Open, err = add(c.Open, a.amount); err != nil {
		return err
	}
	if a.payee != "" {
		c.Payee = a.payee
	}
	if a.purpose != "" {
		c.Purpose = a.purpose
	}
	if len(a.doc) != 0 {
		c.DocHash = a.doc
	}
	if err := change(ctx, l, delta{commUp: a.amount}); err != nil {
		return err
	}
	module.SetRecord(kv, commitKey(l.ID, a.ref), c)
	ctx.Emit("fiscal.committed", "line", l.ID, "ref", a.ref, "amount", strconv.FormatUint(a.amount, 10))
	return nil
}

func (m *Module) uncommit(ctx *module.Context, line string, amount uint64, ref string) error {
	kv := ctx.Store()
	l, err := spendable(ctx, line)
	if err != nil {
		return err
	}
	c, err := GetCommitment(kv, l.ID, ref)
	if err != nil {
		return err
	}
	if amount > c.Open {
		return ErrExceedsCommit.Wrapf("%s has %d open, %d asked", ref, c.Open, amount)
	}
	c.Open -= amount
	c.Released += amount // Released <= Committed, no overflow
	if err := change(ctx, l, delta{commDown: amount}); err != nil {
		return err
	}
	module.SetRecord(kv, commitKey(l.ID, ref), c)
	ctx.Emit("fiscal.uncommitted", "line", l.ID, "ref", ref, "amount", strconv.FormatUint(amount, 10))
	return nil
}

type payArgs struct {
	line, payee, ref, payID, purpose string
	amount                           uint64
	doc                              []byte
}

func (m *Module) pay(ctx *module.Context, a payArgs) error {
	kv := ctx.Store()
	l, err := spendable(ctx, a.line)
	if err != nil {
		return err
	}
	if _, ok := kv.Get([]byte(payKey(a.payID))); ok {
		return ErrDuplicatePayID.Wrapf("%q", a.payID)
	}
	c, err := GetCommitment(kv, l.ID, a.ref)
	if err != nil {
		return err
	}
	if a.amount > c.Open {
		return ErrExceedsCommit.Wrapf("%s has %d open, %d asked", a.ref, c.Open, a.amount)
	}
	c.Open -= a.amount
	c.Paid += a.amount // Paid <= Committed, no overflow
	if err := change(ctx, l, delta{commDown: a.amount, paidUp: a.amount}); err != nil {
		return err
	}
	p := &Payment{ID: a.payID, Line: l.ID, Ref: a.ref, Payee: a.payee, Amount: a.amount, Purpose: a.purpose, DocHash: a.doc,
		Department: l.Department, By: ctx.Signer.Address, Height: ctx.Height, Time: ctx.Time.Unix()}
	module.SetRecord(kv, commitKey(l.ID, a.ref), c)
	module.SetRecord(kv, payKey(p.ID), p)
	kv.Set([]byte(linePayKey(l.ID, p.ID)), []byte{})
	kv.Set([]byte(refPayKey(p.Ref, p.ID)), []byte{})
	ctx.Emit("fiscal.paid", "line", l.ID, "ref", a.ref, "pay_id", p.ID, "amount", strconv.FormatUint(a.amount, 10))
	return nil
}

func (m *Module) commitMsg(ctx *module.Context, msg *MsgCommit) error {
	return m.commit(ctx, commitArgs{line: msg.Line, amount: msg.Amount, ref: msg.Ref, payee: msg.Payee, purpose: msg.Purpose, doc: msg.DocHash})
}

func (m *Module) uncommitMsg(ctx *module.Context, msg *MsgUncommit) error {
	return m.uncommit(ctx, msg.Line, msg.Amount, msg.Ref)
}

func (m *Module) payMsg(ctx *module.Context, msg *MsgPay) error {
	return m.pay(ctx, payArgs{line: msg.Line, amount: msg.Amount, payee: msg.Payee, ref: msg.Ref, payID: msg.PayID, purpose: msg.Purpose, doc: msg.DocHash})
}

// Commit implements budget.Lines: a spending module reserves amount of
// line for ref, under the signer's department, with the rules of
// fiscal.commit.
func (m *Module) Commit(ctx *module.Context, line string, amount uint64, ref string) error {
	if err := checkLineArgs(line, amount, ref); err != nil {
		return err
	}
	return ctx.InModule(Name, func() error { return m.commit(ctx, commitArgs{line: line, amount: amount, ref: ref}) })
}

// Uncommit implements budget.Lines (fiscal.uncommit's rules).
func (m *Module) Uncommit(ctx *module.Context, line string, amount uint64, ref string) error {
	if err := checkLineArgs(line, amount, ref); err != nil {
		return err
	}
	return ctx.InModule(Name, func() error { return m.uncommit(ctx, line, amount, ref) })
}

// Pay implements budget.Lines (fiscal.pay's rules): a second Pay with the
// same payID is refused with ErrDuplicatePayID.
func (m *Module) Pay(ctx *module.Context, line string, amount uint64, payee, ref, payID, purpose string) error {
	if err := checkLineID(line); err != nil {
		return err
	}
	if err := checkPayArgs(amount, payee, ref, payID, purpose); err != nil {
		return err
	}
	return ctx.InModule(Name, func() error {
		return m.pay(ctx, payArgs{line: line, amount: amount, payee: payee, ref: ref, payID: payID, purpose: purpose})
	})
}

func checkLineArgs(line string, amount uint64, ref string) error {
	if err := checkLineID(line); err != nil {
		return err
	}
	if amount == 0 {
		return ErrBadAmount
	}
	return checkRef(ref)
}
