package procurement_test

import (
	"testing"
	"time"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/procurement"
)

// Who grants the procurement roles by default: every department buys for
// itself (officer); the Ministry of Finance keeps the expert pool, audits
// suppliers and reviews objections; the market regulator is a department
// the consortium lists by proposal. Every other department is refused.
func TestGrantTable(t *testing.T) {
	w := moduletest.New(t, identity.New(), procurement.New())
	for _, d := range []string{"mof", "nrb", "cab", "ec"} {
		w.Department(d)
	}
	w.Threshold(3)
	moduletest.CheckGrantTable(t, w, procurement.New(), moduletest.GrantTable{
		{Role: procurement.RoleOfficer, Grantors: []string{module.AnyDepartment}},
		{Role: procurement.RoleEvaluator, Grantors: []string{"mof"}},
		{Role: procurement.RoleAuditor, Grantors: []string{"mof"}},
		{Role: procurement.RoleReviewer, Grantors: []string{"mof"}},
		{Role: procurement.RoleMarket},
	})
}

func tried(wrong, right string) []moduletest.Attempt {
	return []moduletest.Attempt{{Signer: wrong, Code: module.ErrUnauthorized.Code}, {Signer: "clerk", Code: module.ErrUnauthorized.Code}, {Signer: right}}
}

// Every message with the right role, a wrong role and none; open messages
// by an account holding no role. Tenders at each stage are prepared first,
// since the table runs at one block time.
func TestRoleTable(t *testing.T) {
	w := newWorld(t)
	w.approve("s1")
	w.approve("s2")
	t0 := w.Time().Unix()
	publish := func(revealEnd, window int64, price uint32, crit ...procurement.Criterion) *procurement.Tender {
		m := w.tenderMsg(1000, price, crit...)
		m.Deadline, m.Opening, m.RevealEnd, m.ObjectionWindow = t0+10, t0+10, t0+revealEnd, window
		w.ok("officer", procurement.TypePublishTender, m)
		return w.tender(moduletest.Get[procurement.Meta](w.World, procurement.Name, "meta").NextTender)
	}
	reveal := publish(1000, 10, 100)
	score := publish(20, 10, 60, procurement.Criterion{Name: "quality", Weight: 40})
	contract := publish(20, 10, 100)
	objection := publish(20, 10000, 100)
	award := publish(20, 10, 100)
	for _, tn := range []*procurement.Tender{reveal, score, contract, objection, award} {
		w.bid("s1", tn, 500)
		w.bid("s2", tn, 600)
	}
	w.NextBlock()
	w.SetTime(time.Unix(t0+15, 0))
	for _, tn := range []*procurement.Tender{score, contract, objection, award} {
		w.reveal("s1", tn, 500)
		w.reveal("s2", tn, 600)
	}
	w.NextBlock()
	w.SetTime(time.Unix(t0+25, 0))
	w.ok("officer", procurement.TypeAward, procurement.MsgTenderRef{Tender: contract.ID})
	w.ok("officer", procurement.TypeAward, procurement.MsgTenderRef{Tender: objection.ID})
	w.NextBlock()
	w.SetTime(time.Unix(t0+40, 0))
	active := w.publish(1000, 100)
	w.Official("s5", "cab")
	s1, s2 := w.Addr("s1"), w.Addr("s2")
	moduletest.CheckRoleTable(t, w.World, procurement.New(), moduletest.RoleTable{
		{Type: procurement.TypeRegisterSupplier, Attempts: []moduletest.Attempt{{Signer: "s5"}},
			Body: procurement.MsgRegisterSupplier{Name: "Five", Scheme: "CN-USCC", Identifier: "5"}},
		{Type: procurement.TypeApproveSupplier, Roles: []string{procurement.RoleMarket}, Attempts: tried("officer", "market"),
			Body: procurement.MsgSupplierRef{Supplier: w.Addr("s5")}},
		{Type: procurement.TypeDebarSupplier, Roles: []string{procurement.RoleAuditor}, Attempts: tried("market", "auditor"),
			Body: procurement.MsgDebarSupplier{Supplier: w.Addr("s5"), Reason: "r", Until: t0 + 100}},
		{Type: procurement.TypePublishTender, Roles: []string{procurement.RoleOfficer}, Attempts: tried("e1", "officer"),
			Body: w.tenderMsg(1000, 100)},
		{Type: procurement.TypeAmendTender, Roles: []string{procurement.RoleOfficer}, Attempts: tried("e1", "officer"),
			Body: procurement.MsgAmendTender{Tender: active.ID, Rationale: "r"}},
		{Type: procurement.TypeCommitBid, Attempts: []moduletest.Attempt{{Signer: "s1"}},
			Body: procurement.MsgCommitBid{Tender: active.ID, Hash: hash32("h")}},
		{Type: procurement.TypeRevealBid, Attempts: []moduletest.Attempt{{Signer: "s2", Code: procurement.ErrNotOpened.Code, Body: revealMsg("s2", active, 1)}, {Signer: "s1"}},
			Body: revealMsg("s1", reveal, 500)},
		{Type: procurement.TypeDeclare, Roles: []string{procurement.RoleEvaluator}, Attempts: tried("officer", "e1"),
			Body: procurement.MsgDeclare{Tender: score.ID}},
		{Type: procurement.TypeScore, Roles: []string{procurement.RoleEvaluator}, Attempts: tried("officer", "e1"),
			Body: procurement.MsgScore{Tender: score.ID, Bids: []string{s1, s2}, Points: [][]uint32{{70}, {80}}}},
		{Type: procurement.TypeAward, Roles: []string{procurement.RoleOfficer}, Attempts: tried("reviewer", "officer"),
			Body: procurement.MsgTenderRef{Tender: award.ID}},
		{Type: procurement.TypeObject, Attempts: []moduletest.Attempt{{Signer: "s5", Code: procurement.ErrNotBidder.Code}, {Signer: "s2"}},
			Body: procurement.MsgObject{Tender: objection.ID, Grounds: "g"}},
		{Type: procurement.TypeDecideObjection, Roles: []string{procurement.RoleReviewer}, Attempts: tried("auditor", "reviewer"),
			Body: procurement.MsgDecideObjection{Tender: objection.ID, ID: 1, Decision: "dismissed"}},
		{Type: procurement.TypeSignContract, Roles: []string{procurement.RoleOfficer}, Attempts: tried("market", "officer"),
			Body: procurement.MsgSignContract{Tender: contract.ID, Milestones: []procurement.MsgMilestone{{Deliverable: "all", Due: t0 + 100, Amount: 500}}}},
		{Type: procurement.TypeDecideMilestone, Roles: []string{procurement.RoleOfficer}, Attempts: tried("e2", "officer"),
			Body: procurement.MsgDecideMilestone{Tender: contract.ID, Accept: true}},
		{Type: procurement.TypePayMilestone, Roles: []string{procurement.RoleOfficer}, Attempts: tried("auditor", "officer"),
			Body: procurement.MsgPayMilestone{Tender: contract.ID, Amount: 500}},
	})
	if c, _ := procurement.GetContract(w.View(procurement.Name), contract.ID); c.Milestones[0].Paid != 500 {
		t.Fatalf("%+v", c)
	}
}
