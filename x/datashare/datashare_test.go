package datashare_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/x/datashare"
	"github.com/govchain/govchain/x/identity"
)

// world: Civil Affairs (cab) owns the data; the Ministry of Finance (mof)
// and the Natural Resources Bureau (nrb) ask for it; ec is a fourth
// department. Each has a steward; mof and nrb have requesters; cab has a
// data service (and mof one, which serves nothing of cab's); alice and bob
// are citizens.
type world struct {
	*moduletest.World
	t          testing.TB
	alice, bob string
	nonce      int
}

func newWorld(t testing.TB) *world {
	w := &world{World: moduletest.New(t, identity.New(), datashare.New()), t: t}
	for _, d := range []string{"cab", "mof", "nrb", "ec"} {
		w.Department(d)
	}
	w.Official("steward", "cab", datashare.RoleSteward)
	w.Official("steward-mof", "mof", datashare.RoleSteward)
	w.Official("steward-nrb", "nrb", datashare.RoleSteward)
	w.Official("steward-ec", "ec", datashare.RoleSteward)
	w.Official("requester", "mof", datashare.RoleRequester)
	w.Official("requester-nrb", "nrb", datashare.RoleRequester)
	w.Official("mof-clerk", "mof")
	w.Official("service", "cab", datashare.RoleService)
	w.Official("service-mof", "mof", datashare.RoleService)
	w.Official("clerk", "cab")
	w.alice = w.Citizen("alice", "cab")
	w.bob = w.Citizen("bob", "cab")
	return w
}

func (w *world) ok(signer, typ string, body any) *moduletest.Result {
	w.t.Helper()
	return w.ExpectOK(w.t, signer, typ, body)
}

func (w *world) refused(code uint32, signer, typ string, body any) *moduletest.Result {
	w.t.Helper()
	return w.ExpectCode(w.t, code, signer, typ, body)
}

var schema = bytes.Repeat([]byte{7}, 32)

func dataset(id string, level uint32, consent bool) datashare.MsgPublishDataset {
	return datashare.MsgPublishDataset{ID: id, Name: "Households " + id, SchemaHash: schema, LegalBasis: "Social Assistance Measures art. 8",
		Sensitivity: level, RetentionDays: 30, ConsentRequired: consent}
}

func restricted(id string, m uint32, approvers ...string) datashare.MsgPublishDataset {
	d := dataset(id, datashare.LevelRestricted, false)
	d.Approvers, d.Threshold = approvers, m
	return d
}

// requestFor opens a request for dataset by requester for purpose over
// [now-10, now+span].
func (w *world) requestFor(requester, ds, purpose string, span int64) uint64 {
	w.t.Helper()
	now := w.Time().Unix()
	w.ok(requester, datashare.TypeRequestAccess, datashare.MsgRequestAccess{Dataset: ds, Purpose: purpose, PurposeText: "checking eligibility", From: now - 10, Until: now + span})
	m, _ := datashare.GetMeta(w.View(datashare.Name))
	return m.NextRequest
}

func (w *world) request(id uint64) *datashare.Request {
	w.t.Helper()
	r, err := datashare.GetRequest(w.View(datashare.Name), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

func dec(id uint64) datashare.MsgDecision { return datashare.MsgDecision{Request: id, Reason: "ok"} }

// signed is a request signed by the account named by, edited by edit.
func (w *world) signed(by string, grant uint64, ds, purpose, subject string, edit func(r *datashare.AccessRequest)) datashare.MsgLogAccess {
	w.nonce++
	r := &datashare.AccessRequest{ChainID: moduletest.ChainID, Grant: grant, Dataset: ds, Purpose: purpose, Subject: subject,
		Audience: w.Addr("service"), Requester: w.Addr(by), Time: w.Time().Unix(), Nonce: []byte(fmt.Sprintf("nonce-%08d", w.nonce)),
		Query: bytes.Repeat([]byte{1}, 32)}
	if edit != nil {
		edit(r)
	}
	body, sig := r.Sign(w.Key(by))
	resp := sha256.Sum256([]byte("the answer"))
	return datashare.MsgLogAccess{Request: body, Algorithm: w.Key(by).Algorithm, Signature: sig, ResponseHash: resp[:]}
}

func TestGenesis(t *testing.T) {
	m := datashare.New()
	ctx := module.NewContext(moduletest.ChainID, 0, moduletest.GenesisTime, module.Signer{}, moduletest.NewState()).WithModule(datashare.Name)
	if err := m.InitGenesis(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := m.InitGenesis(ctx, []byte("{")); module.AsError(err).Code != module.ErrInvalidField.Code {
		t.Fatalf("bad genesis: %v", err)
	}
}

// Every message with the right role, a wrong role and no role; the open
// messages with a party and a non-party.
func TestRoleTable(t *testing.T) {
	w := newWorld(t)
	unauthorized := module.ErrUnauthorized.Code
	tried := func(wrong, right string) []moduletest.Attempt {
		return []moduletest.Attempt{
			{Signer: wrong, Code: unauthorized},
			{Signer: "clerk", Code: unauthorized},
			{Signer: "alice", Code: unauthorized},
			{Signer: right},
		}
	}
	now := w.Time().Unix()
	w.ok("steward", datashare.TypePublishDataset, dataset("cab.stats", datashare.LevelInternal, false))
	w.ok("requester", datashare.TypeRequestAccess, datashare.MsgRequestAccess{Dataset: "cab.stats", Purpose: "budget", From: now, Until: now + 100}) // 1, refused below
	moduletest.CheckRoleTable(t, w.World, datashare.New(), moduletest.RoleTable{
		{Type: datashare.TypePublishDataset, Roles: []string{datashare.RoleSteward}, Attempts: tried("requester", "steward"),
			Body: dataset("cab.households", datashare.LevelConfidential, true)},
		{Type: datashare.TypeRequestAccess, Roles: []string{datashare.RoleRequester}, Attempts: tried("service", "requester"),
			Body: datashare.MsgRequestAccess{Dataset: "cab.households", Purpose: "welfare", From: now, Until: now + 100}}, // 2
		{Type: datashare.TypeRefuse, Roles: []string{datashare.RoleSteward}, Attempts: tried("service", "steward"), Body: dec(1)},
		{Type: datashare.TypeApprove, Roles: []string{datashare.RoleSteward}, Attempts: tried("requester", "steward"), Body: dec(2)},
		{Type: datashare.TypeGiveConsent, Body: datashare.MsgConsent{Grant: 2}, Attempts: []moduletest.Attempt{
			{Signer: "mof-clerk", Code: datashare.ErrNotCitizen.Code},
			{Signer: "alice"},
		}},
		{Type: datashare.TypeLogAccess, Roles: []string{datashare.RoleService}, Body: w.signed("requester", 2, "cab.households", "welfare", w.alice, nil),
			Attempts: tried("steward", "service")},
		{Type: datashare.TypeWithdrawConsent, Body: datashare.MsgConsent{Grant: 2}, Attempts: []moduletest.Attempt{
			{Signer: "bob", Code: datashare.ErrConsentNotGiven.Code},
			{Signer: "alice"},
		}},
		{Type: datashare.TypeRevoke, Roles: []string{datashare.RoleSteward}, Attempts: tried("requester", "steward"), Body: dec(2)},
	})
	if r := w.request(2); r.Status != datashare.StatusRevoked || r.Accesses != 1 {
		t.Fatalf("%+v", r)
	}
}

// The whole path: publish, request, grant, consent, access logged; the
// citizen sees who looked, and withdraws.
func TestGrantConsentAndLog(t *testing.T) {
	w := newWorld(t)
	w.ok("steward", datashare.TypePublishDataset, dataset("cab.households", datashare.LevelConfidential, true))
	ds, err := datashare.GetDataset(w.View(datashare.Name), "cab.households")
	if err != nil || ds.Owner != "cab" || ds.PublishedBy != w.Addr("steward") || !ds.ConsentRequired {
		t.Fatalf("%v %+v", err, ds)
	}
	w.refused(datashare.ErrDatasetExists.Code, "steward", datashare.TypePublishDataset, dataset("cab.households", 1, false))
	id := w.requestFor("requester", "cab.households", "welfare", 100)
	if r := w.request(id); r.Status != datashare.StatusPending || r.Requester != "mof" || r.Owner != "cab" {
		t.Fatalf("%+v", r)
	}
	// Consent may come before the grant.
	w.ok("alice", datashare.TypeGiveConsent, datashare.MsgConsent{Grant: id})
	w.refused(datashare.ErrConsentGiven.Code, "alice", datashare.TypeGiveConsent, datashare.MsgConsent{Grant: id})
	w.refused(datashare.ErrGrantNotLive.Code, "service", datashare.TypeLogAccess, w.signed("requester", id, "cab.households", "welfare", w.alice, nil))
	r := w.ok("steward", datashare.TypeApprove, dec(id))
	if _, ok := r.Event("datashare.granted"); !ok {
		t.Fatalf("%+v", r.Events)
	}
	msg := w.signed("requester", id, "cab.households", "welfare", w.alice, nil)
	w.ok("service", datashare.TypeLogAccess, msg)
	a, err := datashare.GetAccess(w.View(datashare.Name), id, 1)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != 1 || a.Seq != 1 || a.Subject != w.alice || a.RequesterAccount != w.Addr("requester") || a.Requester != "mof" ||
		a.Service != w.Addr("service") || a.Time != w.Time().Unix() || a.Height != w.Height() || !bytes.Equal(a.ResponseHash, msg.ResponseHash) {
		t.Fatalf("%+v", a)
	}
	if err := datashare.CheckLogged(a); err != nil {
		t.Fatal(err)
	}
	g := w.request(id)
	c, _ := datashare.GetConsent(w.View(datashare.Name), id, w.alice)
	if err := datashare.CheckAccess(a, g, ds, c); err != nil {
		t.Fatal(err)
	}
	// The citizen's index names the access.
	if keys := w.Keys("datashare/subj/" + w.alice + "/"); len(keys) != 1 || !strings.HasSuffix(keys[0], fmt.Sprintf("%020d/%020d", id, 1)) {
		t.Fatalf("%v", keys)
	}
	// No consent from bob: refused.
	w.refused(datashare.ErrNoConsent.Code, "service", datashare.TypeLogAccess, w.signed("requester", id, "cab.households", "welfare", w.bob, nil))
	// Without a subject: refused where consent is required.
	w.refused(datashare.ErrNoSubject.Code, "service", datashare.TypeLogAccess, w.signed("requester", id, "cab.households", "welfare", "", nil))
	// alice withdraws: no more access concerning her, and she cannot consent again.
	w.ok("alice", datashare.TypeWithdrawConsent, datashare.MsgConsent{Grant: id})
	w.refused(datashare.ErrNoConsent.Code, "service", datashare.TypeLogAccess, w.signed("requester", id, "cab.households", "welfare", w.alice, nil))
	w.refused(datashare.ErrConsentWithdrawn.Code, "alice", datashare.TypeGiveConsent, datashare.MsgConsent{Grant: id})
	w.refused(datashare.ErrConsentNotGiven.Code, "alice", datashare.TypeWithdrawConsent, datashare.MsgConsent{Grant: id})
	// The earlier access stays covered by the consent of its time.
	c, _ = datashare.GetConsent(w.View(datashare.Name), id, w.alice)
	if err := datashare.CheckAccess(a, w.request(id), ds, c); err != nil || c.WithdrawnAfter != 1 {
		t.Fatalf("%v %+v", err, c)
	}
	// A grant past its period reads as expired.
	w.SetTime(w.Time().Add(200 * time.Second))
	g = w.request(id)
	g.Present(module.ReadView{Height: w.Height(), Time: w.Time()})
	if g.EffectiveStatus != datashare.StatusExpired || g.Status != datashare.StatusGranted {
		t.Fatalf("%+v", g)
	}
}

// The abuse cases of issue 20: access without a grant, after expiry,
// before its period, beyond its purpose, after revocation; a grant by a
// department that does not own the dataset; a replayed or forged signed
// request; a request to another service, chain or time.
func TestAbuse(t *testing.T) {
	w := newWorld(t)
	w.ok("steward", datashare.TypePublishDataset, dataset("cab.stats", datashare.LevelInternal, false))
	w.ok("steward-mof", datashare.TypePublishDataset, dataset("mof.payroll", datashare.LevelInternal, false))
	live := w.requestFor("requester", "cab.stats", "budget", 100)
	w.refused(datashare.ErrNotOwner.Code, "steward-mof", datashare.TypeApprove, dec(live)) // the requester's own steward
	w.refused(datashare.ErrNotOwner.Code, "steward-nrb", datashare.TypeApprove, dec(live))
	w.refused(datashare.ErrNotOwner.Code, "steward-nrb", datashare.TypeRefuse, dec(live))
	w.ok("steward", datashare.TypeApprove, dec(live))
	w.refused(datashare.ErrNotPending.Code, "steward", datashare.TypeApprove, dec(live))
	w.refused(datashare.ErrNotPending.Code, "steward", datashare.TypeRefuse, dec(live))
	pending := w.requestFor("requester", "cab.stats", "budget", 100)
	refused := w.requestFor("requester", "cab.stats", "budget", 100)
	w.ok("steward", datashare.TypeRefuse, dec(refused))
	// A period that starts later.
	now := w.Time().Unix()
	w.ok("requester", datashare.TypeRequestAccess, datashare.MsgRequestAccess{Dataset: "cab.stats", Purpose: "budget", From: now + 1000, Until: now + 2000})
	later := w.request(refused + 1).ID
	w.ok("steward", datashare.TypeApprove, dec(later))
	// nrb's own grant.
	nrbGrant := w.requestFor("requester-nrb", "cab.stats", "planning", 100)
	w.ok("steward", datashare.TypeApprove, dec(nrbGrant))
	revoked := w.requestFor("requester", "cab.stats", "budget", 100)
	w.ok("steward", datashare.TypeApprove, dec(revoked))
	w.refused(datashare.ErrNotOwner.Code, "steward-mof", datashare.TypeRevoke, dec(revoked))
	w.ok("steward", datashare.TypeRevoke, dec(revoked))
	w.refused(datashare.ErrNotGranted.Code, "steward", datashare.TypeRevoke, dec(revoked))
	w.refused(datashare.ErrNotGranted.Code, "steward", datashare.TypeRevoke, dec(pending))

	replayed := w.signed("requester", live, "cab.stats", "budget", "", nil)
	w.ok("service", datashare.TypeLogAccess, replayed)
	forged := w.signed("requester", live, "cab.stats", "budget", "", nil)
	forged.Signature[0] ^= 1
	otherKey := w.signed("requester-nrb", live, "cab.stats", "budget", "", func(r *datashare.AccessRequest) { r.Requester = w.Addr("requester") })
	sm2 := w.signed("requester", live, "cab.stats", "budget", "", nil)
	sm2.Algorithm = "sm2"
	cases := []struct {
		name   string
		signer string
		msg    datashare.MsgLogAccess
		code   uint32
	}{
		{"no grant (pending request)", "service", w.signed("requester", pending, "cab.stats", "budget", "", nil), datashare.ErrGrantNotLive.Code},
		{"a refused request", "service", w.signed("requester", refused, "cab.stats", "budget", "", nil), datashare.ErrGrantNotLive.Code},
		{"an unknown grant", "service", w.signed("requester", 99, "cab.stats", "budget", "", nil), datashare.ErrUnknownRequest.Code},
		{"a revoked grant", "service", w.signed("requester", revoked, "cab.stats", "budget", "", nil), datashare.ErrGrantNotLive.Code},
		{"before the period", "service", w.signed("requester", later, "cab.stats", "budget", "", nil), datashare.ErrOutsidePeriod.Code},
		{"beyond the purpose", "service", w.signed("requester", live, "cab.stats", "tax-audit", "", nil), datashare.ErrBeyondPurpose.Code},
		{"another dataset", "service", w.signed("requester", live, "mof.payroll", "budget", "", nil), datashare.ErrRequestMismatch.Code},
		{"another department's grant", "service", w.signed("requester", nrbGrant, "cab.stats", "planning", "", nil), datashare.ErrWrongRequester.Code},
		{"a requester without the role", "service", w.signed("mof-clerk", live, "cab.stats", "budget", "", nil), datashare.ErrWrongRequester.Code},
		{"replayed", "service", replayed, datashare.ErrReplay.Code},
		{"forged signature", "service", forged, datashare.ErrBadSignature.Code},
		{"signed by another key", "service", otherKey, datashare.ErrBadSignature.Code},
		{"another algorithm", "service", sm2, datashare.ErrBadSignature.Code},
		{"another chain", "service", w.signed("requester", live, "cab.stats", "budget", "", func(r *datashare.AccessRequest) { r.ChainID = "other" }), datashare.ErrWrongChain.Code},
		{"another audience", "service", w.signed("requester", live, "cab.stats", "budget", "", func(r *datashare.AccessRequest) { r.Audience = w.Addr("service-mof") }), datashare.ErrWrongAudience.Code},
		{"a service of another department", "service-mof", w.signed("requester", live, "cab.stats", "budget", "", func(r *datashare.AccessRequest) { r.Audience = w.Addr("service-mof") }), datashare.ErrWrongService.Code},
		{"an old request", "service", w.signed("requester", live, "cab.stats", "budget", "", func(r *datashare.AccessRequest) { r.Time -= datashare.MaxLogDelay + 1 }), datashare.ErrStaleRequest.Code},
		{"a request from the future", "service", w.signed("requester", live, "cab.stats", "budget", "", func(r *datashare.AccessRequest) { r.Time += datashare.MaxClockSkew + 1 }), datashare.ErrStaleRequest.Code},
		{"an unknown requester", "service", w.signed("nobody", live, "cab.stats", "budget", "", nil), datashare.ErrUnknownAccount.Code},
		{"an unknown subject", "service", w.signed("requester", live, "cab.stats", "budget", w.Addr("nobody"), nil), datashare.ErrUnknownSubject.Code},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { w.ExpectCode(t, c.code, c.signer, datashare.TypeLogAccess, c.msg) })
	}
	// After expiry (block time past the period's end).
	w.SetTime(w.Time().Add(101 * time.Second))
	w.refused(datashare.ErrGrantExpired.Code, "service", datashare.TypeLogAccess, w.signed("requester", live, "cab.stats", "budget", "", nil))
	if g := w.request(live); g.Accesses != 1 {
		t.Fatalf("%+v", g)
	}
}

// Restricted datasets: m of n departments approve, the owner among them;
// each department counts once; refusals end a request once m is out of
// reach, the owner's at once.
func TestRestrictedNeedsMofN(t *testing.T) {
	w := newWorld(t)
	w.ok("steward", datashare.TypePublishDataset, restricted("cab.records", 3, "cab", "mof", "nrb", "ec"))
	w.refused(datashare.ErrBadApprovers.Code, "steward", datashare.TypePublishDataset, restricted("cab.x", 2, "mof", "nrb"))   // owner not listed
	w.refused(datashare.ErrBadApprovers.Code, "steward", datashare.TypePublishDataset, restricted("cab.x", 2, "cab", "court")) // unknown department
	// Three approvers without the owner: still pending; the owner's makes it.
	a := w.requestFor("requester", "cab.records", "audit", 100)
	for _, s := range []string{"steward-mof", "steward-nrb", "steward-ec"} {
		w.ok(s, datashare.TypeApprove, dec(a))
	}
	w.refused(datashare.ErrAlreadyDecided.Code, "steward-ec", datashare.TypeApprove, dec(a))
	if r := w.request(a); r.Status != datashare.StatusPending || strings.Join(r.Approvals, ",") != "ec,mof,nrb" {
		t.Fatalf("%+v", r)
	}
	w.ok("steward", datashare.TypeApprove, dec(a))
	if r := w.request(a); r.Status != datashare.StatusGranted {
		t.Fatalf("%+v", r)
	}
	// The owner and one more: 2 of 3 needed, pending; a third grants.
	b := w.requestFor("requester", "cab.records", "audit", 100)
	w.ok("steward", datashare.TypeApprove, dec(b))
	w.ok("steward-nrb", datashare.TypeApprove, dec(b))
	if r := w.request(b); r.Status != datashare.StatusPending {
		t.Fatalf("%+v", r)
	}
	w.ok("steward-mof", datashare.TypeApprove, dec(b))
	if r := w.request(b); r.Status != datashare.StatusGranted {
		t.Fatalf("%+v", r)
	}
	// A department not among the approvers decides nothing.
	w.ok("steward", datashare.TypePublishDataset, restricted("cab.narrow", 2, "cab", "nrb"))
	n := w.requestFor("requester", "cab.narrow", "audit", 100)
	w.refused(datashare.ErrNotApprover.Code, "steward-mof", datashare.TypeApprove, dec(n))
	w.refused(datashare.ErrNotApprover.Code, "steward-ec", datashare.TypeRefuse, dec(n))
	// Two refusals of 4 leave 2 < 3: refused.
	c := w.requestFor("requester", "cab.records", "audit", 100)
	w.ok("steward-ec", datashare.TypeRefuse, dec(c))
	if r := w.request(c); r.Status != datashare.StatusPending {
		t.Fatalf("%+v", r)
	}
	w.ok("steward-nrb", datashare.TypeRefuse, dec(c))
	if r := w.request(c); r.Status != datashare.StatusRefused || strings.Join(r.Refusals, ",") != "ec,nrb" {
		t.Fatalf("%+v", r)
	}
	// The owner's refusal ends it at once.
	d := w.requestFor("requester", "cab.records", "audit", 100)
	w.ok("steward", datashare.TypeRefuse, dec(d))
	if r := w.request(d); r.Status != datashare.StatusRefused {
		t.Fatalf("%+v", r)
	}
}

func TestBadInput(t *testing.T) {
	w := newWorld(t)
	w.ok("steward", datashare.TypePublishDataset, dataset("cab.stats", datashare.LevelInternal, false))
	id := w.requestFor("requester", "cab.stats", "budget", 100)
	now := w.Time().Unix()
	pub := func(edit func(m *datashare.MsgPublishDataset)) datashare.MsgPublishDataset {
		m := dataset("cab.new", datashare.LevelConfidential, true)
		edit(&m)
		return m
	}
	req := func(edit func(m *datashare.MsgRequestAccess)) datashare.MsgRequestAccess {
		m := datashare.MsgRequestAccess{Dataset: "cab.stats", Purpose: "budget", From: now, Until: now + 100}
		edit(&m)
		return m
	}
	good := w.signed("requester", id, "cab.stats", "budget", "", nil)
	invalid := module.ErrInvalidField.Code
	cases := []struct {
		name, signer, typ string
		body              any
		code              uint32
	}{
		{"malformed body", "steward", datashare.TypePublishDataset, []byte("not cbor"), module.ErrBadMessage.Code},
		{"bad id", "steward", datashare.TypePublishDataset, pub(func(m *datashare.MsgPublishDataset) { m.ID = "Cab/x" }), invalid},
		{"no name", "steward", datashare.TypePublishDataset, pub(func(m *datashare.MsgPublishDataset) { m.Name = "" }), invalid},
		{"name too long", "steward", datashare.TypePublishDataset, pub(func(m *datashare.MsgPublishDataset) { m.Name = strings.Repeat("x", 257) }), invalid},
		{"schema hash", "steward", datashare.TypePublishDataset, pub(func(m *datashare.MsgPublishDataset) { m.SchemaHash = []byte{1} }), invalid},
		{"no legal basis", "steward", datashare.TypePublishDataset, pub(func(m *datashare.MsgPublishDataset) { m.LegalBasis = "" }), invalid},
		{"level 0", "steward", datashare.TypePublishDataset, pub(func(m *datashare.MsgPublishDataset) { m.Sensitivity = 0 }), datashare.ErrBadSensitivity.Code},
		{"level 5", "steward", datashare.TypePublishDataset, pub(func(m *datashare.MsgPublishDataset) { m.Sensitivity = 5 }), datashare.ErrBadSensitivity.Code},
		{"approvers below restricted", "steward", datashare.TypePublishDataset, pub(func(m *datashare.MsgPublishDataset) { m.Approvers = []string{"cab", "mof"} }), datashare.ErrBadApprovers.Code},
		{"threshold above n", "steward", datashare.TypePublishDataset, restricted("cab.r", 3, "cab", "mof"), datashare.ErrBadApprovers.Code},
		{"threshold 1", "steward", datashare.TypePublishDataset, restricted("cab.r", 1, "cab", "mof"), datashare.ErrBadApprovers.Code},
		{"approver twice", "steward", datashare.TypePublishDataset, restricted("cab.r", 2, "cab", "cab"), datashare.ErrBadApprovers.Code},
		{"approver not an id", "steward", datashare.TypePublishDataset, restricted("cab.r", 2, "cab", "M O F"), invalid},
		{"unknown dataset", "requester", datashare.TypeRequestAccess, req(func(m *datashare.MsgRequestAccess) { m.Dataset = "cab.none" }), datashare.ErrUnknownDataset.Code},
		{"own dataset", "requester", datashare.TypeRequestAccess, req(func(m *datashare.MsgRequestAccess) { m.Dataset = "mof.none" }), datashare.ErrUnknownDataset.Code},
		{"bad purpose", "requester", datashare.TypeRequestAccess, req(func(m *datashare.MsgRequestAccess) { m.Purpose = "Budget Review" }), invalid},
		{"purpose text too long", "requester", datashare.TypeRequestAccess, req(func(m *datashare.MsgRequestAccess) { m.PurposeText = strings.Repeat("x", 513) }), invalid},
		{"period backwards", "requester", datashare.TypeRequestAccess, req(func(m *datashare.MsgRequestAccess) { m.Until = m.From }), datashare.ErrBadPeriod.Code},
		{"period too long", "requester", datashare.TypeRequestAccess, req(func(m *datashare.MsgRequestAccess) { m.Until = m.From + datashare.MaxPeriod + 1 }), datashare.ErrBadPeriod.Code},
		{"period over", "requester", datashare.TypeRequestAccess, req(func(m *datashare.MsgRequestAccess) { m.From, m.Until = now-100, now-1 }), datashare.ErrBadPeriod.Code},
		{"unknown request", "steward", datashare.TypeApprove, dec(99), datashare.ErrUnknownRequest.Code},
		{"reason too long", "steward", datashare.TypeRefuse, datashare.MsgDecision{Request: id, Reason: strings.Repeat("x", 257)}, invalid},
		{"consent to an unknown request", "alice", datashare.TypeGiveConsent, datashare.MsgConsent{Grant: 99}, datashare.ErrUnknownRequest.Code},
		{"consent not needed", "alice", datashare.TypeGiveConsent, datashare.MsgConsent{Grant: id}, datashare.ErrConsentNotNeeded.Code},
		{"response hash", "service", datashare.TypeLogAccess, datashare.MsgLogAccess{Request: good.Request, Algorithm: good.Algorithm, Signature: good.Signature, ResponseHash: []byte{1}}, invalid},
		{"no signature", "service", datashare.TypeLogAccess, datashare.MsgLogAccess{Request: good.Request, Algorithm: good.Algorithm, ResponseHash: good.ResponseHash}, invalid},
		{"request not CBOR", "service", datashare.TypeLogAccess, datashare.MsgLogAccess{Request: []byte("x"), Algorithm: good.Algorithm, Signature: good.Signature, ResponseHash: good.ResponseHash}, invalid},
		{"request too large", "service", datashare.TypeLogAccess, datashare.MsgLogAccess{Request: make([]byte, 4096), Algorithm: good.Algorithm, Signature: good.Signature, ResponseHash: good.ResponseHash}, invalid},
		{"short nonce", "service", datashare.TypeLogAccess, w.signed("requester", id, "cab.stats", "budget", "", func(r *datashare.AccessRequest) { r.Nonce = []byte{1} }), invalid},
		{"query hash", "service", datashare.TypeLogAccess, w.signed("requester", id, "cab.stats", "budget", "", func(r *datashare.AccessRequest) { r.Query = nil }), invalid},
		{"subject not an address", "service", datashare.TypeLogAccess, w.signed("requester", id, "cab.stats", "budget", "alice", nil), invalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { w.ExpectCode(t, c.code, c.signer, c.typ, c.body) })
	}
	w.ok("steward-mof", datashare.TypePublishDataset, dataset("mof.own", datashare.LevelPublic, false))
	w.refused(datashare.ErrOwnDataset.Code, "requester", datashare.TypeRequestAccess, req(func(m *datashare.MsgRequestAccess) { m.Dataset = "mof.own" }))
}

// An auditor's checks from records alone refuse a tampered entry.
func TestCheckLoggedRefusesTampering(t *testing.T) {
	w := newWorld(t)
	w.ok("steward", datashare.TypePublishDataset, dataset("cab.stats", datashare.LevelInternal, false))
	id := w.requestFor("requester", "cab.stats", "budget", 100)
	w.ok("steward", datashare.TypeApprove, dec(id))
	w.ok("service", datashare.TypeLogAccess, w.signed("requester", id, "cab.stats", "budget", "", nil))
	a, _ := datashare.GetAccess(w.View(datashare.Name), id, 1)
	g := w.request(id)
	ds, _ := datashare.GetDataset(w.View(datashare.Name), "cab.stats")
	for name, edit := range map[string]func(a *datashare.Access, g *datashare.Request){
		"purpose":          func(a *datashare.Access, g *datashare.Request) { a.Purpose = "tax" },
		"signature":        func(a *datashare.Access, g *datashare.Request) { a.Signature[3] ^= 1 },
		"request time":     func(a *datashare.Access, g *datashare.Request) { a.RequestTime++ },
		"before the grant": func(a *datashare.Access, g *datashare.Request) { g.GrantedAfter = a.ID },
		"after revocation": func(a *datashare.Access, g *datashare.Request) {
			g.Status, g.ClosedAfter = datashare.StatusRevoked, a.ID-1
		},
		"after expiry": func(a *datashare.Access, g *datashare.Request) { g.Until = a.Time - 1 },
	} {
		a2, g2 := *a, *g
		a2.Signature = bytes.Clone(a.Signature)
		edit(&a2, &g2)
		if datashare.CheckLogged(&a2) == nil && datashare.CheckAccess(&a2, &g2, ds, nil) == nil {
			t.Errorf("%s: tampered entry passes", name)
		}
	}
}
