// Package procurement is public procurement from tender to final payment:
// suppliers and their debarment, tenders with amendments, sealed bids
// (commit, then reveal after opening), committee evaluation with MOF
// Order 87 comprehensive scoring, awards with an objection window,
// contracts with milestones, acceptance and payment from a fiscal budget
// line, and OCP Cardinal red flags computed on chain.
//
// It is a pure state machine over module.Context, reads accounts through
// x/identity and budget lines through budget.Lines, and must not import
// api, node, net/http, CometBFT's node packages or read the wall clock
// (every period compares with block time).
package procurement

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/fiscal/budget"
	"github.com/govchain/govchain/x/identity"
)

// DefaultOCIDPrefix is the ocid prefix when genesis sets none (a real
// publisher registers its own with the Open Contracting Partnership).
const DefaultOCIDPrefix = "ocds-govchain"

// Module is the procurement module.
type Module struct {
	lines budget.Lines
}

// Option configures the module.
type Option func(*Module)

// WithBudget makes tenders reserve their ceiling on their budget line and
// pay milestones from it (nil: no fiscal checks).
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
		{Name: RoleOfficer, Doc: "publishes and amends tenders, records awards and contracts, accepts and pays milestones (any department, for its own purchases)", Grantors: []string{module.AnyDepartment}},
		{Name: RoleEvaluator, Doc: "sits on evaluation committees: declares conflicts and scores bids (expert pool of the Ministry of Finance)", Grantors: []string{"mof"}},
		// The market regulator joins the consortium as a department and is
		// listed as grantor by proposal.
		{Name: RoleMarket, Doc: "approves registered suppliers (market regulation, listed by consortium proposal)"},
		{Name: RoleAuditor, Doc: "debars suppliers with reason and period (Ministry of Finance, supervisor of government procurement)", Grantors: []string{"mof"}},
		{Name: RoleReviewer, Doc: "decides bidders' objections to awards (Ministry of Finance)", Grantors: []string{"mof"}},
	}
}

// Routes declares each message with the roles it needs; membership,
// buyer and bidder checks are in the handlers.
func (m *Module) Routes() []module.Route {
	return []module.Route{
		module.NewRoute(TypeRegisterSupplier, nil, "Register the signer's account as a supplier, pending approval", m.registerSupplier),
		module.NewRoute(TypeApproveSupplier, []string{RoleMarket}, "Approve a registered supplier", m.approveSupplier),
		module.NewRoute(TypeDebarSupplier, []string{RoleAuditor}, "Debar a supplier from bidding until a time, with the reason", m.debarSupplier),
		module.NewRoute(TypePublishTender, []string{RoleOfficer}, "Publish a tender (reserves its ceiling on its budget line)", m.publishTender),
		module.NewRoute(TypeAmendTender, []string{RoleOfficer}, "Amend a tender before its deadline; the deadline moves to at least the minimum notice", m.amendTender),
		module.NewRoute(TypeCommitBid, nil, "Commit a sealed bid before the deadline (an approved supplier)", m.commitBid),
		module.NewRoute(TypeRevealBid, nil, "Reveal one's sealed bid after opening", m.revealBid),
		module.NewRoute(TypeDeclare, []string{RoleEvaluator}, "Declare conflicts of interest as a committee member (a conflicted member is excluded)", m.declare),
		module.NewRoute(TypeScore, []string{RoleEvaluator}, "Submit technical scores for every revealed bid and criterion", m.score),
		module.NewRoute(TypeAward, []string{RoleOfficer}, "Close the evaluation: disqualify, rank and award; opens the objection window", m.award),
		module.NewRoute(TypeObject, nil, "Object to an award within its window (a bidder); suspends the award", m.object),
		module.NewRoute(TypeDecideObjection, []string{RoleReviewer}, "Decide an objection: uphold (cancels the award) or dismiss", m.decideObjection),
		module.NewRoute(TypeSignContract, []string{RoleOfficer}, "Record the signed contract with its milestones after the objection window", m.signContract),
		module.NewRoute(TypeDecideMilestone, []string{RoleOfficer}, "Accept or reject a milestone's deliverable", m.decideMilestone),
		module.NewRoute(TypePayMilestone, []string{RoleOfficer}, "Pay an accepted milestone, never above its amount", m.payMilestone),
	}
}

// Genesis is the procurement section of app_state.
type Genesis struct {
	OCIDPrefix string `json:"ocid_prefix"`
}

// InitGenesis sets the ocid prefix.
func (m *Module) InitGenesis(ctx *module.Context, raw []byte) error {
	g := Genesis{OCIDPrefix: DefaultOCIDPrefix}
	if raw != nil {
		if err := json.Unmarshal(raw, &g); err != nil {
			return module.ErrInvalidField.Wrapf("procurement genesis: %v", err)
		}
		if g.OCIDPrefix == "" {
			g.OCIDPrefix = DefaultOCIDPrefix
		}
	}
	if !prefixRe.MatchString(g.OCIDPrefix) {
		return module.ErrInvalidField.Wrapf("ocid prefix %q: ocds-<registered prefix>", g.OCIDPrefix)
	}
	module.SetRecord(ctx.Store(), paramsKey, &Params{OCIDPrefix: g.OCIDPrefix})
	return nil
}

// GetSupplier reads a supplier (kv rooted at "procurement/").
func GetSupplier(kv module.Reader, a string) (*Supplier, error) {
	return module.Load[Supplier](kv, supplierKey(a), ErrUnknownSupplier, a)
}

// GetTender reads a tender.
func GetTender(kv module.Reader, id uint64) (*Tender, error) {
	return module.Load[Tender](kv, tenderKey(id), ErrUnknownTender, strconv.FormatUint(id, 10))
}

// GetBid reads a supplier's bid on a tender.
func GetBid(kv module.Reader, id uint64, s string) (*Bid, error) {
	return module.Load[Bid](kv, bidKey(id, s), ErrNoBid, s)
}

// GetContract reads a tender's contract.
func GetContract(kv module.Reader, id uint64) (*Contract, error) {
	return module.Load[Contract](kv, contractKey(id), ErrWrongStatus, "no contract")
}

// GetObjection reads an objection.
func GetObjection(kv module.Reader, id, n uint64) (*Objection, error) {
	return module.Load[Objection](kv, objectionKey(id, n), ErrUnknownObjection, fmt.Sprintf("%d", n))
}

// GetScores reads a member's scores of a tender.
func GetScores(kv module.Reader, id uint64, member string) (*Scores, error) {
	return module.Load[Scores](kv, scoresKey(id, member), ErrScoresMissing, member)
}

func getParams(kv module.Reader) (*Params, error) {
	p := Params{OCIDPrefix: DefaultOCIDPrefix}
	_, err := module.GetRecord(kv, paramsKey, &p)
	return &p, err
}

func (m *Module) registerSupplier(ctx *module.Context, msg *MsgRegisterSupplier) error {
	kv := ctx.Store()
	if _, ok := kv.Get([]byte(supplierKey(ctx.Signer.Address))); ok {
		return ErrSupplierExists
	}
	s := &Supplier{Account: ctx.Signer.Address, Name: msg.Name, Scheme: msg.Scheme, Identifier: msg.Identifier,
		Documents: msg.Documents, Status: SupplierPending, Registered: ctx.Height}
	module.SetRecord(kv, supplierKey(s.Account), s)
	ctx.Emit("procurement.supplier_registered", "supplier", s.Account)
	return nil
}

func (m *Module) approveSupplier(ctx *module.Context, msg *MsgSupplierRef) error {
	kv := ctx.Store()
	s, err := GetSupplier(kv, msg.Supplier)
	if err != nil {
		return err
	}
	if s.Status == SupplierApproved {
		return ErrWrongStatus.Wrapf("supplier already approved")
	}
	s.Status, s.ApprovedBy = SupplierApproved, ctx.Signer.Address
	module.SetRecord(kv, supplierKey(s.Account), s)
	ctx.Emit("procurement.supplier_approved", "supplier", s.Account)
	return nil
}

func (m *Module) debarSupplier(ctx *module.Context, msg *MsgDebarSupplier) error {
	kv := ctx.Store()
	s, err := GetSupplier(kv, msg.Supplier)
	if err != nil {
		return err
	}
	if msg.Until <= ctx.Time.Unix() {
		return module.ErrInvalidField.Wrapf("debarment must end in the future")
	}
	s.Debarment = &Debarment{Reason: msg.Reason, Until: msg.Until, By: ctx.Signer.Address, Height: ctx.Height}
	module.SetRecord(kv, supplierKey(s.Account), s)
	ctx.Emit("procurement.supplier_debarred", "supplier", s.Account)
	return nil
}

func (m *Module) publishTender(ctx *module.Context, msg *MsgPublishTender) error {
	kv := ctx.Store()
	now := ctx.Time.Unix()
	if !(now < msg.Deadline && msg.Deadline <= msg.Opening && msg.Opening < msg.RevealEnd) {
		return ErrBadPeriod
	}
	for _, a := range msg.Committee {
		if _, err := identity.GetAccount(ctx.View(identity.Name), a); err != nil {
			return ErrUnknownAccount.Wrapf("committee member %s", a)
		}
	}
	p, err := getParams(kv)
	if err != nil {
		return err
	}
	var meta Meta
	if _, err := module.GetRecord(kv, metaKey, &meta); err != nil {
		return err
	}
	meta.NextTender++
	t := &Tender{ID: meta.NextTender, OCID: fmt.Sprintf("%s-%d", p.OCIDPrefix, meta.NextTender),
		Buyer: ctx.Signer.Department, Officer: ctx.Signer.Address, Title: msg.Title, Items: msg.Items,
		Ceiling: msg.Ceiling, BudgetLine: msg.BudgetLine, Method: msg.Method, Documents: msg.Documents,
		Published: now, Deadline: msg.Deadline, Opening: msg.Opening, RevealEnd: msg.RevealEnd,
		PriceWeight: msg.PriceWeight, Criteria: msg.Criteria, ObjectionWindow: msg.ObjectionWindow, Status: StatusActive}
	for _, a := range msg.Committee {
		t.Committee = append(t.Committee, Member{Account: a})
	}
	if m.lines != nil && t.BudgetLine != "" {
		if err := m.lines.Commit(ctx, t.BudgetLine, t.Ceiling, budgetRef(t)); err != nil {
			return err
		}
		t.Reserved = t.Ceiling
	}
	module.SetRecord(kv, metaKey, &meta)
	module.SetRecord(kv, tenderKey(t.ID), t)
	ctx.Emit("procurement.tender_published", "tender", strconv.FormatUint(t.ID, 10), "ocid", t.OCID)
	return nil
}

func budgetRef(t *Tender) string { return "procurement/" + t.OCID }

// ownTender loads a tender the signer's department procures.
func ownTender(ctx *module.Context, id uint64) (*Tender, error) {
	t, err := GetTender(ctx.Store(), id)
	if err != nil {
		return nil, err
	}
	if t.Buyer != ctx.Signer.Department {
		return nil, ErrNotBuyer.Wrapf("tender %d is %s's", id, t.Buyer)
	}
	return t, nil
}

func (m *Module) amendTender(ctx *module.Context, msg *MsgAmendTender) error {
	t, err := ownTender(ctx, msg.Tender)
	if err != nil {
		return err
	}
	now := ctx.Time.Unix()
	if t.Status != StatusActive || now >= t.Deadline {
		return ErrDeadlinePassed
	}
	if len(t.Amendments) >= MaxAmendments {
		return ErrTooMany.Wrapf("%d amendments", MaxAmendments)
	}
	nd := t.Deadline
	if msg.Deadline != 0 {
		if msg.Deadline < t.Deadline {
			return ErrBadPeriod.Wrapf("an amendment may only move the deadline later")
		}
		nd = msg.Deadline
	}
	nd = max(nd, now+MinNotice)
	a := Amendment{Seq: uint64(len(t.Amendments)) + 1, Height: ctx.Height, Time: now, Rationale: msg.Rationale,
		Documents: msg.Documents, OldDeadline: t.Deadline, NewDeadline: nd}
	shift := nd - t.Deadline
	t.Deadline, t.Opening, t.RevealEnd = nd, t.Opening+shift, t.RevealEnd+shift
	t.Documents = append(t.Documents, msg.Documents...)
	if len(t.Documents) > 4*MaxDocuments {
		return ErrTooMany.Wrapf("documents")
	}
	t.Amendments = append(t.Amendments, a)
	module.SetRecord(ctx.Store(), tenderKey(t.ID), t)
	ctx.Emit("procurement.tender_amended", "tender", strconv.FormatUint(t.ID, 10))
	return nil
}

func (m *Module) commitBid(ctx *module.Context, msg *MsgCommitBid) error {
	kv := ctx.Store()
	t, err := GetTender(kv, msg.Tender)
	if err != nil {
		return err
	}
	now := ctx.Time.Unix()
	if t.Status != StatusActive || now >= t.Deadline {
		return ErrDeadlinePassed
	}
	s, err := GetSupplier(kv, ctx.Signer.Address)
	if err != nil {
		return err
	}
	if s.debarredAt(now) {
		return ErrDebarred.Wrapf("until %d: %s", s.Debarment.Until, s.Debarment.Reason)
	}
	if s.Status != SupplierApproved {
		return ErrSupplierNotActive
	}
	if _, ok := kv.Get([]byte(bidKey(t.ID, s.Account))); ok {
		return ErrAlreadyBid
	}
	if len(t.Bids) >= MaxBids {
		return ErrTooMany.Wrapf("%d bids", MaxBids)
	}
	b := &Bid{Tender: t.ID, Supplier: s.Account, Hash: msg.Hash, Committed: now, Status: BidCommitted}
	t.Bids = append(t.Bids, s.Account)
	module.SetRecord(kv, bidKey(t.ID, s.Account), b)
	module.SetRecord(kv, tenderKey(t.ID), t)
	ctx.Emit("procurement.bid_committed", "tender", strconv.FormatUint(t.ID, 10), "supplier", s.Account)
	return nil
}

// revealBid opens a sealed bid. A reveal that does not match is refused
// (nothing changes), so the bid stays unrevealed and is disqualified at
// award as "not revealed"; a matching bid above the ceiling is recorded
// and disqualified at once.
func (m *Module) revealBid(ctx *module.Context, msg *MsgRevealBid) error {
	kv := ctx.Store()
	t, err := GetTender(kv, msg.Tender)
	if err != nil {
		return err
	}
	now := ctx.Time.Unix()
	if now < t.Opening {
		return ErrNotOpened
	}
	if now >= t.RevealEnd || t.Status != StatusActive {
		return ErrRevealClosed
	}
	b, err := GetBid(kv, t.ID, ctx.Signer.Address)
	if err != nil {
		return err
	}
	if b.Status != BidCommitted {
		return ErrAlreadyRevealed
	}
	if !bytes.Equal(BidHash(t.ID, b.Supplier, msg.Amount, msg.Document, msg.Salt), b.Hash) {
		return ErrRevealMismatch
	}
	b.Status, b.Amount, b.Document, b.Salt, b.Revealed = BidRevealed, msg.Amount, msg.Document, msg.Salt, now
	if b.Amount > t.Ceiling {
		b.Status, b.Reason = BidDisqualified, "above ceiling"
	}
	module.SetRecord(kv, bidKey(t.ID, b.Supplier), b)
	ctx.Emit("procurement.bid_revealed", "tender", strconv.FormatUint(t.ID, 10), "supplier", b.Supplier, "status", b.Status)
	return nil
}

// member finds the signer on the tender's committee.
func member(ctx *module.Context, t *Tender) (int, error) {
	i := slices.IndexFunc(t.Committee, func(m Member) bool { return m.Account == ctx.Signer.Address })
	if i < 0 {
		return 0, ErrNotMember
	}
	return i, nil
}

func (m *Module) declare(ctx *module.Context, msg *MsgDeclare) error {
	t, err := GetTender(ctx.Store(), msg.Tender)
	if err != nil {
		return err
	}
	i, err := member(ctx, t)
	if err != nil {
		return err
	}
	if t.Status != StatusActive {
		return ErrEvaluationClosed
	}
	if t.Committee[i].Declared {
		return ErrAlreadyDeclared
	}
	t.Committee[i].Declared, t.Committee[i].Conflicted = true, msg.Conflicted
	module.SetRecord(ctx.Store(), tenderKey(t.ID), t)
	ctx.Emit("procurement.conflicts_declared", "tender", strconv.FormatUint(t.ID, 10), "member", ctx.Signer.Address,
		"conflicted", strconv.FormatBool(msg.Conflicted))
	return nil
}

// revealed lists the suppliers of a tender's revealed, compliant bids in
// bidder order.
func revealed(kv module.Reader, t *Tender) ([]Entry, error) {
	var out []Entry
	for _, s := range t.Bids {
		b, err := GetBid(kv, t.ID, s)
		if err != nil {
			return nil, err
		}
		if b.Status == BidRevealed {
			out = append(out, Entry{Supplier: s, Amount: b.Amount})
		}
	}
	return out, nil
}

func (m *Module) score(ctx *module.Context, msg *MsgScore) error {
	kv := ctx.Store()
	t, err := GetTender(kv, msg.Tender)
	if err != nil {
		return err
	}
	i, err := member(ctx, t)
	if err != nil {
		return err
	}
	if t.Status != StatusActive || ctx.Time.Unix() < t.RevealEnd {
		return ErrEvaluationClosed.Wrapf("scoring starts when reveals end")
	}
	mb := &t.Committee[i]
	if !mb.Declared {
		return ErrNotDeclared
	}
	if mb.Conflicted {
		return ErrConflicted
	}
	if mb.Scored {
		return ErrAlreadyScored
	}
	entries, err := revealed(kv, t)
	if err != nil {
		return err
	}
	if len(entries) != len(msg.Bids) {
		return ErrBadScores.Wrapf("%d revealed bids, %d scored", len(entries), len(msg.Bids))
	}
	for j, e := range entries {
		if msg.Bids[j] != e.Supplier || len(msg.Points[j]) != len(t.Criteria) {
			return ErrBadScores.Wrapf("bid %d", j)
		}
	}
	mb.Scored = true
	module.SetRecord(kv, scoresKey(t.ID, mb.Account), &Scores{Tender: t.ID, Member: mb.Account, Bids: msg.Bids, Points: msg.Points, Height: ctx.Height})
	module.SetRecord(kv, tenderKey(t.ID), t)
	ctx.Emit("procurement.scores_submitted", "tender", strconv.FormatUint(t.ID, 10), "member", mb.Account)
	return nil
}

// award closes the evaluation: unrevealed bids are disqualified, the
// compliant ones ranked (Rank) from the scores of the members who did not
// declare a conflict, and the first awarded. Every non-conflicted member
// must have declared and scored (a tender without technical criteria
// needs no scores).
func (m *Module) award(ctx *module.Context, msg *MsgTenderRef) error {
	kv := ctx.Store()
	t, err := ownTender(ctx, msg.Tender)
	if err != nil {
		return err
	}
	now := ctx.Time.Unix()
	if t.Status != StatusActive {
		return ErrWrongStatus.Wrapf("tender is %s", t.Status)
	}
	if now < t.RevealEnd {
		return ErrScoresMissing.Wrapf("reveals run until %d", t.RevealEnd)
	}
	var points [][][]uint32
	for _, mb := range t.Committee {
		if mb.Conflicted {
			continue
		}
		if len(t.Criteria) == 0 {
			continue
		}
		if !mb.Scored {
			return ErrScoresMissing.Wrapf("member %s", mb.Account)
		}
		sc, err := GetScores(kv, t.ID, mb.Account)
		if err != nil {
			return err
		}
		points = append(points, sc.Points)
	}
	if len(t.Criteria) > 0 && len(points) == 0 {
		return ErrScoresMissing.Wrapf("every member is conflicted")
	}
	var bids []Bid
	for _, s := range t.Bids {
		b, err := GetBid(kv, t.ID, s)
		if err != nil {
			return err
		}
		if b.Status == BidCommitted {
			b.Status, b.Reason = BidDisqualified, "not revealed"
			module.SetRecord(kv, bidKey(t.ID, s), b)
		}
		bids = append(bids, *b)
	}
	entries, err := revealed(kv, t)
	if err != nil {
		return err
	}
	ranking := Rank(t.PriceWeight, t.Criteria, entries, points)
	var st BuyerStats
	if _, err := module.GetRecord(kv, buyerKey(t.Buyer), &st); err != nil {
		return err
	}
	st.Tenders++
	st.Bids += uint64(len(bids))
	st.Disqualified += uint64(len(bids) - len(entries))
	module.SetRecord(kv, buyerKey(t.Buyer), &st)
	flags := Flags(t.PriceWeight, bids, ranking, st)
	t.Flags = &flags
	id := strconv.FormatUint(t.ID, 10)
	if len(ranking) == 0 {
		t.Status = StatusUnsuccessful
		if err := m.release(ctx, t, t.Reserved); err != nil {
			return err
		}
		module.SetRecord(kv, tenderKey(t.ID), t)
		ctx.Emit("procurement.unsuccessful", "tender", id)
		return nil
	}
	win := ranking[0]
	t.Award = &Award{Height: ctx.Height, Time: now, Winner: win.Supplier, Amount: win.Amount,
		ObjectionsUntil: now + t.ObjectionWindow, Ranking: ranking}
	t.Status = StatusAwarded
	if err := m.release(ctx, t, t.Reserved-min(t.Reserved, win.Amount)); err != nil {
		return err
	}
	module.SetRecord(kv, tenderKey(t.ID), t)
	ctx.Emit("procurement.awarded", "tender", id, "supplier", win.Supplier, "amount", strconv.FormatUint(win.Amount, 10))
	return nil
}

// release returns amount of the tender's reservation to its budget line.
func (m *Module) release(ctx *module.Context, t *Tender, amount uint64) error {
	if m.lines == nil || t.BudgetLine == "" || amount == 0 {
		return nil
	}
	if err := m.lines.Uncommit(ctx, t.BudgetLine, amount, budgetRef(t)); err != nil {
		return err
	}
	t.Reserved -= amount
	return nil
}

func (m *Module) object(ctx *module.Context, msg *MsgObject) error {
	kv := ctx.Store()
	t, err := GetTender(kv, msg.Tender)
	if err != nil {
		return err
	}
	if !slices.Contains(t.Bids, ctx.Signer.Address) {
		return ErrNotBidder
	}
	if t.Award == nil || (t.Status != StatusAwarded && t.Status != StatusSuspended) || ctx.Time.Unix() >= t.Award.ObjectionsUntil {
		return ErrObjectionWindow
	}
	if t.Objections >= MaxObjections {
		return ErrTooMany.Wrapf("%d objections", MaxObjections)
	}
	t.Objections++
	t.Pending++
	t.Status = StatusSuspended
	o := &Objection{Tender: t.ID, ID: t.Objections, Bidder: ctx.Signer.Address, Grounds: msg.Grounds, Filed: ctx.Time.Unix()}
	module.SetRecord(kv, objectionKey(t.ID, o.ID), o)
	module.SetRecord(kv, tenderKey(t.ID), t)
	ctx.Emit("procurement.objection_filed", "tender", strconv.FormatUint(t.ID, 10), "id", strconv.FormatUint(o.ID, 10))
	return nil
}

func (m *Module) decideObjection(ctx *module.Context, msg *MsgDecideObjection) error {
	kv := ctx.Store()
	t, err := GetTender(kv, msg.Tender)
	if err != nil {
		return err
	}
	o, err := GetObjection(kv, t.ID, msg.ID)
	if err != nil {
		return err
	}
	if o.Decided {
		return ErrObjectionDecided
	}
	o.Decided, o.Upheld, o.Decision, o.Reviewer = true, msg.Upheld, msg.Decision, ctx.Signer.Address
	t.Pending--
	switch {
	case msg.Upheld:
		t.Status = StatusCancelled
		if err := m.release(ctx, t, t.Reserved); err != nil {
			return err
		}
	case t.Pending == 0 && t.Status == StatusSuspended:
		t.Status = StatusAwarded
	}
	module.SetRecord(kv, objectionKey(t.ID, o.ID), o)
	module.SetRecord(kv, tenderKey(t.ID), t)
	ctx.Emit("procurement.objection_decided", "tender", strconv.FormatUint(t.ID, 10), "id", strconv.FormatUint(o.ID, 10),
		"upheld", strconv.FormatBool(msg.Upheld))
	return nil
}

func (m *Module) signContract(ctx *module.Context, msg *MsgSignContract) error {
	kv := ctx.Store()
	t, err := ownTender(ctx, msg.Tender)
	if err != nil {
		return err
	}
	switch t.Status {
	case StatusSuspended:
		return ErrUnderObjection
	case StatusAwarded:
	default:
		return ErrWrongStatus.Wrapf("tender is %s", t.Status)
	}
	if ctx.Time.Unix() < t.Award.ObjectionsUntil {
		return ErrStandstill.Wrapf("until %d", t.Award.ObjectionsUntil)
	}
	var sum uint64
	c := &Contract{Tender: t.ID, Supplier: t.Award.Winner, Document: msg.Document, Signed: ctx.Time.Unix()}
	for _, ms := range msg.Milestones {
		if sum+ms.Amount < sum {
			return ErrOverflow
		}
		sum += ms.Amount
		c.Milestones = append(c.Milestones, Milestone{Deliverable: ms.Deliverable, Due: ms.Due, Amount: ms.Amount, Status: MilestonePending})
	}
	if sum > t.Award.Amount {
		return ErrBadMilestones.Wrapf("milestones sum to %d, the award is %d", sum, t.Award.Amount)
	}
	c.Amount = sum
	if err := m.release(ctx, t, t.Reserved-min(t.Reserved, sum)); err != nil {
		return err
	}
	t.Status = StatusContracted
	module.SetRecord(kv, contractKey(t.ID), c)
	module.SetRecord(kv, tenderKey(t.ID), t)
	ctx.Emit("procurement.contract_signed", "tender", strconv.FormatUint(t.ID, 10), "amount", strconv.FormatUint(sum, 10))
	return nil
}

// milestone loads the signer's department's contract and one milestone.
func milestone(ctx *module.Context, tender uint64, i uint32) (*Tender, *Contract, *Milestone, error) {
	t, err := ownTender(ctx, tender)
	if err != nil {
		return nil, nil, nil, err
	}
	if t.Status != StatusContracted {
		return nil, nil, nil, ErrWrongStatus.Wrapf("tender is %s", t.Status)
	}
	c, err := GetContract(ctx.Store(), tender)
	if err != nil {
		return nil, nil, nil, err
	}
	if int(i) >= len(c.Milestones) {
		return nil, nil, nil, ErrUnknownMilestone
	}
	return t, c, &c.Milestones[i], nil
}

func (m *Module) decideMilestone(ctx *module.Context, msg *MsgDecideMilestone) error {
	_, c, ms, err := milestone(ctx, msg.Tender, msg.Index)
	if err != nil {
		return err
	}
	if ms.Status == MilestoneAccepted {
		return ErrMilestoneDecided
	}
	ms.Status, ms.Note, ms.Decided = MilestoneRejected, msg.Note, ctx.Time.Unix()
	if msg.Accept {
		ms.Status = MilestoneAccepted
	}
	module.SetRecord(ctx.Store(), contractKey(c.Tender), c)
	ctx.Emit("procurement.milestone_"+ms.Status, "tender", strconv.FormatUint(c.Tender, 10), "index", strconv.FormatUint(uint64(msg.Index), 10))
	return nil
}

func (m *Module) payMilestone(ctx *module.Context, msg *MsgPayMilestone) error {
	t, c, ms, err := milestone(ctx, msg.Tender, msg.Index)
	if err != nil {
		return err
	}
	if ms.Status != MilestoneAccepted {
		return ErrNotAccepted
	}
	if msg.Amount > ms.Amount-ms.Paid {
		return ErrOverpay.Wrapf("%d unpaid", ms.Amount-ms.Paid)
	}
	if len(ms.Payments) >= MaxPayments {
		return ErrTooMany.Wrapf("%d payments of one milestone", MaxPayments)
	}
	if m.lines != nil && t.BudgetLine != "" {
		payID := fmt.Sprintf("%s/milestone/%d/%d", budgetRef(t), msg.Index, ms.Paid)
		if err := m.lines.Pay(ctx, t.BudgetLine, msg.Amount, c.Supplier, budgetRef(t), payID, ms.Deliverable); err != nil {
			return err
		}
		t.Reserved -= min(t.Reserved, msg.Amount)
		module.SetRecord(ctx.Store(), tenderKey(t.ID), t)
	}
	ms.Paid += msg.Amount
	ms.Payments = append(ms.Payments, Payment{Amount: msg.Amount, Time: ctx.Time.Unix(), Height: ctx.Height})
	module.SetRecord(ctx.Store(), contractKey(c.Tender), c)
	ctx.Emit("procurement.milestone_paid", "tender", strconv.FormatUint(c.Tender, 10), "index", strconv.FormatUint(uint64(msg.Index), 10),
		"amount", strconv.FormatUint(msg.Amount, 10))
	return nil
}
