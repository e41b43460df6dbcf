// Package credentials keeps the status of verifiable credentials on chain:
// each issuing department's W3C Bitstring Status Lists, where it revokes
// (for good) and suspends (until it unsuspends) the credentials it issued.
// A verifier proves a list's value at a height with a state proof and
// reads a credential's bit offline (credential/bundle). Issuers, their
// keys and the credential types they may issue are x/identity's issuer
// registry; the credentials themselves (SD-JWT VCs, package credential)
// never touch the chain.
//
// It is a pure state machine over module.Context and must not import api,
// node, net/http, CometBFT's node packages or read the wall clock.
package credentials

import (
	"strconv"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/credential"
	"github.com/govchain/govchain/x/identity"
)

// Module is the credentials module.
type Module struct{}

// New returns the module.
func New() *Module { return &Module{} }

var _ module.Module = (*Module)(nil)

func (m *Module) Name() string { return Name }

// Roles are the roles this module defines.
func (m *Module) Roles() []module.Role {
	return []module.Role{
		// Any department may grant it; only a department the consortium
		// registered as an issuer (x/identity) has lists to keep.
		{Name: RoleIssuer, Doc: "keeps its department's credential status lists: revokes and suspends the credentials it issued", Grantors: []string{module.AnyDepartment}},
	}
}

// Routes declares each message with the roles it needs.
func (m *Module) Routes() []module.Route {
	return []module.Route{
		module.NewRoute(TypeRegister, []string{RoleIssuer}, "Register a credential the signer's department issues (the digest of its issuer JWT): refused unless the department is authorised for the type now", m.register),
		module.NewRoute(TypeCreateList, []string{RoleIssuer}, "Open a status list (revocation or suspension) of the signer's department, a credential issuer", m.createList),
		module.NewRoute(TypeRevoke, []string{RoleIssuer}, "Revoke a credential: set its bit in a revocation list of the signer's department, for good", m.revoke),
		module.NewRoute(TypeSuspend, []string{RoleIssuer}, "Suspend a credential: set its bit in a suspension list of the signer's department", m.suspend),
		module.NewRoute(TypeUnsuspend, []string{RoleIssuer}, "Lift a credential's suspension: clear its bit in a suspension list", m.unsuspend),
	}
}

// InitGenesis has nothing to write: lists are opened by transactions.
func (m *Module) InitGenesis(*module.Context, []byte) error { return nil }

// GetList reads a status list (kv rooted at "credentials/").
func GetList(kv module.Reader, dept, id string) (*StatusList, error) {
	return module.Load[StatusList](kv, listKey(dept, id), ErrUnknownList, dept+"/"+id)
}

// StatusBit is bit index of a list, with the list's purpose.
func StatusBit(kv module.Reader, dept, id string, index uint64) (string, bool, error) {
	l, err := GetList(kv, dept, id)
	if err != nil {
		return "", false, err
	}
	if index >= l.Size {
		return "", false, ErrIndexRange.Wrapf("%d of %d", index, l.Size)
	}
	return l.Purpose, credential.BitAt(l.Bits, index), nil
}

func countKey(dept string) string { return "count/" + dept }

func (m *Module) createList(ctx *module.Context, msg *MsgCreateList) error {
	dept := ctx.Signer.Department
	if _, err := identity.GetIssuer(ctx.View(identity.Name), dept); err != nil {
		return ErrNotIssuer.Wrapf("%s", dept)
	}
	kv := ctx.Store()
	if _, ok := kv.Get([]byte(listKey(dept, msg.ID))); ok {
		return ErrListExists.Wrapf("%s/%s", dept, msg.ID)
	}
	n := uint64(0)
	if b, ok := kv.Get([]byte(countKey(dept))); ok {
		n, _ = strconv.ParseUint(string(b), 10, 64)
	}
	if n >= MaxListsPerDept {
		return ErrTooManyLists
	}
	kv.Set([]byte(countKey(dept)), []byte(strconv.FormatUint(n+1, 10)))
	l := &StatusList{Department: dept, ID: msg.ID, Purpose: msg.Purpose, Size: msg.Size, Bits: make([]byte, msg.Size/8), Created: ctx.Height}
	module.SetRecord(kv, listKey(dept, msg.ID), l)
	ctx.Emit("credentials.list_created", "department", dept, "list", msg.ID, "purpose", msg.Purpose)
	return nil
}

// entry loads the signer's department's list of purpose and checks index.
func entry(ctx *module.Context, msg *MsgStatus, purpose string) (*StatusList, error) {
	l, err := GetList(ctx.Store(), ctx.Signer.Department, msg.List)
	if err != nil {
		return nil, err
	}
	if l.Purpose != purpose {
		return nil, ErrWrongPurpose.Wrapf("%s is a %s list", msg.List, l.Purpose)
	}
	if msg.Index >= l.Size {
		return nil, ErrIndexRange.Wrapf("%d of %d", msg.Index, l.Size)
	}
	return l, nil
}

func (m *Module) setBit(ctx *module.Context, l *StatusList, msg *MsgStatus, v bool, event string) {
	credential.SetBit(l.Bits, msg.Index, v)
	if v {
		l.Set++
	} else {
		l.Set--
	}
	l.Updated = ctx.Height
	module.SetRecord(ctx.Store(), listKey(l.Department, l.ID), l)
	ctx.Emit("credentials."+event, "department", l.Department, "list", l.ID, "index", strconv.FormatUint(msg.Index, 10))
}

func (m *Module) revoke(ctx *module.Context, msg *MsgStatus) error {
	l, err := entry(ctx, msg, credential.PurposeRevocation)
	if err != nil {
		return err
	}
	if credential.BitAt(l.Bits, msg.Index) {
		return ErrAlreadyRevoked
	}
	m.setBit(ctx, l, msg, true, "revoked")
	return nil
}

func (m *Module) suspend(ctx *module.Context, msg *MsgStatus) error {
	l, err := entry(ctx, msg, credential.PurposeSuspension)
	if err != nil {
		return err
	}
	if credential.BitAt(l.Bits, msg.Index) {
		return ErrAlreadySuspended
	}
	m.setBit(ctx, l, msg, true, "suspended")
	return nil
}

func (m *Module) unsuspend(ctx *module.Context, msg *MsgStatus) error {
	l, err := entry(ctx, msg, credential.PurposeSuspension)
	if err != nil {
		return err
	}
	if !credential.BitAt(l.Bits, msg.Index) {
		return ErrNotSuspended
	}
	m.setBit(ctx, l, msg, false, "unsuspended")
	return nil
}

// GetIssued reads a registered credential.
func GetIssued(kv module.Reader, dept, digest string) (*Issued, error) {
	return module.Load[Issued](kv, issuedKey(dept, digest), ErrNotRegistered, dept+"/"+digest)
}

func (m *Module) register(ctx *module.Context, msg *MsgRegister) error {
	dept := ctx.Signer.Department
	now := ctx.Time.Unix()
	if err := identity.AuthorizedAt(ctx.View(identity.Name), dept, msg.Type, now); err != nil {
		return err
	}
	kv := ctx.Store()
	if _, ok := kv.Get([]byte(issuedKey(dept, msg.Digest))); ok {
		return ErrRegistered
	}
	module.SetRecord(kv, issuedKey(dept, msg.Digest), &Issued{Department: dept, Digest: msg.Digest, Type: msg.Type, Time: now, Height: ctx.Height, By: ctx.Signer.Address})
	ctx.Emit("credentials.registered", "department", dept, "type", msg.Type, "digest", msg.Digest)
	return nil
}
