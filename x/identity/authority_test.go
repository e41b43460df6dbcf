package identity_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/x/identity"
)

// Who grants identity's roles in the dev consortium: every department
// registers citizens' registrars, the Ministry of Finance designates
// auditors; every other department is refused.
func TestGrantTable(t *testing.T) {
	w := newWorld(t)
	moduletest.CheckGrantTable(t, w, identity.New(), moduletest.GrantTable{
		{Role: identity.RoleRegistrar, Grantors: []string{module.AnyDepartment}},
		{Role: identity.RoleAuditor, Grantors: []string{"mof"}},
	})
}

func grantors(t *testing.T, w *moduletest.World, role string) []string {
	t.Helper()
	g, err := identity.GetRoleGrantors(view(w), role)
	if err != nil {
		t.Fatal(err)
	}
	return g.Departments
}

func setGrantors(role string, depts ...string) identity.Action {
	return identity.Action{Kind: identity.KindSetRoleGrantors, Role: role, Departments: depts}
}

// A set_role_grantors proposal changes who grants a role. Holders in a
// department taken off the list keep the role in their record, but it no
// longer takes effect (it is dormant) until the department is listed again
// or an admin revokes it.
func TestSetRoleGrantors(t *testing.T) {
	w := newWorld(t)
	w.Official("aud", "mof", identity.RoleAuditor)
	clerk := w.Official("nrb-clerk", "nrb")
	w.ExpectCode(t, identity.ErrRoleNotGrantable.Code, "nrb", identity.TypeGrantRole, identity.MsgRole{Account: clerk, Role: identity.RoleAuditor})

	p := pass(t, w, setGrantors(identity.RoleAuditor, "nrb"))
	if p.Status != identity.StatusExecuted || !slices.Equal(grantors(t, w, identity.RoleAuditor), []string{"nrb"}) {
		t.Fatalf("%+v, grantors %v", p, grantors(t, w, identity.RoleAuditor))
	}
	if ev, ok := w.Last().Event("identity.role_grantors_set"); !ok || ev.Attrs[1].Value != "nrb" {
		t.Fatalf("events %+v", w.Last().Events)
	}
	w.ExpectOK(t, "nrb", identity.TypeGrantRole, identity.MsgRole{Account: clerk, Role: identity.RoleAuditor})
	mofClerk := w.Official("mof-clerk", "mof")
	w.ExpectCode(t, identity.ErrRoleNotGrantable.Code, "mof", identity.TypeGrantRole, identity.MsgRole{Account: mofClerk, Role: identity.RoleAuditor})
	// mof's auditor keeps the role in its record; it has no effect.
	if a := account(t, w, "aud"); !has(a.Roles, identity.RoleAuditor) {
		t.Fatalf("record %+v", a)
	}
	if w.Account("aud").HasRole(identity.RoleAuditor) {
		t.Fatal("a role mof may no longer grant still takes effect")
	}
	// Listed again, it takes effect again; every department: "*".
	pass(t, w, setGrantors(identity.RoleAuditor, module.AnyDepartment))
	if !w.Account("aud").HasRole(identity.RoleAuditor) {
		t.Fatal("the role did not take effect again")
	}
	w.ExpectOK(t, "cab", identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey("cab-aud"), Roles: []string{identity.RoleAuditor}})
	// No grantor at all: only a proposal makes the role grantable again.
	pass(t, w, setGrantors(identity.RoleRegistrar))
	if g := grantors(t, w, identity.RoleRegistrar); len(g) != 0 {
		t.Fatalf("grantors %v", g)
	}
	w.ExpectCode(t, identity.ErrRoleNotGrantable.Code, "nrb", identity.TypeGrantRole, identity.MsgRole{Account: clerk, Role: identity.RoleRegistrar})

	// Refused when proposed.
	for _, c := range []struct {
		name   string
		action identity.Action
		code   uint32
	}{
		{"undefined role", setGrantors("registry.bank", "mof"), identity.ErrUnknownRole.Code},
		{"malformed role", setGrantors("Bank!", "mof"), identity.ErrUnknownRole.Code},
		{"department.admin", setGrantors(identity.RoleAdmin, "mof"), identity.ErrAdminRole.Code},
		{"unknown department", setGrantors(identity.RoleAuditor, "moh"), identity.ErrUnknownDepartment.Code},
		{"malformed department", setGrantors(identity.RoleAuditor, "M O F"), identity.ErrBadProposal.Code},
		{"unsorted", setGrantors(identity.RoleAuditor, "nrb", "mof"), identity.ErrBadProposal.Code},
		{"repeated", setGrantors(identity.RoleAuditor, "mof", "mof"), identity.ErrBadProposal.Code},
		{"every department and one", setGrantors(identity.RoleAuditor, module.AnyDepartment, "mof"), identity.ErrBadProposal.Code},
	} {
		t.Run(c.name, func(t *testing.T) {
			w.ExpectCode(t, c.code, "mof", identity.TypePropose, propose(c.action))
		})
	}

	// A department removed after the proposal opened: the proposal fails.
	w.ExpectOK(t, "mof", identity.TypePropose, propose(setGrantors(identity.RoleAuditor, "ec")))
	stale, _ := identity.GetMeta(view(w))
	pass(t, w, identity.Action{Kind: identity.KindSetThreshold, Threshold: 2})
	pass(t, w, identity.Action{Kind: identity.KindRemoveDepartment, Department: "ec"})
	w.ExpectOK(t, "nrb", identity.TypeApprove, approve(stale.NextProposal))
	if p := proposal(t, w, stale.NextProposal); p.Status != identity.StatusFailed || !strings.Contains(p.Result, identity.ErrDepartmentInactive.Msg) {
		t.Fatalf("grantors naming a removed department: %+v", p)
	}
}

// Removing a department takes it off every grantor list: its officials'
// roles stop taking effect.
func TestRemovedDepartmentGrantsNothing(t *testing.T) {
	w := newWorld(t)
	w.Official("aud", "mof", identity.RoleAuditor)
	pass(t, w, setGrantors(identity.RoleAuditor, "ec", "mof"))
	pass(t, w, identity.Action{Kind: identity.KindSetThreshold, Threshold: 2})
	w.Official("ec-aud", "ec", identity.RoleAuditor)
	pass(t, w, identity.Action{Kind: identity.KindRemoveDepartment, Department: "ec"})
	if g := grantors(t, w, identity.RoleAuditor); !slices.Equal(g, []string{"mof"}) {
		t.Fatalf("grantors after removing ec: %v", g)
	}
	if w.Account("ec-aud").HasRole(identity.RoleAuditor) || !w.Account("aud").HasRole(identity.RoleAuditor) {
		t.Fatal("effective roles after removing ec")
	}
}

// Genesis sets every role's grantors: its own list where it gives one, the
// module's declared defaults less the departments it does not found
// otherwise; genesis accounts hold only roles their department may grant.
func TestGenesisGrantors(t *testing.T) {
	w := moduletest.New(t, identity.New())
	w.Department("mof")
	w.Department("audit")
	w.Grantors(identity.RoleAuditor, "audit")
	w.Official("aud", "audit", identity.RoleAuditor)
	if g := grantors(t, w, identity.RoleAuditor); !slices.Equal(g, []string{"audit"}) {
		t.Fatalf("auditor: %v", g)
	}
	if g := grantors(t, w, identity.RoleRegistrar); !slices.Equal(g, []string{module.AnyDepartment}) {
		t.Fatalf("registrar: %v", g)
	}
	// department.admin has no list: only proposals grant it.
	if _, ok := w.View(identity.Name).Get([]byte("grantors/" + identity.RoleAdmin)); ok {
		t.Fatal("department.admin has a grantor list")
	}

	// Defaults naming departments the genesis does not found: dropped.
	w = moduletest.New(t, identity.New())
	w.Department("nrb")
	if g := grantors(t, w, identity.RoleAuditor); len(g) != 0 {
		t.Fatalf("auditor without mof: %v", g)
	}

	key := w.PublicKey
	admin := []identity.GenesisAccount{{Algorithm: crypto.AlgEd25519, PublicKey: key("a")}}
	base := func() identity.Genesis {
		return identity.Genesis{Threshold: 1, Departments: []identity.GenesisDepartment{{ID: "mof", Name: "MoF", Admins: admin,
			Validator: &identity.Validator{PublicKey: key("v"), Power: 1}}}}
	}
	official := func(dept string, roles ...string) []identity.GenesisAccount {
		return []identity.GenesisAccount{{Algorithm: crypto.AlgEd25519, PublicKey: key("b"), Department: dept, Roles: roles}}
	}
	m := identity.New()
	for _, c := range []struct {
		name string
		edit func(*identity.Genesis)
		code uint32
	}{
		{"undefined role", func(g *identity.Genesis) { g.RoleGrantors = map[string][]string{"registry.bank": {"mof"}} }, identity.ErrUnknownRole.Code},
		{"department.admin", func(g *identity.Genesis) { g.RoleGrantors = map[string][]string{identity.RoleAdmin: {"mof"}} }, identity.ErrAdminRole.Code},
		{"unknown department", func(g *identity.Genesis) { g.RoleGrantors = map[string][]string{identity.RoleAuditor: {"moh"}} }, identity.ErrUnknownDepartment.Code},
		{"every department and one", func(g *identity.Genesis) {
			g.RoleGrantors = map[string][]string{identity.RoleAuditor: {"*", "mof"}}
		}, identity.ErrBadGenesis.Code},
		{"role the department may not grant", func(g *identity.Genesis) {
			g.RoleGrantors = map[string][]string{identity.RoleAuditor: {}}
			g.Accounts = official("mof", identity.RoleAuditor)
		}, identity.ErrRoleNotGrantable.Code},
		{"citizen with a role", func(g *identity.Genesis) {
			g.Accounts = official("mof", identity.RoleAuditor)
			g.Accounts[0].Citizen = true
		}, identity.ErrCitizenRoles.Code},
	} {
		g := base()
		c.edit(&g)
		raw, _ := json.Marshal(g)
		ctx := module.NewContext(moduletest.ChainID, 0, moduletest.GenesisTime, module.Signer{}, moduletest.NewState()).
			WithDefinedRoles(module.SortRoles(m.Roles())).WithModule(identity.Name)
		if err := m.InitGenesis(ctx, raw); module.AsError(err).Code != c.code {
			t.Errorf("%s: %v, want code %d", c.name, err, c.code)
		}
	}
}

// The attacks of issue 12, item 3: an admin takes over or locks out a
// fellow admin of its department. Each is refused; the consortium does it
// by proposal, and never leaves a department without an admin.
func TestAdminsAreChangedByProposal(t *testing.T) {
	w := newWorld(t)
	second := w.Official("mof-2", "mof", identity.RoleAdmin) // a fellow admin (genesis)
	clerk := w.Official("clerk", "mof")
	if d, _ := identity.GetDepartment(view(w), "mof"); d.Admins != 2 {
		t.Fatalf("mof counts %d admins", d.Admins)
	}
	// Rotating a fellow admin's key (then approving in its name): refused.
	w.ExpectCode(t, identity.ErrAdminByProposal.Code, "mof", identity.TypeRotateKey, rotateTo(w, second, "thief"))
	// Disabling a fellow admin, or oneself: refused.
	w.ExpectCode(t, identity.ErrAdminByProposal.Code, "mof", identity.TypeDisableAccount, identity.MsgDisableAccount{Account: second})
	w.ExpectCode(t, identity.ErrAdminByProposal.Code, "mof", identity.TypeDisableAccount, identity.MsgDisableAccount{Account: w.Addr("mof")})
	// An admin still rotates its own key, and a non-admin's.
	w.ExpectOK(t, "mof-2", identity.TypeRotateKey, rotateTo(w, "", "mof-2b"))
	w.ExpectOK(t, "mof", identity.TypeRotateKey, rotateTo(w, clerk, "clerk-2"))

	// A lost or stolen admin key: the consortium replaces it.
	rotate := identity.Action{Kind: identity.KindRotateAdminKey, Department: "mof", Account: second, Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey("mof-2c")}
	if p := pass(t, w, rotate); p.Status != identity.StatusExecuted {
		t.Fatalf("rotate_admin_key: %+v", p)
	}
	if a := account(t, w, "mof-2"); !bytes.Equal(a.PublicKey, w.PublicKey("mof-2c")) || !has(a.Roles, identity.RoleAdmin) {
		t.Fatalf("after rotate_admin_key: %+v", a)
	}
	for _, c := range []struct {
		name   string
		action identity.Action
		code   *module.Error
	}{
		{"rotate_admin_key of a non-admin", identity.Action{Kind: identity.KindRotateAdminKey, Department: "mof", Account: clerk, Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey("x")}, identity.ErrRoleNotHeld},
		{"rotate_admin_key in another department", identity.Action{Kind: identity.KindRotateAdminKey, Department: "nrb", Account: second, Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey("x")}, identity.ErrOtherDepartment},
	} {
		if p := pass(t, w, c.action); p.Status != identity.StatusFailed || !strings.Contains(p.Result, c.code.Msg) {
			t.Errorf("%s: %+v", c.name, p)
		}
	}
	w.ExpectCode(t, identity.ErrBadKey.Code, "mof", identity.TypePropose, propose(identity.Action{Kind: identity.KindRotateAdminKey, Department: "mof", Account: second, Algorithm: crypto.AlgEd25519, PublicKey: []byte{1}}))

	// Disabling an admin: revoke_admin by proposal first, then the
	// department's admin disables the account.
	if p := pass(t, w, identity.Action{Kind: identity.KindRevokeAdmin, Department: "mof", Account: second}); p.Status != identity.StatusExecuted {
		t.Fatalf("revoke_admin: %+v", p)
	}
	w.ExpectOK(t, "mof", identity.TypeDisableAccount, identity.MsgDisableAccount{Account: second})
	// The last admin stays: revoking it fails.
	p := pass(t, w, identity.Action{Kind: identity.KindRevokeAdmin, Department: "mof", Account: w.Addr("mof")})
	if p.Status != identity.StatusFailed || !strings.Contains(p.Result, identity.ErrLastAdmin.Msg) {
		t.Fatalf("revoking the last admin: %+v", p)
	}
	if d, _ := identity.GetDepartment(view(w), "mof"); d.Admins != 1 {
		t.Fatalf("mof counts %d admins", d.Admins)
	}
	// A disabled account is not made an admin.
	p = pass(t, w, grantAdmin(w, "mof", "mof-2"))
	if p.Status != identity.StatusFailed || !strings.Contains(p.Result, identity.ErrAccountDisabled.Msg) {
		t.Fatalf("grant_admin to a disabled account: %+v", p)
	}
	// grant_admin counts: then the first admin can go.
	k := w.Key("clerk-2") // the clerk's key since its rotation above
	pass(t, w, identity.Action{Kind: identity.KindGrantAdmin, Department: "mof", Account: clerk, Algorithm: k.Algorithm, PublicKey: k.PublicKey()})
	if p := pass(t, w, identity.Action{Kind: identity.KindRevokeAdmin, Department: "mof", Account: w.Addr("mof")}); p.Status != identity.StatusExecuted {
		t.Fatalf("revoking one of two admins: %+v", p)
	}
}

// The attack of issue 12, item 4: set_validator with a key nobody holds.
// Every action that gives a key power carries the key's signature of the
// possession message, which binds the chain, the department, the power and
// the department's validator nonce (one proof, one change).
func TestProofOfPossession(t *testing.T) {
	w := newWorld(t)
	random := identity.Action{Kind: identity.KindSetValidator, Department: "nrb", ValidatorKey: w.ValidatorKey("nrb"), Power: 10}
	w.ExpectCode(t, identity.ErrBadPossession.Code, "mof", identity.TypePropose, propose(random))

	// Signed by another key, or for another chain, department, power or
	// nonce: refused.
	other := random
	if err := other.ProvePossession(moduletest.ChainID, 0, func(m []byte) ([]byte, error) { return w.Key("someone").Sign(m), nil }); err != nil {
		t.Fatal(err)
	}
	w.ExpectCode(t, identity.ErrBadPossession.Code, "mof", identity.TypePropose, propose(other))
	for name, a := range map[string]identity.Action{
		"chain":      proveFor(t, w, "nrb", random, "govchain-other", 0),
		"nonce":      proveFor(t, w, "nrb", random, moduletest.ChainID, 1),
		"power":      withPower(prove(t, w, "nrb", random, 0), 11),
		"department": withDepartment(prove(t, w, "nrb", random, 0), "cab"),
	} {
		t.Run(name, func(t *testing.T) {
			w.ExpectCode(t, identity.ErrBadPossession.Code, "mof", identity.TypePropose, propose(a))
		})
	}
	// A signature where no key gets power: refused as malformed.
	removal := identity.Action{Kind: identity.KindSetValidator, Department: "mof", ValidatorKey: w.ValidatorKey("mof"), ValidatorSignature: make([]byte, 64)}
	w.ExpectCode(t, identity.ErrBadProposal.Code, "mof", identity.TypePropose, propose(removal))
	add := identity.Action{Kind: identity.KindAddDepartment, Department: "moh", Name: "Health", Algorithm: crypto.AlgEd25519,
		PublicKey: w.PublicKey("moh"), ValidatorKey: w.ValidatorKey("moh"), Power: 1}
	w.ExpectCode(t, identity.ErrBadPossession.Code, "mof", identity.TypePropose, propose(add))

	// Proven: executes, and the nonce moves on. (The key has signed
	// blocks already, so its power is not capped: TestUnprovenPowerCapped.)
	w.Signed(w.ValidatorKey("nrb"))
	proven := prove(t, w, "nrb", random, 0)
	if p := pass(t, w, proven); p.Status != identity.StatusExecuted {
		t.Fatalf("%+v", p)
	}
	if d, _ := identity.GetDepartment(view(w), "nrb"); d.ValidatorNonce != 1 || d.Validator.Power != 10 {
		t.Fatalf("nrb %+v", d)
	}
	// Replaying the proof after the validator changed: refused.
	pass(t, w, identity.Action{Kind: identity.KindSetValidator, Department: "nrb", ValidatorKey: w.ValidatorKey("nrb")})
	w.ExpectCode(t, identity.ErrBadPossession.Code, "mof", identity.TypePropose, propose(proven))
	// Two proposals on one proof: the second fails when it executes.
	again := prove(t, w, "nrb", random, 2)
	w.ExpectOK(t, "mof", identity.TypePropose, propose(again))
	first, _ := identity.GetMeta(view(w))
	if p := pass(t, w, again); p.Status != identity.StatusExecuted {
		t.Fatalf("%+v", p)
	}
	w.ExpectOK(t, "nrb", identity.TypeApprove, approve(first.NextProposal))
	w.ExpectOK(t, "cab", identity.TypeApprove, approve(first.NextProposal))
	if p := proposal(t, w, first.NextProposal); p.Status != identity.StatusFailed || !strings.Contains(p.Result, identity.ErrBadPossession.Msg) {
		t.Fatalf("a proof used twice: %+v", p)
	}
}

func proveFor(t *testing.T, w *moduletest.World, dept string, a identity.Action, chainID string, nonce uint64) identity.Action {
	t.Helper()
	k := w.Key(dept + "/validator")
	if err := a.ProvePossession(chainID, nonce, func(m []byte) ([]byte, error) { return k.Sign(m), nil }); err != nil {
		t.Fatal(err)
	}
	return a
}

func withPower(a identity.Action, p int64) identity.Action       { a.Power = p; return a }
func withDepartment(a identity.Action, d string) identity.Action { a.Department = d; return a }

// The possession message, byte for byte, and a signature of it by a key
// from a fixed seed: a known answer for other implementations (the CLI
// signs with CometBFT's key, which must produce the same signature).
func TestPossessionBytesVector(t *testing.T) {
	seed := crypto.Hash("identity-test/validator", nil)
	k, err := crypto.KeyFromSeed(crypto.AlgEd25519, seed[:])
	if err != nil {
		t.Fatal(err)
	}
	msg := identity.PossessionBytes("govchain-dev", identity.Possession{Department: "moh", ValidatorKey: k.PublicKey(), Power: 10, Nonce: 0})
	const prefix = "govchain/validator-pop/v1\x0cgovchain-dev"
	if !strings.HasPrefix(string(msg), prefix) {
		t.Fatalf("%q", msg)
	}
	// {1: "moh", 2: h'<32 bytes>', 3: 10, 4: 0}
	wantCBOR := "a4" + "01" + "63" + hex.EncodeToString([]byte("moh")) + "02" + "5820" + hex.EncodeToString(k.PublicKey()) + "03" + "0a" + "04" + "00"
	if got := hex.EncodeToString(msg[len(prefix):]); got != wantCBOR {
		t.Fatalf("cbor %s, want %s", got, wantCBOR)
	}
	if err := crypto.Verify(crypto.AlgEd25519, k.PublicKey(), msg, k.Sign(msg)); err != nil {
		t.Fatal(err)
	}
}

// grant_admin names the account's key when proposed: an admin who rotates
// the clerk's key (to one it holds) before the grant executes makes the
// grant fail, instead of becoming an admin under another name.
func TestGrantAdminNamesTheKey(t *testing.T) {
	w := newWorld(t)
	clerk := w.Official("clerk", "mof")
	w.ExpectOK(t, "mof", identity.TypePropose, propose(grantAdmin(w, "mof", "clerk")))
	m, _ := identity.GetMeta(view(w))
	id := m.NextProposal
	// Before the approvals complete, the admin rotates the clerk's key to
	// one it holds.
	w.ExpectOK(t, "mof", identity.TypeRotateKey, rotateTo(w, clerk, "evil"))
	for _, d := range []string{"nrb", "cab"} {
		if proposal(t, w, id).Status == identity.StatusOpen {
			w.ExpectOK(t, d, identity.TypeApprove, approve(id))
		}
	}
	p := proposal(t, w, id)
	if p.Status != identity.StatusFailed || !strings.Contains(p.Result, identity.ErrKeyChanged.Msg) {
		t.Fatalf("grant_admin after the key changed: %+v", p)
	}
	if a := account(t, w, "clerk"); has(a.Roles, identity.RoleAdmin) {
		t.Fatal("the clerk, under the admin's key, became an admin")
	}
	// A grant_admin without the key is refused.
	w.ExpectCode(t, identity.ErrBadProposal.Code, "mof", identity.TypePropose,
		propose(identity.Action{Kind: identity.KindGrantAdmin, Department: "mof", Account: clerk}))
}

// A proof of possession shows a key is held, not that a node runs it: at
// most less than a third of the power may sit on keys that have not yet
// signed a block (before, a proposal could give a fresh key that no node
// runs the majority of a small chain, and halt it).
func TestUnprovenPowerCapped(t *testing.T) {
	w := newWorld(t) // mof's genesis validator, power 10
	big := prove(t, w, "nrb", identity.Action{Kind: identity.KindSetValidator, Department: "nrb", ValidatorKey: w.ValidatorKey("nrb"), Power: 10}, 0)
	if p := pass(t, w, big); p.Status != identity.StatusFailed || !strings.Contains(p.Result, identity.ErrUnprovenPower.Msg) {
		t.Fatalf("half the power on a key that never signed: %+v", p)
	}
	small := prove(t, w, "nrb", identity.Action{Kind: identity.KindSetValidator, Department: "nrb", ValidatorKey: w.ValidatorKey("nrb"), Power: 4}, 0)
	if p := pass(t, w, small); p.Status != identity.StatusExecuted {
		t.Fatalf("a small start: %+v", p)
	}
	if m, _ := identity.GetMeta(view(w)); len(m.Unproven) != 1 {
		t.Fatalf("unproven keys: %+v", m)
	}
	// Raising it before it signs: refused; a second fresh key beside it: refused.
	raise := prove(t, w, "nrb", identity.Action{Kind: identity.KindSetValidator, Department: "nrb", ValidatorKey: w.ValidatorKey("nrb"), Power: 10}, 1)
	if p := pass(t, w, raise); p.Status != identity.StatusFailed || !strings.Contains(p.Result, identity.ErrUnprovenPower.Msg) {
		t.Fatalf("raised before signing: %+v", p)
	}
	second := prove(t, w, "cab", identity.Action{Kind: identity.KindSetValidator, Department: "cab", ValidatorKey: w.ValidatorKey("cab"), Power: 1}, 0)
	if p := pass(t, w, second); p.Status != identity.StatusFailed || !strings.Contains(p.Result, identity.ErrUnprovenPower.Msg) {
		t.Fatalf("a second fresh key (5 of 15): %+v", p)
	}
	// Once its node signs a block, it is raised; the list empties.
	w.Signed(w.ValidatorKey("nrb"))
	raise = prove(t, w, "nrb", identity.Action{Kind: identity.KindSetValidator, Department: "nrb", ValidatorKey: w.ValidatorKey("nrb"), Power: 10}, 1)
	if p := pass(t, w, raise); p.Status != identity.StatusExecuted {
		t.Fatalf("raised after signing: %+v", p)
	}
	if m, _ := identity.GetMeta(view(w)); len(m.Unproven) != 0 || m.TotalPower != 20 {
		t.Fatalf("after signing: %+v", m)
	}
}
