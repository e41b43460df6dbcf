package identity_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/x/identity"
)

var depts = []string{"mof", "nrb", "cab", "ec"}

// newWorld: four departments (mof runs the only validator), m = 3,
// proposals open for 100 blocks.
func newWorld(t *testing.T) *moduletest.World {
	w := moduletest.New(t, identity.New())
	for _, d := range depts {
		w.Department(d)
	}
	w.Threshold(3)
	w.ProposalTTL(100)
	return w
}

func view(w *moduletest.World) module.Reader { return w.View(identity.Name) }

func account(t *testing.T, w *moduletest.World, name string) *identity.Account {
	t.Helper()
	a, err := identity.GetAccount(view(w), w.Addr(name))
	if err != nil {
		t.Fatalf("account %s: %v", name, err)
	}
	return a
}

func proposal(t *testing.T, w *moduletest.World, id uint64) *identity.Proposal {
	t.Helper()
	p, err := identity.GetProposal(view(w), id)
	if err != nil {
		t.Fatalf("proposal %d: %v", id, err)
	}
	return p
}

func citizenKey(w *moduletest.World, name string) identity.MsgCreateAccount {
	return identity.MsgCreateAccount{Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey(name), Citizen: true}
}

func rotateTo(w *moduletest.World, account, name string) identity.MsgRotateKey {
	return identity.MsgRotateKey{Account: account, Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey(name)}
}

func propose(a identity.Action) identity.MsgPropose { return identity.MsgPropose{Action: a} }

func approve(id uint64) identity.MsgApprove { return identity.MsgApprove{ID: id} }

// prove signs a's proof of possession with the validator key the
// builders give department dept (ValidatorKey(dept)), for nonce.
func prove(t *testing.T, w *moduletest.World, dept string, a identity.Action, nonce uint64) identity.Action {
	t.Helper()
	k := w.Key(dept + "/validator")
	if !bytes.Equal(k.PublicKey(), a.ValidatorKey) {
		t.Fatalf("prove: the action's key is not %s's validator key", dept)
	}
	if err := a.ProvePossession(moduletest.ChainID, nonce, func(m []byte) ([]byte, error) { return k.Sign(m), nil }); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestGenesis(t *testing.T) {
	w := newWorld(t)
	for _, d := range depts {
		a := account(t, w, d)
		if a.Department != d || !has(a.Roles, identity.RoleAdmin) || a.Citizen {
			t.Fatalf("admin of %s: %+v", d, a)
		}
		if _, err := identity.GetDepartment(view(w), d); err != nil {
			t.Fatal(err)
		}
		if w.State().Keys("identity/member/"+d+"/") == nil {
			t.Fatalf("%s lists no members", d)
		}
	}
	p, _ := identity.GetParams(view(w))
	m, _ := identity.GetMeta(view(w))
	if p.Threshold != 3 || p.ProposalTTL != 100 || m.Departments != 4 || m.TotalPower != 10 {
		t.Fatalf("params %+v, meta %+v", p, m)
	}
	mof, _ := identity.GetDepartment(view(w), "mof")
	if mof.Validator == nil || !bytes.Equal(mof.Validator.PublicKey, w.ValidatorKey("mof")) {
		t.Fatalf("mof's validator %+v", mof.Validator)
	}
}

func has(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// Genesis sections InitGenesis refuses, each with its code.
func TestGenesisRefusals(t *testing.T) {
	key := moduletest.New(t, identity.New()).PublicKey // keys by name; this world never starts
	admin := []identity.GenesisAccount{{Algorithm: crypto.AlgEd25519, PublicKey: key("a")}}
	val := &identity.Validator{PublicKey: key("v"), Power: 1}
	good := func() identity.Genesis {
		return identity.Genesis{Threshold: 1, Departments: []identity.GenesisDepartment{{ID: "mof", Name: "MoF", Admins: admin, Validator: val}}}
	}
	cases := []struct {
		name string
		edit func(*identity.Genesis)
		nil_ bool
		code uint32
	}{
		{"no section", nil, true, identity.ErrBadGenesis.Code},
		{"threshold 0", func(g *identity.Genesis) { g.Threshold = 0 }, false, identity.ErrBadThreshold.Code},
		{"threshold above n", func(g *identity.Genesis) { g.Threshold = 2 }, false, identity.ErrBadThreshold.Code},
		{"bad department id", func(g *identity.Genesis) { g.Departments[0].ID = "M" }, false, identity.ErrBadGenesis.Code},
		{"department twice", func(g *identity.Genesis) {
			d := g.Departments[0]
			d.Validator = nil
			g.Departments = append(g.Departments, d)
		}, false, identity.ErrDepartmentExists.Code},
		{"no admin", func(g *identity.Genesis) { g.Departments[0].Admins = nil }, false, identity.ErrBadGenesis.Code},
		{"no validator", func(g *identity.Genesis) { g.Departments[0].Validator = nil }, false, identity.ErrBadGenesis.Code},
		{"short validator key", func(g *identity.Genesis) {
			g.Departments[0].Validator = &identity.Validator{PublicKey: []byte{1}, Power: 1}
		}, false, identity.ErrBadKey.Code},
		{"bad account key", func(g *identity.Genesis) {
			g.Accounts = []identity.GenesisAccount{{Algorithm: "rsa", PublicKey: key("b"), Department: "mof"}}
		}, false, identity.ErrBadKey.Code},
		{"account of an unknown department", func(g *identity.Genesis) {
			g.Accounts = []identity.GenesisAccount{{Algorithm: crypto.AlgEd25519, PublicKey: key("b"), Department: "moh"}}
		}, false, identity.ErrUnknownDepartment.Code},
		{"undefined role", func(g *identity.Genesis) {
			g.Accounts = []identity.GenesisAccount{{Algorithm: crypto.AlgEd25519, PublicKey: key("b"), Department: "mof", Roles: []string{"registry.bank"}}}
		}, false, identity.ErrUnknownRole.Code},
		{"account twice", func(g *identity.Genesis) {
			g.Accounts = []identity.GenesisAccount{{Algorithm: crypto.AlgEd25519, PublicKey: key("a"), Department: "mof"}}
		}, false, identity.ErrAccountExists.Code},
	}
	m := identity.New()
	for _, c := range cases {
		var raw []byte
		if !c.nil_ {
			g := good()
			c.edit(&g)
			raw, _ = json.Marshal(g)
		}
		ctx := module.NewContext(moduletest.ChainID, 0, moduletest.GenesisTime, module.Signer{}, moduletest.NewState()).
			WithDefinedRoles(module.SortRoles(m.Roles())).WithModule(identity.Name)
		if err := m.InitGenesis(ctx, raw); module.AsError(err).Code != c.code || err.Error() == "" {
			t.Errorf("%s: %v, want code %d", c.name, err, c.code)
		}
	}
}

// Every message with the right role, a wrong role and no role.
func TestRoleTable(t *testing.T) {
	w := newWorld(t)
	clerk := w.Official("clerk", "mof") // no roles
	w.Official("registrar", "mof", identity.RoleRegistrar)
	w.Official("auditor", "mof", identity.RoleAuditor)
	w.Official("nrb-clerk", "nrb")
	w.Citizen("citizen", "mof")
	leaver := w.Official("leaver", "mof")
	unauthorized := module.ErrUnauthorized.Code
	official := identity.MsgCreateAccount{Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey("o1")}

	moduletest.CheckRoleTable(t, w, identity.New(), moduletest.RoleTable{
		{Type: identity.TypeCreateAccount, Roles: []string{identity.RoleAdmin, identity.RoleRegistrar}, Body: citizenKey(w, "c3"), Attempts: []moduletest.Attempt{
			{Signer: "clerk", Code: unauthorized},
			{Signer: "citizen", Code: unauthorized},
			{Signer: "auditor", Code: unauthorized},
			{Signer: "registrar", Code: identity.ErrNotAllowed.Code, Body: official}, // a registrar creates citizens only
			{Signer: "mof", Body: citizenKey(w, "c1")},
			{Signer: "registrar", Body: citizenKey(w, "c2")},
		}},
		{Type: identity.TypeGrantRole, Roles: []string{identity.RoleAdmin}, Body: identity.MsgRole{Account: clerk, Role: identity.RoleAuditor}, Attempts: []moduletest.Attempt{
			{Signer: "registrar", Code: unauthorized, Body: identity.MsgRole{Account: clerk, Role: identity.RoleRegistrar}},
			{Signer: "clerk", Code: unauthorized},
			{Signer: "nrb", Code: identity.ErrOtherDepartment.Code, Body: identity.MsgRole{Account: clerk, Role: identity.RoleRegistrar}},
			{Signer: "mof"},
		}},
		{Type: identity.TypeRevokeRole, Roles: []string{identity.RoleAdmin}, Body: identity.MsgRole{Account: clerk, Role: identity.RoleAuditor}, Attempts: []moduletest.Attempt{
			{Signer: "auditor", Code: unauthorized},
			{Signer: "nrb-clerk", Code: unauthorized},
			{Signer: "nrb", Code: identity.ErrOtherDepartment.Code},
			{Signer: "mof"},
		}},
		{Type: identity.TypeRotateKey, Body: rotateTo(w, "", "citizen-2"), Attempts: []moduletest.Attempt{
			{Signer: "clerk", Code: identity.ErrNotAllowed.Code, Body: rotateTo(w, w.Addr("registrar"), "x")}, // another's key: admins only
			{Signer: "citizen"}, // one's own key: anyone
		}},
		{Type: identity.TypeDisableAccount, Roles: []string{identity.RoleAdmin}, Body: identity.MsgDisableAccount{Account: leaver}, Attempts: []moduletest.Attempt{
			{Signer: "clerk", Code: unauthorized},
			{Signer: "registrar", Code: unauthorized},
			{Signer: "nrb", Code: identity.ErrOtherDepartment.Code},
			{Signer: "mof"},
		}},
		{Type: identity.TypePropose, Roles: []string{identity.RoleAdmin}, Body: propose(identity.Action{Kind: identity.KindSetThreshold, Threshold: 2}), Attempts: []moduletest.Attempt{
			{Signer: "clerk", Code: unauthorized},
			{Signer: "auditor", Code: unauthorized},
			{Signer: "mof"},
		}},
		{Type: identity.TypeApprove, Roles: []string{identity.RoleAdmin}, Body: approve(1), Attempts: []moduletest.Attempt{
			{Signer: "citizen", Code: unauthorized},
			{Signer: "registrar", Code: unauthorized},
			{Signer: "nrb"},
		}},
		{Type: identity.TypeAddIssuerKey, Roles: []string{identity.RoleAdmin}, Body: identity.MsgAddIssuerKey{Kid: "k1", Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey("issuer-k1")}, Attempts: []moduletest.Attempt{
			{Signer: "clerk", Code: unauthorized},
			{Signer: "registrar", Code: unauthorized},
			{Signer: "citizen", Code: unauthorized},
			{Signer: "mof"},
			{Signer: "mof", Code: identity.ErrIssuerKeyExists.Code},
		}},
		{Type: identity.TypeRetireIssuerKey, Roles: []string{identity.RoleAdmin}, Body: identity.MsgRetireIssuerKey{Kid: "k1"}, Attempts: []moduletest.Attempt{
			{Signer: "clerk", Code: unauthorized},
			{Signer: "registrar", Code: unauthorized},
			{Signer: "citizen", Code: unauthorized},
			{Signer: "nrb", Code: identity.ErrUnknownIssuer.Code}, // not mof's key: nrb has none
			{Signer: "mof"},
			{Signer: "mof", Code: identity.ErrUnknownIssuerKey.Code},
		}},
	})
	if a := account(t, w, "citizen"); !bytes.Equal(a.PublicKey, w.PublicKey("citizen-2")) {
		t.Fatal("the citizen's key was not rotated")
	}
	if !account(t, w, "leaver").Disabled {
		t.Fatal("leaver not disabled")
	}
	// A disabled account no longer signs anything.
	w.ExpectCode(t, module.ErrSignerDisabled.Code, "leaver", identity.TypeRotateKey, rotateTo(w, "", "leaver-2"))
}

func TestKeyRotation(t *testing.T) {
	w := newWorld(t)
	addr := w.Official("alice", "mof")
	r := w.ExpectOK(t, "alice", identity.TypeRotateKey, rotateTo(w, "", "alice-new"))
	if ev, ok := r.Event("identity.key_rotated"); !ok || ev.Attrs[0].Value != addr {
		t.Fatalf("events %+v", r.Events)
	}
	w.ExpectOK(t, "alice", identity.TypeRotateKey, rotateTo(w, addr, "alice-3")) // naming oneself is the same
	a := account(t, w, "alice")
	if a.Address != addr || !bytes.Equal(a.PublicKey, w.PublicKey("alice-3")) || a.Sequence != 2 {
		t.Fatalf("account after rotations: %+v", a)
	}
	// An admin recovers a lost key of its department.
	w.ExpectOK(t, "mof", identity.TypeRotateKey, rotateTo(w, addr, "alice-4"))
	if a := account(t, w, "alice"); !bytes.Equal(a.PublicKey, w.PublicKey("alice-4")) {
		t.Fatalf("after the admin's rotation: %+v", a)
	}
	// Another department's admin may not.
	w.ExpectCode(t, identity.ErrOtherDepartment.Code, "nrb", identity.TypeRotateKey, rotateTo(w, addr, "alice-5"))
	// An SM2 key replaces an Ed25519 one.
	sm2 := sm2Key(t, "alice-sm2")
	w.ExpectOK(t, "alice", identity.TypeRotateKey, identity.MsgRotateKey{Algorithm: sm2.Algorithm, PublicKey: sm2.PublicKey()})
	if a := account(t, w, "alice"); a.Algorithm != crypto.AlgSM2 || a.Address != addr {
		t.Fatalf("after rotating to sm2: %+v", a)
	}
}

func sm2Key(t *testing.T, name string) *crypto.PrivateKey {
	seed := crypto.Hash("identity-test/sm2", []byte(name))
	k, err := crypto.KeyFromSeed(crypto.AlgSM2, seed[:])
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// SM2 and Ed25519 accounts coexist: an SM2 official registers an Ed25519
// citizen.
func TestSM2Accounts(t *testing.T) {
	w := newWorld(t)
	w.SetKey("sm2-official", sm2Key(t, "official"))
	w.Official("sm2-official", "mof", identity.RoleRegistrar)
	w.ExpectOK(t, "sm2-official", identity.TypeCreateAccount, citizenKey(w, "ed-citizen"))
	if a := account(t, w, "sm2-official"); a.Algorithm != crypto.AlgSM2 || a.Sequence != 1 {
		t.Fatalf("sm2 account: %+v", a)
	}
	if a := account(t, w, "ed-citizen"); a.Algorithm != crypto.AlgEd25519 || !a.Citizen {
		t.Fatalf("citizen: %+v", a)
	}
}

func TestProposalsMofN(t *testing.T) {
	w := newWorld(t)
	newVal := w.ValidatorKey("moh")
	add := identity.Action{Kind: identity.KindAddDepartment, Department: "moh", Name: "Ministry of Health",
		Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey("moh"), ValidatorKey: newVal, Power: 4} // less than a third of the power until it signs
	add = prove(t, w, "moh", add, 0)
	r := w.ExpectOK(t, "mof", identity.TypePropose, propose(add))
	if _, ok := r.Event("identity.proposal_opened"); !ok {
		t.Fatalf("events %+v", r.Events)
	}
	w.ExpectCode(t, identity.ErrAlreadyApproved.Code, "mof", identity.TypeApprove, approve(1))
	w.ExpectOK(t, "nrb", identity.TypeApprove, approve(1))
	if p := proposal(t, w, 1); p.Status != identity.StatusOpen || len(p.Approvals) != 2 {
		t.Fatalf("after 2 of 4 (m=3): %+v", p)
	}
	if _, err := identity.GetDepartment(view(w), "moh"); err == nil {
		t.Fatal("department added before m approvals")
	}
	r = w.ExpectOK(t, "cab", identity.TypeApprove, approve(1))
	if p := proposal(t, w, 1); p.Status != identity.StatusExecuted || p.ExecutedAt != w.Height() {
		t.Fatalf("after 3 of 4: %+v", p)
	}
	if len(r.ValidatorUpdates) != 1 || !bytes.Equal(r.ValidatorUpdates[0].PubKey, newVal) || r.ValidatorUpdates[0].Power != 4 {
		t.Fatalf("validator updates %+v", r.ValidatorUpdates)
	}
	if m, _ := identity.GetMeta(view(w)); m.Departments != 5 || m.TotalPower != 14 {
		t.Fatalf("meta after adding moh: %+v", m)
	}
	w.ExpectCode(t, identity.ErrProposalClosed.Code, "ec", identity.TypeApprove, approve(1))
	// The new department's admin works at once.
	w.Official("moh-clerk", "moh")

	// With moh validating, mof's validator can go to 0; then moh's cannot:
	// that would leave no validator power, so the proposal fails.
	// (Once moh's validator has signed a block: TestUnprovenPowerCapped.)
	w.Signed(newVal)
	zero := identity.Action{Kind: identity.KindSetValidator, Department: "mof", ValidatorKey: w.ValidatorKey("mof"), Power: 0}
	w.ExpectOK(t, "nrb", identity.TypePropose, propose(zero))
	w.ExpectOK(t, "cab", identity.TypeApprove, approve(2))
	w.ExpectOK(t, "ec", identity.TypeApprove, approve(2))
	if p := proposal(t, w, 2); p.Status != identity.StatusExecuted {
		t.Fatalf("mof validator removal with moh still validating: %+v", p)
	}
	rm := identity.Action{Kind: identity.KindSetValidator, Department: "moh", ValidatorKey: newVal, Power: 0}
	w.ExpectOK(t, "nrb", identity.TypePropose, propose(rm))
	w.ExpectOK(t, "cab", identity.TypeApprove, approve(3))
	r = w.ExpectOK(t, "ec", identity.TypeApprove, approve(3))
	if p := proposal(t, w, 3); p.Status != identity.StatusFailed || !strings.Contains(p.Result, "without validator power") {
		t.Fatalf("removing the last validator: %+v", p)
	}
	if len(r.ValidatorUpdates) != 0 {
		t.Fatalf("failed proposal emitted validator updates: %+v", r.ValidatorUpdates)
	}

	// Grant admin through a proposal.
	w.Official("ec-clerk", "ec")
	w.ExpectOK(t, "ec", identity.TypePropose, propose(grantAdmin(w, "ec", "ec-clerk")))
	w.ExpectOK(t, "mof", identity.TypeApprove, approve(4))
	w.ExpectOK(t, "nrb", identity.TypeApprove, approve(4))
	if a := account(t, w, "ec-clerk"); !has(a.Roles, identity.RoleAdmin) {
		t.Fatalf("grant_admin did not execute: %+v", a)
	}
	// Expiry: a proposal takes approvals up to its expiry height, not after.
	w.ExpectOK(t, "ec-clerk", identity.TypePropose, propose(identity.Action{Kind: identity.KindSetThreshold, Threshold: 9}))
	if p := proposal(t, w, 5); p.Expires != w.Height()+100 {
		t.Fatalf("expires %d at height %d", p.Expires, w.Height())
	}
	w.NextBlocks(100)
	w.ExpectOK(t, "mof", identity.TypeApprove, approve(5))
	w.NextBlock()
	w.ExpectCode(t, identity.ErrProposalClosed.Code, "nrb", identity.TypeApprove, approve(5))
	w.ExpectCode(t, identity.ErrUnknownProposal.Code, "mof", identity.TypeApprove, approve(77))
	w.ExpectCode(t, identity.ErrBadProposal.Code, "mof", identity.TypePropose, propose(identity.Action{Kind: "dissolve"}))
}

// pass proposes a by mof and approves it by nrb, then cab, until it
// closes, and returns it.
func pass(t *testing.T, w *moduletest.World, a identity.Action) *identity.Proposal {
	t.Helper()
	w.ExpectOK(t, "mof", identity.TypePropose, propose(a))
	m, _ := identity.GetMeta(view(w))
	for _, d := range []string{"nrb", "cab"} {
		if proposal(t, w, m.NextProposal).Status == identity.StatusOpen {
			w.ExpectOK(t, d, identity.TypeApprove, approve(m.NextProposal))
		}
	}
	p := proposal(t, w, m.NextProposal)
	if p.Status == identity.StatusOpen {
		t.Fatalf("proposal %d still open", p.ID)
	}
	return p
}

// An action that can no longer execute closes its proposal as failed with
// the reason; the approving transaction itself succeeds.
func TestProposalActionsThatFail(t *testing.T) {
	w := newWorld(t)
	w.Citizen("citizen", "mof")
	clerk := w.Official("clerk", "mof")
	w.Official("nrb-clerk", "nrb")
	for _, c := range []struct {
		name   string
		action identity.Action
		code   *module.Error
	}{
		{"existing department", identity.Action{Kind: identity.KindAddDepartment, Department: "nrb", Name: "again",
			Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey("nrb-2")}, identity.ErrDepartmentExists},
		{"threshold above n", identity.Action{Kind: identity.KindSetThreshold, Threshold: 5}, identity.ErrBadThreshold},
		{"validator of an unknown department", prove(t, w, "moh", identity.Action{Kind: identity.KindSetValidator, Department: "moh",
			ValidatorKey: w.ValidatorKey("moh"), Power: 1}, 0), identity.ErrUnknownDepartment},
		{"validator key of another department", prove(t, w, "mof", identity.Action{Kind: identity.KindSetValidator, Department: "nrb",
			ValidatorKey: w.ValidatorKey("mof"), Power: 1}, 0), identity.ErrValidatorInUse},
		{"admin for a citizen", grantAdmin(w, "mof", "citizen"), identity.ErrCitizenRoles},
		{"admin held", grantAdmin(w, "mof", "mof"), identity.ErrRoleHeld},
		{"admin not held", identity.Action{Kind: identity.KindRevokeAdmin, Department: "mof", Account: clerk}, identity.ErrRoleNotHeld},
		{"admin of another department", grantAdmin(w, "mof", "nrb-clerk"), identity.ErrOtherDepartment},
		{"admin for an unknown account", grantAdmin(w, "mof", "nobody"), identity.ErrUnknownAccount},
	} {
		before := w.Snapshot()
		p := pass(t, w, c.action)
		if p.Status != identity.StatusFailed || !strings.Contains(p.Result, c.code.Msg) {
			t.Errorf("%s: %+v, want failed with %q", c.name, p, c.code.Msg)
		}
		// Nothing but the proposal, the counter and the signers' sequences
		// changed.
		for _, d := range before.Diff(w.Snapshot()) {
			switch d {
			case "~ identity/meta", "~ identity/acct/" + w.Addr("mof"), "~ identity/acct/" + w.Addr("nrb"), "~ identity/acct/" + w.Addr("cab"):
				continue
			}
			if !strings.HasPrefix(d, "+ identity/prop/") {
				t.Errorf("%s: a failed action changed %s", c.name, d)
			}
		}
	}

	// Removing a department: its admin stops acting, its approvals stop
	// counting, and n may not fall below m.
	w.ExpectOK(t, "ec", identity.TypePropose, propose(identity.Action{Kind: identity.KindSetThreshold, Threshold: 2}))
	pending, _ := identity.GetMeta(view(w))
	if p := pass(t, w, identity.Action{Kind: identity.KindRemoveDepartment, Department: "ec"}); p.Status != identity.StatusExecuted {
		t.Fatalf("remove ec: %+v", p)
	}
	if d, _ := identity.GetDepartment(view(w), "ec"); !d.Removed {
		t.Fatalf("ec after removal: %+v", d)
	}
	w.ExpectCode(t, identity.ErrDepartmentInactive.Code, "ec", identity.TypeCreateAccount, citizenKey(w, "late"))
	w.ExpectCode(t, identity.ErrDepartmentInactive.Code, "ec", identity.TypeApprove, approve(pending.NextProposal))
	w.ExpectOK(t, "mof", identity.TypeApprove, approve(pending.NextProposal))
	w.ExpectOK(t, "nrb", identity.TypeApprove, approve(pending.NextProposal))
	if p := proposal(t, w, pending.NextProposal); p.Status != identity.StatusOpen || len(p.Approvals) != 3 {
		t.Fatalf("ec's approval still counts: %+v", p)
	}
	w.ExpectOK(t, "cab", identity.TypeApprove, approve(pending.NextProposal))
	if p := proposal(t, w, pending.NextProposal); p.Status != identity.StatusExecuted {
		t.Fatalf("three active approvals: %+v", p)
	}
	if p := pass(t, w, identity.Action{Kind: identity.KindRemoveDepartment, Department: "ec"}); p.Status != identity.StatusFailed ||
		!strings.Contains(p.Result, identity.ErrDepartmentInactive.Msg) {
		t.Fatalf("removing ec twice: %+v", p)
	}
	if p := pass(t, w, prove(t, w, "ec", identity.Action{Kind: identity.KindSetValidator, Department: "ec", ValidatorKey: w.ValidatorKey("ec"), Power: 1}, 0)); p.Status != identity.StatusFailed {
		t.Fatalf("validator for a removed department: %+v", p)
	}
}

// Bad input: each gets its code and message and changes nothing but the
// signer's sequence.
func TestBadInput(t *testing.T) {
	w := newWorld(t)
	clerk := w.Official("clerk", "mof")
	auditor := w.Official("auditor", "mof", identity.RoleAuditor)
	citizen := w.Citizen("citizen", "mof")
	gone := w.Official("gone", "mof")
	w.ExpectOK(t, "mof", identity.TypeDisableAccount, identity.MsgDisableAccount{Account: gone})
	w.ExpectOK(t, "mof", identity.TypePropose, propose(identity.Action{Kind: identity.KindSetThreshold, Threshold: 2}))
	nobody := w.Addr("nobody")
	ed := func(pub []byte) identity.MsgCreateAccount {
		return identity.MsgCreateAccount{Algorithm: crypto.AlgEd25519, PublicKey: pub}
	}
	key := w.PublicKey("new")
	manyRoles := make([]string, 17)
	for i := range manyRoles {
		manyRoles[i] = identity.RoleAuditor
	}
	addDept := func(edit func(a *identity.Action)) identity.MsgPropose {
		a := identity.Action{Kind: identity.KindAddDepartment, Department: "moh", Name: "Health", Algorithm: crypto.AlgEd25519, PublicKey: key}
		edit(&a)
		return propose(a)
	}
	invalid := module.ErrInvalidField.Code
	cases := []struct {
		name   string
		signer string
		typ    string
		body   any
		code   uint32
	}{
		{"malformed body", "mof", identity.TypeCreateAccount, []byte{0xff}, module.ErrBadMessage.Code},
		{"sm2 label on an ed25519 key", "mof", identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: crypto.AlgSM2, PublicKey: key}, identity.ErrBadKey.Code},
		{"unknown algorithm", "mof", identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: "rsa", PublicKey: key}, identity.ErrBadKey.Code},
		{"short key", "mof", identity.TypeCreateAccount, ed(key[:5]), identity.ErrBadKey.Code},
		{"17 roles", "mof", identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: crypto.AlgEd25519, PublicKey: key, Roles: manyRoles}, invalid},
		{"citizen with roles", "mof", identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: crypto.AlgEd25519, PublicKey: key, Citizen: true, Roles: []string{identity.RoleAuditor}}, identity.ErrCitizenRoles.Code},
		{"malformed role", "mof", identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: crypto.AlgEd25519, PublicKey: key, Roles: []string{"Auditor!"}}, identity.ErrUnknownRole.Code},
		{"undefined role", "mof", identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: crypto.AlgEd25519, PublicKey: key, Roles: []string{"registry.bank"}}, identity.ErrUnknownRole.Code},
		{"admin role at creation", "mof", identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: crypto.AlgEd25519, PublicKey: key, Roles: []string{identity.RoleAdmin}}, identity.ErrAdminRole.Code},
		{"existing account", "mof", identity.TypeCreateAccount, ed(w.PublicKey("clerk")), identity.ErrAccountExists.Code},
		{"grant admin", "mof", identity.TypeGrantRole, identity.MsgRole{Account: clerk, Role: identity.RoleAdmin}, identity.ErrAdminRole.Code},
		{"grant undefined role", "mof", identity.TypeGrantRole, identity.MsgRole{Account: clerk, Role: "registry.bank"}, identity.ErrUnknownRole.Code},
		{"grant to a malformed address", "mof", identity.TypeGrantRole, identity.MsgRole{Account: "alice", Role: identity.RoleAuditor}, invalid},
		{"grant to an unknown account", "mof", identity.TypeGrantRole, identity.MsgRole{Account: nobody, Role: identity.RoleAuditor}, identity.ErrUnknownAccount.Code},
		{"grant to a citizen", "mof", identity.TypeGrantRole, identity.MsgRole{Account: citizen, Role: identity.RoleAuditor}, identity.ErrCitizenRoles.Code},
		{"grant a held role", "mof", identity.TypeGrantRole, identity.MsgRole{Account: auditor, Role: identity.RoleAuditor}, identity.ErrRoleHeld.Code},
		{"revoke admin", "mof", identity.TypeRevokeRole, identity.MsgRole{Account: w.Addr("mof"), Role: identity.RoleAdmin}, identity.ErrAdminRole.Code},
		{"revoke a role not held", "mof", identity.TypeRevokeRole, identity.MsgRole{Account: clerk, Role: identity.RoleAuditor}, identity.ErrRoleNotHeld.Code},
		{"revoke from an unknown account", "mof", identity.TypeRevokeRole, identity.MsgRole{Account: nobody, Role: identity.RoleAuditor}, identity.ErrUnknownAccount.Code},
		{"rotate to a bad key", "clerk", identity.TypeRotateKey, identity.MsgRotateKey{Algorithm: crypto.AlgEd25519, PublicKey: key[:31]}, identity.ErrBadKey.Code},
		{"rotate a malformed address", "mof", identity.TypeRotateKey, identity.MsgRotateKey{Account: "x", Algorithm: crypto.AlgEd25519, PublicKey: key}, invalid},
		{"rotate an unknown account", "mof", identity.TypeRotateKey, rotateTo(w, nobody, "new"), identity.ErrUnknownAccount.Code},
		{"disable a disabled account", "mof", identity.TypeDisableAccount, identity.MsgDisableAccount{Account: gone}, identity.ErrAccountDisabled.Code},
		{"disable another department's account", "nrb", identity.TypeDisableAccount, identity.MsgDisableAccount{Account: clerk}, identity.ErrOtherDepartment.Code},
		{"disable a malformed address", "mof", identity.TypeDisableAccount, identity.MsgDisableAccount{Account: ""}, invalid},
		{"unknown proposal kind", "mof", identity.TypePropose, propose(identity.Action{Kind: "dissolve"}), identity.ErrBadProposal.Code},
		{"department id", "mof", identity.TypePropose, addDept(func(a *identity.Action) { a.Department = "Health Ministry" }), identity.ErrBadProposal.Code},
		{"department name", "mof", identity.TypePropose, addDept(func(a *identity.Action) { a.Name = "" }), invalid},
		{"department admin key", "mof", identity.TypePropose, addDept(func(a *identity.Action) { a.PublicKey = nil }), identity.ErrBadKey.Code},
		{"department validator key", "mof", identity.TypePropose, addDept(func(a *identity.Action) { a.ValidatorKey, a.Power = []byte{1, 2}, 1 }), identity.ErrBadKey.Code},
		{"department validator power", "mof", identity.TypePropose, addDept(func(a *identity.Action) { a.ValidatorKey, a.Power = w.ValidatorKey("moh"), 2_000_000 }), identity.ErrBadProposal.Code},
		{"removal without department", "mof", identity.TypePropose, propose(identity.Action{Kind: identity.KindRemoveDepartment}), identity.ErrBadProposal.Code},
		{"validator without department", "mof", identity.TypePropose, propose(identity.Action{Kind: identity.KindSetValidator, ValidatorKey: w.ValidatorKey("x"), Power: 1}), identity.ErrBadProposal.Code},
		{"validator key", "mof", identity.TypePropose, propose(identity.Action{Kind: identity.KindSetValidator, Department: "mof", ValidatorKey: []byte{1}}), identity.ErrBadKey.Code},
		{"negative power", "mof", identity.TypePropose, propose(identity.Action{Kind: identity.KindSetValidator, Department: "mof", ValidatorKey: w.ValidatorKey("mof"), Power: -1}), identity.ErrBadProposal.Code},
		{"admin without department", "mof", identity.TypePropose, propose(identity.Action{Kind: identity.KindGrantAdmin, Account: clerk}), identity.ErrBadProposal.Code},
		{"admin of a malformed address", "mof", identity.TypePropose, propose(identity.Action{Kind: identity.KindRevokeAdmin, Department: "mof", Account: "x"}), invalid},
		{"threshold 0", "mof", identity.TypePropose, propose(identity.Action{Kind: identity.KindSetThreshold}), identity.ErrBadThreshold.Code},
		{"approve an unknown proposal", "mof", identity.TypeApprove, approve(77), identity.ErrUnknownProposal.Code},
		{"approve twice", "mof", identity.TypeApprove, approve(1), identity.ErrAlreadyApproved.Code},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w.ExpectCode(t, c.code, c.signer, c.typ, c.body)
		})
	}
}

// A failed add_department leaves nothing behind: the action writes the new
// admin's account before setValidator refuses the key, so the action runs
// atomically (module.Context.Atomic) and a failure discards its writes;
// otherwise an account of a department that does not exist would remain,
// able to sign open messages, and the department could never be added
// with that admin key.
func TestFailedAddDepartmentLeavesNothing(t *testing.T) {
	w := newWorld(t)
	p := pass(t, w, prove(t, w, "mof", identity.Action{Kind: identity.KindAddDepartment, Department: "moh", Name: "Health",
		Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey("moh"), ValidatorKey: w.ValidatorKey("mof"), Power: 1}, 0))
	if p.Status != identity.StatusFailed {
		t.Fatalf("%+v", p)
	}
	if keys := w.Keys("identity/member/moh/"); len(keys) != 0 || w.Account("moh") != nil {
		t.Fatalf("the failed action left %v", keys)
	}
}

// Removing a key that is not the department's validator (a random key, or
// one the department does not hold) fails the proposal and asks consensus
// for nothing: CometBFT refuses such an update on every node and halts.
func TestRemovingAnUnknownValidatorAsksNothing(t *testing.T) {
	w := newWorld(t)
	p := pass(t, w, identity.Action{Kind: identity.KindSetValidator, Department: "mof", ValidatorKey: make([]byte, 32), Power: 0})
	if p.Status != identity.StatusFailed {
		t.Fatalf("%+v", p)
	}
	if ups := w.Last().ValidatorUpdates; len(ups) != 0 {
		t.Fatalf("validator updates %v", ups)
	}
}

// grantAdmin is a grant_admin action for the account named name, with its
// current key (which the proposal must name).
func grantAdmin(w *moduletest.World, dept, name string) identity.Action {
	k := w.Key(name)
	return identity.Action{Kind: identity.KindGrantAdmin, Department: dept, Account: k.Address(), Algorithm: k.Algorithm, PublicKey: k.PublicKey()}
}
