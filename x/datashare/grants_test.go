package datashare_test

import (
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/x/datashare"
	"github.com/govchain/govchain/x/identity"
)

// Every department grants the datashare roles to its own officials: each
// owns data and may ask for another's (the checks of who owns what are in
// the handlers, by the signer's department).
func TestGrantTable(t *testing.T) {
	w := moduletest.New(t, identity.New(), datashare.New())
	for _, d := range []string{"mof", "nrb", "cab", "ec"} {
		w.Department(d)
	}
	w.Threshold(3)
	every := []string{module.AnyDepartment}
	moduletest.CheckGrantTable(t, w, datashare.New(), moduletest.GrantTable{
		{Role: datashare.RoleSteward, Grantors: every},
		{Role: datashare.RoleRequester, Grantors: every},
		{Role: datashare.RoleService, Grantors: every},
	})
}
