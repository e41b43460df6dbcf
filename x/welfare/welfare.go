// Package welfare is social protection: programs of a department, with
// eligibility as attestations other departments sign (kept on chain only
// as SD-JWT disclosure digests), enrolment, and disbursement runs that pay
// each (program, period, beneficiary) exactly once, drawing on a budget
// line of x/fiscal through budget.Lines.
//
// It is a pure state machine over module.Context and must not import api,
// node, net/http, CometBFT's node packages or read the wall clock
// (periods and expiries are block time). Of x/fiscal it imports only the
// budget package.
package welfare

import (
	"encoding/json"
	"math/bits"
	"strconv"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/fiscal/budget"
	"github.com/govchain/govchain/x/identity"
)

// Module is the welfare module.
type Module struct{ lines budget.Lines }

// Option configures the module.
type Option func(*Module)

// WithBudget makes programs draw on x/fiscal's budget lines (nil: no
// budget checks, for a chain without x/fiscal).
func WithBudget(l budget.Lines) Option { return func(m *Module) { m.lines = l } }

// New returns the module.
func New(opts ...Option) *Module {
	m := &Module{}
	for _, o := range opts {
		o(m)
	}
	return m
}

var _ module.Module = (*Module)(nil)

func (m *Module) Name() string { return Name }

// Roles are the roles this module defines.
func (m *Module) Roles() []module.Role {
	return []module.Role{
		{Name: RoleOfficer, Doc: "defines its department's welfare programs, enrols citizens, suspends and reinstates, runs disbursements (Civil Affairs Bureau; others by proposal)", Grantors: []string{"cab"}},
		{Name: RoleAttester, Doc: "signs eligibility attestations of the kinds a program requires from its department (any department)", Grantors: []string{module.AnyDepartment}},
	}
}

// Routes declares each message with the roles it needs; department checks
// are in the handlers.
func (m *Module) Routes() []module.Route {
	off := []string{RoleOfficer}
	return []module.Route{
		module.NewRoute(TypeCreateProgram, off, "Define a program of the signer's department: benefit per period, budget line, required attestations", m.createProgram),
		module.NewRoute(TypeEnrol, nil, "Enrol in a program (a citizen themself, or an officer of the program's department for a citizen)", m.enrol),
		module.NewRoute(TypeAttest, []string{RoleAttester}, "Attest a citizen's eligibility of a kind a program requires from the signer's department (an SD-JWT disclosure digest)", m.attest),
		module.NewRoute(TypePresentCredential, nil, "Meet a program's requirement with a verifiable credential of the required kind from the required department, presented to the program (audience welfare:<program>)", m.presentCredential),
		module.NewRoute(TypeSetStatus, off, "Suspend, reinstate, graduate or record the death of an enrolled beneficiary (the program's department)", m.setStatus),
		module.NewRoute(TypeAppeal, nil, "Appeal the suspension of one's own enrolment", m.appeal),
		module.NewRoute(TypeOpenRun, off, "Open a program's disbursement for a period, reserving its funds on the budget line", m.openRun),
		module.NewRoute(TypeAdvanceRun, off, "Pay the next enrollees of an open run (at most 1000, in enrolment order, from the run's cursor)", m.advanceRun),
		module.NewRoute(TypeCloseRun, off, "Close an open run before it completes, returning its unspent reservation", m.closeRun),
		module.NewRoute(TypePaymentFailed, off, "Record that the bank transfer of a payment failed", m.paymentFailed),
		module.NewRoute(TypeRevoke, []string{RoleAttester}, "Withdraw an attestation of the signer's department: it expires now", m.revoke),
		module.NewRoute(TypeRetryPayment, off, "Re-send a failed payment under its same key (never a second payment)", m.retryPayment),
	}
}

// InitGenesis writes nothing: programs start empty.
func (m *Module) InitGenesis(ctx *module.Context, raw []byte) error {
	if raw != nil {
		var v map[string]json.RawMessage
		if err := json.Unmarshal(raw, &v); err != nil {
			return module.ErrInvalidField.Wrapf("welfare genesis: %v", err)
		}
	}
	return nil
}

// GetProgram reads a program (kv rooted at "welfare/").
func GetProgram(kv module.Reader, id string) (*Program, error) {
	return module.Load[Program](kv, programKey(id), ErrUnknownProgram, strconv.Quote(id))
}

// GetEnrolment reads an enrolment.
func GetEnrolment(kv module.Reader, prog, acct string) (*Enrolment, error) {
	return module.Load[Enrolment](kv, enrolKey(prog, acct), ErrNotEnrolled, prog+"/"+acct)
}

// GetRun reads a run.
func GetRun(kv module.Reader, id uint64) (*Run, error) {
	return module.Load[Run](kv, runKey(id), ErrUnknownRun, strconv.FormatUint(id, 10))
}

// GetPayment reads the payment of a key.
func GetPayment(kv module.Reader, prog, period, acct string) (*Payment, error) {
	return module.Load[Payment](kv, paymentKey(prog, period, acct), ErrUnknownPayment, PayID(prog, period, acct))
}

// GetAttestation reads the attestation of kind about acct by dept.
func GetAttestation(kv module.Reader, acct, kind, dept string) (*Attestation, bool, error) {
	var a Attestation
	ok, err := module.GetRecord(kv, attKey(acct, kind, dept), &a)
	return &a, ok, err
}

func getMeta(kv module.Reader) (*Meta, error) {
	var m Meta
	_, err := module.GetRecord(kv, metaKey, &m)
	return &m, err
}

// ownProgram loads a program and checks the signer belongs to its
// department.
func ownProgram(ctx *module.Context, id string) (*Program, error) {
	p, err := GetProgram(ctx.Store(), id)
	if err != nil {
		return nil, err
	}
	if ctx.Signer.Department != p.Department {
		return nil, ErrWrongDepartment.Wrapf("program %q belongs to %q", id, p.Department)
	}
	return p, nil
}

func add(a, b uint64) (uint64, error) {
	s, c := bits.Add64(a, b, 0)
	if c != 0 {
		return 0, ErrOverflow
	}
	return s, nil
}

func (m *Module) createProgram(ctx *module.Context, msg *MsgCreateProgram) error {
	kv := ctx.Store()
	if _, ok := kv.Get([]byte(programKey(msg.ID))); ok {
		return ErrProgramExists.Wrapf("%q", msg.ID)
	}
	if m.lines != nil && msg.BudgetLine == "" {
		return ErrNoBudgetLine
	}
	for _, r := range msg.Requirements {
		if _, err := identity.GetDepartment(ctx.View(identity.Name), r.Department); err != nil {
			return ErrBadRequirements.Wrapf("unknown department %q", r.Department)
		}
	}
	p := &Program{ID: msg.ID, Name: msg.Name, Department: ctx.Signer.Department, BenefitType: msg.BenefitType,
		Frequency: msg.Frequency, Amount: msg.Amount, BudgetLine: msg.BudgetLine, Requirements: msg.Requirements,
		Created: ctx.Height, CreatedBy: ctx.Signer.Address, StartPeriod: msg.StartPeriod}
	if p.StartPeriod == "" {
		p.StartPeriod = PeriodOf(ctx.Time)
	}
	module.SetRecord(kv, programKey(p.ID), p)
	ctx.Emit("welfare.program_created", "program", p.ID)
	return nil
}

func record(ctx *module.Context, e *Enrolment, h HistoryEntry) {
	h.Seq, h.Status, h.By, h.Department, h.Height, h.Time = e.Events, e.Status, ctx.Signer.Address, ctx.Signer.Department, ctx.Height, ctx.Time.Unix()
	e.Events++
	module.SetRecord(ctx.Store(), historyKey(e.Program, e.Beneficiary, h.Seq), &h)
	module.SetRecord(ctx.Store(), enrolKey(e.Program, e.Beneficiary), e)
	ctx.Emit("welfare."+h.Kind, "program", e.Program, "beneficiary", e.Beneficiary)
}

func (m *Module) enrol(ctx *module.Context, msg *MsgEnrol) error {
	kv := ctx.Store()
	p, err := GetProgram(kv, msg.Program)
	if err != nil {
		return err
	}
	ben := msg.Beneficiary
	if ben == "" {
		ben = ctx.Signer.Address
	}
	if ben != ctx.Signer.Address && (!ctx.Signer.HasRole(RoleOfficer) || ctx.Signer.Department != p.Department) {
		return ErrWrongDepartment.Wrapf("only an officer of %q enrols another account", p.Department)
	}
	acct, err := identity.GetAccount(ctx.View(identity.Name), ben)
	if err != nil {
		return ErrUnknownAccount.Wrapf("%s", ben)
	}
	if !acct.Citizen {
		return ErrNotCitizen.Wrapf("%s", ben)
	}
	if _, ok := kv.Get([]byte(enrolKey(p.ID, ben))); ok {
		return ErrAlreadyEnrolled.Wrapf("%s in %q", ben, p.ID)
	}
	e := &Enrolment{Program: p.ID, Beneficiary: ben, Seq: p.Enrolled, Status: StatusActive, Enrolled: ctx.Height, By: ctx.Signer.Address}
	kv.Set([]byte(seqKey(p.ID, e.Seq)), []byte(ben))
	kv.Set([]byte(citizenEnrolKey(ben, p.ID)), []byte{})
	p.Enrolled++
	p.Active++
	module.SetRecord(kv, programKey(p.ID), p)
	record(ctx, e, HistoryEntry{Kind: "enrolled"})
	return nil
}

func (m *Module) attest(ctx *module.Context, msg *MsgAttest) error {
	p, err := GetProgram(ctx.Store(), msg.Program)
	if err != nil {
		return err
	}
	var req *Requirement
	for i := range p.Requirements {
		if p.Requirements[i].Kind == msg.Kind {
			req = &p.Requirements[i]
		}
	}
	if req == nil {
		return ErrKindNotRequired.Wrapf("%q by %q", msg.Kind, p.ID)
	}
	if ctx.Signer.Department != req.Department {
		return ErrWrongDepartment.Wrapf("%q attestations for %q come from %q", msg.Kind, p.ID, req.Department)
	}
	if _, err := identity.GetAccount(ctx.View(identity.Name), msg.Beneficiary); err != nil {
		return ErrUnknownAccount.Wrapf("%s", msg.Beneficiary)
	}
	now := ctx.Time.Unix()
	max := now + int64(req.ValidityDays)*86400
	exp := msg.ValidUntil
	if exp == 0 {
		exp = max
	}
	if exp <= now || exp > max {
		return ErrAttestationExpiry.Wrapf("valid until %d: after %d and at most %d", exp, now, max)
	}
	a := &Attestation{Beneficiary: msg.Beneficiary, Kind: msg.Kind, Department: req.Department, Digest: msg.Digest,
		By: ctx.Signer.Address, Issued: now, Expires: exp, Height: ctx.Height}
	module.SetRecord(ctx.Store(), attKey(a.Beneficiary, a.Kind, a.Department), a)
	ctx.Emit("welfare.attested", "beneficiary", a.Beneficiary, "kind", a.Kind, "department", a.Department)
	return nil
}

// Eligible reports whether e is paid at block time now: its status is
// active and every requirement of p has an attestation of its department,
// issued within the requirement's validity and not expired.
func Eligible(kv module.Reader, p *Program, e *Enrolment, now int64) (bool, error) {
	if e.Status != StatusActive {
		return false, nil
	}
	for _, r := range p.Requirements {
		a, ok, err := GetAttestation(kv, e.Beneficiary, r.Kind, r.Department)
		if err != nil {
			return false, err
		}
		if !ok || now >= a.Expires || now >= a.Issued+int64(r.ValidityDays)*86400 {
			return false, nil
		}
	}
	return true, nil
}

func (m *Module) setStatus(ctx *module.Context, msg *MsgSetStatus) error {
	p, err := ownProgram(ctx, msg.Program)
	if err != nil {
		return err
	}
	e, err := GetEnrolment(ctx.Store(), p.ID, msg.Beneficiary)
	if err != nil {
		return err
	}
	if e.Status == msg.Status || e.Status == StatusDeceased || e.Status == StatusGraduated {
		return ErrBadStatus.Wrapf("%s -> %s", e.Status, msg.Status)
	}
	if e.Status == StatusActive {
		p.Active--
	}
	if msg.Status == StatusActive {
		p.Active++
	}
	kind := map[string]string{StatusActive: "reinstated", StatusSuspended: "suspended", StatusGraduated: "graduated", StatusDeceased: "deceased"}[msg.Status]
	e.Status, e.Reason, e.Appealed = msg.Status, msg.Reason, false
	module.SetRecord(ctx.Store(), programKey(p.ID), p)
	record(ctx, e, HistoryEntry{Kind: kind, Reason: msg.Reason})
	return nil
}

func (m *Module) appeal(ctx *module.Context, msg *MsgAppeal) error {
	e, err := GetEnrolment(ctx.Store(), msg.Program, ctx.Signer.Address)
	if err != nil {
		if module.IsMissing(err) {
			return ErrNotBeneficiary.Wrapf("%s is not enrolled in %q", ctx.Signer.Address, msg.Program)
		}
		return err
	}
	if e.Status != StatusSuspended || e.Appealed {
		return ErrNothingToAppeal.Wrapf("status %s", e.Status)
	}
	e.Appealed = true
	record(ctx, e, HistoryEntry{Kind: "appealed", Reason: msg.Reason})
	return nil
}

func (m *Module) openRun(ctx *module.Context, msg *MsgOpenRun) error {
	p, err := ownProgram(ctx, msg.Program)
	if err != nil {
		return err
	}
	if msg.Period > PeriodOf(ctx.Time) {
		return ErrFuturePeriod.Wrapf("%s is after %s", msg.Period, PeriodOf(ctx.Time))
	}
	if msg.Period < p.StartPeriod {
		return ErrBeforeStart.Wrapf("%s is before %s", msg.Period, p.StartPeriod)
	}
	kv := ctx.Store()
	if _, ok := kv.Get([]byte(openRunKey(p.ID, msg.Period))); ok {
		return ErrRunInProgress.Wrapf("%s %s", p.ID, msg.Period)
	}
	hi, reserve := bits.Mul64(p.Amount, p.Active)
	if hi != 0 {
		return ErrOverflow
	}
	meta, err := getMeta(kv)
	if err != nil {
		return err
	}
	meta.NextRun++
	r := &Run{ID: meta.NextRun, Program: p.ID, Period: msg.Period, BudgetLine: p.BudgetLine, Ref: RunRef(meta.NextRun),
		Amount: p.Amount, End: p.Enrolled, Status: RunOpen, OpenedBy: ctx.Signer.Address, Opened: ctx.Height}
	if m.lines != nil && reserve > 0 {
		if err := ctx.Atomic(func() error { return m.lines.Commit(ctx, p.BudgetLine, reserve, r.Ref) }); err != nil {
			return ErrBudgetRefused.Wrapf("%d fen on %q: %v", reserve, p.BudgetLine, err)
		}
		r.Reserved = reserve
	}
	if r.End == 0 {
		r.Status, r.Result, r.Closed = RunCompleted, "no enrollees", ctx.Height
	} else {
		kv.Set([]byte(openRunKey(p.ID, r.Period)), []byte(strconv.FormatUint(r.ID, 10)))
	}
	p.Runs++
	module.SetRecord(kv, metaKey, meta)
	module.SetRecord(kv, programKey(p.ID), p)
	module.SetRecord(kv, runKey(r.ID), r)
	kv.Set([]byte(programRunKey(p.ID, r.ID)), []byte{})
	ctx.Emit("welfare.run_opened", "run", strconv.FormatUint(r.ID, 10), "program", p.ID, "period", r.Period,
		"reserved", strconv.FormatUint(r.Reserved, 10))
	return nil
}

// openRun loads an open run of the signer's department.
func ownOpenRun(ctx *module.Context, id uint64) (*Run, *Program, error) {
	r, err := GetRun(ctx.Store(), id)
	if err != nil {
		return nil, nil, err
	}
	p, err := ownProgram(ctx, r.Program)
	if err != nil {
		return nil, nil, err
	}
	if r.Status != RunOpen {
		return nil, nil, ErrRunNotOpen.Wrapf("run %d is %s", id, r.Status)
	}
	return r, p, nil
}

func (m *Module) advanceRun(ctx *module.Context, msg *MsgRunRef) error {
	r, p, err := ownOpenRun(ctx, msg.ID)
	if err != nil {
		return err
	}
	if r.LastAdvance == ctx.Height {
		return ErrAdvancedThisBlock.Wrapf("run %d advanced at height %d", r.ID, ctx.Height)
	}
	r.LastAdvance = ctx.Height
	kv := ctx.Store()
	now := ctx.Time.Unix()
	stop := r.Cursor + MaxPerAdvance
	if stop > r.End {
		stop = r.End
	}
	for ; r.Cursor < stop && r.Status == RunOpen; r.Cursor++ {
		b, ok := kv.Get([]byte(seqKey(p.ID, r.Cursor)))
		if !ok {
			return module.ErrInternal.Wrapf("enrolment %d of %q missing", r.Cursor, p.ID)
		}
		e, err := GetEnrolment(kv, p.ID, string(b))
		if err != nil {
			return err
		}
		ok, err = Eligible(kv, p, e, now)
		if err != nil {
			return err
		}
		if !ok {
			r.Ineligible++
			continue
		}
		if _, paid := kv.Get([]byte(paymentKey(p.ID, r.Period, e.Beneficiary))); paid {
			r.AlreadyPaid++
			continue
		}
		if err := m.pay(ctx, r, p, e); err != nil {
			if r.Status != RunOpen {
				break // stopped cleanly: the cursor stays on this enrollee
			}
			return err
		}
	}
	r.Advances++
	if r.Status == RunOpen && r.Cursor >= r.End {
		r.Status, r.Result = RunCompleted, "every enrollee considered"
	}
	if r.Status != RunOpen {
		if err := m.finish(ctx, r); err != nil {
			return err
		}
	}
	module.SetRecord(kv, runKey(r.ID), r)
	module.SetRecord(kv, programKey(p.ID), p)
	ctx.Emit("welfare.run_advanced", "run", strconv.FormatUint(r.ID, 10), "cursor", strconv.FormatUint(r.Cursor, 10),
		"status", r.Status)
	return nil
}

// pay makes the payment of (program, period, beneficiary), whose key is
// absent. When the budget line refuses, the run stops (r.Status set) and
// nothing of this payment is written.
func (m *Module) pay(ctx *module.Context, r *Run, p *Program, e *Enrolment) error {
	pid := PayID(p.ID, r.Period, e.Beneficiary)
	spent, err := add(r.Paid, r.Amount)
	if err != nil {
		return err
	}
	if m.lines != nil {
		if spent > r.Reserved {
			// More enrollees are active than when the run opened: reserve
			// this one's benefit first.
			if err := ctx.Atomic(func() error { return m.lines.Commit(ctx, r.BudgetLine, r.Amount, r.Ref) }); err != nil {
				r.Status, r.Result = RunExhausted, "budget line refused further funds: "+err.Error()
				return err
			}
			r.Reserved += r.Amount
		}
		if err := ctx.Atomic(func() error {
			return m.lines.Pay(ctx, r.BudgetLine, r.Amount, e.Beneficiary, r.Ref, pid, "welfare "+p.ID+" "+r.Period)
		}); err != nil {
			r.Status, r.Result = RunStopped, "budget line refused a payment: "+err.Error()
			return err
		}
	}
	pm := &Payment{Program: p.ID, Period: r.Period, Beneficiary: e.Beneficiary, Amount: r.Amount, Run: r.ID,
		BudgetLine: r.BudgetLine, Ref: r.Ref, PayID: pid, Status: PayPaid, Attempts: 1, Height: ctx.Height, Time: ctx.Time.Unix()}
	kv := ctx.Store()
	module.SetRecord(kv, paymentKey(p.ID, r.Period, e.Beneficiary), pm)
	kv.Set([]byte(runPaymentKey(r.ID, p.ID, r.Period, e.Beneficiary)), []byte{})
	kv.Set([]byte(citizenPaymentKey(e.Beneficiary, p.ID, r.Period)), []byte{})
	r.Paid, r.Payments = spent, r.Payments+1
	if p.Paid, err = add(p.Paid, r.Amount); err != nil {
		return err
	}
	p.Payments++
	if e.Paid, err = add(e.Paid, r.Amount); err != nil {
		return err
	}
	e.Payments++
	module.SetRecord(kv, enrolKey(e.Program, e.Beneficiary), e)
	return nil
}

// finish ends a run: its program-period may run again, and what it
// reserved and did not pay returns to the budget line.
func (m *Module) finish(ctx *module.Context, r *Run) error {
	r.Closed = ctx.Height
	ctx.Store().Delete([]byte(openRunKey(r.Program, r.Period)))
	if rest := r.Reserved - r.Paid; m.lines != nil && rest > 0 {
		if err := ctx.Atomic(func() error { return m.lines.Uncommit(ctx, r.BudgetLine, rest, r.Ref) }); err != nil {
			r.Result += "; the unspent reservation was not returned: " + err.Error()
			return nil
		}
		r.Released = rest
	}
	return nil
}

func (m *Module) closeRun(ctx *module.Context, msg *MsgRunRef) error {
	r, _, err := ownOpenRun(ctx, msg.ID)
	if err != nil {
		return err
	}
	r.Status, r.Result = RunClosed, "closed by an officer at cursor "+strconv.FormatUint(r.Cursor, 10)
	if err := m.finish(ctx, r); err != nil {
		return err
	}
	module.SetRecord(ctx.Store(), runKey(r.ID), r)
	ctx.Emit("welfare.run_closed", "run", strconv.FormatUint(r.ID, 10))
	return nil
}

func (m *Module) paymentFailed(ctx *module.Context, msg *MsgPaymentRef) error {
	if _, err := ownProgram(ctx, msg.Program); err != nil {
		return err
	}
	pm, err := GetPayment(ctx.Store(), msg.Program, msg.Period, msg.Beneficiary)
	if err != nil {
		return err
	}
	if pm.Status == PayFailed {
		return ErrPaymentFailed
	}
	pm.Status, pm.FailReason = PayFailed, msg.Reason
	module.SetRecord(ctx.Store(), paymentKey(msg.Program, msg.Period, msg.Beneficiary), pm)
	ctx.Emit("welfare.payment_failed", "pay_id", pm.PayID)
	return nil
}

// retryPayment re-sends a failed payment: the same key, the same budget
// payment (the line paid it once); only its status and attempts change.
func (m *Module) retryPayment(ctx *module.Context, msg *MsgPaymentRef) error {
	p, err := ownProgram(ctx, msg.Program)
	if err != nil {
		return err
	}
	kv := ctx.Store()
	pm, err := GetPayment(kv, msg.Program, msg.Period, msg.Beneficiary)
	if err != nil {
		return err
	}
	if pm.Status != PayFailed {
		return ErrPaymentNotFailed.Wrapf("%s is %s", pm.PayID, pm.Status)
	}
	e, err := GetEnrolment(kv, p.ID, msg.Beneficiary)
	if err != nil {
		return err
	}
	if e.Status != StatusActive {
		return ErrSuspended.Wrapf("%s is %s", e.Beneficiary, e.Status)
	}
	if ok, err := Eligible(kv, p, e, ctx.Time.Unix()); err != nil {
		return err
	} else if !ok {
		return ErrNotEligible.Wrapf("%s", e.Beneficiary)
	}
	pm.Status, pm.FailReason = PayPaid, ""
	pm.Attempts++
	module.SetRecord(kv, paymentKey(msg.Program, msg.Period, msg.Beneficiary), pm)
	ctx.Emit("welfare.payment_retried", "pay_id", pm.PayID, "attempt", strconv.FormatUint(uint64(pm.Attempts), 10))
	return nil
}

func (m *Module) revoke(ctx *module.Context, msg *MsgRevoke) error {
	kv := ctx.Store()
	a, ok, err := GetAttestation(kv, msg.Beneficiary, msg.Kind, ctx.Signer.Department)
	if err != nil {
		return err
	}
	now := ctx.Time.Unix()
	if !ok || now >= a.Expires {
		return ErrUnknownAttestation.Wrapf("%s %s by %s", msg.Beneficiary, msg.Kind, ctx.Signer.Department)
	}
	a.Expires, a.Revoked = now, msg.Reason
	module.SetRecord(kv, attKey(a.Beneficiary, a.Kind, a.Department), a)
	ctx.Emit("welfare.attestation_revoked", "beneficiary", a.Beneficiary, "kind", a.Kind, "department", a.Department)
	return nil
}
