package identity

import (
	"fmt"
	"regexp"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/crypto"
)

// Name is the module name: its message type prefix and state prefix.
const Name = "identity"

// Roles defined by this module.
const (
	RoleAdmin     = "department.admin"   // runs a department: accounts and roles
	RoleRegistrar = "identity.registrar" // registers citizen accounts
	RoleAuditor   = "auditor"            // read-everything official, for audits
)

// Account is a key-holding participant: an official of a department, or a
// citizen registered by one.
type Account struct {
	Address    string   `cbor:"1,keyasint" json:"address"`
	Algorithm  string   `cbor:"2,keyasint" json:"algorithm"`
	PublicKey  []byte   `cbor:"3,keyasint" json:"public_key"`
	Department string   `cbor:"4,keyasint" json:"department"`
	Roles      []string `cbor:"5,keyasint,omitempty" json:"roles"`
	Citizen    bool     `cbor:"6,keyasint,omitempty" json:"citizen"`
	Sequence   uint64   `cbor:"7,keyasint,omitempty" json:"sequence"`
	Created    int64    `cbor:"8,keyasint,omitempty" json:"created_height"`
	Disabled   bool     `cbor:"9,keyasint,omitempty" json:"disabled"`
}

// Department is an organization of the consortium.
type Department struct {
	ID        string     `cbor:"1,keyasint" json:"id"`
	Name      string     `cbor:"2,keyasint" json:"name"`
	Validator *Validator `cbor:"3,keyasint,omitempty" json:"validator,omitempty"`
	Removed   bool       `cbor:"4,keyasint,omitempty" json:"removed"`
	Created   int64      `cbor:"5,keyasint,omitempty" json:"created_height"`
	// Admins counts the accounts holding department.admin (none of them
	// disabled: an admin is disabled only after a proposal revoked the
	// role); it never falls below one.
	Admins uint32 `cbor:"6,keyasint,omitempty" json:"admins"`
	// ValidatorNonce counts the changes of the department's validator. A
	// proof of possession binds it, so each proof serves one change.
	ValidatorNonce uint64 `cbor:"7,keyasint,omitempty" json:"validator_nonce"`
}

// RoleGrantors lists the departments entitled to grant a role to their
// officials: set at genesis, changed by a set_role_grantors proposal. An
// account's role takes effect only while its department is listed.
type RoleGrantors struct {
	Role string `cbor:"1,keyasint" json:"role"`
	// Departments are department ids, sorted; module.AnyDepartment alone
	// means every active department.
	Departments []string `cbor:"2,keyasint,omitempty" json:"departments"`
	// Updated is the height of the proposal that last set the list (0:
	// genesis).
	Updated int64 `cbor:"3,keyasint,omitempty" json:"updated_height,omitempty"`
}

// Entitles reports whether the list entitles department dept.
func (g *RoleGrantors) Entitles(dept string) bool {
	if len(g.Departments) == 1 && g.Departments[0] == module.AnyDepartment {
		return true
	}
	return hasRole(g.Departments, dept)
}

// Validator is a department's consensus key (Ed25519, as CometBFT requires)
// and voting power.
type Validator struct {
	PublicKey []byte `cbor:"1,keyasint" json:"public_key"`
	Power     int64  `cbor:"2,keyasint,omitempty" json:"power"`
}

// Params are the consortium's governance parameters.
type Params struct {
	// Threshold is m: the approvals (one per department) a proposal needs.
	Threshold uint32 `cbor:"1,keyasint" json:"threshold"`
	// ProposalTTL is how many blocks a proposal stays open.
	ProposalTTL int64 `cbor:"2,keyasint" json:"proposal_ttl_blocks"`
}

// Meta holds counters.
type Meta struct {
	Departments  uint32 `cbor:"1,keyasint,omitempty" json:"departments"` // n: active departments
	NextProposal uint64 `cbor:"2,keyasint,omitempty" json:"next_proposal"`
	TotalPower   int64  `cbor:"3,keyasint,omitempty" json:"total_power"`
	// Unproven lists the validator keys given power by a proposal that
	// had not signed a block when last looked at: their power is capped
	// (setValidator). Genesis validators are never on it.
	Unproven [][]byte `cbor:"4,keyasint,omitempty" json:"unproven_validators,omitempty"`
}

// Proposal kinds.
const (
	KindAddDepartment    = "add_department"
	KindRemoveDepartment = "remove_department"
	KindSetValidator     = "set_validator"
	KindGrantAdmin       = "grant_admin"
	KindRevokeAdmin      = "revoke_admin"
	KindSetThreshold     = "set_threshold"
	KindSetRoleGrantors  = "set_role_grantors"
	KindRotateAdminKey   = "rotate_admin_key"
)

// Action is what a proposal does when approved.
type Action struct {
	Kind         string `cbor:"1,keyasint" json:"kind"`
	Department   string `cbor:"2,keyasint,omitempty" json:"department,omitempty"`
	Name         string `cbor:"3,keyasint,omitempty" json:"name,omitempty"`
	Algorithm    string `cbor:"4,keyasint,omitempty" json:"algorithm,omitempty"`
	PublicKey    []byte `cbor:"5,keyasint,omitempty" json:"public_key,omitempty"`
	Account      string `cbor:"6,keyasint,omitempty" json:"account,omitempty"`
	ValidatorKey []byte `cbor:"7,keyasint,omitempty" json:"validator_key,omitempty"`
	Power        int64  `cbor:"8,keyasint,omitempty" json:"power,omitempty"`
	Threshold    uint32 `cbor:"9,keyasint,omitempty" json:"threshold,omitempty"`
	// Role and Departments: set_role_grantors.
	Role        string   `cbor:"10,keyasint,omitempty" json:"role,omitempty"`
	Departments []string `cbor:"11,keyasint,omitempty" json:"departments,omitempty"`
	// ValidatorSignature is the validator key's proof of possession
	// (PossessionBytes), required whenever the action gives a key power.
	ValidatorSignature []byte `cbor:"12,keyasint,omitempty" json:"validator_signature,omitempty"`
}

// Proposal statuses.
const (
	StatusOpen     = "open"
	StatusExecuted = "executed"
	StatusFailed   = "failed"
)

// Proposal is a consortium change awaiting m of n approvals.
type Proposal struct {
	ID         uint64   `cbor:"1,keyasint" json:"id"`
	Proposer   string   `cbor:"2,keyasint" json:"proposer"`
	Action     Action   `cbor:"3,keyasint" json:"action"`
	Approvals  []string `cbor:"4,keyasint" json:"approvals"` // department ids, sorted
	Status     string   `cbor:"5,keyasint" json:"status"`
	Created    int64    `cbor:"6,keyasint" json:"created_height"`
	Expires    int64    `cbor:"7,keyasint" json:"expires_height"`
	Result     string   `cbor:"8,keyasint,omitempty" json:"result,omitempty"`
	ExecutedAt int64    `cbor:"9,keyasint,omitempty" json:"executed_height,omitempty"`
}

var (
	deptIDRe = regexp.MustCompile(`^[a-z][a-z0-9-]{1,31}$`)
	roleRe   = regexp.MustCompile(`^[a-z][a-z_]*(\.[a-z][a-z_]*)?$`)
)

// ValidDepartmentID: 2-32 characters, lowercase letters, digits and '-',
// starting with a letter.
func ValidDepartmentID(id string) bool { return deptIDRe.MatchString(id) }

func checkName(name string) error {
	if name == "" || len(name) > 128 {
		return module.ErrInvalidField.Wrapf("name must be 1 to 128 bytes")
	}
	return nil
}

func checkKey(alg string, pub []byte) error {
	if err := crypto.CheckPublicKey(alg, pub); err != nil {
		return ErrBadKey.Wrapf("%v", err)
	}
	return nil
}

func checkAddress(field, a string) error {
	if !crypto.ValidAddress(a) {
		return module.ErrInvalidField.Wrapf("%s must be an address (40 lowercase hex digits)", field)
	}
	return nil
}

func checkRole(r string) error {
	if len(r) > 64 || !roleRe.MatchString(r) {
		return ErrUnknownRole.Wrapf("%q", r)
	}
	return nil
}

func checkValidatorKey(k []byte) error {
	if len(k) != 32 {
		return ErrBadKey.Wrapf("validator key must be a 32-byte ed25519 key")
	}
	return nil
}

func (a *Action) validate() error {
	switch a.Kind {
	case KindAddDepartment:
		if !ValidDepartmentID(a.Department) {
			return ErrBadProposal.Wrapf("department id %q: 2-32 of a-z, 0-9, '-'", a.Department)
		}
		if err := checkName(a.Name); err != nil {
			return err
		}
		if err := checkKey(a.Algorithm, a.PublicKey); err != nil {
			return err
		}
		if a.ValidatorKey != nil || a.Power != 0 {
			if err := checkValidatorKey(a.ValidatorKey); err != nil {
				return err
			}
			if a.Power <= 0 || a.Power > 1_000_000 {
				return ErrBadProposal.Wrapf("power must be 1 to 1000000")
			}
		}
		return a.checkSignatureShape()
	case KindRemoveDepartment:
		if a.Department == "" {
			return ErrBadProposal.Wrapf("department is required")
		}
	case KindSetValidator:
		if a.Department == "" {
			return ErrBadProposal.Wrapf("department is required")
		}
		if err := checkValidatorKey(a.ValidatorKey); err != nil {
			return err
		}
		if a.Power < 0 || a.Power > 1_000_000 {
			return ErrBadProposal.Wrapf("power must be 0 to 1000000")
		}
		return a.checkSignatureShape()
	case KindGrantAdmin, KindRevokeAdmin:
		if a.Department == "" {
			return ErrBadProposal.Wrapf("department is required")
		}
		if err := checkAddress("account", a.Account); err != nil {
			return err
		}
		// grant_admin names the key the consortium vets: the account's key
		// when proposed. An admin could otherwise rotate a clerk's key to
		// one of its own choosing between the approvals and the grant.
		if a.Kind == KindGrantAdmin {
			if a.Algorithm == "" || len(a.PublicKey) == 0 {
				return ErrBadProposal.Wrapf("grant_admin names the account's current key (algorithm and public_key)")
			}
			if err := checkKey(a.Algorithm, a.PublicKey); err != nil {
				return err
			}
		}
	case KindSetThreshold:
		if a.Threshold == 0 {
			return ErrBadThreshold
		}
	case KindSetRoleGrantors:
		if err := checkRole(a.Role); err != nil {
			return err
		}
		if a.Role == RoleAdmin {
			return ErrAdminRole
		}
		if len(a.Departments) > MaxGrantors {
			return ErrBadProposal.Wrapf("at most %d departments", MaxGrantors)
		}
		for i, d := range a.Departments {
			if d == module.AnyDepartment && len(a.Departments) == 1 {
				continue
			}
			if !ValidDepartmentID(d) {
				return ErrBadProposal.Wrapf("department id %q (%q stands alone for every department)", d, module.AnyDepartment)
			}
			if i > 0 && a.Departments[i-1] >= d {
				return ErrBadProposal.Wrapf("departments must be sorted, without repeats")
			}
		}
	case KindRotateAdminKey:
		if a.Department == "" {
			return ErrBadProposal.Wrapf("department is required")
		}
		if err := checkAddress("account", a.Account); err != nil {
			return err
		}
		if err := checkKey(a.Algorithm, a.PublicKey); err != nil {
			return err
		}
	case KindAuthorizeIssuer, KindDeauthorizeIssuer:
		return a.validateIssuer()
	default:
		return ErrBadProposal.Wrapf("unknown kind %q", a.Kind)
	}
	return nil
}

// MaxGrantors bounds the departments of one grantor list.
const MaxGrantors = 64

// needsPossession reports whether the action gives a validator key power,
// which takes the key's proof of possession.
func (a *Action) needsPossession() bool {
	switch a.Kind {
	case KindAddDepartment:
		return a.ValidatorKey != nil
	case KindSetValidator:
		return a.Power > 0
	}
	return false
}

// checkSignatureShape: a proof of possession exactly where one is needed.
func (a *Action) checkSignatureShape() error {
	switch {
	case a.needsPossession() && len(a.ValidatorSignature) != ed25519SignatureSize:
		return ErrBadPossession.Wrapf("validator_signature: the validator key's %d-byte Ed25519 signature of the possession message is required", ed25519SignatureSize)
	case !a.needsPossession() && a.ValidatorSignature != nil:
		return ErrBadProposal.Wrapf("validator_signature goes only with a validator key given power")
	}
	return nil
}

const ed25519SignatureSize = 64

func proposalKey(id uint64) string { return fmt.Sprintf("prop/%020d", id) }
