package credentials

import (
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/credential"
)

// Name is the module name.
const Name = "credentials"

// RoleIssuer keeps its department's status lists: it revokes and suspends
// the credentials the department issued.
const RoleIssuer = "credentials.issuer"

// Message types.
const (
	TypeCreateList = "credentials.create_list"
	TypeRevoke     = "credentials.revoke"
	TypeSuspend    = "credentials.suspend"
	TypeUnsuspend  = "credentials.unsuspend"
	TypeRegister   = "credentials.register"
)

// Bounds.
const (
	MaxListBits     = 1 << 20 // 128 KiB of state
	MaxListsPerDept = 256
)

// StatusList is a W3C Bitstring Status List of a department: bit i (the
// (i mod 8)-th most significant bit of byte i/8) set means the credential
// with statusListIndex i is revoked (purpose revocation, for good) or
// suspended (purpose suspension, until unsuspended).
type StatusList struct {
	Department string `cbor:"1,keyasint" json:"department"`
	ID         string `cbor:"2,keyasint" json:"id"`
	Purpose    string `cbor:"3,keyasint" json:"purpose"`
	Size       uint64 `cbor:"4,keyasint" json:"size_bits"`
	Bits       []byte `cbor:"5,keyasint" json:"bits"` // Size/8 bytes
	Set        uint64 `cbor:"6,keyasint,omitempty" json:"set"`
	Created    int64  `cbor:"7,keyasint" json:"created_height"`
	Updated    int64  `cbor:"8,keyasint,omitempty" json:"updated_height,omitempty"`
	// EncodedList is derived when read, never stored.
	EncodedList string `cbor:"-" json:"encoded_list,omitempty" derive:"the W3C encodedList of bits: 'u' followed by base64url without padding of the GZIP (RFC 1952) compression of bits; any GZIP encoder's output decompresses to the same bits"`
}

// Present derives the W3C encodedList.
func (l *StatusList) Present(module.ReadView) { l.EncodedList = credential.EncodeStatusList(l.Bits) }

// MsgCreateList opens a status list of the signer's department.
type MsgCreateList struct {
	ID      string `cbor:"1,keyasint" json:"id" cli:"arg" doc:"list id: 1-32 of a-z 0-9 _ -"`
	Purpose string `cbor:"2,keyasint" json:"purpose" doc:"revocation or suspension" default:"revocation"`
	Size    uint64 `cbor:"3,keyasint" json:"size_bits" cli:"name=size" doc:"bits; a multiple of 8, at most 1048576 (W3C recommends at least 131072 for herd privacy)" default:"131072"`
}

func (m *MsgCreateList) Validate() error {
	if !credential.ValidListID(m.ID) {
		return module.ErrInvalidField.Wrapf("list id: 1-32 of a-z 0-9 _ -")
	}
	if m.Purpose != credential.PurposeRevocation && m.Purpose != credential.PurposeSuspension {
		return ErrBadPurpose
	}
	if m.Size == 0 || m.Size%8 != 0 || m.Size > MaxListBits {
		return ErrBadSize
	}
	return nil
}

// MsgStatus names a credential's entry in a list of the signer's
// department.
type MsgStatus struct {
	List   string `cbor:"1,keyasint" json:"list" cli:"arg" doc:"list id"`
	Index  uint64 `cbor:"2,keyasint" json:"index" cli:"arg" doc:"the credential's statusListIndex"`
	Reason string `cbor:"3,keyasint,omitempty" json:"reason,omitempty" doc:"why (kept in the transaction, not in the list)"`
}

func (m *MsgStatus) Validate() error {
	if !credential.ValidListID(m.List) {
		return module.ErrInvalidField.Wrapf("list id: 1-32 of a-z 0-9 _ -")
	}
	if len(m.Reason) > 256 {
		return module.ErrInvalidField.Wrapf("reason: at most 256 bytes")
	}
	return nil
}

func listKey(dept, id string) string { return "list/" + dept + "/" + id }

// ListStateKey is the state key (under "credentials/") of a status list.
func ListStateKey(dept, id string) string { return listKey(dept, id) }

// Issued records that a department issued a credential: the digest of its
// issuer-signed JWT (SHA-256, base64url), its type, and the block that
// registered it. Its block time is the credential's issuance as the chain
// saw it: a verifier checks the issuer's key and authorisation at that
// time, not at the iat the issuer wrote, so a department can backdate
// nothing to a period it was authorised in. Nothing about the holder goes
// on chain.
type Issued struct {
	Department string `cbor:"1,keyasint" json:"department"`
	Digest     string `cbor:"2,keyasint" json:"digest"`
	Type       string `cbor:"3,keyasint" json:"type"`
	Time       int64  `cbor:"4,keyasint" json:"time_unix" fmt:"unix"`
	Height     int64  `cbor:"5,keyasint" json:"height"`
	By         string `cbor:"6,keyasint" json:"by"`
}

// MsgRegister registers a credential the signer's department issues.
type MsgRegister struct {
	Digest string `cbor:"1,keyasint" json:"digest" cli:"arg" doc:"base64url SHA-256 of the issuer-signed JWT (credential.Digest)"`
	Type   string `cbor:"2,keyasint" json:"type" doc:"the credential type (its vct)"`
}

func (m *MsgRegister) Validate() error {
	if !credential.ValidDigest(m.Digest) {
		return ErrBadDigest
	}
	if !credential.ValidType(m.Type) {
		return module.ErrInvalidField.Wrapf("type: 1-32 of a-z 0-9 _, starting with a letter")
	}
	return nil
}

func issuedKey(dept, digest string) string { return "issued/" + dept + "/" + digest }

// IssuedStateKey is the state key (under "credentials/") of a registered
// credential.
func IssuedStateKey(dept, digest string) string { return issuedKey(dept, digest) }
