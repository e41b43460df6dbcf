package node

import (
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/registry"
	"github.com/govchain/govchain/x/voting"
)

// Modules is the chain's module list, in execution order of genesis. A new
// module is a folder under x/ and one line here; the application, the API
// routes, the OpenAPI document, the CLI and the docs tables all follow
// from the modules' declarations.
func Modules() []module.Module {
	return []module.Module{
		identity.New(), // accounts, departments, roles, consortium proposals (keeps the accounts: first)
		registry.New(), // real-estate registry
		voting.New(),   // elections: roll, key ceremony, encrypted ballots, aggregate
	}
}
