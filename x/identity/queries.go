package identity

import "github.com/govchain/govchain/app/module"

// Queries declares what the API, SDK and CLI read from this module.
func (m *Module) Queries() []module.Query {
	return []module.Query{
		module.RecordQuery[Account]("account", "accounts/{address}", "An account: key, department, roles, sequence",
			func(a module.Args) (string, error) { return accountKey(a["address"]), nil }).
			Describe("address", "account address (40 hex digits)", false).Match("address", module.AddressPattern),
		module.ListQuery[Department]("departments", "departments", "The departments of the consortium",
			func(module.Args) (string, error) { return "dept/", nil }),
		module.RecordQuery[Department]("department", "departments/{id}", "A department and its validator",
			func(a module.Args) (string, error) { return deptKey(a["id"]), nil }).
			Describe("id", "department id", false).Match("id", deptIDRe),
		module.IndexQuery[Account]("members", "departments/{id}/accounts", "The accounts of a department",
			func(a module.Args) (string, error) { return "member/" + a["id"] + "/", nil }, accountKey).
			Describe("id", "department id", false).Match("id", deptIDRe).Of("department", func(a module.Args) string { return deptKey(a["id"]) }),
		module.ListQuery[Proposal]("proposals", "proposals", "Consortium proposals, oldest first",
			func(module.Args) (string, error) { return "prop/", nil }),
		module.RecordQuery[Proposal]("proposal", "proposals/{id}", "A consortium proposal and its approvals",
			func(a module.Args) (string, error) { return proposalKey(a.Uint("id")), nil }).
			Describe("id", "proposal id", true),
		module.ListQuery[RoleGrantors]("grantors", "grantors", "Every role's grantor list: the departments entitled to grant it",
			func(module.Args) (string, error) { return "grantors/", nil }),
		module.RecordQuery[RoleGrantors]("role-grantors", "grantors/{role}", "The departments entitled to grant a role",
			func(a module.Args) (string, error) {
				if err := checkRole(a["role"]); err != nil {
					return "", err
				}
				return grantorsKey(a["role"]), nil
			}).
			Describe("role", "role, e.g. registry.bank", false),
		module.RecordQuery[Params]("params", "params", "Governance parameters: the approval threshold m and how long proposals stay open",
			func(module.Args) (string, error) { return paramsKey, nil }),
		module.RecordQuery[Issuer]("issuer", "issuers/{department}", "A department as a credential issuer: the credential types it may issue and its keys, each with the period it holds (its history)",
			func(a module.Args) (string, error) { return issuerKey(a["department"]), nil }).
			Describe("department", "department id", false).Match("department", deptIDRe),
		module.RecordQuery[Meta]("consortium", "consortium", "The consortium's counters: active departments n, total voting power, last proposal id",
			func(module.Args) (string, error) { return metaKey, nil }).WithDefault(),
	}
}
