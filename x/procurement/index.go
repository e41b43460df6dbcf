package procurement

import (
	"strconv"
	"time"

	"github.com/govchain/govchain/app/module"
)

// IndexTables declares the procurement module's tables of the SQL index
// (issue 18): tenders (by buyer, status, budget line and winner) and
// suppliers. The Reader of an IndexEvent is this module's state at the
// event's height; each row's StateKey is the full state key of its record.
func (m *Module) IndexTables() []module.IndexTable {
	return []module.IndexTable{
		{
			Name: "tenders", Doc: "Tenders with buyer, status, budget line, ceiling and award.",
			Columns: []module.Column{
				{Name: "id", Type: module.Int, Key: true},
				{Name: "ocid", Type: module.Text, Indexed: true},
				{Name: "buyer", Type: module.Text, Indexed: true, Doc: "buying department"},
				{Name: "title", Type: module.Text, Indexed: true},
				{Name: "method", Type: module.Text},
				{Name: "status", Type: module.Text, Indexed: true},
				{Name: "budget_line", Type: module.Text, Indexed: true},
				{Name: "ceiling", Type: module.Int, Doc: "fen"},
				{Name: "published_unix", Type: module.Int, Indexed: true},
				{Name: "published_month", Type: module.Text, Indexed: true, Doc: "YYYY-MM (UTC)"},
				{Name: "bids", Type: module.Int},
				{Name: "winner", Type: module.Text, Indexed: true, Doc: "the awarded supplier (empty before an award)"},
				{Name: "award_amount", Type: module.Int, Doc: "fen (0 before an award)"},
				{Name: "objections", Type: module.Int},
			},
			Events: tenderEvents,
			Rows:   tenderRows,
		},
		{
			Name: "suppliers", Doc: "Suppliers with their registration status.",
			Columns: []module.Column{
				{Name: "account", Type: module.Text, Key: true},
				{Name: "name", Type: module.Text, Indexed: true},
				{Name: "scheme", Type: module.Text},
				{Name: "identifier", Type: module.Text, Indexed: true},
				{Name: "status", Type: module.Text, Indexed: true},
				{Name: "registered_height", Type: module.Int},
			},
			Events: []string{"procurement.supplier_registered", "procurement.supplier_approved", "procurement.supplier_debarred"},
			Rows:   supplierRows,
		},
	}
}

// tenderEvents are the events that change a tender record (each carries
// its id as "tender").
var tenderEvents = []string{"procurement.tender_published", "procurement.tender_amended", "procurement.bid_committed",
	"procurement.bid_revealed", "procurement.conflicts_declared", "procurement.scores_submitted", "procurement.unsuccessful",
	"procurement.awarded", "procurement.objection_filed", "procurement.objection_decided", "procurement.contract_signed",
	"procurement.milestone_" + MilestoneAccepted, "procurement.milestone_" + MilestoneRejected, "procurement.milestone_paid"}

func tenderRows(e module.IndexEvent) ([]module.Row, error) {
	id, err := strconv.ParseUint(e.Attr("tender"), 10, 64)
	if err != nil {
		return nil, err
	}
	t, err := GetTender(e.State, id)
	if err != nil {
		return nil, err
	}
	winner, amount := "", int64(0)
	if t.Award != nil {
		winner, amount = t.Award.Winner, int64(t.Award.Amount)
	}
	return []module.Row{{StateKey: Name + "/" + tenderKey(t.ID), Values: map[string]any{
		"id": int64(t.ID), "ocid": t.OCID, "buyer": t.Buyer, "title": t.Title, "method": t.Method, "status": t.Status,
		"budget_line": t.BudgetLine, "ceiling": int64(t.Ceiling), "published_unix": t.Published,
		"published_month": time.Unix(t.Published, 0).UTC().Format("2006-01"), "bids": int64(len(t.Bids)),
		"winner": winner, "award_amount": amount, "objections": int64(t.Objections),
	}}}, nil
}

func supplierRows(e module.IndexEvent) ([]module.Row, error) {
	s, err := GetSupplier(e.State, e.Attr("supplier"))
	if err != nil {
		return nil, err
	}
	return []module.Row{{StateKey: Name + "/" + supplierKey(s.Account), Values: map[string]any{
		"account": s.Account, "name": s.Name, "scheme": s.Scheme, "identifier": s.Identifier, "status": s.Status,
		"registered_height": s.Registered,
	}}}, nil
}
