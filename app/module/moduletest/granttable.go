package moduletest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/identity"
)

// GrantTable is a module's grant table: for each role the module defines
// (but department.admin, which only a proposal grants), the departments
// entitled to grant it in the world under test.
type GrantTable []GrantCase

// GrantCase pins the grantors of one role.
type GrantCase struct {
	Role string
	// Grantors are the departments that may grant the role
	// (module.AnyDepartment alone: every department; none: no department,
	// until a proposal).
	Grantors []string
}

// CheckGrantTable checks that table covers every role m defines but
// department.admin, that the chain's grantor list of each role (x/identity)
// is the table's, and that the admin of every founding department of w can
// grant the role, both by creating an official holding it and by
// grant_role, if and only if the table lists the department; the others
// are refused with identity.ErrRoleNotGrantable. It creates two officials
// per role and department.
func CheckGrantTable(t *testing.T, w *World, m module.Module, table GrantTable) {
	t.Helper()
	if !slices.ContainsFunc(w.mods, func(x module.Module) bool { return x.Name() == m.Name() }) {
		t.Fatalf("moduletest: CheckGrantTable: module %s is not in the world", m.Name())
	}
	if gaps := grantGaps(m, table); len(gaps) > 0 {
		t.Fatalf("grant table of %s:\n%s", m.Name(), strings.Join(gaps, "\n"))
	}
	for _, c := range table {
		t.Run(c.Role, func(t *testing.T) {
			t.Helper()
			want := module.SortedUnique(c.Grantors)
			g, err := identity.GetRoleGrantors(w.View(identity.Name), c.Role)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(g.Departments, want) && !(len(g.Departments) == 0 && len(want) == 0) {
				t.Fatalf("the chain lists %v as grantors of %s, the table %v", g.Departments, c.Role, want)
			}
			every := slices.Equal(want, []string{module.AnyDepartment})
			for _, d := range w.depts {
				entitled := every || slices.Contains(want, d.id)
				tryGrant(t, w, c.Role, d.id, entitled)
			}
		})
	}
}

// tryGrant has department dept's admin create an official holding role,
// and grant role to a plain official, expecting success iff entitled.
func tryGrant(t *testing.T, w *World, role, dept string, entitled bool) {
	t.Helper()
	holder := fmt.Sprintf("grant-table/%s/%s", role, dept)
	k := w.Key(holder)
	create := identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Roles: []string{role}}
	plain := w.Official(holder+"/plain", dept)
	grant := identity.MsgRole{Account: plain, Role: role}
	if entitled {
		w.ExpectOK(t, dept, identity.TypeCreateAccount, create)
		w.ExpectOK(t, dept, identity.TypeGrantRole, grant)
		for _, name := range []string{holder, holder + "/plain"} {
			if a := w.Account(name); a == nil || !a.HasRole(role) {
				t.Errorf("%s's official %s does not hold %s", dept, name, role)
			}
		}
		return
	}
	w.ExpectCode(t, identity.ErrRoleNotGrantable.Code, dept, identity.TypeCreateAccount, create)
	w.ExpectCode(t, identity.ErrRoleNotGrantable.Code, dept, identity.TypeGrantRole, grant)
}

// grantGaps lists how table fails to cover m's roles exactly.
func grantGaps(m module.Module, table GrantTable) []string {
	var gaps []string
	var roles []string
	for _, r := range m.Roles() {
		if r.Name != identity.RoleAdmin {
			roles = append(roles, r.Name)
		}
	}
	seen := map[string]bool{}
	for _, c := range table {
		if seen[c.Role] {
			gaps = append(gaps, c.Role+" is listed twice")
		}
		seen[c.Role] = true
		if !slices.Contains(roles, c.Role) {
			gaps = append(gaps, c.Role+" is not a role the module grants")
		}
	}
	for _, r := range roles {
		if !seen[r] {
			gaps = append(gaps, "no case for "+r)
		}
	}
	return gaps
}
