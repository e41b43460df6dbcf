package procurement

import (
	"fmt"

	"github.com/govchain/govchain/app/module"
)

// Queries declares what the API, SDK and CLI read from this module. Every
// list is paginated by the platform.
func (m *Module) Queries() []module.Query {
	tender := func(a module.Args) string { return tenderKey(a.Uint("id")) }
	return []module.Query{
		module.ListQuery[Supplier]("suppliers", "suppliers", "Every registered supplier with its status and debarment",
			func(module.Args) (string, error) { return "sup/", nil }),
		module.RecordQuery[Supplier]("supplier", "suppliers/{account}", "A supplier: identifier, qualification documents, approval, debarment",
			func(a module.Args) (string, error) { return supplierKey(a["account"]), nil }).
			Describe("account", "the supplier's account", false).Match("account", module.AddressPattern),
		module.ListQuery[Tender]("tenders", "tenders", "Every tender with its status, award and red flags",
			func(module.Args) (string, error) { return "tender/", nil }),
		module.RecordQuery[Tender]("tender", "tenders/{id}", "A tender: items, ceiling, periods, criteria, committee, amendments, bidders, award with its ranking, red flags",
			func(a module.Args) (string, error) { return tender(a), nil }).Describe("id", "tender id", true),
		module.ListQuery[Bid]("bids", "tenders/{id}/bids", "A tender's bids: commitments, and after opening their amounts and statuses",
			func(a module.Args) (string, error) { return fmt.Sprintf("bid/%020d/", a.Uint("id")), nil }).
			Describe("id", "tender id", true).Of("tender", tender),
		module.ListQuery[Scores]("scores", "tenders/{id}/scores", "The committee members' technical scores of a tender",
			func(a module.Args) (string, error) { return fmt.Sprintf("score/%020d/", a.Uint("id")), nil }).
			Describe("id", "tender id", true).Of("tender", tender),
		module.ListQuery[Objection]("objections", "tenders/{id}/objections", "Objections to a tender's award and their decisions",
			func(a module.Args) (string, error) { return fmt.Sprintf("obj/%020d/", a.Uint("id")), nil }).
			Describe("id", "tender id", true).Of("tender", tender),
		module.ListQuery[Contract]("contracts", "contracts", "Every contract with its milestones",
			func(module.Args) (string, error) { return "contract/", nil }),
		module.RecordQuery[Contract]("contract", "contracts/{id}", "A tender's contract: milestones, acceptance, payments, lateness",
			func(a module.Args) (string, error) { return contractKey(a.Uint("id")), nil }).Describe("id", "tender id", true),
		module.RecordQuery[BuyerStats]("buyer", "buyers/{department}", "A procuring department's bids and disqualifications at award",
			func(a module.Args) (string, error) { return buyerKey(a["department"]), nil }).
			Describe("department", "department id", false).WithDefault(),
		module.RecordQuery[Params]("params", "params", "The ocid prefix",
			func(module.Args) (string, error) { return paramsKey, nil }).WithDefault(),
	}
}

// Present shows a debarment in force.
func (s *Supplier) Present(v module.ReadView) { s.Debarred = s.debarredAt(v.Time.Unix()) }

// Present shows milestones past due and not accepted as late.
func (c *Contract) Present(v module.ReadView) {
	for i := range c.Milestones {
		ms := &c.Milestones[i]
		ms.Late = ms.Status != MilestoneAccepted && v.Time.Unix() > ms.Due
	}
}
