package identity

import "github.com/govchain/govchain/app/module"

// Result codes of the identity module (100-199). Never renumber.
var (
	ErrUnknownAccount     = module.Register(Name, 100, "unknown account")
	ErrAccountExists      = module.Register(Name, 101, "account already exists")
	ErrUnknownDepartment  = module.Register(Name, 102, "unknown department")
	ErrDepartmentExists   = module.Register(Name, 103, "department already exists")
	ErrOtherDepartment    = module.Register(Name, 104, "account belongs to another department")
	ErrUnknownRole        = module.Register(Name, 105, "unknown role")
	ErrRoleHeld           = module.Register(Name, 106, "account already holds the role")
	ErrRoleNotHeld        = module.Register(Name, 107, "account does not hold the role")
	ErrAdminRole          = module.Register(Name, 108, "department admin is granted only by a consortium proposal")
	ErrCitizenRoles       = module.Register(Name, 109, "citizen accounts hold no roles")
	ErrBadKey             = module.Register(Name, 110, "invalid public key")
	ErrNotAllowed         = module.Register(Name, 111, "not allowed")
	ErrUnknownProposal    = module.Register(Name, 112, "unknown proposal")
	ErrProposalClosed     = module.Register(Name, 113, "proposal is no longer open")
	ErrAlreadyApproved    = module.Register(Name, 114, "department already approved this proposal")
	ErrBadProposal        = module.Register(Name, 115, "invalid proposal")
	ErrValidatorInUse     = module.Register(Name, 116, "validator key belongs to another department")
	ErrLastValidator      = module.Register(Name, 117, "change would leave the chain without validator power")
	ErrBadThreshold       = module.Register(Name, 118, "threshold must be between 1 and the number of departments")
	ErrAccountDisabled    = module.Register(Name, 119, "account is disabled")
	ErrDepartmentInactive = module.Register(Name, 120, "department has been removed")
	ErrBadGenesis         = module.Register(Name, 121, "invalid identity genesis")
	ErrRoleNotGrantable   = module.Register(Name, 122, "the department is not entitled to grant the role")
	ErrAdminByProposal    = module.Register(Name, 123, "an admin's key is replaced, or an admin disabled, only by the admin itself or a consortium proposal")
	ErrLastAdmin          = module.Register(Name, 124, "the department would be left without an active admin")
	ErrBadPossession      = module.Register(Name, 125, "the validator key's proof of possession does not verify")
	ErrKeyChanged         = module.Register(Name, 126, "the account's key is not the one the proposal names: it changed since; propose again with its current key")
)
