package welfare_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/x/credentials"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/welfare"
)

// world: a welfare officer and a colleague in cab (civil affairs), an
// officer of ec, attesters of ps (public security: residency) and cab
// (low income), a clerk with no role, citizens; budget line L-1 of cab with
// 1,000,000 fen in the test ledger; block time 2026-11-15.
type world struct {
	*moduletest.World
	t *testing.T
}

var nov = time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC)

func newWorld(t *testing.T) *world {
	w := &world{World: moduletest.New(t, identity.New(), welfare.New(welfare.WithBudget(testLines{})), credentials.New()), t: t}
	for _, d := range []string{"mof", "nrb", "cab", "ec", "ps"} {
		w.Department(d)
	}
	w.Grantors(welfare.RoleOfficer, "cab", "ec")
	w.Official("officer", "cab", welfare.RoleOfficer)
	w.Official("officer2", "cab", welfare.RoleOfficer)
	w.Official("other", "ec", welfare.RoleOfficer)
	w.Official("police", "ps", welfare.RoleAttester)
	w.Official("civil", "cab", welfare.RoleAttester)
	w.Official("clerk", "nrb")
	w.Official("ps-status", "ps", credentials.RoleIssuer)
	for _, c := range []string{"alice", "bob", "carol", "dave"} {
		w.Citizen(c, "cab")
	}
	w.SetTime(nov)
	addLine(w.World, "L-1", "cab", 1_000_000)
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

func program(id string, amount uint64) welfare.MsgCreateProgram {
	return welfare.MsgCreateProgram{ID: id, Name: "Dibao", BenefitType: "cash", Frequency: "monthly", Amount: amount, BudgetLine: "L-1",
		StartPeriod:  "2026-01",
		Requirements: []welfare.Requirement{{Kind: "residency", Department: "ps", ValidityDays: 365}, {Kind: "low_income", Department: "cab", ValidityDays: 90}}}
}

func digest(n string) string {
	d, _ := welfare.Disclosure("salt-"+n, "claim", n)
	return welfare.DisclosureDigest(d)
}

// eligible enrols name and has both attestations signed.
func (w *world) eligible(prog, name string) {
	w.t.Helper()
	w.ok(name, welfare.TypeEnrol, welfare.MsgEnrol{Program: prog})
	w.ok("police", welfare.TypeAttest, welfare.MsgAttest{Program: prog, Beneficiary: w.Addr(name), Kind: "residency", Digest: digest(name + "r")})
	w.ok("civil", welfare.TypeAttest, welfare.MsgAttest{Program: prog, Beneficiary: w.Addr(name), Kind: "low_income", Digest: digest(name + "i")})
}

func (w *world) run(id uint64) *welfare.Run {
	w.t.Helper()
	r, err := welfare.GetRun(w.View(welfare.Name), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

func TestRoleTable(t *testing.T) {
	w := newWorld(t)
	w.credentialIssuer()
	w.ok("officer", welfare.TypeCreateProgram, program("P-1", 100))
	w.eligible("P-1", "alice")
	w.ok("officer", welfare.TypeSetStatus, welfare.MsgSetStatus{Program: "P-1", Beneficiary: w.Addr("alice"), Status: "suspended", Reason: "case 1"})
	w.ok("officer", welfare.TypeSetStatus, welfare.MsgSetStatus{Program: "P-1", Beneficiary: w.Addr("alice"), Status: "active", Reason: "case 1"})
	w.ok("officer", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-10"}) // run 1, closed by the table
	unauthorized := module.ErrUnauthorized.Code
	refused := func(wrong string) []moduletest.Attempt {
		return []moduletest.Attempt{{Signer: wrong, Code: unauthorized}, {Signer: "clerk", Code: unauthorized}, {Signer: "bob", Code: unauthorized}}
	}
	tried := func(wrong, right string) []moduletest.Attempt {
		return append(refused(wrong), moduletest.Attempt{Signer: right})
	}
	alice, bob := w.Addr("alice"), w.Addr("bob")
	pref := welfare.MsgPaymentRef{Program: "P-1", Period: "2026-11", Beneficiary: alice, Reason: "account closed"}
	moduletest.CheckRoleTable(t, w.World, welfare.New(), moduletest.RoleTable{
		{Type: welfare.TypeCreateProgram, Roles: []string{welfare.RoleOfficer}, Attempts: tried("police", "officer"), Body: program("P-2", 100)},
		{Type: welfare.TypeEnrol, Body: welfare.MsgEnrol{Program: "P-1"}, Attempts: []moduletest.Attempt{
			{Signer: "alice", Code: welfare.ErrAlreadyEnrolled.Code}, {Signer: "bob"}}},
		{Type: welfare.TypeAttest, Roles: []string{welfare.RoleAttester}, Attempts: tried("officer", "police"),
			Body: welfare.MsgAttest{Program: "P-1", Beneficiary: bob, Kind: "residency", Digest: digest("b")}},
		{Type: welfare.TypeSetStatus, Roles: []string{welfare.RoleOfficer}, Attempts: tried("police", "officer"),
			Body: welfare.MsgSetStatus{Program: "P-1", Beneficiary: bob, Status: "suspended", Reason: "case 2"}},
		{Type: welfare.TypeAppeal, Body: welfare.MsgAppeal{Program: "P-1", Reason: "I still qualify"}, Attempts: []moduletest.Attempt{
			{Signer: "carol", Code: welfare.ErrNotBeneficiary.Code}, {Signer: "bob"}}},
		{Type: welfare.TypeOpenRun, Roles: []string{welfare.RoleOfficer}, Attempts: tried("police", "officer"),
			Body: welfare.MsgOpenRun{Program: "P-1", Period: "2026-11"}},
		{Type: welfare.TypeAdvanceRun, Roles: []string{welfare.RoleOfficer}, Attempts: tried("police", "officer"), Body: welfare.MsgRunRef{ID: 2}},
		{Type: welfare.TypeCloseRun, Roles: []string{welfare.RoleOfficer}, Attempts: tried("police", "officer"), Body: welfare.MsgRunRef{ID: 1}},
		{Type: welfare.TypePaymentFailed, Roles: []string{welfare.RoleOfficer}, Attempts: tried("police", "officer"), Body: pref},
		{Type: welfare.TypeRetryPayment, Roles: []string{welfare.RoleOfficer}, Attempts: tried("police", "officer"), Body: pref},
		{Type: welfare.TypePresentCredential, Body: presentation(w, "P-1", "bob"), Attempts: []moduletest.Attempt{
			{Signer: "carol", Code: welfare.ErrBadCredential.Code, Body: presentation(w, "P-2", "bob")}, // made to another program
			{Signer: "bob"}}},
		{Type: welfare.TypeRevoke, Roles: []string{welfare.RoleAttester}, Attempts: append(refused("officer"),
			moduletest.Attempt{Signer: "civil", Code: welfare.ErrUnknownAttestation.Code}, moduletest.Attempt{Signer: "police"}),
			Body: welfare.MsgRevoke{Beneficiary: bob, Kind: "residency", Reason: "moved, case 7"}},
	})
}

func TestGrantTable(t *testing.T) {
	w := moduletest.New(t, identity.New(), welfare.New())
	for _, d := range []string{"mof", "nrb", "cab", "ec"} {
		w.Department(d)
	}
	w.Threshold(3)
	moduletest.CheckGrantTable(t, w, welfare.New(), moduletest.GrantTable{
		{Role: welfare.RoleOfficer, Grantors: []string{"cab"}},
		{Role: welfare.RoleAttester, Grantors: []string{module.AnyDepartment}},
	})
}

// The RFC 9901 example disclosure (family_name Möbius) gives the RFC's
// digest, and our own encoding of a claim gives the vector docs/welfare.md
// shows.
func TestDisclosureDigest(t *testing.T) {
	rfc := "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0"
	if got := welfare.DisclosureDigest(rfc); got != "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0" {
		t.Errorf("RFC 9901 vector: %s", got)
	}
	d, err := welfare.Disclosure("2GLC42sKQveCfGfryNRN9w", "low_income", true)
	if err != nil {
		t.Fatal(err)
	}
	if d != "WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwibG93X2luY29tZSIsdHJ1ZV0" {
		t.Errorf("disclosure %s", d)
	}
	if got := welfare.DisclosureDigest(d); got != docDigest {
		t.Errorf("digest %s", got)
	}
}

const docDigest = "cCeCmAIp621anuQOAexSMo6oIywcrKhUR7NylvLsmxk"

// Exactly once: two runs, two officers, a retry and an interrupted run
// never pay a key twice; the line's totals equal the payments.
func TestRunPaysOnce(t *testing.T) {
	w := newWorld(t)
	w.ok("officer", welfare.TypeCreateProgram, program("P-1", 100))
	for _, c := range []string{"alice", "bob", "carol"} {
		w.eligible("P-1", c)
	}
	w.ok("dave", welfare.TypeEnrol, welfare.MsgEnrol{Program: "P-1"}) // no attestations: ineligible
	w.refused(welfare.ErrFuturePeriod.Code, "officer", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-12"})
	w.refused(welfare.ErrWrongDepartment.Code, "other", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-11"})
	w.ok("officer", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-11"})
	if l := getLine(w.World, "L-1"); l.Committed != 400 || l.Available != 1_000_000-400 {
		t.Fatalf("reserved %+v", l)
	}
	w.refused(welfare.ErrRunInProgress.Code, "officer2", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-11"})
	w.ok("officer2", welfare.TypeAdvanceRun, welfare.MsgRunRef{ID: 1})
	r := w.run(1)
	if r.Status != welfare.RunCompleted || r.Payments != 3 || r.Paid != 300 || r.Ineligible != 1 || r.Released != 100 {
		t.Fatalf("run %+v", r)
	}
	w.refused(welfare.ErrRunNotOpen.Code, "officer", welfare.TypeAdvanceRun, welfare.MsgRunRef{ID: 1})
	// A second run of the same period pays nobody again.
	w.ok("officer2", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-11"})
	w.ok("officer", welfare.TypeAdvanceRun, welfare.MsgRunRef{ID: 2})
	if r := w.run(2); r.Payments != 0 || r.AlreadyPaid != 3 || r.Status != welfare.RunCompleted {
		t.Fatalf("second run %+v", r)
	}
	l := getLine(w.World, "L-1")
	if l.Paid != 300 || l.Payments != 3 || l.Committed != 0 || l.Available != 1_000_000-300 {
		t.Fatalf("line %+v", l)
	}
	// A failed bank transfer is retried under the same key.
	alice := w.Addr("alice")
	ref := welfare.MsgPaymentRef{Program: "P-1", Period: "2026-11", Beneficiary: alice, Reason: "bank: account closed"}
	w.refused(welfare.ErrPaymentNotFailed.Code, "officer", welfare.TypeRetryPayment, ref)
	w.ok("officer", welfare.TypePaymentFailed, ref)
	w.refused(welfare.ErrPaymentFailed.Code, "officer", welfare.TypePaymentFailed, ref)
	w.ok("officer", welfare.TypeSetStatus, welfare.MsgSetStatus{Program: "P-1", Beneficiary: alice, Status: "suspended", Reason: "case 9"})
	w.refused(welfare.ErrSuspended.Code, "officer", welfare.TypeRetryPayment, ref)
	w.ok("alice", welfare.TypeAppeal, welfare.MsgAppeal{Program: "P-1", Reason: "wrong person"})
	w.ok("officer", welfare.TypeSetStatus, welfare.MsgSetStatus{Program: "P-1", Beneficiary: alice, Status: "active", Reason: "appeal upheld"})
	w.ok("officer", welfare.TypeRetryPayment, ref)
	p, _ := welfare.GetPayment(w.View(welfare.Name), "P-1", "2026-11", alice)
	if p.Status != welfare.PayPaid || p.Attempts != 2 || p.Run != 1 || p.BudgetLine != "L-1" {
		t.Fatalf("payment %+v", p)
	}
	if l2 := getLine(w.World, "L-1"); l2.Paid != 300 || l2.Payments != 3 {
		t.Fatalf("a retry paid again: %+v", l2)
	}
	// A revoked attestation makes the citizen ineligible for a retry.
	w.ok("officer", welfare.TypePaymentFailed, ref)
	w.ok("police", welfare.TypeRevoke, welfare.MsgRevoke{Beneficiary: alice, Kind: "residency", Reason: "moved"})
	w.refused(welfare.ErrUnknownAttestation.Code, "police", welfare.TypeRevoke, welfare.MsgRevoke{Beneficiary: alice, Kind: "residency", Reason: "moved"})
	w.refused(welfare.ErrNotEligible.Code, "officer", welfare.TypeRetryPayment, ref)
	h := moduletest.Get[welfare.Enrolment](w.World, welfare.Name, "enr/P-1/"+alice)
	if h.Events != 4 || h.Payments != 1 || h.Paid != 100 {
		t.Fatalf("enrolment %+v", h)
	}
}

// A run that outgrows its line stops cleanly (exhausted), and a restart
// resumes from the cursor.
func TestRunStopsWhenLineRunsOut(t *testing.T) {
	w := newWorld(t)
	addLine(w.World, "L-1", "cab", 250)
	w.ok("officer", welfare.TypeCreateProgram, program("P-1", 100))
	w.eligible("P-1", "alice")
	w.eligible("P-1", "bob")
	w.ok("officer", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-11"}) // reserves 200
	w.eligible("P-1", "carol")                                                                  // after the open: not in the run's range
	w.refused(welfare.ErrBudgetRefused.Code, "officer", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-10"})
	w.ok("officer", welfare.TypeAdvanceRun, welfare.MsgRunRef{ID: 1})
	if r := w.run(1); r.Payments != 2 || r.Status != welfare.RunCompleted {
		t.Fatalf("%+v", r)
	}
	// October: 300 owed, 50 left.
	w.refused(welfare.ErrBudgetRefused.Code, "officer", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-10"})
	w.ok("officer", welfare.TypeSetStatus, welfare.MsgSetStatus{Program: "P-1", Beneficiary: w.Addr("carol"), Status: "suspended", Reason: "c"})
	w.ok("officer", welfare.TypeSetStatus, welfare.MsgSetStatus{Program: "P-1", Beneficiary: w.Addr("bob"), Status: "suspended", Reason: "c"})
	addLine(w.World, "L-1", "cab", 150) // topped up to 150: alice's 100 reserved
	w.ok("officer", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-10"})
	w.ok("officer", welfare.TypeSetStatus, welfare.MsgSetStatus{Program: "P-1", Beneficiary: w.Addr("carol"), Status: "active", Reason: "c"})
	w.ok("officer", welfare.TypeSetStatus, welfare.MsgSetStatus{Program: "P-1", Beneficiary: w.Addr("bob"), Status: "active", Reason: "c"})
	w.ok("officer", welfare.TypeAdvanceRun, welfare.MsgRunRef{ID: 2})
	r := w.run(2)
	if r.Status != welfare.RunExhausted || r.Payments != 1 || r.Cursor != 1 || r.Result == "" {
		t.Fatalf("%+v", r)
	}
	if l := getLine(w.World, "L-1"); l.Committed != 0 || l.Available != 50 {
		t.Fatalf("line %+v", l)
	}
}

func TestRefusals(t *testing.T) {
	w := newWorld(t)
	w.ok("officer", welfare.TypeCreateProgram, program("P-1", 100))
	w.refused(welfare.ErrProgramExists.Code, "officer", welfare.TypeCreateProgram, program("P-1", 100))
	w.refused(welfare.ErrBadAmount.Code, "officer", welfare.TypeCreateProgram, program("P-2", 0))
	w.refused(welfare.ErrBadAmount.Code, "officer", welfare.TypeCreateProgram, program("P-2", welfare.MaxAmount+1))
	np := program("P-2", 1)
	np.BudgetLine = ""
	w.refused(welfare.ErrNoBudgetLine.Code, "officer", welfare.TypeCreateProgram, np)
	np = program("P-2", 1)
	np.Requirements[1].Kind = "residency"
	w.refused(welfare.ErrBadRequirements.Code, "officer", welfare.TypeCreateProgram, np)
	w.ok("alice", welfare.TypeEnrol, welfare.MsgEnrol{Program: "P-1"})
	w.refused(welfare.ErrAlreadyEnrolled.Code, "officer", welfare.TypeEnrol, welfare.MsgEnrol{Program: "P-1", Beneficiary: w.Addr("alice")})
	w.refused(welfare.ErrWrongDepartment.Code, "other", welfare.TypeEnrol, welfare.MsgEnrol{Program: "P-1", Beneficiary: w.Addr("bob")})
	w.refused(welfare.ErrWrongDepartment.Code, "alice", welfare.TypeEnrol, welfare.MsgEnrol{Program: "P-1", Beneficiary: w.Addr("bob")})
	w.refused(welfare.ErrUnknownProgram.Code, "bob", welfare.TypeEnrol, welfare.MsgEnrol{Program: "P-9"})
	w.ok("officer", welfare.TypeEnrol, welfare.MsgEnrol{Program: "P-1", Beneficiary: w.Addr("bob")})
	att := welfare.MsgAttest{Program: "P-1", Beneficiary: w.Addr("alice"), Kind: "residency", Digest: digest("a")}
	w.refused(welfare.ErrWrongDepartment.Code, "civil", welfare.TypeAttest, att) // residency is public security's
	bad := att
	bad.Kind = "age"
	w.refused(welfare.ErrKindNotRequired.Code, "police", welfare.TypeAttest, bad)
	bad = att
	bad.ValidUntil = nov.Unix() - 1
	w.refused(welfare.ErrAttestationExpiry.Code, "police", welfare.TypeAttest, bad)
	bad.ValidUntil = nov.Unix() + 366*86400
	w.refused(welfare.ErrAttestationExpiry.Code, "police", welfare.TypeAttest, bad)
	bad = att
	bad.Digest = "not-a-digest"
	w.refused(welfare.ErrBadDigest.Code, "police", welfare.TypeAttest, bad)
	w.refused(welfare.ErrWrongDepartment.Code, "other", welfare.TypeSetStatus, welfare.MsgSetStatus{Program: "P-1", Beneficiary: w.Addr("alice"), Status: "suspended", Reason: "x"})
	w.refused(welfare.ErrBadStatus.Code, "officer", welfare.TypeSetStatus, welfare.MsgSetStatus{Program: "P-1", Beneficiary: w.Addr("alice"), Status: "active", Reason: "x"})
	w.refused(welfare.ErrNothingToAppeal.Code, "alice", welfare.TypeAppeal, welfare.MsgAppeal{Program: "P-1", Reason: "x"})
	w.ok("officer", welfare.TypeSetStatus, welfare.MsgSetStatus{Program: "P-1", Beneficiary: w.Addr("bob"), Status: "deceased", Reason: "x"})
	w.refused(welfare.ErrBadStatus.Code, "officer", welfare.TypeSetStatus, welfare.MsgSetStatus{Program: "P-1", Beneficiary: w.Addr("bob"), Status: "active", Reason: "x"})
	w.refused(welfare.ErrBadPeriod.Code, "officer", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-13"})
	w.refused(welfare.ErrBeforeStart.Code, "officer", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2025-12"})
	w.refused(welfare.ErrUnknownRun.Code, "officer", welfare.TypeAdvanceRun, welfare.MsgRunRef{ID: 7})
	// An attestation that expires makes the citizen ineligible: the run
	// skips them.
	w.ok("police", welfare.TypeAttest, att)
	w.ok("civil", welfare.TypeAttest, welfare.MsgAttest{Program: "P-1", Beneficiary: w.Addr("alice"), Kind: "low_income", Digest: digest("i"), ValidUntil: nov.Unix() + 10})
	w.SetTime(nov.Add(time.Minute))
	w.ok("officer", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-11"})
	w.ok("officer", welfare.TypeAdvanceRun, welfare.MsgRunRef{ID: 1})
	if r := w.run(1); r.Payments != 0 || r.Ineligible != 2 {
		t.Fatalf("%+v", r)
	}
}

// An advance of MaxPerAdvance enrollees stays within the step limit, and
// a run over more is split in order across advances.
func TestAdvanceWithinStepLimit(t *testing.T) {
	w := newWorld(t)
	n := welfare.MaxPerAdvance + 7
	addLine(w.World, "L-1", "cab", uint64(n)*100)
	p := program("P-1", 100)
	w.ok("officer", welfare.TypeCreateProgram, p)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("c%d", i)
		w.Citizen(name, "cab")
		w.eligible("P-1", name)
	}
	w.ok("officer", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "P-1", Period: "2026-11"})
	// The first advance runs over a root that counts steps as
	// module.Context does (keys counted whole, prefix included: an upper
	// bound).
	route, _ := w.Route(welfare.TypeAdvanceRun)
	root := &stepCounter{kv: w.State()}
	ctx := module.NewContext(moduletest.ChainID, w.Height(), w.Time(), module.Signer{Address: w.Addr("officer"), Department: "cab",
		Roles: []string{welfare.RoleOfficer}}, root).WithModule(welfare.Name)
	if err := route.Handler(ctx, codec.MustMarshal(welfare.MsgRunRef{ID: 1})); err != nil {
		t.Fatal(err)
	}
	t.Logf("an advance of %d enrollees (2 requirements, test ledger): at most %d steps of %d (%d an enrollee)",
		welfare.MaxPerAdvance, root.steps, module.StepLimit, root.steps/welfare.MaxPerAdvance)
	if root.steps > module.StepLimit/2 {
		t.Errorf("an advance takes %d steps: less than half the limit leaves x/fiscal room", root.steps)
	}
	if r := w.run(1); r.Cursor != welfare.MaxPerAdvance || r.Status != welfare.RunOpen {
		t.Fatalf("%+v", r)
	}
	// A run advances at most once a block, whoever sends it: a block's
	// work for a run stays bounded by MaxPerAdvance.
	w.refused(welfare.ErrAdvancedThisBlock.Code, "officer2", welfare.TypeAdvanceRun, welfare.MsgRunRef{ID: 1})
	w.NextBlock()
	w.ok("officer2", welfare.TypeAdvanceRun, welfare.MsgRunRef{ID: 1})
	if r := w.run(1); r.Payments != uint64(n) || r.Status != welfare.RunCompleted || r.Advances != 2 {
		t.Fatalf("%+v", r)
	}
}

// stepCounter counts steps as module.Context's store does: 1 + bytes/64
// per read or write.
type stepCounter struct {
	kv    module.KV
	steps int
}

func (c *stepCounter) Get(k []byte) ([]byte, bool) {
	v, ok := c.kv.Get(k)
	c.steps += 1 + (len(k)+len(v))/64
	return v, ok
}

func (c *stepCounter) Set(k, v []byte) {
	c.steps += 1 + (len(k)+len(v))/64
	c.kv.Set(k, v)
}

func (c *stepCounter) Delete(k []byte) {
	c.steps += 1 + len(k)/64
	c.kv.Delete(k)
}
