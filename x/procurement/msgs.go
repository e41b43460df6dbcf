package procurement

import "github.com/govchain/govchain/app/module"

// Message types.
const (
	TypeRegisterSupplier = "procurement.register_supplier"
	TypeApproveSupplier  = "procurement.approve_supplier"
	TypeDebarSupplier    = "procurement.debar_supplier"
	TypePublishTender    = "procurement.publish_tender"
	TypeAmendTender      = "procurement.amend_tender"
	TypeCommitBid        = "procurement.commit_bid"
	TypeRevealBid        = "procurement.reveal_bid"
	TypeDeclare          = "procurement.declare_conflicts"
	TypeScore            = "procurement.submit_scores"
	TypeAward            = "procurement.award"
	TypeObject           = "procurement.object"
	TypeDecideObjection  = "procurement.decide_objection"
	TypeSignContract     = "procurement.sign_contract"
	TypeDecideMilestone  = "procurement.decide_milestone"
	TypePayMilestone     = "procurement.pay_milestone"
)

// MsgRegisterSupplier registers the signer's account as a supplier,
// pending approval.
type MsgRegisterSupplier struct {
	Name       string   `cbor:"1,keyasint" json:"name" doc:"legal name of the organisation"`
	Scheme     string   `cbor:"2,keyasint" json:"scheme" doc:"identifier scheme, e.g. CN-USCC (unified social credit code)" default:"CN-USCC"`
	Identifier string   `cbor:"3,keyasint" json:"identifier" doc:"the organisation's id in that scheme"`
	Documents  [][]byte `cbor:"4,keyasint,omitempty" json:"documents,omitempty" cli:"hex,name=document" doc:"SHA-256 of a qualification document kept off-chain"`
}

func (m *MsgRegisterSupplier) Validate() error {
	if err := checkText("name", m.Name, 256, true); err != nil {
		return err
	}
	if err := checkText("scheme", m.Scheme, 32, true); err != nil {
		return err
	}
	if err := checkText("identifier", m.Identifier, 64, true); err != nil {
		return err
	}
	return checkHashes("documents", m.Documents, MaxDocuments)
}

// MsgSupplierRef names a supplier.
type MsgSupplierRef struct {
	Supplier string `cbor:"1,keyasint" json:"supplier" cli:"arg" doc:"the supplier's account"`
}

func (m *MsgSupplierRef) Validate() error { return checkAddr("supplier", m.Supplier) }

// MsgDebarSupplier bars a supplier from bidding until a time.
type MsgDebarSupplier struct {
	Supplier string `cbor:"1,keyasint" json:"supplier" cli:"arg" doc:"the supplier's account"`
	Reason   string `cbor:"2,keyasint" json:"reason" doc:"grounds and decision reference"`
	Until    int64  `cbor:"3,keyasint" json:"until_unix" cli:"name=until" doc:"unix time the debarment ends" fmt:"unix"`
}

func (m *MsgDebarSupplier) Validate() error {
	if err := checkAddr("supplier", m.Supplier); err != nil {
		return err
	}
	if m.Until <= 0 {
		return module.ErrInvalidField.Wrapf("until must be a unix time")
	}
	return checkText("reason", m.Reason, 512, true)
}

// MsgPublishTender publishes a call for bids.
type MsgPublishTender struct {
	Title           string      `cbor:"1,keyasint" json:"title" doc:"title"`
	Items           []Item      `cbor:"2,keyasint" json:"items" doc:"what is bought"`
	Ceiling         uint64      `cbor:"3,keyasint" json:"ceiling" doc:"maximum price in fen" fmt:"yuan"`
	BudgetLine      string      `cbor:"4,keyasint,omitempty" json:"budget_line,omitempty" doc:"fiscal budget line the tender draws on"`
	Method          string      `cbor:"5,keyasint" json:"method" doc:"open, selective, limited or direct" default:"open"`
	Documents       [][]byte    `cbor:"6,keyasint,omitempty" json:"documents,omitempty" cli:"hex,name=document" doc:"SHA-256 of a tender document"`
	Deadline        int64       `cbor:"7,keyasint" json:"deadline_unix" cli:"name=deadline" doc:"unix time bids close" fmt:"unix"`
	Opening         int64       `cbor:"8,keyasint" json:"opening_unix" cli:"name=opening" doc:"unix time bids open (reveals start)" fmt:"unix"`
	RevealEnd       int64       `cbor:"9,keyasint" json:"reveal_end_unix" cli:"name=reveal-end" doc:"unix time reveals end and scoring starts" fmt:"unix"`
	PriceWeight     uint32      `cbor:"10,keyasint,omitempty" json:"price_weight_pct" doc:"weight of the price score in percent"`
	Criteria        []Criterion `cbor:"11,keyasint,omitempty" json:"criteria,omitempty" doc:"technical criteria and weights in percent"`
	Committee       []string    `cbor:"12,keyasint" json:"committee" cli:"name=member" doc:"accounts of the evaluation committee"`
	ObjectionWindow int64       `cbor:"13,keyasint" json:"objection_window_s" doc:"seconds after the award during which bidders may object"`
}

func (m *MsgPublishTender) Validate() error {
	if err := checkText("title", m.Title, 256, true); err != nil {
		return err
	}
	if len(m.Items) == 0 || len(m.Items) > MaxItems {
		return module.ErrInvalidField.Wrapf("1 to %d items", MaxItems)
	}
	for _, it := range m.Items {
		if err := checkText("item description", it.Description, 256, true); err != nil {
			return err
		}
		if err := checkText("item unit", it.Unit, 32, false); err != nil {
			return err
		}
	}
	if m.Ceiling == 0 {
		return module.ErrInvalidField.Wrapf("ceiling must be positive")
	}
	if err := checkText("budget line", m.BudgetLine, 64, false); err != nil {
		return err
	}
	if !Methods[m.Method] {
		return module.ErrInvalidField.Wrapf("method: open, selective, limited or direct")
	}
	if err := checkHashes("documents", m.Documents, MaxDocuments); err != nil {
		return err
	}
	if len(m.Criteria) > MaxCriteria {
		return ErrBadCriteria.Wrapf("at most %d criteria", MaxCriteria)
	}
	sum := uint64(m.PriceWeight)
	for _, c := range m.Criteria {
		if err := checkText("criterion name", c.Name, 128, true); err != nil {
			return err
		}
		if c.Weight == 0 {
			return ErrBadCriteria.Wrapf("criterion %q has no weight", c.Name)
		}
		sum += uint64(c.Weight)
	}
	if sum != 100 {
		return ErrBadCriteria.Wrapf("weights sum to %d", sum)
	}
	if len(m.Committee) == 0 || len(m.Committee) > MaxCommittee {
		return module.ErrInvalidField.Wrapf("committee of 1 to %d", MaxCommittee)
	}
	seen := map[string]bool{}
	for _, a := range m.Committee {
		if err := checkAddr("committee member", a); err != nil {
			return err
		}
		if seen[a] {
			return module.ErrInvalidField.Wrapf("committee member %s twice", a)
		}
		seen[a] = true
	}
	if m.ObjectionWindow < 0 || m.ObjectionWindow > 365*24*3600 {
		return module.ErrInvalidField.Wrapf("objection window: 0 to one year in seconds")
	}
	return nil
}

// MsgAmendTender amends a tender before its deadline.
type MsgAmendTender struct {
	Tender    uint64   `cbor:"1,keyasint" json:"tender" cli:"arg" doc:"tender id"`
	Rationale string   `cbor:"2,keyasint" json:"rationale" doc:"what changed and why"`
	Documents [][]byte `cbor:"3,keyasint,omitempty" json:"documents,omitempty" cli:"hex,name=document" doc:"SHA-256 of an amended document"`
	Deadline  int64    `cbor:"4,keyasint,omitempty" json:"deadline_unix,omitempty" cli:"name=deadline" doc:"new deadline (0: keep; extended to the minimum notice anyway)" fmt:"unix"`
}

func (m *MsgAmendTender) Validate() error {
	if err := checkText("rationale", m.Rationale, 512, true); err != nil {
		return err
	}
	if m.Deadline < 0 {
		return module.ErrInvalidField.Wrapf("deadline must be a unix time")
	}
	return checkHashes("documents", m.Documents, MaxDocuments)
}

// MsgCommitBid seals a bid: Hash = BidHash(tender, supplier, amount,
// document, salt).
type MsgCommitBid struct {
	Tender uint64 `cbor:"1,keyasint" json:"tender" cli:"arg" doc:"tender id"`
	Hash   []byte `cbor:"2,keyasint" json:"hash" cli:"hex" doc:"BidHash of the sealed bid (docs/procurement.md)"`
}

func (m *MsgCommitBid) Validate() error {
	if len(m.Hash) != 32 {
		return module.ErrInvalidField.Wrapf("hash must be 32 bytes")
	}
	return nil
}

// MsgRevealBid opens the signer's sealed bid.
type MsgRevealBid struct {
	Tender   uint64 `cbor:"1,keyasint" json:"tender" cli:"arg" doc:"tender id"`
	Amount   uint64 `cbor:"2,keyasint" json:"amount" doc:"bid price in fen" fmt:"yuan"`
	Document []byte `cbor:"3,keyasint" json:"document" cli:"hex" doc:"SHA-256 of the technical offer"`
	Salt     []byte `cbor:"4,keyasint" json:"salt" cli:"hex" doc:"the salt sealed in the commitment (16 to 64 bytes)"`
}

func (m *MsgRevealBid) Validate() error {
	if m.Amount == 0 {
		return module.ErrInvalidField.Wrapf("amount must be positive")
	}
	if len(m.Document) != 32 {
		return module.ErrInvalidField.Wrapf("document must be 32 bytes")
	}
	if len(m.Salt) < 16 || len(m.Salt) > 64 {
		return module.ErrInvalidField.Wrapf("salt must be 16 to 64 bytes")
	}
	return nil
}

// MsgDeclare is a committee member's declaration of conflicts of interest.
type MsgDeclare struct {
	Tender     uint64 `cbor:"1,keyasint" json:"tender" cli:"arg" doc:"tender id"`
	Conflicted bool   `cbor:"2,keyasint,omitempty" json:"conflicted" doc:"the member has a conflict with a bidder and steps down"`
}

// MsgScore is a committee member's technical scores: Points[i][c] for the
// i-th revealed bid in the tender's bidder order, criterion c.
type MsgScore struct {
	Tender uint64     `cbor:"1,keyasint" json:"tender" cli:"arg" doc:"tender id"`
	Bids   []string   `cbor:"2,keyasint" json:"bids" cli:"name=bid" doc:"the revealed bids' suppliers, in the tender's bidder order"`
	Points [][]uint32 `cbor:"3,keyasint" json:"points" cli:"-" doc:"points per bid per criterion, 0 to 100"`
}

func (m *MsgScore) Validate() error {
	if len(m.Bids) > MaxBids || len(m.Points) != len(m.Bids) {
		return ErrBadScores.Wrapf("one row of points per bid")
	}
	for _, row := range m.Points {
		if len(row) > MaxCriteria {
			return ErrBadScores
		}
		for _, p := range row {
			if p > 100 {
				return ErrBadScores.Wrapf("points above 100")
			}
		}
	}
	return nil
}

// MsgTenderRef names a tender.
type MsgTenderRef struct {
	Tender uint64 `cbor:"1,keyasint" json:"tender" cli:"arg" doc:"tender id"`
}

// MsgObject files a bidder's objection to an award.
type MsgObject struct {
	Tender  uint64 `cbor:"1,keyasint" json:"tender" cli:"arg" doc:"tender id"`
	Grounds string `cbor:"2,keyasint" json:"grounds" doc:"grounds of the objection"`
}

func (m *MsgObject) Validate() error { return checkText("grounds", m.Grounds, 1024, true) }

// MsgDecideObjection records a review's decision on an objection.
type MsgDecideObjection struct {
	Tender   uint64 `cbor:"1,keyasint" json:"tender" cli:"arg" doc:"tender id"`
	ID       uint64 `cbor:"2,keyasint" json:"id" cli:"arg" doc:"objection id"`
	Upheld   bool   `cbor:"3,keyasint,omitempty" json:"upheld" doc:"uphold the objection (cancels the award)"`
	Decision string `cbor:"4,keyasint" json:"decision" doc:"the decision and its reasons"`
}

func (m *MsgDecideObjection) Validate() error { return checkText("decision", m.Decision, 1024, true) }

// MsgMilestone is a milestone of a contract being signed.
type MsgMilestone struct {
	Deliverable string `cbor:"1,keyasint" json:"deliverable"`
	Due         int64  `cbor:"2,keyasint" json:"due_unix" fmt:"unix"`
	Amount      uint64 `cbor:"3,keyasint" json:"amount" fmt:"yuan"`
}

// MsgSignContract records the signed contract of an awarded tender.
type MsgSignContract struct {
	Tender     uint64         `cbor:"1,keyasint" json:"tender" cli:"arg" doc:"tender id"`
	Document   []byte         `cbor:"2,keyasint,omitempty" json:"document,omitempty" cli:"hex" doc:"SHA-256 of the signed contract"`
	Milestones []MsgMilestone `cbor:"3,keyasint" json:"milestones" cli:"-" doc:"deliverables, due dates and amounts"`
}

func (m *MsgSignContract) Validate() error {
	if len(m.Document) != 0 && len(m.Document) != 32 {
		return module.ErrInvalidField.Wrapf("document must be 32 bytes")
	}
	if len(m.Milestones) == 0 || len(m.Milestones) > MaxMilestones {
		return ErrBadMilestones
	}
	for _, ms := range m.Milestones {
		if err := checkText("deliverable", ms.Deliverable, 256, true); err != nil {
			return err
		}
		if ms.Amount == 0 || ms.Due <= 0 {
			return ErrBadMilestones.Wrapf("positive amount and a due time")
		}
	}
	return nil
}

// MsgDecideMilestone accepts or rejects a milestone's deliverable.
type MsgDecideMilestone struct {
	Tender uint64 `cbor:"1,keyasint" json:"tender" cli:"arg" doc:"tender id"`
	Index  uint32 `cbor:"2,keyasint,omitempty" json:"index" cli:"arg" doc:"milestone index, from 0"`
	Accept bool   `cbor:"3,keyasint,omitempty" json:"accept" doc:"accept (else reject) the deliverable"`
	Note   string `cbor:"4,keyasint,omitempty" json:"note,omitempty" doc:"inspection note"`
}

func (m *MsgDecideMilestone) Validate() error { return checkText("note", m.Note, 512, false) }

// MsgPayMilestone pays (part of) an accepted milestone.
type MsgPayMilestone struct {
	Tender uint64 `cbor:"1,keyasint" json:"tender" cli:"arg" doc:"tender id"`
	Index  uint32 `cbor:"2,keyasint,omitempty" json:"index" cli:"arg" doc:"milestone index, from 0"`
	Amount uint64 `cbor:"3,keyasint" json:"amount" doc:"amount in fen" fmt:"yuan"`
}

func (m *MsgPayMilestone) Validate() error {
	if m.Amount == 0 {
		return module.ErrInvalidField.Wrapf("amount must be positive")
	}
	return nil
}
