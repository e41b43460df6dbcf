package procurement_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/procurement"
)

// world: a procurement officer of nrb and one of cab, three evaluators and
// an auditor and a reviewer of mof, a market regulator (samr, accredited
// in genesis), a clerk with no role, and four supplier accounts.
type world struct {
	*moduletest.World
	t         testing.TB
	suppliers []string
	members   []string
}

func newWorld(t testing.TB, opts ...procurement.Option) *world {
	w := &world{World: moduletest.New(t, identity.New(), procurement.New(opts...)), t: t}
	for _, d := range []string{"mof", "nrb", "cab", "ec", "samr"} {
		w.Department(d)
	}
	w.Grantors(procurement.RoleMarket, "samr")
	w.Official("officer", "nrb", procurement.RoleOfficer)
	w.Official("officer2", "cab", procurement.RoleOfficer)
	for i := 1; i <= 3; i++ {
		w.members = append(w.members, w.Official(fmt.Sprintf("e%d", i), "mof", procurement.RoleEvaluator))
	}
	w.Official("e4", "mof", procurement.RoleEvaluator) // on no committee
	w.Official("market", "samr", procurement.RoleMarket)
	w.Official("auditor", "mof", procurement.RoleAuditor)
	w.Official("reviewer", "mof", procurement.RoleReviewer)
	w.Official("clerk", "nrb")
	for i := 1; i <= 4; i++ {
		w.suppliers = append(w.suppliers, w.Citizen(fmt.Sprintf("s%d", i), "cab"))
	}
	return w
}

func (w *world) ok(signer, typ string, body any) *moduletest.Result {
	w.t.Helper()
	return w.ExpectOK(w.t, signer, typ, body)
}

func (w *world) refused(code uint32, signer, typ string, body any) {
	w.t.Helper()
	w.ExpectCode(w.t, code, signer, typ, body)
}

// approve registers and approves supplier sN.
func (w *world) approve(name string) {
	w.t.Helper()
	w.ok(name, procurement.TypeRegisterSupplier, procurement.MsgRegisterSupplier{Name: "Firm " + name, Scheme: "CN-USCC", Identifier: "91110000" + name,
		Documents: [][]byte{hash32(name)}})
	w.ok("market", procurement.TypeApproveSupplier, procurement.MsgSupplierRef{Supplier: w.Addr(name)})
}

func hash32(s string) []byte { b := make([]byte, 32); copy(b, s); return b }
func salt(s string) []byte   { b := bytes.Repeat([]byte{7}, 16); copy(b, s); return b }

// Tender periods relative to publication.
const (
	toDeadline  = 100
	toRevealEnd = 200
	window      = 100
)

func (w *world) tenderMsg(ceiling uint64, priceWeight uint32, criteria ...procurement.Criterion) procurement.MsgPublishTender {
	now := w.Time().Unix()
	return procurement.MsgPublishTender{Title: "Desks", Items: []procurement.Item{{Description: "desk", Quantity: 40, Unit: "piece"}},
		Ceiling: ceiling, Method: "open", Documents: [][]byte{hash32("tender")}, Deadline: now + toDeadline, Opening: now + toDeadline,
		RevealEnd: now + toRevealEnd, PriceWeight: priceWeight, Criteria: criteria, Committee: w.members, ObjectionWindow: window}
}

func (w *world) publish(ceiling uint64, priceWeight uint32, criteria ...procurement.Criterion) *procurement.Tender {
	w.t.Helper()
	w.ok("officer", procurement.TypePublishTender, w.tenderMsg(ceiling, priceWeight, criteria...))
	m := moduletest.Get[procurement.Meta](w.World, procurement.Name, "meta")
	return w.tender(m.NextTender)
}

func (w *world) tender(id uint64) *procurement.Tender {
	w.t.Helper()
	t, err := procurement.GetTender(w.View(procurement.Name), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return t
}

func (w *world) bid(name string, t *procurement.Tender, amount uint64) {
	w.t.Helper()
	w.ok(name, procurement.TypeCommitBid, procurement.MsgCommitBid{Tender: t.ID,
		Hash: procurement.BidHash(t.ID, w.Addr(name), amount, hash32("offer "+name), salt(name))})
}

func (w *world) reveal(name string, t *procurement.Tender, amount uint64) {
	w.t.Helper()
	w.ok(name, procurement.TypeRevealBid, revealMsg(name, t, amount))
}

func revealMsg(name string, t *procurement.Tender, amount uint64) procurement.MsgRevealBid {
	return procurement.MsgRevealBid{Tender: t.ID, Amount: amount, Document: hash32("offer " + name), Salt: salt(name)}
}

// at moves block time to the tender's publication plus d seconds.
func (w *world) at(t *procurement.Tender, d int64) {
	w.NextBlock()
	w.SetTime(time.Unix(t.Published+d, 0).UTC())
}

func (w *world) scores(member string, t *procurement.Tender, rows map[string][]uint32) procurement.MsgScore {
	msg := procurement.MsgScore{Tender: t.ID}
	for _, s := range w.tender(t.ID).Bids {
		if b, _ := procurement.GetBid(w.View(procurement.Name), t.ID, s); b.Status == procurement.BidRevealed {
			msg.Bids = append(msg.Bids, s)
			msg.Points = append(msg.Points, rows[s])
		}
	}
	return msg
}

// A whole tender: three bids (one above the ceiling), a conflicted member,
// scores, award with the ranking computed by hand, an objection dismissed,
// contract, acceptance and payment.
func TestLifecycle(t *testing.T) {
	w := newWorld(t)
	for _, s := range []string{"s1", "s2", "s3"} {
		w.approve(s)
	}
	crit := []procurement.Criterion{{Name: "quality", Weight: 30}, {Name: "service", Weight: 10}}
	tn := w.publish(1_000_000, 60, crit...)
	if tn.OCID != "ocds-govchain-1" || tn.Status != procurement.StatusActive {
		t.Fatalf("%+v", tn)
	}
	w.bid("s1", tn, 800_000)
	w.bid("s2", tn, 900_000)
	w.bid("s3", tn, 1_200_000)
	w.at(tn, toDeadline)
	w.reveal("s1", tn, 800_000)
	w.reveal("s2", tn, 900_000)
	w.reveal("s3", tn, 1_200_000) // above the ceiling
	if b, _ := procurement.GetBid(w.View(procurement.Name), tn.ID, w.Addr("s3")); b.Status != procurement.BidDisqualified || b.Reason != "above ceiling" {
		t.Fatalf("%+v", b)
	}
	w.at(tn, toRevealEnd)
	w.ok("e1", procurement.TypeDeclare, procurement.MsgDeclare{Tender: tn.ID})
	w.ok("e2", procurement.TypeDeclare, procurement.MsgDeclare{Tender: tn.ID})
	w.ok("e3", procurement.TypeDeclare, procurement.MsgDeclare{Tender: tn.ID, Conflicted: true})
	s1, s2 := w.Addr("s1"), w.Addr("s2")
	w.ok("e1", procurement.TypeScore, w.scores("e1", tn, map[string][]uint32{s1: {60, 50}, s2: {90, 80}}))
	// The conflicted member is excluded.
	w.refused(procurement.ErrConflicted.Code, "e3", procurement.TypeScore, w.scores("e3", tn, map[string][]uint32{s1: {100, 100}, s2: {0, 0}}))
	// Award before evaluation ends: e2 has not scored.
	w.refused(procurement.ErrScoresMissing.Code, "officer", procurement.TypeAward, procurement.MsgTenderRef{Tender: tn.ID})
	w.ok("e2", procurement.TypeScore, w.scores("e2", tn, map[string][]uint32{s1: {61, 50}, s2: {91, 81}}))
	w.ok("officer", procurement.TypeAward, procurement.MsgTenderRef{Tender: tn.ID})
	tn = w.tender(tn.ID)
	// By hand: base 800000. s1: price 10000; quality (60+61)*100/2 = 6050;
	// service 5000; total 60*10000 + 30*6050 + 10*5000 = 831500.
	// s2: price floor(800000*10000/900000) = 8888; quality 9050; service
	// 8050; total 60*8888 + 30*9050 + 10*8050 = 533280+271500+80500 = 885280.
	want := []procurement.Ranked{
		{Supplier: s2, Amount: 900_000, PriceScore: 8888, Technical: []uint64{9050, 8050}, Total: 885_280},
		{Supplier: s1, Amount: 800_000, PriceScore: 10000, Technical: []uint64{6050, 5000}, Total: 831_500},
	}
	if fmt.Sprint(tn.Award.Ranking) != fmt.Sprint(want) || tn.Award.Winner != s2 || tn.Status != procurement.StatusAwarded {
		t.Fatalf("award %+v", tn.Award)
	}
	if f := tn.Flags; f.SingleBidder || f.AllButWinnerDisqualified || !f.HasRunnerUp || f.WinnerGapBP != -1111 || f.BuyerDisqualifiedBP != 3333 {
		t.Fatalf("flags %+v", f)
	}
	// A non-bidder cannot object; s1 can, which suspends the award.
	w.refused(procurement.ErrNotBidder.Code, "s4", procurement.TypeObject, procurement.MsgObject{Tender: tn.ID, Grounds: "x"})
	w.ok("s1", procurement.TypeObject, procurement.MsgObject{Tender: tn.ID, Grounds: "technical scores are biased"})
	// Award during an objection.
	w.refused(procurement.ErrWrongStatus.Code, "officer", procurement.TypeAward, procurement.MsgTenderRef{Tender: tn.ID})
	ms := []procurement.MsgMilestone{{Deliverable: "delivery", Due: tn.Published + 1000, Amount: 600_000}, {Deliverable: "installation", Due: tn.Published + 2000, Amount: 300_000}}
	w.at(tn, toRevealEnd+window+1)
	w.refused(procurement.ErrObjectionWindow.Code, "s3", procurement.TypeObject, procurement.MsgObject{Tender: tn.ID, Grounds: "late"})
	w.refused(procurement.ErrUnderObjection.Code, "officer", procurement.TypeSignContract, procurement.MsgSignContract{Tender: tn.ID, Milestones: ms})
	w.ok("reviewer", procurement.TypeDecideObjection, procurement.MsgDecideObjection{Tender: tn.ID, ID: 1, Decision: "scores are reasoned"})
	w.refused(procurement.ErrObjectionDecided.Code, "reviewer", procurement.TypeDecideObjection, procurement.MsgDecideObjection{Tender: tn.ID, ID: 1, Decision: "again"})
	// The contract: milestones above the award are refused.
	over := append([]procurement.MsgMilestone{}, ms...)
	over[1].Amount = 300_001
	w.refused(procurement.ErrBadMilestones.Code, "officer", procurement.TypeSignContract, procurement.MsgSignContract{Tender: tn.ID, Milestones: over})
	w.refused(procurement.ErrNotBuyer.Code, "officer2", procurement.TypeSignContract, procurement.MsgSignContract{Tender: tn.ID, Milestones: ms})
	w.ok("officer", procurement.TypeSignContract, procurement.MsgSignContract{Tender: tn.ID, Milestones: ms, Document: hash32("contract")})
	pay := func(i uint32, amount uint64) procurement.MsgPayMilestone {
		return procurement.MsgPayMilestone{Tender: tn.ID, Index: i, Amount: amount}
	}
	w.refused(procurement.ErrNotAccepted.Code, "officer", procurement.TypePayMilestone, pay(0, 1))
	w.ok("officer", procurement.TypeDecideMilestone, procurement.MsgDecideMilestone{Tender: tn.ID, Index: 1, Note: "incomplete"})
	w.ok("officer", procurement.TypeDecideMilestone, procurement.MsgDecideMilestone{Tender: tn.ID, Index: 0, Accept: true})
	w.refused(procurement.ErrMilestoneDecided.Code, "officer", procurement.TypeDecideMilestone, procurement.MsgDecideMilestone{Tender: tn.ID, Index: 0})
	w.refused(procurement.ErrUnknownMilestone.Code, "officer", procurement.TypeDecideMilestone, procurement.MsgDecideMilestone{Tender: tn.ID, Index: 2})
	w.refused(procurement.ErrOverpay.Code, "officer", procurement.TypePayMilestone, pay(0, 600_001))
	w.ok("officer", procurement.TypePayMilestone, pay(0, 400_000))
	w.refused(procurement.ErrOverpay.Code, "officer", procurement.TypePayMilestone, pay(0, 200_001))
	w.ok("officer", procurement.TypePayMilestone, pay(0, 200_000))
	w.refused(procurement.ErrNotAccepted.Code, "officer", procurement.TypePayMilestone, pay(1, 1))
	c, _ := procurement.GetContract(w.View(procurement.Name), tn.ID)
	if c.Milestones[0].Paid != 600_000 || c.Milestones[1].Status != procurement.MilestoneRejected || c.Amount != 900_000 {
		t.Fatalf("%+v", c)
	}
	c.Present(module.ReadView{Time: time.Unix(tn.Published+3000, 0)})
	if c.Milestones[0].Late || !c.Milestones[1].Late {
		t.Fatalf("lateness %+v", c.Milestones)
	}
}

// The refusals the issue lists, each with its stable code and no state
// change (ExpectCode checks the state).
func TestRefusals(t *testing.T) {
	w := newWorld(t)
	w.approve("s1")
	w.approve("s2")
	// A bid from an unregistered supplier; from one registered but not
	// approved; from a debarred one.
	tn := w.publish(1_000_000, 100)
	commit := func(name string) procurement.MsgCommitBid {
		return procurement.MsgCommitBid{Tender: tn.ID, Hash: procurement.BidHash(tn.ID, w.Addr(name), 1, hash32("o"), salt(name))}
	}
	w.refused(procurement.ErrUnknownSupplier.Code, "s3", procurement.TypeCommitBid, commit("s3"))
	w.ok("s3", procurement.TypeRegisterSupplier, procurement.MsgRegisterSupplier{Name: "Three", Scheme: "CN-USCC", Identifier: "3"})
	w.refused(procurement.ErrSupplierExists.Code, "s3", procurement.TypeRegisterSupplier, procurement.MsgRegisterSupplier{Name: "Three", Scheme: "CN-USCC", Identifier: "3"})
	w.refused(procurement.ErrSupplierNotActive.Code, "s3", procurement.TypeCommitBid, commit("s3"))
	w.ok("market", procurement.TypeApproveSupplier, procurement.MsgSupplierRef{Supplier: w.Addr("s3")})
	w.ok("auditor", procurement.TypeDebarSupplier, procurement.MsgDebarSupplier{Supplier: w.Addr("s3"), Reason: "false documents, decision 2026-17", Until: w.Time().Unix() + 50})
	w.refused(procurement.ErrDebarred.Code, "s3", procurement.TypeCommitBid, commit("s3"))
	w.refused(procurement.ErrUnknownSupplier.Code, "auditor", procurement.TypeDebarSupplier, procurement.MsgDebarSupplier{Supplier: w.Addr("s4"), Reason: "r", Until: w.Time().Unix() + 50})
	// Budget and periods.
	bad := w.tenderMsg(1, 100)
	bad.Deadline = w.Time().Unix()
	w.refused(procurement.ErrBadPeriod.Code, "officer", procurement.TypePublishTender, bad)
	bad = w.tenderMsg(1, 50, procurement.Criterion{Name: "q", Weight: 40})
	w.refused(procurement.ErrBadCriteria.Code, "officer", procurement.TypePublishTender, bad)
	// A second bid from one supplier.
	w.bid("s1", tn, 500)
	w.refused(procurement.ErrAlreadyBid.Code, "s1", procurement.TypeCommitBid, commit("s1"))
	// Amendments: only the buyer's officers; a late amendment extends the
	// deadline to the minimum notice.
	w.refused(procurement.ErrNotBuyer.Code, "officer2", procurement.TypeAmendTender, procurement.MsgAmendTender{Tender: tn.ID, Rationale: "x"})
	// Reveal before opening.
	w.refused(procurement.ErrNotOpened.Code, "s1", procurement.TypeRevealBid, revealMsg("s1", tn, 500))
	// Scores from a non-member.
	w.refused(procurement.ErrNotMember.Code, "e4", procurement.TypeDeclare, procurement.MsgDeclare{Tender: tn.ID})
	w.at(tn, toDeadline)
	// Bid and amendment after the deadline.
	w.refused(procurement.ErrDeadlinePassed.Code, "s2", procurement.TypeCommitBid, procurement.MsgCommitBid{Tender: tn.ID, Hash: hash32("x")})
	w.refused(procurement.ErrDeadlinePassed.Code, "officer", procurement.TypeAmendTender, procurement.MsgAmendTender{Tender: tn.ID, Rationale: "late"})
	// Reveal with the wrong salt, then the right one.
	wrong := revealMsg("s1", tn, 500)
	wrong.Salt = salt("other")
	w.refused(procurement.ErrRevealMismatch.Code, "s1", procurement.TypeRevealBid, wrong)
	w.refused(procurement.ErrNoBid.Code, "s2", procurement.TypeRevealBid, revealMsg("s2", tn, 500))
	w.reveal("s1", tn, 500)
	w.refused(procurement.ErrAlreadyRevealed.Code, "s1", procurement.TypeRevealBid, revealMsg("s1", tn, 500))
	// Scores before reveals end; award before reveals end.
	w.ok("e1", procurement.TypeDeclare, procurement.MsgDeclare{Tender: tn.ID})
	w.refused(procurement.ErrAlreadyDeclared.Code, "e1", procurement.TypeDeclare, procurement.MsgDeclare{Tender: tn.ID})
	w.refused(procurement.ErrEvaluationClosed.Code, "e1", procurement.TypeScore, procurement.MsgScore{Tender: tn.ID})
	w.refused(procurement.ErrScoresMissing.Code, "officer", procurement.TypeAward, procurement.MsgTenderRef{Tender: tn.ID})
	w.at(tn, toRevealEnd)
	w.refused(procurement.ErrRevealClosed.Code, "s1", procurement.TypeRevealBid, revealMsg("s1", tn, 500))
	w.refused(procurement.ErrNotDeclared.Code, "e2", procurement.TypeScore, procurement.MsgScore{Tender: tn.ID, Bids: []string{w.Addr("s1")}, Points: [][]uint32{{}}})
	// A price-only tender needs no scores.
	w.refused(procurement.ErrNotBuyer.Code, "officer2", procurement.TypeAward, procurement.MsgTenderRef{Tender: tn.ID})
	w.ok("officer", procurement.TypeAward, procurement.MsgTenderRef{Tender: tn.ID})
	w.refused(procurement.ErrWrongStatus.Code, "officer", procurement.TypeAward, procurement.MsgTenderRef{Tender: tn.ID})
	tn = w.tender(tn.ID)
	if !tn.Flags.SingleBidder || tn.Award.Winner != w.Addr("s1") {
		t.Fatalf("%+v %+v", tn.Flags, tn.Award)
	}
	// Contract during the objection window; payment before a contract.
	ms := []procurement.MsgMilestone{{Deliverable: "all", Due: 1, Amount: 500}}
	w.refused(procurement.ErrStandstill.Code, "officer", procurement.TypeSignContract, procurement.MsgSignContract{Tender: tn.ID, Milestones: ms})
	w.refused(procurement.ErrWrongStatus.Code, "officer", procurement.TypePayMilestone, procurement.MsgPayMilestone{Tender: tn.ID, Amount: 1})
	// An upheld objection cancels the award.
	w.ok("s1", procurement.TypeObject, procurement.MsgObject{Tender: tn.ID, Grounds: "g"})
	w.ok("reviewer", procurement.TypeDecideObjection, procurement.MsgDecideObjection{Tender: tn.ID, ID: 1, Upheld: true, Decision: "re-tender"})
	if tn = w.tender(tn.ID); tn.Status != procurement.StatusCancelled {
		t.Fatalf("%+v", tn)
	}
	w.at(tn, toRevealEnd+window)
	w.refused(procurement.ErrWrongStatus.Code, "officer", procurement.TypeSignContract, procurement.MsgSignContract{Tender: tn.ID, Milestones: ms})
	w.refused(procurement.ErrUnknownObjection.Code, "reviewer", procurement.TypeDecideObjection, procurement.MsgDecideObjection{Tender: tn.ID, ID: 9, Decision: "d"})
	w.refused(procurement.ErrUnknownTender.Code, "s1", procurement.TypeCommitBid, procurement.MsgCommitBid{Tender: 99, Hash: hash32("x")})
}

// An amendment is kept, and close to the deadline it extends the deadline
// (and opening and reveal end with it) to the minimum notice.
func TestAmendment(t *testing.T) {
	w := newWorld(t)
	tn := w.publish(1000, 100)
	w.at(tn, 10)
	w.ok("officer", procurement.TypeAmendTender, procurement.MsgAmendTender{Tender: tn.ID, Rationale: "quantity 40 -> 45", Documents: [][]byte{hash32("v2")}})
	got := w.tender(tn.ID)
	now := tn.Published + 10
	if got.Deadline != now+procurement.MinNotice || got.RevealEnd != got.Deadline+(toRevealEnd-toDeadline) || len(got.Amendments) != 1 ||
		got.Amendments[0].OldDeadline != tn.Deadline || len(got.Documents) != 2 {
		t.Fatalf("%+v", got)
	}
	w.refused(procurement.ErrBadPeriod.Code, "officer", procurement.TypeAmendTender, procurement.MsgAmendTender{Tender: tn.ID, Rationale: "earlier", Deadline: now})
}

// Missing reveals are disqualified at award; when every bid is, the
// tender is unsuccessful.
func TestMissingRevealsAndRedFlags(t *testing.T) {
	w := newWorld(t)
	w.approve("s1")
	w.approve("s2")
	w.approve("s3")
	tn := w.publish(1000, 100)
	w.bid("s1", tn, 500)
	w.bid("s2", tn, 400)
	w.bid("s3", tn, 600)
	w.at(tn, toDeadline)
	w.reveal("s1", tn, 500)
	w.at(tn, toRevealEnd)
	w.ok("officer", procurement.TypeAward, procurement.MsgTenderRef{Tender: tn.ID})
	tn = w.tender(tn.ID)
	b, _ := procurement.GetBid(w.View(procurement.Name), tn.ID, w.Addr("s2"))
	if b.Status != procurement.BidDisqualified || b.Reason != "not revealed" {
		t.Fatalf("%+v", b)
	}
	if f := tn.Flags; !f.AllButWinnerDisqualified || f.SingleBidder || f.HasRunnerUp || f.BuyerDisqualifiedBP != 6666 {
		t.Fatalf("%+v", f)
	}

	tn2 := w.publish(1000, 100)
	w.bid("s1", tn2, 500)
	w.at(tn2, toRevealEnd)
	w.ok("officer", procurement.TypeAward, procurement.MsgTenderRef{Tender: tn2.ID})
	if got := w.tender(tn2.ID); got.Status != procurement.StatusUnsuccessful || got.Award != nil {
		t.Fatalf("%+v", got)
	}
}

// The lowest bid disqualified under a price-only award is flagged.
func TestFlagLowestDisqualified(t *testing.T) {
	bids := []procurement.Bid{{Supplier: "a", Amount: 90, Status: procurement.BidDisqualified}, {Supplier: "b", Amount: 100, Status: procurement.BidRevealed}, {Supplier: "c", Amount: 120, Status: procurement.BidRevealed}}
	rank := procurement.Rank(100, nil, []procurement.Entry{{"b", 100}, {"c", 120}}, nil)
	f := procurement.Flags(100, bids, rank, procurement.BuyerStats{Bids: 3, Disqualified: 1})
	if !f.LowestDisqualified || f.WinnerGapBP != 2000 || f.BuyerDisqualifiedBP != 3333 {
		t.Fatalf("%+v", f)
	}
	if f := procurement.Flags(60, bids, rank, procurement.BuyerStats{}); f.LowestDisqualified {
		t.Fatal("flagged without a price-only award")
	}
}

// Rounding and tie-breaks of the scoring.
func TestRank(t *testing.T) {
	if s := procurement.PriceScore(2, 3); s != 6666 {
		t.Fatalf("2/3: %d", s)
	}
	if s := procurement.PriceScore(1<<63, 1<<63+1); s != 9999 {
		t.Fatalf("no overflow: %d", s)
	}
	// Equal totals: the lower price wins; equal prices and totals: the
	// higher technical score (impossible with equal totals and prices
	// unless criteria differ), then the account.
	crit := []procurement.Criterion{{Name: "q", Weight: 50}}
	r := procurement.Rank(50, crit, []procurement.Entry{{"x", 100}, {"y", 100}, {"w", 100}}, [][][]uint32{{{80}, {80}, {80}}})
	if r[0].Supplier != "w" || r[1].Supplier != "x" || r[2].Supplier != "y" {
		t.Fatalf("%+v", r)
	}
	// A cheaper bid with a lower technical score ties on total with a
	// dearer one: 50*10000+50*0 vs 50*5000+50*5000 -> both 500000; price
	// wins.
	r = procurement.Rank(50, crit, []procurement.Entry{{"dear", 200}, {"cheap", 100}}, [][][]uint32{{{50}, {0}}})
	if r[0].Total != r[1].Total || r[0].Supplier != "cheap" {
		t.Fatalf("%+v", r)
	}
	// Means round down to hundredths: (1+0+0)/3 = 0.33 -> 33.
	r = procurement.Rank(0, []procurement.Criterion{{Name: "q", Weight: 100}}, []procurement.Entry{{"a", 1}}, [][][]uint32{{{1}}, {{0}}, {{0}}})
	if r[0].Technical[0] != 33 || r[0].Total != 3300 {
		t.Fatalf("%+v", r)
	}
}

func TestGenesis(t *testing.T) {
	m := procurement.New()
	for _, c := range []struct {
		raw  string
		code uint32
	}{{`{"ocid_prefix":"bad"}`, module.ErrInvalidField.Code}, {`[]`, module.ErrInvalidField.Code}} {
		ctx := module.NewContext(moduletest.ChainID, 0, moduletest.GenesisTime, module.Signer{}, moduletest.NewState()).WithModule(procurement.Name)
		if err := m.InitGenesis(ctx, []byte(c.raw)); module.AsError(err).Code != c.code {
			t.Errorf("%s: %v", c.raw, err)
		}
	}
	w := moduletest.New(t, identity.New(), procurement.New())
	w.Department("mof")
	w.Official("officer", "mof", procurement.RoleOfficer)
	w.Official("e", "mof", procurement.RoleEvaluator)
	w.SetGenesis(procurement.Name, procurement.Genesis{OCIDPrefix: "ocds-abc123"})
	now := w.Time().Unix()
	w.ExpectOK(t, "officer", procurement.TypePublishTender, procurement.MsgPublishTender{Title: "t", Items: []procurement.Item{{Description: "d", Quantity: 1}},
		Ceiling: 1, Method: "direct", Deadline: now + 1, Opening: now + 1, RevealEnd: now + 2, PriceWeight: 100, Committee: []string{w.Addr("e")}})
	if tn, _ := procurement.GetTender(w.View(procurement.Name), 1); tn.OCID != "ocds-abc123-1" {
		t.Fatalf("%+v", tn)
	}
}
