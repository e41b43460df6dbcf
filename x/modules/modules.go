// Package modules is the chain's module list: a new module is a folder
// under x/ and one line in All. The node runs these modules, the API, the
// OpenAPI document, the CLI and the docs tables follow from their
// declarations, and offline verifiers (the CLI's, the browser's) decode
// proven records with them (DecodeRecord).
//
// It is pure, like the modules it lists: it must not import api, node,
// net/http or CometBFT's node packages, so that it builds for WebAssembly.
package modules

import (
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/credentials"
	"github.com/govchain/govchain/x/datashare"
	"github.com/govchain/govchain/x/fiscal"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/procurement"
	"github.com/govchain/govchain/x/registry"
	"github.com/govchain/govchain/x/voting"
	"github.com/govchain/govchain/x/welfare"
)

// All is the chain's module list, in execution order of genesis.
func All() []module.Module {
	budget := fiscal.New() // the budget lines the spending modules draw on
	return []module.Module{
		identity.New(),                          // accounts, departments, roles, consortium proposals (keeps the accounts: first)
		registry.New(),                          // real-estate registry
		budget,                                  // budget lines, commitments, payments; the budget.Lines of spending modules
		welfare.New(welfare.WithBudget(budget)), // welfare programs, attestations, exactly-once disbursement
		procurement.New(procurement.WithBudget(budget)), // public procurement, tender to final payment (OCDS)
		voting.New(),      // elections: roll, key ceremony, encrypted ballots, tally
		datashare.New(),   // cross-department data sharing: catalogue, grants, consent, access log
		credentials.New(), // verifiable credentials' status lists (revocation, suspension)
	}
}
