package procurement

import (
	"fmt"
	"time"

	"github.com/govchain/govchain/app/module"
)

// Queries declares what the API, SDK and CLI read from this module. Every
// list is paginated by the platform.
func (m *Module) Queries() []module.Query {
	tender := func(a module.Args) string { return tenderKey(a.Uint("id")) }
	return []module.Query{
		module.ComputedQuery[ReleasePackage]("ocds_releases", "tenders/{id}/ocds/releases", "The tender's OCDS 1.1 release package: one immutable release per step (tender, amendments, award, contract, implementation), with bids",
			func(r module.Reader, a module.Args, v module.ReadView) (*ReleasePackage, error) {
				p, err := LoadProcess(r, a.Uint("id"))
				if err != nil {
					return nil, err
				}
				pkg := NewReleasePackage(OCDSPackageURI+p.Tender.OCID, OCDSPublisher, v.Time, Releases(p))
				return &pkg, nil
			}).Describe("id", "tender id", true),
		module.ComputedQuery[RecordPackage]("ocds_record", "tenders/{id}/ocds/record", "The tender's OCDS 1.1 record package: every release and the compiled release",
			func(r module.Reader, a module.Args, v module.ReadView) (*RecordPackage, error) {
				p, err := LoadProcess(r, a.Uint("id"))
				if err != nil {
					return nil, err
				}
				pkg := NewRecordPackage(OCDSPackageURI+p.Tender.OCID, OCDSPublisher, v.Time, []*Process{p})
				return &pkg, nil
			}).Describe("id", "tender id", true),
		module.ComputedQuery[ReleasePackage]("ocds_releases_between", "ocds/releases/{from}/{to}", "Bulk: the OCDS releases dated from FROM to TO (unix seconds, block time), of the newest 500 tenders",
			func(r module.Reader, a module.Args, v module.ReadView) (*ReleasePackage, error) {
				var meta Meta
				if _, err := module.GetRecord(r, metaKey, &meta); err != nil {
					return nil, err
				}
				var ps []*Process
				for id := meta.NextTender; id >= 1 && meta.NextTender-id < OCDSBulkTenders; id-- {
					p, err := LoadProcess(r, id)
					if err != nil {
						return nil, err
					}
					ps = append(ps, p)
				}
				rs := ReleasesBetween(ps, time.Unix(int64(a.Uint("from")), 0), time.Unix(int64(a.Uint("to")), 0))
				if len(rs) == 0 {
					return nil, ErrNoReleases.Wrapf("between %s and %s", a["from"], a["to"]).AsMissing()
				}
				pkg := NewReleasePackage(OCDSPackageURI+"releases/"+a["from"]+"-"+a["to"], OCDSPublisher, v.Time, rs)
				return &pkg, nil
			}).Describe("from", "unix seconds (block time)", true).Describe("to", "unix seconds (block time)", true),
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

// The OCDS endpoints' package uri prefix (the ocid or range is appended),
// publisher, and how many of the newest tenders a bulk request reads.
const (
	OCDSPackageURI  = "https://govchain.invalid/v1/procurement/ocds/"
	OCDSBulkTenders = 500
)

// OCDSPublisher publishes the packages the API serves.
var OCDSPublisher = Publisher{Name: "govchain consortium"}
