package app

import (
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/registry"
)

// testModules is the module list of the app tests (node.Modules is the
// product's; app cannot import node).
func testModules() []module.Module { return []module.Module{identity.New(), registry.New()} }

// Test-only readers of the latest committed state.

func (a *App) latest(prefix string) module.Reader {
	return prefixReader{g: a.committedGetter(a.LastCommitted().Height), prefix: prefix}
}

func (a *App) Account(addr string) (*identity.Account, error) {
	return identity.GetAccount(a.latest(identity.Name+"/"), addr)
}

func (a *App) Department(id string) (*identity.Department, error) {
	return identity.GetDepartment(a.latest(identity.Name+"/"), id)
}

func (a *App) Proposal(id uint64) (*identity.Proposal, error) {
	return identity.GetProposal(a.latest(identity.Name+"/"), id)
}

// Keys lists the keys under a full state prefix.
func (a *App) Keys(prefix string, limit int) ([]string, error) {
	var keys []string
	err := a.Iterate(prefix, -1, func(k, _ []byte) bool {
		keys = append(keys, string(k))
		return limit <= 0 || len(keys) < limit
	})
	return keys, err
}
