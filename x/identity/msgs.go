package identity

import "github.com/govchain/govchain/app/module"

// Message types.
const (
	TypeCreateAccount  = "identity.create_account"
	TypeGrantRole      = "identity.grant_role"
	TypeRevokeRole     = "identity.revoke_role"
	TypeRotateKey      = "identity.rotate_key"
	TypeDisableAccount = "identity.disable_account"
	TypePropose        = "identity.propose"
	TypeApprove        = "identity.approve"
)

// MsgCreateAccount registers an account in the signer's department: an
// official (admins only; may carry roles) or a citizen (admins and
// registrars; no roles).
type MsgCreateAccount struct {
	Algorithm string   `cbor:"1,keyasint" json:"algorithm"`
	PublicKey []byte   `cbor:"2,keyasint" json:"public_key"`
	Roles     []string `cbor:"3,keyasint,omitempty" json:"roles,omitempty"`
	Citizen   bool     `cbor:"4,keyasint,omitempty" json:"citizen,omitempty"`
}

func (m *MsgCreateAccount) Validate() error {
	if err := checkKey(m.Algorithm, m.PublicKey); err != nil {
		return err
	}
	if len(m.Roles) > 16 {
		return module.ErrInvalidField.Wrapf("at most 16 roles")
	}
	if m.Citizen && len(m.Roles) > 0 {
		return ErrCitizenRoles
	}
	for _, r := range m.Roles {
		if err := checkRole(r); err != nil {
			return err
		}
	}
	return nil
}

// MsgRole grants or revokes a role of an account of the signer's department.
type MsgRole struct {
	Account string `cbor:"1,keyasint" json:"account" cli:"arg" doc:"account address"`
	Role    string `cbor:"2,keyasint" json:"role" cli:"arg" doc:"role, e.g. registry.registrar"`
}

func (m *MsgRole) Validate() error {
	if err := checkAddress("account", m.Account); err != nil {
		return err
	}
	return checkRole(m.Role)
}

// MsgRotateKey replaces an account's key; the address stays. An account
// rotates its own key (Account empty); a department admin may rotate the key
// of a non-admin account of its department (a lost key). A fellow admin's
// key is replaced only by a rotate_admin_key proposal.
type MsgRotateKey struct {
	Account   string `cbor:"1,keyasint,omitempty" json:"account,omitempty"`
	Algorithm string `cbor:"2,keyasint" json:"algorithm"`
	PublicKey []byte `cbor:"3,keyasint" json:"public_key"`
}

func (m *MsgRotateKey) Validate() error {
	if m.Account != "" {
		if err := checkAddress("account", m.Account); err != nil {
			return err
		}
	}
	return checkKey(m.Algorithm, m.PublicKey)
}

// MsgDisableAccount stops a non-admin account of the signer's department
// from signing (an admin: after a revoke_admin proposal).
type MsgDisableAccount struct {
	Account string `cbor:"1,keyasint" json:"account" cli:"arg" doc:"account address"`
}

func (m *MsgDisableAccount) Validate() error { return checkAddress("account", m.Account) }

// MsgPropose opens a consortium proposal; the proposer's department counts
// as its first approval.
type MsgPropose struct {
	Action Action `cbor:"1,keyasint" json:"action"`
}

func (m *MsgPropose) Validate() error { return m.Action.validate() }

// MsgApprove adds the signer's department's approval to a proposal.
type MsgApprove struct {
	ID uint64 `cbor:"1,keyasint" json:"id" cli:"arg" doc:"proposal id"`
}
