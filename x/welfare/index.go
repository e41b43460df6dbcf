package welfare

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/govchain/govchain/app/module"
)

// IndexTables declares the welfare module's tables of the SQL index
// (issue 18): programs, enrolments, runs and payments. The Reader of an
// IndexEvent is this module's state at the event's height; each row's
// StateKey is the full state key of its record.
//
// A run's advance pays up to MaxPerAdvance enrollees under one event that
// names only the run and its new cursor; a run advances at most once a
// block, so the rows of the advance are those of the enrollees in
// [cursor - MaxPerAdvance, cursor) that have a payment of the run's period
// (re-reading an older one writes the same values).
func (m *Module) IndexTables() []module.IndexTable {
	enrolEvents := []string{"welfare.enrolled", "welfare.reinstated", "welfare.suspended", "welfare.graduated",
		"welfare.deceased", "welfare.appealed"}
	return []module.IndexTable{
		{
			Name: "programs", Doc: "Benefit programs with their department, budget line and totals.",
			Columns: []module.Column{
				{Name: "id", Type: module.Text, Key: true},
				{Name: "name", Type: module.Text, Indexed: true},
				{Name: "department", Type: module.Text, Indexed: true},
				{Name: "benefit_type", Type: module.Text, Indexed: true},
				{Name: "frequency", Type: module.Text},
				{Name: "amount", Type: module.Int, Doc: "fen per payment"},
				{Name: "budget_line", Type: module.Text, Indexed: true},
				{Name: "enrolled", Type: module.Int},
				{Name: "active", Type: module.Int},
				{Name: "payments", Type: module.Int},
				{Name: "paid", Type: module.Int, Doc: "fen"},
				{Name: "runs", Type: module.Int},
			},
			Events: append([]string{"welfare.program_created", "welfare.run_opened", "welfare.run_advanced", "welfare.run_closed"}, enrolEvents...),
			Rows:   programRows,
		},
		{
			Name: "enrolments", Doc: "Enrolments by program and beneficiary, with status and payments.",
			Columns: []module.Column{
				{Name: "program", Type: module.Text, Key: true},
				{Name: "beneficiary", Type: module.Text, Key: true},
				{Name: "seq", Type: module.Int},
				{Name: "status", Type: module.Text, Indexed: true},
				{Name: "appeal_pending", Type: module.Bool},
				{Name: "enrolled_height", Type: module.Int},
				{Name: "payments", Type: module.Int},
				{Name: "paid", Type: module.Int, Doc: "fen"},
			},
			Events: append([]string{"welfare.run_advanced"}, enrolEvents...),
			Rows:   enrolmentRows,
		},
		{
			Name: "runs", Doc: "Payment runs with their period, progress and totals.",
			Columns: []module.Column{
				{Name: "id", Type: module.Int, Key: true},
				{Name: "program", Type: module.Text, Indexed: true},
				{Name: "period", Type: module.Text, Indexed: true},
				{Name: "budget_line", Type: module.Text, Indexed: true},
				{Name: "status", Type: module.Text, Indexed: true},
				{Name: "cursor", Type: module.Int},
				{Name: "end_cursor", Type: module.Int, Doc: "the enrolment count the run stops at"},
				{Name: "payments", Type: module.Int},
				{Name: "paid", Type: module.Int, Doc: "fen"},
				{Name: "ineligible", Type: module.Int},
				{Name: "opened_height", Type: module.Int},
			},
			Events: []string{"welfare.run_opened", "welfare.run_advanced", "welfare.run_closed"},
			Rows:   runRows,
		},
		{
			Name: "payments", Doc: "Benefit payments by program, period and beneficiary.",
			Columns: []module.Column{
				{Name: "pay_id", Type: module.Text, Key: true},
				{Name: "program", Type: module.Text, Indexed: true},
				{Name: "period", Type: module.Text, Indexed: true},
				{Name: "beneficiary", Type: module.Text, Indexed: true},
				{Name: "amount", Type: module.Int, Doc: "fen"},
				{Name: "run", Type: module.Int, Indexed: true},
				{Name: "budget_line", Type: module.Text, Indexed: true},
				{Name: "status", Type: module.Text, Indexed: true},
				{Name: "attempts", Type: module.Int},
				{Name: "paid_height", Type: module.Int},
			},
			Events: []string{"welfare.run_advanced", "welfare.payment_failed", "welfare.payment_retried"},
			Rows:   paymentRows,
		},
	}
}

// eventRun is the run an event names.
func eventRun(e module.IndexEvent) (*Run, error) {
	id, err := strconv.ParseUint(e.Attr("run"), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("welfare index: run %q: %w", e.Attr("run"), err)
	}
	return GetRun(e.State, id)
}

func programRows(e module.IndexEvent) ([]module.Row, error) {
	id := e.Attr("program")
	if id == "" {
		r, err := eventRun(e)
		if err != nil {
			return nil, err
		}
		id = r.Program
	}
	p, err := GetProgram(e.State, id)
	if err != nil {
		return nil, err
	}
	return []module.Row{{StateKey: Name + "/" + programKey(p.ID), Values: map[string]any{
		"id": p.ID, "name": p.Name, "department": p.Department, "benefit_type": p.BenefitType, "frequency": p.Frequency,
		"amount": int64(p.Amount), "budget_line": p.BudgetLine, "enrolled": int64(p.Enrolled), "active": int64(p.Active),
		"payments": int64(p.Payments), "paid": int64(p.Paid), "runs": int64(p.Runs),
	}}}, nil
}

func enrolmentRow(en *Enrolment) module.Row {
	return module.Row{StateKey: Name + "/" + enrolKey(en.Program, en.Beneficiary), Values: map[string]any{
		"program": en.Program, "beneficiary": en.Beneficiary, "seq": int64(en.Seq), "status": en.Status,
		"appeal_pending": en.Appealed, "enrolled_height": en.Enrolled, "payments": int64(en.Payments), "paid": int64(en.Paid),
	}}
}

func paymentRow(pm *Payment) module.Row {
	return module.Row{StateKey: Name + "/" + paymentKey(pm.Program, pm.Period, pm.Beneficiary), Values: map[string]any{
		"pay_id": pm.PayID, "program": pm.Program, "period": pm.Period, "beneficiary": pm.Beneficiary, "amount": int64(pm.Amount),
		"run": int64(pm.Run), "budget_line": pm.BudgetLine, "status": pm.Status, "attempts": int64(pm.Attempts), "paid_height": pm.Height,
	}}
}

// advanced calls fn with the enrolment of each enrollee an advance may
// have considered, and its payment of the run's period if any.
func advanced(e module.IndexEvent, fn func(*Enrolment, *Payment)) error {
	r, err := eventRun(e)
	if err != nil {
		return err
	}
	cursor, err := strconv.ParseUint(e.Attr("cursor"), 10, 64)
	if err != nil {
		return fmt.Errorf("welfare index: cursor %q: %w", e.Attr("cursor"), err)
	}
	from := uint64(0)
	if cursor > MaxPerAdvance {
		from = cursor - MaxPerAdvance
	}
	for s := from; s < cursor; s++ {
		b, ok := e.State.Get([]byte(seqKey(r.Program, s)))
		if !ok {
			continue
		}
		en, err := GetEnrolment(e.State, r.Program, string(b))
		if err != nil {
			return err
		}
		var pm *Payment
		if _, ok := e.State.Get([]byte(paymentKey(r.Program, r.Period, en.Beneficiary))); ok {
			if pm, err = GetPayment(e.State, r.Program, r.Period, en.Beneficiary); err != nil {
				return err
			}
		}
		fn(en, pm)
	}
	return nil
}

func enrolmentRows(e module.IndexEvent) ([]module.Row, error) {
	if e.Event.Type == "welfare.run_advanced" {
		var rows []module.Row
		err := advanced(e, func(en *Enrolment, pm *Payment) {
			if pm != nil && pm.Height == e.Height {
				rows = append(rows, enrolmentRow(en)) // paid by this advance
			}
		})
		return rows, err
	}
	en, err := GetEnrolment(e.State, e.Attr("program"), e.Attr("beneficiary"))
	if err != nil {
		return nil, err
	}
	return []module.Row{enrolmentRow(en)}, nil
}

func runRows(e module.IndexEvent) ([]module.Row, error) {
	r, err := eventRun(e)
	if err != nil {
		return nil, err
	}
	return []module.Row{{StateKey: Name + "/" + runKey(r.ID), Values: map[string]any{
		"id": int64(r.ID), "program": r.Program, "period": r.Period, "budget_line": r.BudgetLine, "status": r.Status,
		"cursor": int64(r.Cursor), "end_cursor": int64(r.End), "payments": int64(r.Payments), "paid": int64(r.Paid),
		"ineligible": int64(r.Ineligible), "opened_height": r.Opened,
	}}}, nil
}

func paymentRows(e module.IndexEvent) ([]module.Row, error) {
	if e.Event.Type == "welfare.run_advanced" {
		var rows []module.Row
		err := advanced(e, func(_ *Enrolment, pm *Payment) {
			if pm != nil && pm.Height == e.Height {
				rows = append(rows, paymentRow(pm))
			}
		})
		return rows, err
	}
	// pay_id is "welfare/<program>/<period>/<beneficiary>" (PayID).
	parts := strings.Split(strings.TrimPrefix(e.Attr("pay_id"), "welfare/"), "/")
	if len(parts) != 3 {
		return nil, fmt.Errorf("welfare index: pay_id %q", e.Attr("pay_id"))
	}
	pm, err := GetPayment(e.State, parts[0], parts[1], parts[2])
	if err != nil {
		return nil, err
	}
	return []module.Row{paymentRow(pm)}, nil
}
