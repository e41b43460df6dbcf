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
	"bytes"
	"fmt"
	"sort"
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

	events     []ledger.Event
	valUpdates []ValidatorUpdate
	steps      int64
}

// NewContext is for the application: root is the whole state of this tx.
func NewContext(chainID string, height int64, t time.Time, signer Signer, root KV) *Context {
	return &Context{ChainID: chainID, Height: height, Time: t, Signer: signer, root: root}
}

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
		return nil, notFound.Wrapf("%s", what)
	}
	return &t, nil
}

// SetRecord stores v's canonical encoding at key.
func SetRecord(kv KV, key string, v any) { kv.Set([]byte(key), codec.MustMarshal(v)) }

// Handler executes one message.
type Handler func(ctx *Context, body []byte) error

// Route declares a message type, the roles that may send it (any one of
// them; none means any active account), its handler, and a decoder of its
// body into the typed message (for readers such as the API).
type Route struct {
	Type    string
	Roles   []string
	Handler Handler
	Decode  func(body []byte) (any, error)
}

// NewRoute declares a typed message route.
func NewRoute[M any](typ string, roles []string, fn func(ctx *Context, msg *M) error) Route {
	return Route{Type: typ, Roles: roles, Handler: Handle(fn), Decode: func(body []byte) (any, error) {
		var m M
		if err := codec.Unmarshal(body, &m); err != nil {
			return nil, err
		}
		return &m, nil
	}}
}

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

// Module is a domain module.
type Module interface {
	Name() string
	Routes() []Route
	// Roles lists the roles the module defines (so they can be granted).
	Roles() []string
	// InitGenesis writes the module's genesis state (from the JSON
	// app_state section named after the module; nil when absent).
	InitGenesis(ctx *Context, raw []byte) error
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

// BytesLess orders byte slices.
func BytesLess(a, b []byte) bool { return bytes.Compare(a, b) < 0 }
