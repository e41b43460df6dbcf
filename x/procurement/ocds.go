package procurement

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/govchain/govchain/app/module"
)

// OCDS 1.1 publication (standard.open-contracting.org, schema 1__1__5, with
// the bids extension). Everything here is a pure function of the
// module's records: a Process is read from state (LoadProcess) or from a
// proven export, and Releases, ReleasePackage and RecordPackage build the
// JSON. Amounts are exact decimals of yuan written from integer fen
// (json.Number), never through float64.

// Currency of every amount.
const Currency = "CNY"

// Process is everything on chain about one contracting process.
type Process struct {
	Tender     Tender
	Bids       []Bid
	Suppliers  []Supplier // of every bidder, sorted by account
	Objections []Objection
	Contract   *Contract
	// Scores are the committee's scores, in committee order.
	Scores []Scores
}

// LoadProcess reads a process from state (kv rooted at "procurement/").
func LoadProcess(kv module.Reader, id uint64) (*Process, error) {
	t, err := GetTender(kv, id)
	if err != nil {
		return nil, err
	}
	p := &Process{Tender: *t}
	for _, s := range t.Bids {
		b, err := GetBid(kv, id, s)
		if err != nil {
			return nil, err
		}
		p.Bids = append(p.Bids, *b)
		sup, err := GetSupplier(kv, s)
		if err != nil {
			return nil, err
		}
		p.Suppliers = append(p.Suppliers, *sup)
	}
	sort.Slice(p.Suppliers, func(i, j int) bool { return p.Suppliers[i].Account < p.Suppliers[j].Account })
	for n := uint64(1); n <= t.Objections; n++ {
		o, err := GetObjection(kv, id, n)
		if err != nil {
			return nil, err
		}
		p.Objections = append(p.Objections, *o)
	}
	for _, mb := range t.Committee {
		if !mb.Scored {
			continue
		}
		sc, err := GetScores(kv, id, mb.Account)
		if err != nil {
			return nil, err
		}
		p.Scores = append(p.Scores, *sc)
	}
	if t.Status == StatusContracted {
		c, err := GetContract(kv, id)
		if err != nil {
			return nil, err
		}
		p.Contract = c
	}
	return p, nil
}

// Amount is a decimal amount of yuan from fen: 123456 -> 1234.56.
func Amount(fen uint64) json.Number {
	return json.Number(fmt.Sprintf("%d.%02d", fen/100, fen%100))
}

// Value is an OCDS Value.
type Value struct {
	Amount   json.Number `json:"amount"`
	Currency string      `json:"currency"`
}

func value(fen uint64) *Value { return &Value{Amount: Amount(fen), Currency: Currency} }

// OrgRef is an OCDS OrganizationReference.
type OrgRef struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Identifier is an OCDS Identifier.
type Identifier struct {
	Scheme    string `json:"scheme,omitempty"`
	ID        string `json:"id,omitempty"`
	LegalName string `json:"legalName,omitempty"`
}

// Party is an OCDS Organization.
type Party struct {
	ID         string      `json:"id"`
	Name       string      `json:"name,omitempty"`
	Identifier *Identifier `json:"identifier,omitempty"`
	Roles      []string    `json:"roles,omitempty"`
}

// Document is an OCDS Document known by its SHA-256.
type Document struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
}

// Period is an OCDS Period.
type Period struct {
	StartDate string `json:"startDate,omitempty"`
	EndDate   string `json:"endDate,omitempty"`
}

// Unit is an OCDS Item's unit.
type Unit struct {
	Name string `json:"name,omitempty"`
}

// OItem is an OCDS Item.
type OItem struct {
	ID          string       `json:"id"`
	Description string       `json:"description,omitempty"`
	Quantity    *json.Number `json:"quantity,omitempty"`
	Unit        *Unit        `json:"unit,omitempty"`
}

// OAmendment is an OCDS Amendment.
type OAmendment struct {
	ID          string `json:"id"`
	Date        string `json:"date"`
	Rationale   string `json:"rationale,omitempty"`
	Description string `json:"description,omitempty"`
}

// OTender is an OCDS Tender.
type OTender struct {
	ID                   string       `json:"id"`
	Title                string       `json:"title,omitempty"`
	Status               string       `json:"status,omitempty"`
	ProcuringEntity      *OrgRef      `json:"procuringEntity,omitempty"`
	Items                []OItem      `json:"items,omitempty"`
	Value                *Value       `json:"value,omitempty"`
	ProcurementMethod    string       `json:"procurementMethod,omitempty"`
	AwardCriteria        string       `json:"awardCriteria,omitempty"`
	AwardCriteriaDetails string       `json:"awardCriteriaDetails,omitempty"`
	SubmissionMethod     []string     `json:"submissionMethod,omitempty"`
	SubmissionDetails    string       `json:"submissionMethodDetails,omitempty"`
	TenderPeriod         *Period      `json:"tenderPeriod,omitempty"`
	AwardPeriod          *Period      `json:"awardPeriod,omitempty"`
	NumberOfTenderers    *int         `json:"numberOfTenderers,omitempty"`
	Tenderers            []OrgRef     `json:"tenderers,omitempty"`
	Documents            []Document   `json:"documents,omitempty"`
	Amendments           []OAmendment `json:"amendments,omitempty"`
}

// OBid is a bid of the OCDS bids extension.
type OBid struct {
	ID        string     `json:"id"`
	Date      string     `json:"date,omitempty"`
	Status    string     `json:"status,omitempty"`
	Tenderers []OrgRef   `json:"tenderers,omitempty"`
	Value     *Value     `json:"value,omitempty"`
	Documents []Document `json:"documents,omitempty"`
}

// Bids is the bids extension's section.
type Bids struct {
	Details []OBid `json:"details,omitempty"`
}

// OAward is an OCDS Award.
type OAward struct {
	ID          string   `json:"id"`
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description,omitempty"`
	Status      string   `json:"status,omitempty"`
	Date        string   `json:"date,omitempty"`
	Value       *Value   `json:"value,omitempty"`
	Suppliers   []OrgRef `json:"suppliers,omitempty"`
	RelatedBids []string `json:"relatedBids,omitempty"`
}

// OMilestone is an OCDS Milestone.
type OMilestone struct {
	ID          string `json:"id"`
	Title       string `json:"title,omitempty"`
	Type        string `json:"type,omitempty"`
	Description string `json:"description,omitempty"`
	DueDate     string `json:"dueDate,omitempty"`
	DateMet     string `json:"dateMet,omitempty"`
	Status      string `json:"status,omitempty"`
}

// OTransaction is an OCDS Transaction (a payment).
type OTransaction struct {
	ID    string  `json:"id"`
	Date  string  `json:"date,omitempty"`
	Value *Value  `json:"value,omitempty"`
	Payer *OrgRef `json:"payer,omitempty"`
	Payee *OrgRef `json:"payee,omitempty"`
}

// Implementation is an OCDS Implementation.
type Implementation struct {
	Transactions []OTransaction `json:"transactions,omitempty"`
	Milestones   []OMilestone   `json:"milestones,omitempty"`
}

// OContract is an OCDS Contract.
type OContract struct {
	ID             string          `json:"id"`
	AwardID        string          `json:"awardID"`
	Status         string          `json:"status,omitempty"`
	Value          *Value          `json:"value,omitempty"`
	DateSigned     string          `json:"dateSigned,omitempty"`
	Documents      []Document      `json:"documents,omitempty"`
	Milestones     []OMilestone    `json:"milestones,omitempty"`
	RelatedBids    []string        `json:"relatedBids,omitempty"`
	Implementation *Implementation `json:"implementation,omitempty"`
}

// Release is an OCDS release.
type Release struct {
	OCID           string      `json:"ocid"`
	ID             string      `json:"id"`
	Date           string      `json:"date"`
	Tag            []string    `json:"tag"`
	InitiationType string      `json:"initiationType"`
	Parties        []Party     `json:"parties,omitempty"`
	Buyer          *OrgRef     `json:"buyer,omitempty"`
	Tender         *OTender    `json:"tender,omitempty"`
	Bids           *Bids       `json:"bids,omitempty"`
	Awards         []OAward    `json:"awards,omitempty"`
	Contracts      []OContract `json:"contracts,omitempty"`
}

// Publisher is an OCDS package's publisher.
type Publisher struct {
	Name string `json:"name"`
	URI  string `json:"uri,omitempty"`
}

// ReleasePackage is an OCDS release package.
type ReleasePackage struct {
	URI           string    `json:"uri"`
	Version       string    `json:"version"`
	Extensions    []string  `json:"extensions,omitempty"`
	PublishedDate string    `json:"publishedDate"`
	Publisher     Publisher `json:"publisher"`
	Releases      []Release `json:"releases"`
}

// Record is an OCDS record: a process's releases and its compiled
// release.
type Record struct {
	OCID            string    `json:"ocid"`
	Releases        []Release `json:"releases"`
	CompiledRelease *Release  `json:"compiledRelease,omitempty"`
}

// RecordPackage is an OCDS record package.
type RecordPackage struct {
	URI           string    `json:"uri"`
	Version       string    `json:"version"`
	Extensions    []string  `json:"extensions,omitempty"`
	PublishedDate string    `json:"publishedDate"`
	Publisher     Publisher `json:"publisher"`
	Records       []Record  `json:"records"`
}

// BidExtension is the bids extension's extension.json.
const BidExtension = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"

func date(unix int64) string { return time.Unix(unix, 0).UTC().Format(time.RFC3339) }

func docs(hs [][]byte) []Document {
	var out []Document
	for _, h := range hs {
		out = append(out, Document{ID: hex.EncodeToString(h), Description: "SHA-256 of a document kept off-chain"})
	}
	return out
}

// BuyerID is the OCDS party id of a department.
func BuyerID(dept string) string { return "govchain-department-" + dept }

// SupplierID is the OCDS party id of a supplier: its scheme and
// identifier.
func SupplierID(s *Supplier) string { return s.Scheme + "-" + s.Identifier }

func (p *Process) supplier(acct string) *Supplier {
	i := sort.Search(len(p.Suppliers), func(i int) bool { return p.Suppliers[i].Account >= acct })
	if i < len(p.Suppliers) && p.Suppliers[i].Account == acct {
		return &p.Suppliers[i]
	}
	return &Supplier{Account: acct, Scheme: "govchain-account", Identifier: acct}
}

func (p *Process) ref(acct string) OrgRef {
	s := p.supplier(acct)
	return OrgRef{ID: SupplierID(s), Name: s.Name}
}

func bidID(p *Process, acct string) string { return p.Tender.OCID + "-bid-" + acct }

func awardID(t *Tender) string { return t.OCID + "-award-1" }

func (p *Process) parties() []Party {
	t := &p.Tender
	out := []Party{{ID: BuyerID(t.Buyer), Name: t.Buyer, Roles: []string{"buyer", "procuringEntity"}}}
	for i := range p.Suppliers {
		s := &p.Suppliers[i]
		roles := []string{"tenderer"}
		if t.Award != nil && t.Award.Winner == s.Account {
			roles = append(roles, "supplier")
		}
		out = append(out, Party{ID: SupplierID(s), Name: s.Name, Identifier: &Identifier{Scheme: s.Scheme, ID: s.Identifier, LegalName: s.Name}, Roles: roles})
	}
	return out
}

// tenderSection is the tender as published, or as amended by the first n
// amendments.
func (p *Process) tenderSection(n int) *OTender {
	t := &p.Tender
	ot := &OTender{ID: t.OCID + "-tender", Title: t.Title, Status: "active", ProcuringEntity: &OrgRef{ID: BuyerID(t.Buyer), Name: t.Buyer},
		Value: value(t.Ceiling), ProcurementMethod: t.Method, SubmissionMethod: []string{"electronicSubmission"},
		SubmissionDetails: "sealed bids: commit BidHash before the deadline, reveal after opening (docs/procurement.md)"}
	for i, it := range t.Items {
		q := json.Number(strconv.FormatUint(it.Quantity, 10))
		oi := OItem{ID: strconv.Itoa(i + 1), Description: it.Description, Quantity: &q}
		if it.Unit != "" {
			oi.Unit = &Unit{Name: it.Unit}
		}
		ot.Items = append(ot.Items, oi)
	}
	if len(t.Criteria) == 0 {
		ot.AwardCriteria = "priceOnly"
		ot.AwardCriteriaDetails = "lowest compliant price"
	} else {
		ot.AwardCriteria = "ratedCriteria"
		d := fmt.Sprintf("MOF Order 87 comprehensive scoring: price %d%%", t.PriceWeight)
		for _, c := range t.Criteria {
			d += fmt.Sprintf(", %s %d%%", c.Name, c.Weight)
		}
		ot.AwardCriteriaDetails = d
	}
	// The deadline as of the first n amendments.
	deadline := t.Deadline
	if n < len(t.Amendments) {
		deadline = t.Amendments[n].OldDeadline
	}
	ot.TenderPeriod = &Period{StartDate: date(t.Published), EndDate: date(deadline)}
	docCount := len(t.Documents)
	for _, a := range t.Amendments[n:] {
		docCount -= len(a.Documents)
	}
	ot.Documents = docs(t.Documents[:docCount])
	for _, a := range t.Amendments[:n] {
		ot.Amendments = append(ot.Amendments, OAmendment{ID: strconv.FormatUint(a.Seq, 10), Date: date(a.Time), Rationale: a.Rationale,
			Description: fmt.Sprintf("deadline %s -> %s", date(a.OldDeadline), date(a.NewDeadline))})
	}
	return ot
}

func bidStatus(b *Bid) string {
	switch b.Status {
	case BidDisqualified:
		return "disqualified"
	case BidRevealed:
		return "valid"
	}
	return "pending"
}

// Releases are the process's releases, oldest first: the tender, one per
// amendment, the award (with bids), the contract, then one per milestone
// decision and per payment (implementation). Each is dated by the block
// time of the step it publishes, and each id is unique within the ocid.
func Releases(p *Process) []Release {
	t := &p.Tender
	base := func(id string, unix int64, tag ...string) Release {
		return Release{OCID: t.OCID, ID: t.OCID + "-" + id, Date: date(unix), Tag: tag, InitiationType: "tender",
			Buyer: &OrgRef{ID: BuyerID(t.Buyer), Name: t.Buyer}}
	}
	var out []Release
	r := base("tender", t.Published, "tender")
	r.Parties = []Party{{ID: BuyerID(t.Buyer), Name: t.Buyer, Roles: []string{"buyer", "procuringEntity"}}}
	r.Tender = p.tenderSection(0)
	out = append(out, r)
	for i, a := range t.Amendments {
		r := base("amendment-"+strconv.FormatUint(a.Seq, 10), a.Time, "tenderAmendment")
		r.Tender = p.tenderSection(i + 1)
		out = append(out, r)
	}
	if t.Award == nil && t.Status != StatusUnsuccessful {
		return out
	}
	var when int64
	if t.Award != nil {
		when = t.Award.Time
	} else {
		when = t.RevealEnd
	}
	r = p.full(base("award", when, "award", "tenderUpdate"), false)
	out = append(out, r)
	if p.Contract == nil {
		return out
	}
	c := p.Contract
	r = p.full(base("contract", c.Signed, "contract"), false)
	out = append(out, r)
	// Implementation: each milestone decision and payment, in time order.
	type step struct {
		unix int64
		id   string
	}
	var steps []step
	for i, ms := range c.Milestones {
		if ms.Decided != 0 {
			steps = append(steps, step{ms.Decided, fmt.Sprintf("milestone-%d-%s", i, ms.Status)})
		}
		for j, pay := range ms.Payments {
			steps = append(steps, step{pay.Time, fmt.Sprintf("milestone-%d-payment-%d", i, j)})
		}
	}
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].unix < steps[j].unix })
	for _, s := range steps {
		out = append(out, p.full(base("implementation-"+s.id, s.unix, "implementation"), false))
	}
	return out
}

// full fills a release with the whole process as it stands.
func (p *Process) full(r Release, compiled bool) Release {
	t := &p.Tender
	r.Parties = p.parties()
	r.Tender = p.tenderSection(len(t.Amendments))
	n := len(p.Bids)
	r.Tender.NumberOfTenderers = &n
	for _, b := range p.Bids {
		r.Tender.Tenderers = append(r.Tender.Tenderers, p.ref(b.Supplier))
	}
	switch t.Status {
	case StatusAwarded, StatusSuspended, StatusContracted:
		r.Tender.Status = "complete"
	case StatusCancelled:
		r.Tender.Status = "cancelled"
	case StatusUnsuccessful:
		r.Tender.Status = "unsuccessful"
	}
	r.Tender.AwardPeriod = &Period{StartDate: date(t.RevealEnd)}
	if t.Award != nil {
		r.Tender.AwardPeriod.EndDate = date(t.Award.Time)
	}
	r.Bids = &Bids{}
	for i := range p.Bids {
		b := &p.Bids[i]
		ob := OBid{ID: bidID(p, b.Supplier), Date: date(b.Committed), Status: bidStatus(b), Tenderers: []OrgRef{p.ref(b.Supplier)}}
		if b.Amount != 0 {
			ob.Value = value(b.Amount)
		}
		if len(b.Document) != 0 {
			ob.Documents = docs([][]byte{b.Document})
		}
		r.Bids.Details = append(r.Bids.Details, ob)
	}
	if t.Award != nil {
		a := OAward{ID: awardID(t), Title: "Award of " + t.Title, Date: date(t.Award.Time), Value: value(t.Award.Amount),
			Suppliers: []OrgRef{p.ref(t.Award.Winner)}, RelatedBids: []string{bidID(p, t.Award.Winner)}, Status: "active"}
		switch t.Status {
		case StatusSuspended:
			a.Status = "pending"
			a.Description = "suspended by an objection awaiting review"
		case StatusCancelled:
			a.Status = "cancelled"
			a.Description = "cancelled: an objection was upheld"
		}
		r.Awards = []OAward{a}
	}
	if c := p.Contract; c != nil {
		oc := OContract{ID: t.OCID + "-contract-1", AwardID: awardID(t), Status: "active", Value: value(c.Amount), DateSigned: date(c.Signed),
			RelatedBids: []string{bidID(p, c.Supplier)}, Implementation: &Implementation{}}
		if len(c.Document) != 0 {
			oc.Documents = docs([][]byte{c.Document})
		}
		paidAll := true
		for i, ms := range c.Milestones {
			om := OMilestone{ID: strconv.Itoa(i), Title: ms.Deliverable, Type: "delivery", DueDate: date(ms.Due), Status: "scheduled",
				Description: fmt.Sprintf("amount %s %s; paid %s", Amount(ms.Amount), Currency, Amount(ms.Paid))}
			switch ms.Status {
			case MilestoneAccepted:
				om.Status, om.DateMet = "met", date(ms.Decided)
			case MilestoneRejected:
				om.Status = "notMet"
			}
			oc.Milestones = append(oc.Milestones, om)
			oc.Implementation.Milestones = append(oc.Implementation.Milestones, om)
			for j, pay := range ms.Payments {
				oc.Implementation.Transactions = append(oc.Implementation.Transactions, OTransaction{
					ID: fmt.Sprintf("milestone-%d-payment-%d", i, j), Date: date(pay.Time), Value: value(pay.Amount),
					Payer: &OrgRef{ID: BuyerID(t.Buyer), Name: t.Buyer}, Payee: ptr(p.ref(c.Supplier))})
			}
			paidAll = paidAll && ms.Paid == ms.Amount
		}
		if paidAll {
			oc.Status = "terminated"
		}
		r.Contracts = []OContract{oc}
	}
	return r
}

func ptr[T any](v T) *T { return &v }

// Compiled is the process's compiled release: its latest state, tagged
// "compiled" and dated by its last release.
func Compiled(p *Process) Release {
	rs := Releases(p)
	last := rs[len(rs)-1]
	r := Release{OCID: p.Tender.OCID, ID: p.Tender.OCID + "-compiled", Date: last.Date, Tag: []string{"compiled"}, InitiationType: "tender",
		Buyer: &OrgRef{ID: BuyerID(p.Tender.Buyer), Name: p.Tender.Buyer}}
	if len(rs) == 1+len(p.Tender.Amendments) {
		r.Parties, r.Tender = last.Parties, last.Tender
		return r
	}
	return p.full(r, true)
}

// NewReleasePackage packages releases (publishedDate: the block time of
// the height read).
func NewReleasePackage(uri string, pub Publisher, published time.Time, rs []Release) ReleasePackage {
	if rs == nil {
		rs = []Release{}
	}
	return ReleasePackage{URI: uri, Version: "1.1", Extensions: []string{BidExtension}, PublishedDate: published.UTC().Format(time.RFC3339),
		Publisher: pub, Releases: rs}
}

// NewRecordPackage packages the records of processes.
func NewRecordPackage(uri string, pub Publisher, published time.Time, ps []*Process) RecordPackage {
	rp := RecordPackage{URI: uri, Version: "1.1", Extensions: []string{BidExtension}, PublishedDate: published.UTC().Format(time.RFC3339),
		Publisher: pub, Records: []Record{}}
	for _, p := range ps {
		c := Compiled(p)
		rp.Records = append(rp.Records, Record{OCID: p.Tender.OCID, Releases: Releases(p), CompiledRelease: &c})
	}
	return rp
}

// ReleasesBetween are the releases of processes dated in [from, to) (block
// time), oldest first: the bulk export.
func ReleasesBetween(ps []*Process, from, to time.Time) []Release {
	var out []Release
	for _, p := range ps {
		for _, r := range Releases(p) {
			d, _ := time.Parse(time.RFC3339, r.Date)
			if !d.Before(from) && d.Before(to) {
				out = append(out, r)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}
