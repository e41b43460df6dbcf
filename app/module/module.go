// Package module is the contract between the application and its domain
// modules (x/*): the execution context a handler gets, routes with the role
// each message needs, result errors with stable codes, and the genesis hook.
//
// Everything a handler can see comes through Context: the block height and
// header time (never the wall clock), the authenticated signer and roles, a
// key-value view prefixed by the module's name, an event sink and a step
// meter. Handlers stage writes; the application decides whether they land.
//
// It must not import api, node, net/http or CometBFT's node packages.
package module

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/ledger"
)

// KV is a key-value view. Reads of absent keys return ok false. Keys are
// relative to the view's prefix.
type KV interface {
	Get(key []byte) ([]byte, bool)
	Set(key, value []byte)
	Delete(key []byte)
}

// Reader is a read-only view.
type Reader interface {
	Get(key []byte) ([]byte, bool)
}

// Signer is the authenticated sender of a transaction.
type Signer struct {
	Address    string
	Department string
	Roles      []string
	Citizen    bool
}

// HasRole reports whether the signer holds role.
func (s Signer) HasRole(role string) bool {
	i := sort.SearchStrings(s.Roles, role)
	return i < len(s.Roles) && s.Roles[i] == role
}

// ValidatorUpdate changes a validator's voting power (0 removes it).
type ValidatorUpdate struct {
	PubKey []byte // ed25519
	Power  int64
}

// StepLimit bounds the work of one transaction (each state read or write is
// one step plus one per 64 bytes).
const StepLimit = 200_000

// Context is what a handler sees.
type Context struct {
	ChainID string
	Height  int64
	Time    time.Time // block header time, the same on every node
	Signer  Signer

	root   KV // the whole state
	prefix string
	roles  []Role // every role the chain's modules define, sorted by name

	events     []ledger.Event
	valUpdates []ValidatorUpdate
	steps      int64
}

// NewContext is for the application: root is the whole state of this tx.
func NewContext(chainID string, height int64, t time.Time, signer Signer, root KV) *Context {
	return &Context{ChainID: chainID, Height: height, Time: t, Signer: signer, root: root}
}

// WithDefinedRoles tells the context every role the chain's modules
// define, as SortRoles returns them (the application does this; module
// tests do it through moduletest).
func (c *Context) WithDefinedRoles(sorted []Role) *Context {
	c.roles = sorted
	return c
}

// RoleDefined reports whether some module of the chain defines role.
func (c *Context) RoleDefined(role string) bool {
	_, ok := c.DefinedRole(role)
	return ok
}

// DefinedRole returns the declaration of role by the module that defines
// it.
func (c *Context) DefinedRole(role string) (Role, bool) {
	i := sort.Search(len(c.roles), func(i int) bool { return c.roles[i].Name >= role })
	if i < len(c.roles) && c.roles[i].Name == role {
		return c.roles[i], true
	}
	return Role{}, false
}

// DefinedRoles lists every role the chain's modules define, sorted by
// name.
func (c *Context) DefinedRoles() []Role { return c.roles }

// WithModule returns the context a module's handler gets: the same tx, with
// Store prefixed by "<module>/".
func (c *Context) WithModule(name string) *Context {
	c.prefix = name + "/"
	return c
}

func (c *Context) step(n int) {
	c.steps += 1 + int64(n)/64
	if c.steps > StepLimit {
		panic(ErrOutOfSteps)
	}
}

// Atomic runs fn so that its writes, events and validator updates take
// effect only if it returns nil: for a step that may fail after writing,
// inside a message that succeeds anyway (a proposal whose action fails is
// closed as failed, and nothing of the action remains).
func (c *Context) Atomic(fn func() error) error {
	parent := c.root
	ov := &overlay{parent: parent, writes: map[string][]byte{}, deleted: map[string]bool{}}
	nev, nvu := len(c.events), len(c.valUpdates)
	c.root = ov
	defer func() { c.root = parent }()
	if err := fn(); err != nil {
		c.events, c.valUpdates = c.events[:nev], c.valUpdates[:nvu]
		return err
	}
	keys := make([]string, 0, len(ov.writes)+len(ov.deleted))
	for k := range ov.writes {
		keys = append(keys, k)
	}
	for k := range ov.deleted {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if ov.deleted[k] {
			parent.Delete([]byte(k))
		} else {
			parent.Set([]byte(k), ov.writes[k])
		}
	}
	return nil
}

// overlay holds the writes of an Atomic step.
type overlay struct {
	parent  KV
	writes  map[string][]byte
	deleted map[string]bool
}

func (o *overlay) Get(k []byte) ([]byte, bool) {
	if o.deleted[string(k)] {
		return nil, false
	}
	if v, ok := o.writes[string(k)]; ok {
		return v, true
	}
	return o.parent.Get(k)
}

func (o *overlay) Set(k, v []byte) {
	delete(o.deleted, string(k))
	o.writes[string(k)] = append([]byte{}, v...)
}

func (o *overlay) Delete(k []byte) {
	delete(o.writes, string(k))
	o.deleted[string(k)] = true
}

// InModule runs fn with Store rooted at module name's state, then restores
// the caller's: for a module's exported functions that other modules call
// (x/fiscal's budget lines, reserved by procurement and welfare). Writes,
// events and steps count in the calling transaction. A module writes
// another's state only through that module's exported functions, which
// call InModule with their own name; never with a name not their own.
func (c *Context) InModule(name string, fn func() error) error {
	saved := c.prefix
	c.prefix = name + "/"
	defer func() { c.prefix = saved }()
	return fn()
}

// SignedPrefix is where the application records, in state, each
// validator address that has signed a block (from the decided last commit
// of every block), so that modules can tell a key a running node holds
// from one nobody has shown to run (x/identity caps the power of the
// latter).
const SignedPrefix = "chain/signed/"

// SignedKey is the state key recording that the validator with this
// address (CometBFT's: the first 20 bytes of SHA-256 of the ed25519 key)
// has signed a block.
func SignedKey(address []byte) string { return SignedPrefix + hex.EncodeToString(address) }

// ValidatorAddress is CometBFT's address of an ed25519 validator key.
func ValidatorAddress(pubKey []byte) []byte {
	h := sha256.Sum256(pubKey)
	return h[:20]
}

// HasSigned reports whether the validator key has signed a block of this
// chain (genesis validators count from their first block).
func (c *Context) HasSigned(pubKey []byte) bool {
	k := SignedKey(ValidatorAddress(pubKey))
	_, ok := c.root.Get([]byte(k))
	c.step(len(k))
	return ok
}

// Store is the module's own prefixed state.
func (c *Context) Store() KV { return prefixed{c, c.prefix} }

// View is read-only access to another module's state.
func (c *Context) View(module string) Reader { return prefixed{c, module + "/"} }

// Emit records an event; attrs are key, value pairs.
func (c *Context) Emit(typ string, attrs ...string) {
	ev := ledger.Event{Type: typ}
	for i := 0; i+1 < len(attrs); i += 2 {
		ev.Attrs = append(ev.Attrs, ledger.Attribute{Key: attrs[i], Value: attrs[i+1]})
	}
	c.events = append(c.events, ev)
}

// Events returns what the tx emitted.
func (c *Context) Events() []ledger.Event { return c.events }

// UpdateValidator asks consensus to change a validator's power at the end of
// the block.
func (c *Context) UpdateValidator(pubKey []byte, power int64) {
	c.valUpdates = append(c.valUpdates, ValidatorUpdate{PubKey: append([]byte{}, pubKey...), Power: power})
}

// ValidatorUpdates returns what the tx asked for.
func (c *Context) ValidatorUpdates() []ValidatorUpdate { return c.valUpdates }

type prefixed struct {
	c      *Context
	prefix string
}

func (p prefixed) key(k []byte) []byte {
	return append([]byte(p.prefix), k...)
}

func (p prefixed) Get(k []byte) ([]byte, bool) {
	v, ok := p.c.root.Get(p.key(k))
	p.c.step(len(k) + len(v))
	return v, ok
}

func (p prefixed) Set(k, v []byte) {
	p.c.step(len(k) + len(v))
	p.c.root.Set(p.key(k), v)
}

func (p prefixed) Delete(k []byte) {
	p.c.step(len(k))
	p.c.root.Delete(p.key(k))
}

// GetRecord decodes the record at key into v; ok is false when absent.
func GetRecord(kv Reader, key string, v any) (bool, error) {
	b, ok := kv.Get([]byte(key))
	if !ok {
		return false, nil
	}
	if err := codec.Unmarshal(b, v); err != nil {
		return true, fmt.Errorf("corrupt record %q: %w", key, err)
	}
	return true, nil
}

// Load decodes the record at key into a new T; an absent record is
// notFound with what as detail.
func Load[T any](kv Reader, key string, notFound *Error, what string) (*T, error) {
	var t T
	ok, err := GetRecord(kv, key, &t)
	if err != nil {
		return nil, err
	}
	if !ok {
		e := notFound.Wrapf("%s", what)
		e.missing = true
		return nil, e
	}
	return &t, nil
}

// SetRecord stores v's canonical encoding at key.
func SetRecord(kv KV, key string, v any) { kv.Set([]byte(key), codec.MustMarshal(v)) }

// Handler executes one message.
type Handler func(ctx *Context, body []byte) error

// Route declares a message type, the roles that may send it (any one of
// them; none means any active account), a one-line doc, its handler, the
// message's Go type and a decoder of its body into it (for readers such as
// the API, the CLI and the docs).
type Route struct {
	Type    string
	Roles   []string
	Doc     string
	Handler Handler
	Msg     reflect.Type
	Decode  func(body []byte) (any, error)
	// Module is the name of the module that routes the type; the
	// application sets it when it mounts the module (its handler's store
	// is that module's, whatever the type string says).
	Module string
	// Precheck, when set, is run by CheckTx on the message body against
	// the module's view of the check state, after the signature. It is for
	// messages carrying expensive proofs: an error refuses the tx before it
	// reaches a block, and a module may remember a pure verification's
	// success for FinalizeBlock (keyed by everything the result depends
	// on), so a proposer does not verify the same proofs twice. It must
	// refuse only what execution would certainly refuse.
	Precheck func(state Reader, body []byte) error
}

// WithPrecheck sets the route's CheckTx precheck (see Route.Precheck).
func (r Route) WithPrecheck(fn func(state Reader, body []byte) error) Route {
	r.Precheck = fn
	return r
}

// NewRoute declares a typed message route.
func NewRoute[M any](typ string, roles []string, doc string, fn func(ctx *Context, msg *M) error) Route {
	return Route{Type: typ, Roles: roles, Doc: doc, Handler: Handle(fn), Msg: reflect.TypeFor[M](), Decode: func(body []byte) (any, error) {
		var m M
		if err := codec.Unmarshal(body, &m); err != nil {
			return nil, err
		}
		return &m, nil
	}}
}

// Action is the part of a message type after the module name
// ("registry.open_transfer" -> "open_transfer").
func (r Route) Action() string {
	_, a, _ := strings.Cut(r.Type, ".")
	return a
}

// Role is a role a module defines, with what it is for and which
// departments may grant it unless the chain's genesis says otherwise.
type Role struct {
	Name string
	Doc  string
	// Grantors are the ids of the departments entitled by default to
	// grant the role to their officials (AnyDepartment: every
	// department). The chain keeps the effective list in state (x/identity):
	// set at genesis from these defaults, or from the genesis's own list,
	// and changed only by a consortium proposal. An id the genesis does not
	// found is dropped; none means only a proposal makes the role grantable.
	Grantors []string
}

// AnyDepartment, as a role's only grantor, entitles every active
// department, including departments added later.
const AnyDepartment = "*"

// Validator is implemented by message bodies with stateless checks.
type Validator interface{ Validate() error }

// Handle adapts a typed handler: it decodes the canonical body into M and
// runs its Validate method, if any, first.
func Handle[M any](fn func(ctx *Context, msg *M) error) Handler {
	return func(ctx *Context, body []byte) error {
		var m M
		if err := codec.Unmarshal(body, &m); err != nil {
			return ErrBadMessage.Wrapf("%v", err)
		}
		if v, ok := any(&m).(Validator); ok {
			if err := v.Validate(); err != nil {
				return err
			}
		}
		return fn(ctx, &m)
	}
}

// Module is a domain module: one folder under x/, one line in the node's
// module list.
type Module interface {
	// Name is the module's message type prefix, state prefix, API path
	// segment, CLI command and codespace.
	Name() string
	Routes() []Route
	Queries() []Query
	// Roles lists the roles the module defines (so they can be granted).
	Roles() []Role
	// InitGenesis writes the module's genesis state (from the JSON
	// app_state section named after the module; nil when absent).
	InitGenesis(ctx *Context, raw []byte) error
}

// Account is what the application needs of a transaction's signer.
type Account struct {
	Signer
	Algorithm string
	PublicKey []byte
	Sequence  uint64
	Disabled  bool
	// Record is the accounts module's own record, handed back to it by
	// BumpSequence.
	Record any
}

// Accounts is implemented by the one module that keeps accounts
// (x/identity). The application authenticates every transaction through
// it. Readers and writers are rooted at that module's prefix.
type Accounts interface {
	// LookupAccount returns the account at addr; nil when there is none.
	LookupAccount(r Reader, addr string) (*Account, error)
	// BumpSequence advances the account's sequence by one and stores it.
	BumpSequence(kv KV, a *Account)
}

// Allowed reports whether signer s may send a message of route r: the
// route names no role (any active account), or s holds one of its roles.
// The application and the module test kit both decide with it.
func Allowed(r Route, s Signer) bool {
	if len(r.Roles) == 0 {
		return true
	}
	for _, role := range r.Roles {
		if s.HasRole(role) {
			return true
		}
	}
	return false
}

// SortedUnique returns ss sorted with duplicates removed.
func SortedUnique(ss []string) []string {
	out := append([]string{}, ss...)
	sort.Strings(out)
	j := 0
	for i, s := range out {
		if i == 0 || s != out[j-1] {
			out[j] = s
			j++
		}
	}
	return out[:j]
}

// SortRoles returns rs sorted by name; of two declarations of one name
// the first is kept.
func SortRoles(rs []Role) []Role {
	out := append([]Role{}, rs...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	j := 0
	for i, r := range out {
		if i == 0 || r.Name != out[j-1].Name {
			out[j] = r
			j++
		}
	}
	return out[:j]
}

// RoleNames lists the names of roles.
func RoleNames(rs []Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out
}
