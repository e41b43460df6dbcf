package fiscal

import (
	"time"

	"github.com/govchain/govchain/app/module"
)

// IndexTables declares the fiscal module's tables of the SQL index (issue
// 18): budget lines with their running totals, payments (with the line's
// classification and the month, for the fiscal pages' sums by
// department, function, economic class and month) and commitments. The
// Reader of an IndexEvent is this module's state at the event's height;
// each row's StateKey is the full state key of its record.
func (m *Module) IndexTables() []module.IndexTable {
	lineEvents := []string{"fiscal.appropriated", "fiscal.adjusted", "fiscal.closed", "fiscal.committed", "fiscal.uncommitted", "fiscal.paid"}
	return []module.IndexTable{
		{
			Name: "lines", Doc: "Budget lines with their classification and running totals in fen.",
			Columns: []module.Column{
				{Name: "id", Type: module.Text, Key: true},
				{Name: "year", Type: module.Int, Indexed: true},
				{Name: "department", Type: module.Text, Indexed: true},
				{Name: "function", Type: module.Text, Indexed: true, Doc: "functional class (功能分类)"},
				{Name: "economic", Type: module.Text, Indexed: true, Doc: "economic class (经济分类)"},
				{Name: "fund_source", Type: module.Text},
				{Name: "program", Type: module.Text},
				{Name: "original", Type: module.Int},
				{Name: "adjusted", Type: module.Int},
				{Name: "committed", Type: module.Int},
				{Name: "paid", Type: module.Int},
				{Name: "available", Type: module.Int},
				{Name: "closed", Type: module.Bool},
			},
			Events: lineEvents,
			Rows:   lineRows,
		},
		{
			Name: "payments", Doc: "Payments from budget lines, with the line's department, function and economic class and the month of the block time.",
			Columns: []module.Column{
				{Name: "id", Type: module.Text, Key: true},
				{Name: "line", Type: module.Text, Indexed: true},
				{Name: "ref", Type: module.Text, Indexed: true},
				{Name: "payee", Type: module.Text, Indexed: true},
				{Name: "amount", Type: module.Int, Indexed: true, Doc: "fen"},
				{Name: "department", Type: module.Text, Indexed: true},
				{Name: "function", Type: module.Text, Indexed: true, Doc: "the line's functional class"},
				{Name: "economic", Type: module.Text, Indexed: true, Doc: "the line's economic class"},
				{Name: "year", Type: module.Int, Indexed: true, Doc: "the line's fiscal year"},
				{Name: "month", Type: module.Text, Indexed: true, Doc: "YYYY-MM of the payment's block time (UTC)"},
				{Name: "time_unix", Type: module.Int, Indexed: true},
				{Name: "paid_height", Type: module.Int},
			},
			Events: []string{"fiscal.paid"},
			Rows:   paymentRows,
		},
		{
			Name: "commitments", Doc: "What each ref (award, welfare run, invoice) holds on a line.",
			Columns: []module.Column{
				{Name: "line", Type: module.Text, Key: true},
				{Name: "ref", Type: module.Text, Key: true},
				{Name: "department", Type: module.Text, Indexed: true},
				{Name: "committed", Type: module.Int},
				{Name: "released", Type: module.Int},
				{Name: "paid", Type: module.Int},
				{Name: "open", Type: module.Int},
				{Name: "payee", Type: module.Text, Indexed: true},
			},
			Events: []string{"fiscal.committed", "fiscal.uncommitted", "fiscal.paid"},
			Rows:   commitmentRows,
		},
	}
}

func lineRows(e module.IndexEvent) ([]module.Row, error) {
	l, err := GetLine(e.State, e.Attr("line"))
	if err != nil {
		return nil, err
	}
	return []module.Row{{StateKey: Name + "/" + lineKey(l.ID), Values: map[string]any{
		"id": l.ID, "year": int64(l.Year), "department": l.Department, "function": l.Function, "economic": l.Economic,
		"fund_source": l.FundSource, "program": l.Program, "original": int64(l.Original), "adjusted": int64(l.Adjusted),
		"committed": int64(l.Committed), "paid": int64(l.Paid), "available": int64(l.Available), "closed": l.Closed,
	}}}, nil
}

func paymentRows(e module.IndexEvent) ([]module.Row, error) {
	p, err := GetPayment(e.State, e.Attr("pay_id"))
	if err != nil {
		return nil, err
	}
	l, err := GetLine(e.State, p.Line)
	if err != nil {
		return nil, err
	}
	return []module.Row{{StateKey: Name + "/" + payKey(p.ID), Values: map[string]any{
		"id": p.ID, "line": p.Line, "ref": p.Ref, "payee": p.Payee, "amount": int64(p.Amount), "department": p.Department,
		"function": l.Function, "economic": l.Economic, "year": int64(l.Year),
		"month": time.Unix(p.Time, 0).UTC().Format("2006-01"), "time_unix": p.Time, "paid_height": p.Height,
	}}}, nil
}

func commitmentRows(e module.IndexEvent) ([]module.Row, error) {
	c, err := GetCommitment(e.State, e.Attr("line"), e.Attr("ref"))
	if err != nil {
		return nil, err
	}
	return []module.Row{{StateKey: Name + "/" + commitKey(c.Line, c.Ref), Values: map[string]any{
		"line": c.Line, "ref": c.Ref, "department": c.Department, "committed": int64(c.Committed), "released": int64(c.Released),
		"paid": int64(c.Paid), "open": int64(c.Open), "payee": c.Payee,
	}}}, nil
}
