package registry_test

import (
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/registry"
)

// consortium is the dev consortium with the registry's declared defaults
// (no genesis override): mof, nrb, cab, ec; m = 3.
func consortium(t *testing.T) *moduletest.World {
	w := moduletest.New(t, identity.New(), registry.New())
	for _, d := range []string{"mof", "nrb", "cab", "ec"} {
		w.Department(d)
	}
	w.Threshold(3)
	return w
}

// Who grants the registry's roles by default: parcels are registered by
// the Natural Resources Bureau, tax by the Ministry of Finance; banks and
// courts are departments the consortium lists by proposal, so none of the
// founding departments grants them. Every other department is refused.
func TestGrantTable(t *testing.T) {
	w := consortium(t)
	moduletest.CheckGrantTable(t, w, registry.New(), moduletest.GrantTable{
		{Role: registry.RoleRegistrar, Grantors: []string{"nrb"}},
		{Role: registry.RoleTax, Grantors: []string{"mof"}},
		{Role: registry.RoleBank},
		{Role: registry.RoleCourt},
		{Role: registry.RoleHighCourt},
	})
}

// The attack of issue 12, item 2: a Civil Affairs admin makes an official
// holding every registry role. Refused, role by role, when created and
// when granted.
func TestCivilAffairsGrantsNoRegistryRole(t *testing.T) {
	w := consortium(t)
	clerk := w.Official("clerk", "cab")
	all := []string{registry.RoleBank, registry.RoleCourt, registry.RoleHighCourt, registry.RoleRegistrar, registry.RoleTax}
	w.ExpectCode(t, identity.ErrRoleNotGrantable.Code, "cab", identity.TypeCreateAccount,
		identity.MsgCreateAccount{Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey("official"), Roles: all})
	for _, r := range all {
		w.ExpectCode(t, identity.ErrRoleNotGrantable.Code, "cab", identity.TypeGrantRole, identity.MsgRole{Account: clerk, Role: r})
	}
}

// A bank is a department the consortium accredits by listing it as a
// grantor of registry.bank; withdrawing the accreditation stops its
// officials' bank role at once.
func TestBankAccreditation(t *testing.T) {
	w := consortium(t)
	pass := func(a identity.Action) {
		t.Helper()
		w.ExpectOK(t, "mof", identity.TypePropose, identity.MsgPropose{Action: a})
		m, _ := identity.GetMeta(w.View(identity.Name))
		for _, d := range []string{"nrb", "cab"} {
			w.ExpectOK(t, d, identity.TypeApprove, identity.MsgApprove{ID: m.NextProposal})
		}
		if p, _ := identity.GetProposal(w.View(identity.Name), m.NextProposal); p.Status != identity.StatusExecuted {
			t.Fatalf("%+v", p)
		}
	}
	pass(identity.Action{Kind: identity.KindAddDepartment, Department: "icbc", Name: "A commercial bank",
		Algorithm: crypto.AlgEd25519, PublicKey: w.PublicKey("icbc")})
	officer := w.Official("officer", "icbc")
	w.ExpectCode(t, identity.ErrRoleNotGrantable.Code, "icbc", identity.TypeGrantRole, identity.MsgRole{Account: officer, Role: registry.RoleBank})

	pass(identity.Action{Kind: identity.KindSetRoleGrantors, Role: registry.RoleBank, Departments: []string{"icbc"}})
	w.ExpectOK(t, "icbc", identity.TypeGrantRole, identity.MsgRole{Account: officer, Role: registry.RoleBank})
	mofClerk := w.Official("mof-clerk", "mof")
	w.ExpectCode(t, identity.ErrRoleNotGrantable.Code, "mof", identity.TypeGrantRole, identity.MsgRole{Account: mofClerk, Role: registry.RoleBank})
	// The officer acts as a bank (the parcel is unknown: the role passed).
	w.ExpectCode(t, registry.ErrUnknownParcel.Code, "officer", registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "P-1", Kind: "mortgage", Amount: 1})

	pass(identity.Action{Kind: identity.KindSetRoleGrantors, Role: registry.RoleBank})
	w.ExpectCode(t, module.ErrUnauthorized.Code, "officer", registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "P-1", Kind: "mortgage", Amount: 1})
}
