package moduletest

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/x/identity"
)

// ChainID is the chain-id handlers see.
const ChainID = "govchain-moduletest"

// GenesisTime is the genesis block's time; block h has time GenesisTime+h
// seconds unless a test sets it.
var GenesisTime = time.Unix(1_700_000_000, 0).UTC()

// World is a chain of modules without the application: a genesis described
// with builders, an in-memory state, and transactions executed the way the
// application executes them (see Exec).
type World struct {
	t        testing.TB
	mods     []module.Module
	routes   map[string]module.Route
	roles    []module.Role // every role the modules define, sorted by name
	accounts module.Accounts
	acctPfx  string

	keys map[string]*crypto.PrivateKey

	// The genesis being described, until the world starts.
	started   bool
	depts     []genesisDept
	accts     []genesisAccount
	sections  map[string]json.RawMessage
	threshold uint32
	ttl       int64
	grantors  map[string][]string

	state  *State
	height int64
	time   time.Time
	events []ledger.Event
	last   *Result
}

type genesisDept struct {
	id    string
	power int64
}

type genesisAccount struct {
	name, dept string
	roles      []string
	citizen    bool
}

// New returns a world of mods (exactly one of which keeps the accounts, as
// x/identity does). Describe its genesis with the builders; the first Exec,
// read or NextBlock runs every module's InitGenesis, in the order given.
func New(t testing.TB, mods ...module.Module) *World {
	t.Helper()
	w := &World{t: t, mods: mods, routes: map[string]module.Route{}, keys: map[string]*crypto.PrivateKey{},
		sections: map[string]json.RawMessage{}, state: NewState()}
	names := map[string]bool{}
	for _, m := range mods {
		if m.Name() == "" || names[m.Name()] || strings.ContainsAny(m.Name(), "./") {
			t.Fatalf("moduletest: module name %q is empty, taken or not a plain word", m.Name())
		}
		names[m.Name()] = true
		if acc, ok := m.(module.Accounts); ok {
			if w.accounts != nil {
				t.Fatalf("moduletest: two modules keep accounts (%s and %s)", strings.TrimSuffix(w.acctPfx, "/"), m.Name())
			}
			w.accounts, w.acctPfx = acc, m.Name()+"/"
		}
		w.roles = append(w.roles, m.Roles()...)
		for _, r := range m.Routes() {
			if _, dup := w.routes[r.Type]; dup {
				t.Fatalf("moduletest: message type %q routed twice", r.Type)
			}
			if !strings.HasPrefix(r.Type, m.Name()+".") {
				t.Fatalf("moduletest: message type %q of module %s must start with %q", r.Type, m.Name(), m.Name()+".")
			}
			r.Roles = module.SortedUnique(r.Roles)
			w.routes[r.Type] = r
		}
	}
	if w.accounts == nil {
		t.Fatal("moduletest: no module keeps accounts (list x/identity)")
	}
	w.roles = module.SortRoles(w.roles)
	return w
}

// Modules returns the world's modules.
func (w *World) Modules() []module.Module { return w.mods }

// Route returns the route of a message type, with its roles sorted.
func (w *World) Route(typ string) (module.Route, bool) {
	r, ok := w.routes[typ]
	return r, ok
}

// Key is the key of name: derived from the name, so every run and every
// test gets the same keys, unless SetKey gave name another one.
func (w *World) Key(name string) *crypto.PrivateKey {
	if k, ok := w.keys[name]; ok {
		return k
	}
	seed := crypto.Hash("govchain/moduletest/key", []byte(name))
	k, err := crypto.KeyFromSeed(crypto.AlgEd25519, seed[:])
	if err != nil {
		panic(err) // a 32-byte seed always makes a key
	}
	w.keys[name] = k
	return k
}

// SetKey makes k the key of name (an SM2 key, say). It changes nothing in
// state: do it before name's account is created.
func (w *World) SetKey(name string, k *crypto.PrivateKey) { w.keys[name] = k }

// PublicKey is the public key of name.
func (w *World) PublicKey(name string) []byte { return w.Key(name).PublicKey() }

// Addr is the account address of name's key.
func (w *World) Addr(name string) string { return w.Key(name).Address() }

// ValidatorKey is the consensus key the builders give department id.
func (w *World) ValidatorKey(id string) []byte { return w.PublicKey(id + "/validator") }

func (w *World) beforeGenesis(what string) {
	w.t.Helper()
	if w.started {
		w.t.Fatalf("moduletest: %s after genesis: describe the genesis before the first Exec or read", what)
	}
}

// Department adds a founding department id whose admin is the account
// named id, and returns the admin's address. The first department gets a
// validator of power 10 unless some department was given one (Validator).
func (w *World) Department(id string) string {
	w.t.Helper()
	w.beforeGenesis("Department")
	w.depts = append(w.depts, genesisDept{id: id})
	return w.Addr(id)
}

// Validator gives founding department id a validator (key ValidatorKey(id))
// of power.
func (w *World) Validator(id string, power int64) []byte {
	w.t.Helper()
	w.beforeGenesis("Validator")
	for i := range w.depts {
		if w.depts[i].id == id {
			w.depts[i].power = power
			return w.ValidatorKey(id)
		}
	}
	w.t.Fatalf("moduletest: Validator: no department %q", id)
	return nil
}

// Threshold sets m, the approvals a consortium proposal needs (default: a
// majority of the founding departments).
func (w *World) Threshold(m uint32) {
	w.t.Helper()
	w.beforeGenesis("Threshold")
	w.threshold = m
}

// ProposalTTL sets how many blocks a proposal stays open.
func (w *World) ProposalTTL(blocks int64) {
	w.t.Helper()
	w.beforeGenesis("ProposalTTL")
	w.ttl = blocks
}

// Grantors lists, in the genesis, the departments entitled to grant role
// (module.AnyDepartment: every department; none: no department until a
// proposal), in place of the role's declared defaults. A role the
// builders do not list keeps its module's defaults, less the departments
// the world does not found.
func (w *World) Grantors(role string, depts ...string) {
	w.t.Helper()
	w.beforeGenesis("Grantors")
	if w.grantors == nil {
		w.grantors = map[string][]string{}
	}
	w.grantors[role] = append([]string{}, depts...)
}

// Official adds an account named name to department dept with roles and
// returns its address. Before genesis it is a genesis account; after, the
// department's admin (the account named dept) creates it with
// identity.create_account, which must succeed.
func (w *World) Official(name, dept string, roles ...string) string {
	w.t.Helper()
	return w.account(genesisAccount{name: name, dept: dept, roles: roles})
}

// Citizen adds a citizen account named name, registered by department dept,
// and returns its address (as Official does).
func (w *World) Citizen(name, dept string) string {
	w.t.Helper()
	return w.account(genesisAccount{name: name, dept: dept, citizen: true})
}

func (w *World) account(a genesisAccount) string {
	w.t.Helper()
	if !w.started {
		w.accts = append(w.accts, a)
		return w.Addr(a.name)
	}
	k := w.Key(a.name)
	w.ExpectOK(w.t, a.dept, identity.TypeCreateAccount, identity.MsgCreateAccount{
		Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Roles: a.roles, Citizen: a.citizen})
	return k.Address()
}

// SetGenesis sets module's genesis section (its JSON form); without one,
// identity's section is built from Department, Official and Citizen, and
// other modules get nil.
func (w *World) SetGenesis(moduleName string, section any) {
	w.t.Helper()
	w.beforeGenesis("SetGenesis")
	b, err := json.Marshal(section)
	if err != nil {
		w.t.Fatalf("moduletest: genesis of %s: %v", moduleName, err)
	}
	w.sections[moduleName] = b
}

// identityGenesis builds identity's section from the builders.
func (w *World) identityGenesis() identity.Genesis {
	g := identity.Genesis{Threshold: w.threshold, ProposalTTL: w.ttl, RoleGrantors: w.grantors}
	if g.Threshold == 0 {
		g.Threshold = uint32(len(w.depts)/2 + 1)
	}
	anyValidator := false
	for _, d := range w.depts {
		anyValidator = anyValidator || d.power > 0
	}
	for i, d := range w.depts {
		k := w.Key(d.id)
		gd := identity.GenesisDepartment{ID: d.id, Name: "Department " + d.id,
			Admins: []identity.GenesisAccount{{Algorithm: k.Algorithm, PublicKey: k.PublicKey()}}}
		if !anyValidator && i == 0 {
			d.power = 10
		}
		if d.power > 0 {
			gd.Validator = &identity.Validator{PublicKey: w.ValidatorKey(d.id), Power: d.power}
		}
		g.Departments = append(g.Departments, gd)
	}
	for _, a := range w.accts {
		k := w.Key(a.name)
		g.Accounts = append(g.Accounts, identity.GenesisAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(),
			Department: a.dept, Roles: a.roles, Citizen: a.citizen})
	}
	return g
}

// start runs every module's InitGenesis at height 0 (once).
func (w *World) start() {
	w.t.Helper()
	if w.started {
		return
	}
	w.started = true
	if _, ok := w.sections[identity.Name]; !ok && len(w.depts) > 0 {
		b, err := json.Marshal(w.identityGenesis())
		if err != nil {
			w.t.Fatalf("moduletest: identity genesis: %v", err)
		}
		w.sections[identity.Name] = b
	} else if ok && (len(w.depts) > 0 || len(w.accts) > 0 || w.grantors != nil) {
		w.t.Fatal("moduletest: identity genesis given both with SetGenesis and with builders")
	}
	ctx := module.NewContext(ChainID, 0, GenesisTime, module.Signer{}, w.state).WithDefinedRoles(w.roles)
	for _, m := range w.mods {
		if err := m.InitGenesis(ctx.WithModule(m.Name()), w.sections[m.Name()]); err != nil {
			w.t.Fatalf("moduletest: genesis of %s: %v", m.Name(), err)
		}
	}
	w.events = append(w.events, ctx.Events()...)
	w.height, w.time = 1, GenesisTime.Add(time.Second)
}

// Signed records that the validator key has signed a block, as the
// application does from each block's last commit (module.HasSigned).
func (w *World) Signed(pubKey []byte) {
	w.start()
	w.state.Set([]byte(module.SignedKey(module.ValidatorAddress(pubKey))), []byte{1})
}

// Height is the height of the block the next Exec runs in.
func (w *World) Height() int64 { w.start(); return w.height }

// Time is the header time of that block.
func (w *World) Time() time.Time { w.start(); return w.time }

// NextBlock starts the next block, one second later. Transactions of one
// block see each other's writes in order, as in the application.
func (w *World) NextBlock() {
	w.start()
	w.height++
	w.time = w.time.Add(time.Second)
}

// NextBlocks starts the block n blocks later (n seconds later).
func (w *World) NextBlocks(n int) {
	for i := 0; i < n; i++ {
		w.NextBlock()
	}
}

// SetTime sets the current block's header time (the next block is one
// second after it).
func (w *World) SetTime(t time.Time) { w.start(); w.time = t }

// Result is what one transaction did.
type Result struct {
	Type   string
	Signer string // address
	// Err is the rejection; nil when the transaction succeeded.
	Err *module.Error
	// Cause is the handler's own error when it was not a coded one (Err is
	// then module.ErrInternal, whose detail the application only logs).
	Cause error
	// Panic is a handler's panic other than a coded error, with its stack;
	// the application answers it with module.ErrInternal. ExpectOK and
	// ExpectCode fail on it: handlers must not panic.
	Panic string
	// Authenticated: the signer and its roles passed, so the sequence
	// advanced whatever the message did.
	Authenticated    bool
	Events           []ledger.Event
	ValidatorUpdates []module.ValidatorUpdate
}

// Code is the result code (0: success).
func (r *Result) Code() uint32 {
	if r.Err == nil {
		return 0
	}
	return r.Err.Code
}

// Event returns the first event of type typ the transaction emitted.
func (r *Result) Event(typ string) (ledger.Event, bool) {
	for _, e := range r.Events {
		if e.Type == typ {
			return e, true
		}
	}
	return ledger.Event{}, false
}

func (r *Result) String() string {
	s := fmt.Sprintf("%s by %s: code %d", r.Type, r.Signer, r.Code())
	if r.Err != nil {
		s += " (" + r.Err.Error() + ")"
	}
	if r.Cause != nil {
		s += "; cause: " + r.Cause.Error()
	}
	if r.Panic != "" {
		s += "; panic: " + r.Panic
	}
	return s
}

// Exec runs one transaction of one message from the account named signer
// in the current block, as the application does after checking the
// signature and sequence number: it looks the signer up through the
// accounts module (unknown: code 5; disabled: 10), finds the route (unknown
// type: 8) and checks the signer's roles with module.Allowed (refused: 9),
// all without writing anything; then advances the signer's sequence, which
// stays even if the message fails, and runs the handler (decoding, Validate,
// execution) over an overlay that reaches the state only on success.
//
// body is encoded in canonical CBOR, unless it is a []byte, which is sent
// as the raw body.
func (w *World) Exec(signer, typ string, body any) *Result {
	return w.exec(signer, typ, body, nil)
}

// exec is Exec with afterAuth called once the sequence advanced, before
// the handler runs.
func (w *World) exec(signer, typ string, body any, afterAuth func()) *Result {
	w.start()
	raw, ok := body.([]byte)
	if !ok {
		m, err := tx.NewMsg(typ, body)
		if err != nil {
			panic(fmt.Sprintf("moduletest: encoding the body of %s: %v", typ, err))
		}
		raw = m.Body
	}
	r := &Result{Type: typ, Signer: w.Addr(signer)}
	acct, err := w.accounts.LookupAccount(prefixed{w.state, w.acctPfx}, r.Signer)
	switch {
	case err != nil:
		r.Err, r.Cause = module.AsError(err), err
		return w.done(r)
	case acct == nil:
		r.Err = module.ErrUnknownSigner.Wrapf("%s", r.Signer)
		return w.done(r)
	case acct.Disabled:
		r.Err = module.ErrSignerDisabled.Wrapf("%s", r.Signer)
		return w.done(r)
	}
	route, ok := w.routes[typ]
	if !ok {
		r.Err = module.ErrUnknownMsgType.Wrapf("%q", typ)
		return w.done(r)
	}
	if !module.Allowed(route, acct.Signer) {
		r.Err = module.ErrUnauthorized.Wrapf("%s needs one of %v", typ, route.Roles)
		return w.done(r)
	}
	r.Authenticated = true
	w.accounts.BumpSequence(prefixed{w.state, w.acctPfx}, acct)
	if afterAuth != nil {
		afterAuth()
	}
	ov := newOverlay(w.state)
	ctx := module.NewContext(ChainID, w.height, w.time, acct.Signer, ov).WithDefinedRoles(w.roles)
	w.run(r, route, ctx.WithModule(typ[:strings.IndexByte(typ, '.')]), raw)
	if r.Err == nil {
		ov.apply()
		r.Events, r.ValidatorUpdates = ctx.Events(), ctx.ValidatorUpdates()
		w.events = append(w.events, r.Events...)
	}
	return w.done(r)
}

func (w *World) done(r *Result) *Result {
	w.last = r
	return r
}

// run calls the handler, turning a panic into the error the application
// would return.
func (w *World) run(r *Result, route module.Route, ctx *module.Context, body []byte) {
	defer func() {
		if p := recover(); p != nil {
			if e, ok := p.(*module.Error); ok {
				r.Err = e
				return
			}
			r.Err, r.Panic = module.ErrInternal, fmt.Sprintf("%v\n%s", p, debug.Stack())
		}
	}()
	if err := route.Handler(ctx, body); err != nil {
		r.Err = module.AsError(err)
		if r.Err == module.ErrInternal {
			r.Cause = err
		}
	}
}

// Last is the result of the last Exec.
func (w *World) Last() *Result { return w.last }

// Events lists every event emitted since genesis (genesis included), in
// order; failed transactions emit none.
func (w *World) Events() []ledger.Event { return w.events }

// State is the world's state (full keys, "<module>/<key>").
func (w *World) State() *State { w.start(); return w.state }

// Snapshot copies the whole state.
func (w *World) Snapshot() Snapshot { w.start(); return w.state.Snapshot() }

// Keys lists the full keys under prefix, sorted.
func (w *World) Keys(prefix string) []string { w.start(); return w.state.Keys(prefix) }

// View reads moduleName's state (keys relative to "<module>/"), as the
// module's exported getters expect.
func (w *World) View(moduleName string) module.Reader {
	w.start()
	return prefixed{w.state, moduleName + "/"}
}

// Find reads the record at key of moduleName's state; ok is false when
// absent. A record that does not decode fails the test.
func Find[T any](w *World, moduleName, key string) (*T, bool) {
	w.t.Helper()
	var v T
	ok, err := module.GetRecord(w.View(moduleName), key, &v)
	if err != nil {
		w.t.Fatalf("moduletest: %s/%s: %v", moduleName, key, err)
	}
	if !ok {
		return nil, false
	}
	return &v, true
}

// Get reads the record at key of moduleName's state; an absent record
// fails the test.
func Get[T any](w *World, moduleName, key string) *T {
	w.t.Helper()
	v, ok := Find[T](w, moduleName, key)
	if !ok {
		w.t.Fatalf("moduletest: no record at %s/%s", moduleName, key)
	}
	return v
}

// Account reads the account of name through the accounts module (nil when
// there is none).
func (w *World) Account(name string) *module.Account {
	w.t.Helper()
	w.start()
	a, err := w.accounts.LookupAccount(prefixed{w.state, w.acctPfx}, w.Addr(name))
	if err != nil {
		w.t.Fatalf("moduletest: account %s: %v", name, err)
	}
	return a
}

// routeTypes lists the message types of m, sorted.
func routeTypes(m module.Module) []string {
	var out []string
	for _, r := range m.Routes() {
		out = append(out, r.Type)
	}
	sort.Strings(out)
	return out
}
