package procurement

import (
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/govchain/govchain/app/module"
)

// Name is the module name.
const Name = "procurement"

// Roles defined by this module.
const (
	RoleOfficer   = "procurement.officer"   // publishes tenders, awards, contracts, accepts and pays milestones (any department)
	RoleEvaluator = "procurement.evaluator" // sits on evaluation committees (expert pool kept by the Ministry of Finance)
	RoleMarket    = "procurement.market"    // approves suppliers (market regulation, listed by proposal)
	RoleAuditor   = "procurement.auditor"   // debars suppliers (Ministry of Finance, as the supervisor of procurement)
	RoleReviewer  = "procurement.reviewer"  // decides objections (Ministry of Finance)
)

// Limits.
const (
	MaxBids       = 200
	MaxCommittee  = 25
	MaxCriteria   = 16
	MaxMilestones = 64
	MaxPayments   = 16 // per milestone
	MaxObjections = 16
	MaxItems      = 64
	MaxDocuments  = 32
	MaxAmendments = 32
	// MinNotice is the shortest time, in seconds of block time, between
	// an amendment and the deadline: an amendment closer to the deadline
	// extends it.
	MinNotice = 15 * 24 * 3600
)

// Supplier statuses.
const (
	SupplierPending  = "pending"
	SupplierApproved = "approved"
)

// Tender statuses.
const (
	StatusActive       = "active"       // accepting bids, then reveals, then scores
	StatusAwarded      = "awarded"      // award recorded, objection window running or over
	StatusSuspended    = "suspended"    // an objection awaits review
	StatusContracted   = "contracted"   // contract signed; milestones under way
	StatusCancelled    = "cancelled"    // an objection was upheld
	StatusUnsuccessful = "unsuccessful" // no compliant bid
)

// Procurement methods (OCDS procurementMethod).
var Methods = map[string]bool{"open": true, "selective": true, "limited": true, "direct": true}

// Supplier is an organisation that may bid, keyed by its account.
type Supplier struct {
	Account    string   `cbor:"1,keyasint" json:"account"`
	Name       string   `cbor:"2,keyasint" json:"name"`
	Scheme     string   `cbor:"3,keyasint" json:"scheme"`     // e.g. CN-USCC (unified social credit code)
	Identifier string   `cbor:"4,keyasint" json:"identifier"` // the id in that scheme
	Documents  [][]byte `cbor:"5,keyasint,omitempty" json:"documents,omitempty"`
	Status     string   `cbor:"6,keyasint" json:"status"`
	Registered int64    `cbor:"7,keyasint" json:"registered_height"`
	ApprovedBy string   `cbor:"8,keyasint,omitempty" json:"approved_by,omitempty"`
	// Debarment, when set, bars bids until its end (block time).
	Debarment *Debarment `cbor:"9,keyasint,omitempty" json:"debarment,omitempty"`
	// Debarred is derived at read time: a debarment in force.
	Debarred bool `cbor:"-" json:"debarred" derive:"true when debarment is present and the block time in unix seconds (rounded down) is less than debarment.until_unix"`
}

// Debarment is an auditor's bar on a supplier.
type Debarment struct {
	Reason string `cbor:"1,keyasint" json:"reason"`
	Until  int64  `cbor:"2,keyasint" json:"until_unix" fmt:"unix"`
	By     string `cbor:"3,keyasint" json:"by"`
	Height int64  `cbor:"4,keyasint" json:"height"`
}

func (s *Supplier) debarredAt(now int64) bool { return s.Debarment != nil && now < s.Debarment.Until }

// Item is a line of what is bought.
type Item struct {
	Description string `cbor:"1,keyasint" json:"description"`
	Quantity    uint64 `cbor:"2,keyasint" json:"quantity"`
	Unit        string `cbor:"3,keyasint,omitempty" json:"unit,omitempty"`
}

// Criterion is a technical award criterion and its weight in percent.
type Criterion struct {
	Name   string `cbor:"1,keyasint" json:"name"`
	Weight uint32 `cbor:"2,keyasint" json:"weight_pct"`
}

// Member is a member of the evaluation committee.
type Member struct {
	Account    string `cbor:"1,keyasint" json:"account"`
	Declared   bool   `cbor:"2,keyasint,omitempty" json:"declared"`
	Conflicted bool   `cbor:"3,keyasint,omitempty" json:"conflicted"`
	Scored     bool   `cbor:"4,keyasint,omitempty" json:"scored"`
}

// Amendment is a change to a tender before its deadline.
type Amendment struct {
	Seq         uint64   `cbor:"1,keyasint" json:"seq"`
	Height      int64    `cbor:"2,keyasint" json:"height"`
	Time        int64    `cbor:"3,keyasint" json:"time_unix" fmt:"unix"`
	Rationale   string   `cbor:"4,keyasint" json:"rationale"`
	Documents   [][]byte `cbor:"5,keyasint,omitempty" json:"documents,omitempty"`
	OldDeadline int64    `cbor:"6,keyasint" json:"old_deadline_unix" fmt:"unix"`
	NewDeadline int64    `cbor:"7,keyasint" json:"new_deadline_unix" fmt:"unix"`
}

// RedFlags are OCP Cardinal's indicators, computed when a tender is
// awarded.
type RedFlags struct {
	SingleBidder bool `cbor:"1,keyasint,omitempty" json:"single_bidder"`
	// AllButWinnerDisqualified: more than one bid, and only the winner's
	// qualified.
	AllButWinnerDisqualified bool `cbor:"2,keyasint,omitempty" json:"all_but_winner_disqualified"`
	// LowestDisqualified: under a price-only award, the lowest revealed
	// bid was disqualified.
	LowestDisqualified bool `cbor:"3,keyasint,omitempty" json:"lowest_bid_disqualified"`
	// WinnerGapBP is the runner-up's price minus the winner's, in basis
	// points of the winner's price (negative when the winner is dearer);
	// HasRunnerUp says whether there was one.
	WinnerGapBP int64 `cbor:"4,keyasint,omitempty" json:"winner_gap_bp"`
	HasRunnerUp bool  `cbor:"5,keyasint,omitempty" json:"has_runner_up"`
	// BuyerDisqualifiedBP is the share, in basis points, of the bids the
	// procuring department has disqualified over all its awarded tenders,
	// this one included.
	BuyerDisqualifiedBP uint64 `cbor:"6,keyasint,omitempty" json:"buyer_disqualified_bp"`
}

// Tender is a call for bids and, as it advances, its award.
type Tender struct {
	ID          uint64      `cbor:"1,keyasint" json:"id"`
	OCID        string      `cbor:"2,keyasint" json:"ocid"`
	Buyer       string      `cbor:"3,keyasint" json:"buyer"` // department id
	Officer     string      `cbor:"4,keyasint" json:"officer"`
	Title       string      `cbor:"5,keyasint" json:"title"`
	Items       []Item      `cbor:"6,keyasint" json:"items"`
	Ceiling     uint64      `cbor:"7,keyasint" json:"ceiling" fmt:"yuan"`
	BudgetLine  string      `cbor:"8,keyasint,omitempty" json:"budget_line,omitempty"`
	Method      string      `cbor:"9,keyasint" json:"method"`
	Documents   [][]byte    `cbor:"10,keyasint,omitempty" json:"documents,omitempty"`
	Published   int64       `cbor:"11,keyasint" json:"published_unix" fmt:"unix"`
	Deadline    int64       `cbor:"12,keyasint" json:"deadline_unix" fmt:"unix"`
	Opening     int64       `cbor:"13,keyasint" json:"opening_unix" fmt:"unix"`
	RevealEnd   int64       `cbor:"14,keyasint" json:"reveal_end_unix" fmt:"unix"`
	PriceWeight uint32      `cbor:"15,keyasint" json:"price_weight_pct"`
	Criteria    []Criterion `cbor:"16,keyasint,omitempty" json:"criteria"`
	Committee   []Member    `cbor:"17,keyasint" json:"committee"`
	// ObjectionWindow is how long, in seconds after the award, bidders
	// may object.
	ObjectionWindow int64       `cbor:"18,keyasint" json:"objection_window_s"`
	Amendments      []Amendment `cbor:"19,keyasint,omitempty" json:"amendments,omitempty"`
	Status          string      `cbor:"20,keyasint" json:"status"`
	Bids            []string    `cbor:"21,keyasint,omitempty" json:"bidders"` // supplier accounts, in commit order
	Award           *Award      `cbor:"22,keyasint,omitempty" json:"award,omitempty"`
	Flags           *RedFlags   `cbor:"23,keyasint,omitempty" json:"red_flags,omitempty"`
	Objections      uint64      `cbor:"24,keyasint,omitempty" json:"objections"`
	Pending         uint64      `cbor:"25,keyasint,omitempty" json:"pending_objections"`
	// Reserved is what the tender holds on its budget line.
	Reserved uint64 `cbor:"26,keyasint,omitempty" json:"reserved" fmt:"yuan"`
}

// Award is the result of an evaluation: the ranking of every bid.
type Award struct {
	Height          int64    `cbor:"1,keyasint" json:"height"`
	Time            int64    `cbor:"2,keyasint" json:"time_unix" fmt:"unix"`
	Winner          string   `cbor:"3,keyasint" json:"winner"`
	Amount          uint64   `cbor:"4,keyasint" json:"amount" fmt:"yuan"`
	ObjectionsUntil int64    `cbor:"5,keyasint" json:"objections_until_unix" fmt:"unix"`
	Ranking         []Ranked `cbor:"6,keyasint" json:"ranking"`
}

// Ranked is one qualified bid's place, with its scores in hundredths of a
// point and its total in ten-thousandths (scoring.go).
type Ranked struct {
	Supplier   string   `cbor:"1,keyasint" json:"supplier"`
	Amount     uint64   `cbor:"2,keyasint" json:"amount" fmt:"yuan"`
	PriceScore uint64   `cbor:"3,keyasint" json:"price_score_centi"`
	Technical  []uint64 `cbor:"4,keyasint,omitempty" json:"technical_centi"`
	Total      uint64   `cbor:"5,keyasint" json:"total_e4"`
}

// Bid statuses.
const (
	BidCommitted    = "committed"
	BidRevealed     = "revealed"
	BidDisqualified = "disqualified"
)

// Bid is a sealed bid: its commitment, and after opening its content.
type Bid struct {
	Tender    uint64 `cbor:"1,keyasint" json:"tender"`
	Supplier  string `cbor:"2,keyasint" json:"supplier"`
	Hash      []byte `cbor:"3,keyasint" json:"hash"`
	Committed int64  `cbor:"4,keyasint" json:"committed_unix" fmt:"unix"`
	Status    string `cbor:"5,keyasint" json:"status"`
	Amount    uint64 `cbor:"6,keyasint,omitempty" json:"amount,omitempty" fmt:"yuan"`
	Document  []byte `cbor:"7,keyasint,omitempty" json:"document,omitempty"`
	Salt      []byte `cbor:"8,keyasint,omitempty" json:"salt,omitempty"`
	Revealed  int64  `cbor:"9,keyasint,omitempty" json:"revealed_unix,omitempty" fmt:"unix"`
	Reason    string `cbor:"10,keyasint,omitempty" json:"reason,omitempty"`
}

// Scores are one committee member's technical scores: Points[b][c] is
// bid b's (in the order of ScoredBids) points on criterion c, 0 to 100.
type Scores struct {
	Tender uint64     `cbor:"1,keyasint" json:"tender"`
	Member string     `cbor:"2,keyasint" json:"member"`
	Bids   []string   `cbor:"3,keyasint" json:"bids"`
	Points [][]uint32 `cbor:"4,keyasint" json:"points"`
	Height int64      `cbor:"5,keyasint" json:"height"`
}

// Objection is a bidder's challenge to an award.
type Objection struct {
	Tender   uint64 `cbor:"1,keyasint" json:"tender"`
	ID       uint64 `cbor:"2,keyasint" json:"id"`
	Bidder   string `cbor:"3,keyasint" json:"bidder"`
	Grounds  string `cbor:"4,keyasint" json:"grounds"`
	Filed    int64  `cbor:"5,keyasint" json:"filed_unix" fmt:"unix"`
	Decided  bool   `cbor:"6,keyasint,omitempty" json:"decided"`
	Upheld   bool   `cbor:"7,keyasint,omitempty" json:"upheld"`
	Decision string `cbor:"8,keyasint,omitempty" json:"decision,omitempty"`
	Reviewer string `cbor:"9,keyasint,omitempty" json:"reviewer,omitempty"`
}

// Milestone statuses.
const (
	MilestonePending  = "pending"
	MilestoneAccepted = "accepted"
	MilestoneRejected = "rejected"
)

// Milestone is a deliverable of a contract and what it pays.
type Milestone struct {
	Deliverable string `cbor:"1,keyasint" json:"deliverable"`
	Due         int64  `cbor:"2,keyasint" json:"due_unix" fmt:"unix"`
	Amount      uint64 `cbor:"3,keyasint" json:"amount" fmt:"yuan"`
	Status      string `cbor:"4,keyasint" json:"status"`
	Paid        uint64 `cbor:"5,keyasint,omitempty" json:"paid" fmt:"yuan"`
	Note        string `cbor:"6,keyasint,omitempty" json:"note,omitempty"`
	Decided     int64  `cbor:"7,keyasint,omitempty" json:"decided_unix,omitempty" fmt:"unix"`
	// Payments are the milestone's payments, oldest first.
	Payments []Payment `cbor:"8,keyasint,omitempty" json:"payments,omitempty"`
	// Late is derived at read time: due and not accepted.
	Late bool `cbor:"-" json:"late" derive:"true when status is not accepted and the block time in unix seconds (rounded down) is greater than due_unix"`
}

// Payment is one payment of a milestone.
type Payment struct {
	Amount uint64 `cbor:"1,keyasint" json:"amount" fmt:"yuan"`
	Time   int64  `cbor:"2,keyasint" json:"time_unix" fmt:"unix"`
	Height int64  `cbor:"3,keyasint" json:"height"`
}

// Contract is the signed contract of an awarded tender.
type Contract struct {
	Tender     uint64      `cbor:"1,keyasint" json:"tender"`
	Supplier   string      `cbor:"2,keyasint" json:"supplier"`
	Amount     uint64      `cbor:"3,keyasint" json:"amount" fmt:"yuan"`
	Document   []byte      `cbor:"4,keyasint,omitempty" json:"document,omitempty"`
	Signed     int64       `cbor:"5,keyasint" json:"signed_unix" fmt:"unix"`
	Milestones []Milestone `cbor:"6,keyasint" json:"milestones"`
}

// BuyerStats counts a procuring department's bids at award.
type BuyerStats struct {
	Bids         uint64 `cbor:"1,keyasint,omitempty" json:"bids"`
	Disqualified uint64 `cbor:"2,keyasint,omitempty" json:"disqualified"`
	Tenders      uint64 `cbor:"3,keyasint,omitempty" json:"tenders"`
}

// Meta holds counters.
type Meta struct {
	NextTender uint64 `cbor:"1,keyasint,omitempty" json:"next_tender"`
}

// Params are set at genesis.
type Params struct {
	OCIDPrefix string `cbor:"1,keyasint" json:"ocid_prefix"`
}

func checkText(field, s string, max int, required bool) error {
	if (required && s == "") || len(s) > max || !utf8.ValidString(s) {
		return module.ErrInvalidField.Wrapf("%s must be 1 to %d bytes of UTF-8", field, max)
	}
	return nil
}

func checkHashes(field string, hs [][]byte, max int) error {
	if len(hs) > max {
		return module.ErrInvalidField.Wrapf("at most %d %s", max, field)
	}
	for _, h := range hs {
		if len(h) != 32 {
			return module.ErrInvalidField.Wrapf("%s: SHA-256 hashes (32 bytes)", field)
		}
	}
	return nil
}

var addrRe = module.AddressPattern

func checkAddr(field, a string) error {
	if !addrRe.MatchString(a) {
		return module.ErrInvalidField.Wrapf("%s: an account address", field)
	}
	return nil
}

var prefixRe = regexp.MustCompile(`^ocds-[a-z0-9]{1,16}(-[A-Za-z0-9]{1,32})?$`)

func supplierKey(a string) string          { return "sup/" + a }
func tenderKey(id uint64) string           { return fmt.Sprintf("tender/%020d", id) }
func bidKey(id uint64, s string) string    { return fmt.Sprintf("bid/%020d/%s", id, s) }
func scoresKey(id uint64, m string) string { return fmt.Sprintf("score/%020d/%s", id, m) }
func objectionKey(id, n uint64) string     { return fmt.Sprintf("obj/%020d/%020d", id, n) }
func contractKey(id uint64) string         { return fmt.Sprintf("contract/%020d", id) }
func buyerKey(d string) string             { return "buyer/" + d }

const (
	metaKey   = "meta"
	paramsKey = "params"
)
