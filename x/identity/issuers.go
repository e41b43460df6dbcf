package identity

import (
	"bytes"
	"regexp"

	"github.com/govchain/govchain/app/module"
)

// The credential issuer registry (docs/credentials.md): which department
// may issue which credential type, and its issuer keys, each with the
// block times between which it holds. Entries are never removed, only
// ended, so the record is the issuer's history and a verifier can ask
// "was this key in force, and this type authorised, when the credential
// was issued?" from one proven record.
//
// Authorisations are consortium decisions (proposals authorize_issuer and
// deauthorize_issuer: Department and Name = the credential type); keys are
// the department's own (its admins add and retire them).

// Proposal kinds of the issuer registry.
const (
	KindAuthorizeIssuer   = "authorize_issuer"
	KindDeauthorizeIssuer = "deauthorize_issuer"
)

// Message types of the issuer registry.
const (
	TypeAddIssuerKey    = "identity.add_issuer_key"
	TypeRetireIssuerKey = "identity.retire_issuer_key"
)

// MaxIssuerEntries bounds an issuer's authorisations and keys (each).
const MaxIssuerEntries = 64

var (
	credTypeRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
	kidRe      = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)
)

// Issuer is a department's record as a credential issuer.
type Issuer struct {
	Department     string                `cbor:"1,keyasint" json:"department"`
	Authorizations []IssuerAuthorization `cbor:"2,keyasint,omitempty" json:"authorizations"`
	Keys           []IssuerKey           `cbor:"3,keyasint,omitempty" json:"keys"`
}

// IssuerAuthorization is one period during which the department may issue
// a credential type: from block time From (height FromHeight) until Until
// (0: still in force).
type IssuerAuthorization struct {
	Type        string `cbor:"1,keyasint" json:"type"`
	From        int64  `cbor:"2,keyasint" json:"from_unix" fmt:"unix"`
	FromHeight  int64  `cbor:"3,keyasint" json:"from_height"`
	Until       int64  `cbor:"4,keyasint,omitempty" json:"until_unix,omitempty" fmt:"unix"`
	UntilHeight int64  `cbor:"5,keyasint,omitempty" json:"until_height,omitempty"`
}

// IssuerKey is one issuer key and the period it signs credentials in.
type IssuerKey struct {
	Kid         string `cbor:"1,keyasint" json:"kid"`
	Algorithm   string `cbor:"2,keyasint" json:"algorithm"`
	PublicKey   []byte `cbor:"3,keyasint" json:"public_key"`
	From        int64  `cbor:"4,keyasint" json:"from_unix" fmt:"unix"`
	FromHeight  int64  `cbor:"5,keyasint" json:"from_height"`
	Until       int64  `cbor:"6,keyasint,omitempty" json:"until_unix,omitempty" fmt:"unix"`
	UntilHeight int64  `cbor:"7,keyasint,omitempty" json:"until_height,omitempty"`
	AddedBy     string `cbor:"8,keyasint" json:"added_by"`
}

func inForce(from, until, at int64) bool { return at >= from && (until == 0 || at < until) }

// MsgAddIssuerKey adds an issuer key to the signer's department.
type MsgAddIssuerKey struct {
	Kid       string `cbor:"1,keyasint" json:"kid" cli:"arg" doc:"key id, the JWS kid: 1-32 of A-Z a-z 0-9 _ -"`
	Algorithm string `cbor:"2,keyasint" json:"algorithm" doc:"ed25519 or sm2" default:"ed25519"`
	PublicKey []byte `cbor:"3,keyasint" json:"public_key" doc:"the public key (base64)"`
}

func (m *MsgAddIssuerKey) Validate() error {
	if !kidRe.MatchString(m.Kid) {
		return module.ErrInvalidField.Wrapf("kid: 1-32 of A-Z a-z 0-9 _ -")
	}
	return checkKey(m.Algorithm, m.PublicKey)
}

// MsgRetireIssuerKey ends an issuer key of the signer's department: it
// signs no credential issued from now on (those issued before stay valid).
type MsgRetireIssuerKey struct {
	Kid string `cbor:"1,keyasint" json:"kid" cli:"arg" doc:"key id"`
}

func (m *MsgRetireIssuerKey) Validate() error {
	if !kidRe.MatchString(m.Kid) {
		return module.ErrInvalidField.Wrapf("kid: 1-32 of A-Z a-z 0-9 _ -")
	}
	return nil
}

func issuerKey(dept string) string { return "issuer/" + dept }

// IssuerStateKey is the state key (under "identity/") of a department's
// issuer record.
func IssuerStateKey(dept string) string { return issuerKey(dept) }

// AccountStateKey is the state key (under "identity/") of an account.
func AccountStateKey(addr string) string { return accountKey(addr) }

// GetIssuer reads a department's issuer record (kv rooted at
// "identity/").
func GetIssuer(kv module.Reader, dept string) (*Issuer, error) {
	return module.Load[Issuer](kv, issuerKey(dept), ErrUnknownIssuer, dept)
}

func loadOrNewIssuer(kv module.Reader, dept string) (*Issuer, error) {
	var is Issuer
	ok, err := module.GetRecord(kv, issuerKey(dept), &is)
	if err != nil {
		return nil, err
	}
	if !ok {
		is.Department = dept
	}
	return &is, nil
}

// IssuerKeyAt returns the algorithm and key of dept's issuer key kid in
// force at block time at.
func IssuerKeyAt(kv module.Reader, dept, kid string, at int64) (string, []byte, error) {
	is, err := GetIssuer(kv, dept)
	if err != nil {
		return "", nil, err
	}
	for _, k := range is.Keys {
		if k.Kid == kid && inForce(k.From, k.Until, at) {
			return k.Algorithm, k.PublicKey, nil
		}
	}
	return "", nil, ErrUnknownIssuerKey.Wrapf("%s of %s at %d", kid, dept, at)
}

// AuthorizedAt fails unless dept was authorised to issue typ at block
// time at.
func AuthorizedAt(kv module.Reader, dept, typ string, at int64) error {
	is, err := GetIssuer(kv, dept)
	if err != nil {
		return err
	}
	for _, a := range is.Authorizations {
		if a.Type == typ && inForce(a.From, a.Until, at) {
			return nil
		}
	}
	return ErrNotAuthorizedIssuer.Wrapf("%s for %q at %d", dept, typ, at)
}

func (m *Module) addIssuerKey(ctx *module.Context, msg *MsgAddIssuerKey) error {
	d, err := signerDept(ctx)
	if err != nil {
		return err
	}
	kv := ctx.Store()
	is, err := loadOrNewIssuer(kv, d.ID)
	if err != nil {
		return err
	}
	if len(is.Keys) >= MaxIssuerEntries {
		return ErrIssuerFull.Wrapf("%d keys", len(is.Keys))
	}
	for _, k := range is.Keys {
		if k.Kid == msg.Kid {
			return ErrIssuerKeyExists.Wrapf("%q", msg.Kid)
		}
		if k.Until == 0 && bytes.Equal(k.PublicKey, msg.PublicKey) {
			return ErrIssuerKeyExists.Wrapf("the key is in force as %q", k.Kid)
		}
	}
	t := ctx.Time.Unix()
	is.Keys = append(is.Keys, IssuerKey{Kid: msg.Kid, Algorithm: msg.Algorithm, PublicKey: msg.PublicKey,
		From: t, FromHeight: ctx.Height, AddedBy: ctx.Signer.Address})
	module.SetRecord(kv, issuerKey(d.ID), is)
	ctx.Emit("identity.issuer_key_added", "department", d.ID, "kid", msg.Kid)
	return nil
}

func (m *Module) retireIssuerKey(ctx *module.Context, msg *MsgRetireIssuerKey) error {
	d, err := signerDept(ctx)
	if err != nil {
		return err
	}
	kv := ctx.Store()
	is, err := GetIssuer(kv, d.ID)
	if err != nil {
		return err
	}
	for i := range is.Keys {
		if k := &is.Keys[i]; k.Kid == msg.Kid && k.Until == 0 {
			k.Until, k.UntilHeight = ctx.Time.Unix(), ctx.Height
			module.SetRecord(kv, issuerKey(d.ID), is)
			ctx.Emit("identity.issuer_key_retired", "department", d.ID, "kid", msg.Kid)
			return nil
		}
	}
	return ErrUnknownIssuerKey.Wrapf("no key %q in force", msg.Kid)
}

func (a *Action) validateIssuer() error {
	if !ValidDepartmentID(a.Department) {
		return ErrBadProposal.Wrapf("department id %q", a.Department)
	}
	if !credTypeRe.MatchString(a.Name) {
		return ErrBadProposal.Wrapf("credential type (name) %q: 1-32 of a-z, 0-9, '_'", a.Name)
	}
	return nil
}

// checkIssuerAction: the department is active, and the change is one to
// make (not authorised twice, nor ended when not in force).
func checkIssuerAction(ctx *module.Context, a *Action) error {
	d, err := GetDepartment(ctx.Store(), a.Department)
	if err != nil {
		return err
	}
	if d.Removed && a.Kind == KindAuthorizeIssuer {
		return ErrDepartmentInactive.Wrapf("%q", d.ID)
	}
	is, err := loadOrNewIssuer(ctx.Store(), a.Department)
	if err != nil {
		return err
	}
	open := openAuthorization(is, a.Name)
	switch {
	case a.Kind == KindAuthorizeIssuer && open >= 0:
		return ErrAlreadyAuthorized.Wrapf("%s for %q", a.Department, a.Name)
	case a.Kind == KindDeauthorizeIssuer && open < 0:
		return ErrNotAuthorizedIssuer.Wrapf("%s for %q", a.Department, a.Name)
	case a.Kind == KindAuthorizeIssuer && len(is.Authorizations) >= MaxIssuerEntries:
		return ErrIssuerFull.Wrapf("%d authorisations", len(is.Authorizations))
	}
	return nil
}

func openAuthorization(is *Issuer, typ string) int {
	for i, au := range is.Authorizations {
		if au.Type == typ && au.Until == 0 {
			return i
		}
	}
	return -1
}

// executeIssuer runs authorize_issuer and deauthorize_issuer.
func executeIssuer(ctx *module.Context, a *Action) error {
	if err := checkIssuerAction(ctx, a); err != nil {
		return err
	}
	kv := ctx.Store()
	is, err := loadOrNewIssuer(kv, a.Department)
	if err != nil {
		return err
	}
	t := ctx.Time.Unix()
	if a.Kind == KindAuthorizeIssuer {
		is.Authorizations = append(is.Authorizations, IssuerAuthorization{Type: a.Name, From: t, FromHeight: ctx.Height})
	} else {
		au := &is.Authorizations[openAuthorization(is, a.Name)]
		au.Until, au.UntilHeight = t, ctx.Height
	}
	module.SetRecord(kv, issuerKey(a.Department), is)
	ctx.Emit("identity."+a.Kind, "department", a.Department, "type", a.Name)
	return nil
}
