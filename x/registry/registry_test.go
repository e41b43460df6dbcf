package registry_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/registry"
)

// world: a registrar (nrb), two banks, two courts and a tax officer (mof), a
// court of another department (ec), a higher court (hc), a clerk with no
// role (nrb), three citizens (cab), a 3% transfer tax.
type world struct {
	*moduletest.World
	t                 *testing.T
	alice, bob, carol string
}

func newWorld(t *testing.T) *world {
	w := &world{World: moduletest.New(t, identity.New(), registry.New()), t: t}
	for _, d := range []string{"mof", "nrb", "cab", "ec", "hc"} {
		w.Department(d)
	}
	// No bank or court department here: mof stands in for both, accredited
	// in genesis (grants_test.go checks the chain's own defaults).
	// Accredited by the consortium in this world: banks in every
	// department (the flood test needs several bank departments), courts
	// in mof and ec, a higher court in hc.
	w.Grantors(registry.RoleBank, "mof", "nrb", "cab", "ec", "hc")
	w.Grantors(registry.RoleCourt, "mof", "ec")
	w.Grantors(registry.RoleHighCourt, "hc")
	w.Official("registrar", "nrb", registry.RoleRegistrar)
	w.Official("bank", "mof", registry.RoleBank)
	w.Official("bank2", "mof", registry.RoleBank)
	w.Official("court", "mof", registry.RoleCourt)
	w.Official("court-colleague", "mof", registry.RoleCourt)
	w.Official("court2", "ec", registry.RoleCourt)
	w.Official("highcourt", "hc", registry.RoleHighCourt)
	w.Official("tax", "mof", registry.RoleTax)
	w.Official("clerk", "nrb")
	w.alice = w.Citizen("alice", "cab")
	w.bob = w.Citizen("bob", "cab")
	w.carol = w.Citizen("carol", "cab")
	w.SetGenesis(registry.Name, registry.Genesis{TaxRate: 300})
	return w
}

func sole(a string) registry.Owner { return registry.Owner{Account: a, Share: registry.FullShare} }

func (w *world) ok(signer, typ string, body any) *moduletest.Result {
	w.t.Helper()
	return w.ExpectOK(w.t, signer, typ, body)
}

func (w *world) refused(code uint32, signer, typ string, body any) *moduletest.Result {
	w.t.Helper()
	return w.ExpectCode(w.t, code, signer, typ, body)
}

func (w *world) register(number string, owners ...registry.Owner) {
	w.t.Helper()
	w.ok("registrar", registry.TypeRegisterParcel, registry.MsgRegisterParcel{
		Number: number, District: "Dongcheng", Location: "1 Main St", Area: 8956, Use: "residential", Owners: owners,
		DeedHash: make([]byte, 32)})
}

func (w *world) open(seller, parcel string, price uint64, deadline int64, buyers ...registry.Owner) {
	w.t.Helper()
	w.ok(seller, registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: parcel, Buyers: buyers, Price: price, Deadline: deadline})
}

func (w *world) parcel(n string) *registry.Parcel {
	w.t.Helper()
	p, err := registry.GetParcel(w.View(registry.Name), n)
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func (w *world) transfer(id uint64) *registry.Transfer {
	w.t.Helper()
	tr, err := registry.GetTransfer(w.View(registry.Name), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return tr
}

// history reads a parcel's whole history, oldest first.
func (w *world) history(n string) []*registry.HistoryEntry {
	w.t.Helper()
	var out []*registry.HistoryEntry
	for i := uint64(0); i < w.parcel(n).Events; i++ {
		out = append(out, moduletest.Get[registry.HistoryEntry](w.World, registry.Name, fmt.Sprintf("hist/%s/%020d", n, i)))
	}
	return out
}

func mortgage(parcel string, amount uint64) registry.MsgAddEncumbrance {
	return registry.MsgAddEncumbrance{Parcel: parcel, Kind: registry.KindMortgage, Amount: amount, Reference: "loan " + parcel}
}

func lien(parcel string) registry.MsgAddEncumbrance {
	return registry.MsgAddEncumbrance{Parcel: parcel, Kind: registry.KindLien, Reference: "case " + parcel}
}

func enc(parcel string, id uint64) registry.MsgEncumbranceRef {
	return registry.MsgEncumbranceRef{Parcel: parcel, ID: id}
}

func (w *world) encumbrance(parcel string, id uint64) *registry.Encumbrance {
	w.t.Helper()
	e, err := registry.GetEncumbrance(w.View(registry.Name), parcel, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return e
}

func ref(id uint64) registry.MsgTransferRef { return registry.MsgTransferRef{ID: id} }

func tax(id, amount uint64) registry.MsgConfirmTax {
	return registry.MsgConfirmTax{ID: id, Amount: amount}
}

func TestGenesis(t *testing.T) {
	w := newWorld(t)
	if p, _ := registry.GetParams(w.View(registry.Name)); p.TaxRate != 300 {
		t.Fatalf("params %+v", p)
	}
	m := registry.New()
	for _, c := range []struct {
		raw  string
		code uint32
	}{{`{"tax_rate_bp": 10001}`, registry.ErrBadRate.Code}, {`[]`, module.ErrInvalidField.Code}} {
		ctx := module.NewContext(moduletest.ChainID, 0, moduletest.GenesisTime, module.Signer{}, moduletest.NewState()).WithModule(registry.Name)
		if err := m.InitGenesis(ctx, []byte(c.raw)); module.AsError(err).Code != c.code {
			t.Errorf("%s: %v, want code %d", c.raw, err, c.code)
		}
	}
	// Without a section the rate is 0.
	ctx := module.NewContext(moduletest.ChainID, 0, moduletest.GenesisTime, module.Signer{}, moduletest.NewState()).WithModule(registry.Name)
	if err := m.InitGenesis(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

// Every message with the right role, a wrong role and no role; the
// messages open to any account with a party and a non-party.
func TestRoleTable(t *testing.T) {
	w := newWorld(t)
	w.register("P-7", sole(w.alice))
	w.open("alice", "P-7", 100, 0, sole(w.bob))                   // transfer 1
	w.ok("bank", registry.TypeAddEncumbrance, mortgage("P-7", 1)) // encumbrance 1, pending
	unauthorized := module.ErrUnauthorized.Code
	refused := func(wrong string) []moduletest.Attempt {
		return []moduletest.Attempt{
			{Signer: wrong, Code: unauthorized}, // a wrong role
			{Signer: "clerk", Code: unauthorized},
			{Signer: "alice", Code: unauthorized}, // a citizen
		}
	}
	tried := func(wrong, right string) []moduletest.Attempt {
		return append(refused(wrong), moduletest.Attempt{Signer: right})
	}
	moduletest.CheckRoleTable(t, w.World, registry.New(), moduletest.RoleTable{
		{Type: registry.TypeRegisterParcel, Roles: []string{registry.RoleRegistrar}, Attempts: tried("bank", "registrar"),
			Body: registry.MsgRegisterParcel{Number: "P-8", District: "D", Area: 1, Use: "public", Owners: []registry.Owner{sole(w.carol)}}},
		{Type: registry.TypeAddEncumbrance, Roles: []string{registry.RoleBank, registry.RoleCourt}, Attempts: tried("registrar", "bank"),
			Body: mortgage("P-8", 1)}, // encumbrance 2, pending
		{Type: registry.TypeDeclineEncumbrance, Body: enc("P-7", 1), Attempts: []moduletest.Attempt{
			{Signer: "carol", Code: registry.ErrNotConsenter.Code},
			{Signer: "alice"},
		}},
		{Type: registry.TypeAcceptEncumbrance, Body: enc("P-8", 2), Attempts: []moduletest.Attempt{
			{Signer: "alice", Code: registry.ErrNotConsenter.Code},
			{Signer: "carol"}, // in force
		}},
		{Type: registry.TypeReleaseEncumbrance, Roles: []string{registry.RoleBank, registry.RoleCourt}, Attempts: tried("tax", "bank"),
			Body: enc("P-8", 2)},
		{Type: registry.TypeFreeze, Roles: []string{registry.RoleCourt, registry.RoleHighCourt}, Attempts: tried("bank", "court"),
			Body: registry.MsgFreeze{Parcel: "P-8", Reason: "case 1"}},
		{Type: registry.TypeUnfreeze, Roles: []string{registry.RoleCourt, registry.RoleHighCourt}, Attempts: tried("registrar", "court"),
			Body: registry.MsgUnfreeze{Parcel: "P-8"}},
		{Type: registry.TypeOpenTransfer, Body: registry.MsgOpenTransfer{Parcel: "P-7", Buyers: []registry.Owner{sole(w.bob)}, Price: 5},
			Attempts: []moduletest.Attempt{
				{Signer: "carol", Code: registry.ErrNotOwner.Code, Body: registry.MsgOpenTransfer{Parcel: "P-7", Buyers: []registry.Owner{sole(w.bob)}, Price: 5}},
				{Signer: "alice"}, // transfer 2
			}},
		{Type: registry.TypeCancelTransfer, Body: ref(2), Attempts: []moduletest.Attempt{
			{Signer: "carol", Code: registry.ErrNotParty.Code},
			{Signer: "bob"},
		}},
		{Type: registry.TypeAcceptTransfer, Body: ref(1), Attempts: []moduletest.Attempt{
			{Signer: "carol", Code: registry.ErrNotBuyer.Code},
			{Signer: "bob"},
		}},
		{Type: registry.TypeConfirmPayment, Roles: []string{registry.RoleBank}, Attempts: tried("court", "bank"), Body: ref(1)},
		{Type: registry.TypeConfirmTax, Roles: []string{registry.RoleTax}, Attempts: tried("bank", "tax"), Body: tax(1, 3)},
		{Type: registry.TypeSetTaxRate, Roles: []string{registry.RoleTax}, Attempts: tried("court", "tax"), Body: registry.MsgSetTaxRate{Rate: 300}},
	})
	if p := w.parcel("P-7"); p.Owners[0].Account != w.bob {
		t.Fatalf("transfer 1 did not execute: %+v", p)
	}
	if tr := w.transfer(2); tr.Status != registry.StatusCancelled {
		t.Fatalf("transfer 2: %+v", tr)
	}
}

// A full transfer executes by itself in the transaction of its last
// condition.
func TestTransferExecutes(t *testing.T) {
	w := newWorld(t)
	w.register("P-1", sole(w.alice))
	w.open("alice", "P-1", 1_000_000_00, 0, sole(w.bob))
	tr := w.transfer(1)
	if tr.TaxDue != 3_000_000 || tr.Status != registry.StatusOpen || tr.Seller != w.alice || tr.ParcelVersion != 0 {
		t.Fatalf("transfer %+v", tr)
	}
	if p := w.parcel("P-1"); len(p.Pending) != 1 || p.Pending[0] != 1 {
		t.Fatalf("pending %v", p.Pending)
	}
	w.ok("bob", registry.TypeAcceptTransfer, ref(1))
	w.ok("bank", registry.TypeConfirmPayment, ref(1))
	if p := w.parcel("P-1"); p.Owners[0].Account != w.alice {
		t.Fatal("executed before the last condition")
	}
	w.refused(registry.ErrTaxAmount.Code, "tax", registry.TypeConfirmTax, tax(1, 1))
	r := w.ok("tax", registry.TypeConfirmTax, tax(1, 3_000_000))
	if _, ok := r.Event("registry.transfer_executed"); !ok {
		t.Fatalf("events %+v", r.Events)
	}
	p := w.parcel("P-1")
	if p.Owners[0].Account != w.bob || p.LastPrice != 1_000_000_00 || p.Version != 1 || len(p.Pending) != 0 {
		t.Fatalf("after the last condition: %+v", p)
	}
	if tr := w.transfer(1); tr.Status != registry.StatusExecuted || tr.Closed != w.Height() || tr.PaidBy != w.Addr("bank") {
		t.Fatalf("transfer %+v", tr)
	}
	// The owner index follows the title.
	if keys := w.Keys("registry/owner/" + w.alice + "/"); len(keys) != 0 {
		t.Fatalf("alice still indexed as an owner: %v", keys)
	}
	if keys := w.Keys("registry/owner/" + w.bob + "/"); len(keys) != 1 {
		t.Fatalf("bob's parcels: %v", keys)
	}
	// The history keeps every step, with owner, price and time.
	var kinds []string
	for i := uint64(0); i < p.Events; i++ {
		e := moduletest.Get[registry.HistoryEntry](w.World, registry.Name, fmt.Sprintf("hist/P-1/%020d", i))
		kinds = append(kinds, e.Kind)
		if e.Time != w.Time().Unix() || e.Height != w.Height() {
			t.Fatalf("history entry %+v", e)
		}
	}
	if strings.Join(kinds, ",") != "registered,transferred" {
		t.Fatalf("history %v", kinds)
	}
	// Now bob owns it; alice cannot sell it again.
	w.refused(registry.ErrNotOwner.Code, "alice", registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "P-1", Buyers: []registry.Owner{sole(w.carol)}, Price: 5})
}

// With no tax due, the transfer does not wait for the tax office.
func TestTransferWithoutTax(t *testing.T) {
	w := newWorld(t)
	w.register("P-11", sole(w.alice))
	w.ok("tax", registry.TypeSetTaxRate, registry.MsgSetTaxRate{Rate: 0})
	w.open("alice", "P-11", 100, 0, sole(w.bob))
	if tr := w.transfer(1); tr.TaxDue != 0 || !tr.TaxPaid {
		t.Fatalf("transfer %+v", tr)
	}
	w.ok("bob", registry.TypeAcceptTransfer, ref(1))
	w.ok("bank", registry.TypeConfirmPayment, ref(1))
	if p := w.parcel("P-11"); p.Owners[0].Account != w.bob {
		t.Fatalf("owner %+v", p.Owners)
	}
}

// Liens, mortgages and freezes hold a transfer until lifted; the last
// release executes it by itself.
func TestEncumbrancesAndFreeze(t *testing.T) {
	w := newWorld(t)
	w.register("P-2", sole(w.alice))
	w.open("alice", "P-2", 100, 0, sole(w.bob))
	w.ok("court", registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "P-2", Kind: registry.KindLien, Amount: 50, Reference: "case 41"})
	w.ok("bank", registry.TypeAddEncumbrance, mortgage("P-2", 70))
	w.refused(registry.ErrWrongRoleForKind.Code, "bank", registry.TypeAddEncumbrance, lien("P-2"))
	w.refused(registry.ErrWrongRoleForKind.Code, "court", registry.TypeAddEncumbrance, mortgage("P-2", 1))
	w.ok("alice", registry.TypeAcceptEncumbrance, enc("P-2", 2))
	if e := w.encumbrance("P-2", 2); e.Holder != w.Addr("bank") || !e.Active || e.Status != registry.EncActive || e.Amount != 70 {
		t.Fatalf("mortgage %+v", e)
	}
	w.ok("bob", registry.TypeAcceptTransfer, ref(1))
	w.ok("bank", registry.TypeConfirmPayment, ref(1))
	w.ok("tax", registry.TypeConfirmTax, tax(1, 3))
	if w.parcel("P-2").Owners[0].Account != w.alice || w.transfer(1).Status != registry.StatusOpen {
		t.Fatal("executed with a lien")
	}
	w.refused(registry.ErrNotHolder.Code, "bank2", registry.TypeReleaseEncumbrance, registry.MsgEncumbranceRef{Parcel: "P-2", ID: 2})
	w.ok("court", registry.TypeReleaseEncumbrance, registry.MsgEncumbranceRef{Parcel: "P-2", ID: 1})
	w.ok("court", registry.TypeFreeze, registry.MsgFreeze{Parcel: "P-2", Reason: "case 42"})
	w.refused(registry.ErrReleased.Code, "court", registry.TypeReleaseEncumbrance, registry.MsgEncumbranceRef{Parcel: "P-2", ID: 1})
	w.ok("bank", registry.TypeReleaseEncumbrance, registry.MsgEncumbranceRef{Parcel: "P-2", ID: 2})
	if w.parcel("P-2").Owners[0].Account != w.alice {
		t.Fatal("executed while frozen")
	}
	w.refused(registry.ErrAlreadyFrozen.Code, "court", registry.TypeFreeze, registry.MsgFreeze{Parcel: "P-2", Reason: "case 43"})
	// A frozen parcel takes no new transfer.
	w.refused(registry.ErrFrozen.Code, "alice", registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "P-2", Buyers: []registry.Owner{sole(w.carol)}, Price: 1})
	r := w.ok("court", registry.TypeUnfreeze, registry.MsgUnfreeze{Parcel: "P-2"})
	if p := w.parcel("P-2"); p.Owners[0].Account != w.bob {
		t.Fatalf("not executed when the last hold was lifted: %+v", p)
	}
	if _, ok := r.Event("registry.transfer_executed"); !ok {
		t.Fatalf("the unfreeze did not report the execution: %+v", r.Events)
	}
	w.refused(registry.ErrNotFrozen.Code, "court", registry.TypeUnfreeze, registry.MsgUnfreeze{Parcel: "P-2"})
}

// Two transfers of one parcel: at most one executes, the other fails.
func TestTwoTransfersRaceInOneBlock(t *testing.T) {
	w := newWorld(t)
	w.register("P-3", sole(w.alice))
	w.open("alice", "P-3", 100, 0, sole(w.bob))
	w.open("alice", "P-3", 200, 0, sole(w.carol))
	for i, buyer := range []string{"bob", "carol"} {
		w.ok(buyer, registry.TypeAcceptTransfer, ref(uint64(i+1)))
		w.ok("bank", registry.TypeConfirmPayment, ref(uint64(i+1)))
	}
	// Both tax confirmations in one block: the first executes its
	// transfer, which fails the other; the second confirmation then finds
	// its transfer closed.
	w.NextBlock()
	w.ok("tax", registry.TypeConfirmTax, tax(2, 6))
	w.refused(registry.ErrTransferClosed.Code, "tax", registry.TypeConfirmTax, tax(1, 3))
	if p := w.parcel("P-3"); p.Owners[0].Account != w.carol || len(p.Pending) != 0 {
		t.Fatalf("parcel %+v", p)
	}
	if tr := w.transfer(1); tr.Status != registry.StatusFailed || !strings.Contains(tr.Result, "changed") || tr.Closed != w.Height() {
		t.Fatalf("the other transfer: %+v", tr)
	}
	w.NextBlock()
	w.refused(registry.ErrTransferClosed.Code, "tax", registry.TypeConfirmTax, tax(1, 3))
}

// Transfers waiting on a lien are retried in id order when it is released:
// the first executes and fails the other (the seller no longer owns the
// parcel).
func TestReleaseRetriesWaitingTransfers(t *testing.T) {
	w := newWorld(t)
	w.register("P-12", sole(w.alice))
	w.open("alice", "P-12", 100, 0, sole(w.bob))
	w.ok("bob", registry.TypeAcceptTransfer, ref(1))
	w.ok("bank", registry.TypeConfirmPayment, ref(1))
	w.ok("court", registry.TypeAddEncumbrance, lien("P-12"))
	w.ok("tax", registry.TypeConfirmTax, tax(1, 3)) // waits for the lien
	w.open("alice", "P-12", 100, 0, sole(w.carol))
	w.ok("carol", registry.TypeAcceptTransfer, ref(2))
	w.ok("bank", registry.TypeConfirmPayment, ref(2))
	w.ok("tax", registry.TypeConfirmTax, tax(2, 3))
	// Releasing the lien retries both in id order: 1 executes, 2 fails.
	w.ok("court", registry.TypeReleaseEncumbrance, registry.MsgEncumbranceRef{Parcel: "P-12", ID: 1})
	if p := w.parcel("P-12"); p.Owners[0].Account != w.bob || p.Version != 1 || len(p.Pending) != 0 {
		t.Fatalf("parcel %+v", p)
	}
	if tr := w.transfer(2); tr.Status != registry.StatusFailed {
		t.Fatalf("transfer 2: %+v", tr)
	}
}

// Deadlines follow block time; cancel rules.
func TestDeadlineAndCancel(t *testing.T) {
	w := newWorld(t)
	w.register("P-4", sole(w.alice))
	deadline := w.Time().Add(3 * time.Second).Unix()
	w.open("alice", "P-4", 100, deadline, sole(w.bob))
	w.NextBlocks(3)
	w.ok("bank", registry.TypeConfirmPayment, ref(1)) // at the deadline: still open
	w.NextBlock()
	w.refused(registry.ErrDeadlinePassed.Code, "bob", registry.TypeAcceptTransfer, ref(1))
	w.refused(registry.ErrDeadlinePassed.Code, "tax", registry.TypeConfirmTax, tax(1, 3))
	w.refused(registry.ErrDeadlinePassed.Code, "alice", registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "P-4", Buyers: []registry.Owner{sole(w.bob)}, Price: 5, Deadline: 1})
	// An expired transfer shows as expired to readers.
	tr := w.transfer(1)
	tr.Present(module.ReadView{Height: w.Height(), Time: w.Time()})
	if tr.Status != registry.StatusOpen || tr.EffectiveStatus != "expired" {
		t.Fatalf("expired transfer reads %+v", tr)
	}
	w.open("alice", "P-4", 100, 0, sole(w.bob))
	w.refused(registry.ErrNotParty.Code, "carol", registry.TypeCancelTransfer, ref(2))
	w.ok("bob", registry.TypeCancelTransfer, ref(2))
	w.refused(registry.ErrTransferClosed.Code, "alice", registry.TypeCancelTransfer, ref(2))
	if p := w.parcel("P-4"); len(p.Pending) != 1 || p.Pending[0] != 1 {
		t.Fatalf("pending %v", p.Pending) // the expired one stays listed until closed
	}
	// A seller cancels too, and that takes it off the list.
	w.ok("alice", registry.TypeCancelTransfer, ref(1))
	if p := w.parcel("P-4"); len(p.Pending) != 0 {
		t.Fatalf("pending %v", p.Pending)
	}
}

// Bad input: each gets its code and message and changes nothing but the
// signer's sequence.
func TestBadInput(t *testing.T) {
	w := newWorld(t)
	w.register("P-5", sole(w.alice))
	w.open("alice", "P-5", 100, 0, sole(w.bob))
	w.ok("bank", registry.TypeConfirmPayment, ref(1))
	w.ok("court", registry.TypeAddEncumbrance, lien("P-5")) // encumbrance 1
	// P-13, co-owned: a mortgage alice consented to (2), one she declined (3).
	w.register("P-13", registry.Owner{Account: w.alice, Share: 5000}, registry.Owner{Account: w.bob, Share: 5000})
	w.ok("bank", registry.TypeAddEncumbrance, mortgage("P-13", 10))
	w.ok("alice", registry.TypeAcceptEncumbrance, enc("P-13", 2))
	w.ok("bank", registry.TypeAddEncumbrance, mortgage("P-13", 10))
	w.ok("alice", registry.TypeDeclineEncumbrance, enc("P-13", 3))
	// P-14, frozen.
	w.register("P-14", sole(w.alice))
	w.ok("court", registry.TypeFreeze, registry.MsgFreeze{Parcel: "P-14", Reason: "case 14"})
	reg := func(edit func(m *registry.MsgRegisterParcel)) registry.MsgRegisterParcel {
		m := registry.MsgRegisterParcel{Number: "P-6", District: "D", Area: 1, Use: "commercial", Owners: []registry.Owner{sole(w.alice)}}
		edit(&m)
		return m
	}
	open := func(edit func(m *registry.MsgOpenTransfer)) registry.MsgOpenTransfer {
		m := registry.MsgOpenTransfer{Parcel: "P-5", Buyers: []registry.Owner{sole(w.carol)}, Price: 1}
		edit(&m)
		return m
	}
	invalid := module.ErrInvalidField.Code
	cases := []struct {
		name   string
		signer string
		typ    string
		body   any
		code   uint32
	}{
		{"malformed body", "registrar", registry.TypeRegisterParcel, []byte("not cbor"), module.ErrBadMessage.Code},
		{"shares sum to 90%", "registrar", registry.TypeRegisterParcel, reg(func(m *registry.MsgRegisterParcel) {
			m.Owners = []registry.Owner{{Account: w.alice, Share: 4000}, {Account: w.bob, Share: 5000}}
		}), registry.ErrBadShares.Code},
		{"zero share", "registrar", registry.TypeRegisterParcel, reg(func(m *registry.MsgRegisterParcel) {
			m.Owners = []registry.Owner{{Account: w.alice, Share: 0}, {Account: w.bob, Share: 10000}}
		}), registry.ErrBadShares.Code},
		{"owner twice", "registrar", registry.TypeRegisterParcel, reg(func(m *registry.MsgRegisterParcel) {
			m.Owners = []registry.Owner{{Account: w.alice, Share: 5000}, {Account: w.alice, Share: 5000}}
		}), registry.ErrBadShares.Code},
		{"no owner", "registrar", registry.TypeRegisterParcel, reg(func(m *registry.MsgRegisterParcel) { m.Owners = nil }), registry.ErrBadShares.Code},
		{"owner not an address", "registrar", registry.TypeRegisterParcel, reg(func(m *registry.MsgRegisterParcel) { m.Owners = []registry.Owner{sole("alice")} }), invalid},
		{"zero area", "registrar", registry.TypeRegisterParcel, reg(func(m *registry.MsgRegisterParcel) { m.Area = 0 }), registry.ErrBadArea.Code},
		{"bad use", "registrar", registry.TypeRegisterParcel, reg(func(m *registry.MsgRegisterParcel) { m.Use = "castle" }), invalid},
		{"bad number", "registrar", registry.TypeRegisterParcel, reg(func(m *registry.MsgRegisterParcel) { m.Number = "a/b" }), invalid},
		{"no district", "registrar", registry.TypeRegisterParcel, reg(func(m *registry.MsgRegisterParcel) { m.District = "" }), invalid},
		{"location too long", "registrar", registry.TypeRegisterParcel, reg(func(m *registry.MsgRegisterParcel) { m.Location = strings.Repeat("x", 257) }), invalid},
		{"deed hash length", "registrar", registry.TypeRegisterParcel, reg(func(m *registry.MsgRegisterParcel) { m.DeedHash = []byte{1} }), invalid},
		{"duplicate number", "registrar", registry.TypeRegisterParcel, reg(func(m *registry.MsgRegisterParcel) { m.Number = "P-5" }), registry.ErrParcelExists.Code},
		{"unknown owner", "registrar", registry.TypeRegisterParcel, reg(func(m *registry.MsgRegisterParcel) { m.Owners = []registry.Owner{sole(strings.Repeat("0", 40))} }), registry.ErrUnknownBuyer.Code},
		{"encumbrance kind", "bank", registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "P-5", Kind: "pledge"}, invalid},
		{"encumbrance of an unknown parcel", "bank", registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "P-99", Kind: registry.KindMortgage}, registry.ErrUnknownParcel.Code},
		{"encumbrance of a bad parcel number", "bank", registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "../x", Kind: registry.KindMortgage}, invalid},
		{"lien without a case reference", "court", registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "P-5", Kind: registry.KindLien}, invalid},
		{"reference too long", "bank", registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "P-5", Kind: registry.KindMortgage, Reference: strings.Repeat("x", 257)}, invalid},
		{"mortgage on a frozen parcel", "bank", registry.TypeAddEncumbrance, mortgage("P-14", 1), registry.ErrFrozen.Code},
		{"accept an unknown encumbrance", "alice", registry.TypeAcceptEncumbrance, enc("P-5", 9), registry.ErrUnknownEncumbr.Code},
		{"accept with a bad parcel number", "alice", registry.TypeAcceptEncumbrance, enc("P/5", 1), invalid},
		{"accept a lien", "alice", registry.TypeAcceptEncumbrance, enc("P-5", 1), registry.ErrNotAwaiting.Code},
		{"accept a declined mortgage", "bob", registry.TypeAcceptEncumbrance, enc("P-13", 3), registry.ErrNotAwaiting.Code},
		{"accept by a non-owner", "carol", registry.TypeAcceptEncumbrance, enc("P-13", 2), registry.ErrNotConsenter.Code},
		{"accept by the bank", "bank", registry.TypeAcceptEncumbrance, enc("P-13", 2), registry.ErrNotConsenter.Code},
		{"accept twice", "alice", registry.TypeAcceptEncumbrance, enc("P-13", 2), registry.ErrAlreadyConfirmed.Code},
		{"decline an unknown encumbrance", "alice", registry.TypeDeclineEncumbrance, enc("P-5", 9), registry.ErrUnknownEncumbr.Code},
		{"decline a lien", "alice", registry.TypeDeclineEncumbrance, enc("P-5", 1), registry.ErrNotAwaiting.Code},
		{"decline by a non-owner", "carol", registry.TypeDeclineEncumbrance, enc("P-13", 2), registry.ErrNotConsenter.Code},
		{"withdraw another bank's mortgage", "bank2", registry.TypeReleaseEncumbrance, enc("P-13", 2), registry.ErrNotHolder.Code},
		{"withdraw a declined mortgage", "bank", registry.TypeReleaseEncumbrance, enc("P-13", 3), registry.ErrReleased.Code},
		{"unknown encumbrance", "court", registry.TypeReleaseEncumbrance, registry.MsgEncumbranceRef{Parcel: "P-5", ID: 9}, registry.ErrUnknownEncumbr.Code},
		{"release by another holder", "bank", registry.TypeReleaseEncumbrance, registry.MsgEncumbranceRef{Parcel: "P-5", ID: 1}, registry.ErrNotHolder.Code},
		{"freeze an unknown parcel", "court", registry.TypeFreeze, registry.MsgFreeze{Parcel: "P-99", Reason: "case 1"}, registry.ErrUnknownParcel.Code},
		{"freeze reason too long", "court", registry.TypeFreeze, registry.MsgFreeze{Parcel: "P-5", Reason: strings.Repeat("x", 257)}, invalid},
		{"freeze without a reason", "court", registry.TypeFreeze, registry.MsgFreeze{Parcel: "P-5"}, invalid},
		{"unfreeze a parcel not frozen", "court", registry.TypeUnfreeze, registry.MsgUnfreeze{Parcel: "P-5"}, registry.ErrNotFrozen.Code},
		{"unfreeze reason too long", "court", registry.TypeUnfreeze, registry.MsgUnfreeze{Parcel: "P-5", Reason: strings.Repeat("x", 257)}, invalid},
		{"unfreeze an unknown parcel", "court", registry.TypeUnfreeze, registry.MsgUnfreeze{Parcel: "P-99"}, registry.ErrUnknownParcel.Code},
		{"zero price", "alice", registry.TypeOpenTransfer, open(func(m *registry.MsgOpenTransfer) { m.Price = 0 }), registry.ErrBadPrice.Code},
		{"negative deadline", "alice", registry.TypeOpenTransfer, open(func(m *registry.MsgOpenTransfer) { m.Deadline = -1 }), invalid},
		{"buyer shares", "alice", registry.TypeOpenTransfer, open(func(m *registry.MsgOpenTransfer) { m.Buyers[0].Share = 1 }), registry.ErrBadShares.Code},
		{"unknown parcel", "alice", registry.TypeOpenTransfer, open(func(m *registry.MsgOpenTransfer) { m.Parcel = "P-99" }), registry.ErrUnknownParcel.Code},
		{"seller not owner", "bob", registry.TypeOpenTransfer, open(func(*registry.MsgOpenTransfer) {}), registry.ErrNotOwner.Code},
		{"buyer is seller", "alice", registry.TypeOpenTransfer, open(func(m *registry.MsgOpenTransfer) { m.Buyers = []registry.Owner{sole(w.alice)} }), registry.ErrBuyerIsSeller.Code},
		{"unknown buyer", "alice", registry.TypeOpenTransfer, open(func(m *registry.MsgOpenTransfer) { m.Buyers = []registry.Owner{sole(w.Addr("nobody"))} }), registry.ErrUnknownBuyer.Code},
		{"price overflow", "alice", registry.TypeOpenTransfer, open(func(m *registry.MsgOpenTransfer) { m.Price = 1 << 63 }), registry.ErrOverflow.Code},
		{"unknown transfer", "bob", registry.TypeAcceptTransfer, ref(9), registry.ErrUnknownTransfer.Code},
		{"accept by a non-buyer", "carol", registry.TypeAcceptTransfer, ref(1), registry.ErrNotBuyer.Code},
		{"consent twice", "alice", registry.TypeAcceptTransfer, ref(1), registry.ErrAlreadyConfirmed.Code},
		{"pay twice", "bank2", registry.TypeConfirmPayment, ref(1), registry.ErrAlreadyConfirmed.Code},
		{"pay an unknown transfer", "bank", registry.TypeConfirmPayment, ref(9), registry.ErrUnknownTransfer.Code},
		{"tax amount", "tax", registry.TypeConfirmTax, tax(1, 4), registry.ErrTaxAmount.Code},
		{"cancel an unknown transfer", "bob", registry.TypeCancelTransfer, ref(9), registry.ErrUnknownTransfer.Code},
		{"cancel by a non-party", "carol", registry.TypeCancelTransfer, ref(1), registry.ErrNotParty.Code},
		{"tax rate over 100%", "tax", registry.TypeSetTaxRate, registry.MsgSetTaxRate{Rate: 10001}, registry.ErrBadRate.Code},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w.ExpectCode(t, c.code, c.signer, c.typ, c.body)
		})
	}
	w.ok("tax", registry.TypeConfirmTax, tax(1, 3))
	w.refused(registry.ErrAlreadyConfirmed.Code, "tax", registry.TypeConfirmTax, tax(1, 3))
}

// A parcel holds at most MaxPending open transfers.
func TestPendingLimit(t *testing.T) {
	w := newWorld(t)
	w.register("P-10", sole(w.alice))
	for i := 0; i < registry.MaxPending; i++ {
		w.open("alice", "P-10", 1, 0, sole(w.bob))
	}
	w.refused(registry.ErrTooManyPending.Code, "alice", registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "P-10", Buyers: []registry.Owner{sole(w.bob)}, Price: 1})
	w.ok("bob", registry.TypeCancelTransfer, ref(1))
	w.open("alice", "P-10", 1, 0, sole(w.bob))
}

// A co-owned parcel sells only when every co-owner consents.
func TestCoOwnedSale(t *testing.T) {
	w := newWorld(t)
	w.register("P-9", registry.Owner{Account: w.alice, Share: 6000}, registry.Owner{Account: w.bob, Share: 4000})
	w.refused(registry.ErrBuyerIsSeller.Code, "alice", registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "P-9", Buyers: []registry.Owner{sole(w.bob)}, Price: 100})
	w.open("alice", "P-9", 100, 0, sole(w.carol))
	if tr := w.transfer(1); len(tr.Sellers) != 2 || len(tr.ConsentedBy) != 1 || tr.ConsentedBy[0] != w.alice {
		t.Fatalf("transfer %+v", tr)
	}
	w.ok("carol", registry.TypeAcceptTransfer, ref(1))
	w.ok("bank", registry.TypeConfirmPayment, ref(1))
	w.ok("tax", registry.TypeConfirmTax, tax(1, 3))
	if p := w.parcel("P-9"); len(p.Owners) != 2 {
		t.Fatal("sold without every co-owner's consent")
	}
	w.refused(registry.ErrAlreadyConfirmed.Code, "alice", registry.TypeAcceptTransfer, ref(1))
	w.ok("bob", registry.TypeAcceptTransfer, ref(1))
	if p := w.parcel("P-9"); len(p.Owners) != 1 || p.Owners[0].Account != w.carol {
		t.Fatalf("after the last consent: %+v", p.Owners)
	}
	if keys := w.Keys("registry/owner/" + w.bob + "/"); len(keys) != 0 {
		t.Fatalf("bob still indexed as an owner: %v", keys)
	}
}

// Issue 12: any court lifted another court's freeze, and the freeze's
// reason was not in the history. A freeze is lifted by the account that set
// it, a court official of the same department, or a higher court; the
// history keeps who (account and department) and why.
func TestFreezeIsLiftedByItsCourt(t *testing.T) {
	w := newWorld(t)
	w.register("F-1", sole(w.alice))
	w.ok("court", registry.TypeFreeze, registry.MsgFreeze{Parcel: "F-1", Reason: "(2024) Jing 0101 Zhi 42"})
	if f := w.parcel("F-1").Freeze; f == nil || f.By != w.Addr("court") || f.Department != "mof" || f.Reason != "(2024) Jing 0101 Zhi 42" || f.Height != w.Height() {
		t.Fatalf("freeze %+v", f)
	}
	// The attack: a court of another department lifts it.
	r := w.refused(registry.ErrNotFreezer.Code, "court2", registry.TypeUnfreeze, registry.MsgUnfreeze{Parcel: "F-1", Reason: "mine now"})
	if !strings.Contains(r.Err.Error(), "mof") {
		t.Fatalf("the refusal does not name the freezing court: %v", r.Err)
	}
	// Nor may it stack a freeze of its own on it.
	w.refused(registry.ErrAlreadyFrozen.Code, "court2", registry.TypeFreeze, registry.MsgFreeze{Parcel: "F-1", Reason: "case 7"})
	// A colleague of the same court may lift it.
	w.ok("court-colleague", registry.TypeUnfreeze, registry.MsgUnfreeze{Parcel: "F-1", Reason: "(2024) Jing 0101 Zhi 42-1"})
	if p := w.parcel("F-1"); p.Frozen || p.Freeze != nil {
		t.Fatalf("still frozen: %+v", p)
	}
	// Another court's freeze: the first court cannot lift it, a higher
	// court can.
	w.ok("court2", registry.TypeFreeze, registry.MsgFreeze{Parcel: "F-1", Reason: "case 7"})
	w.refused(registry.ErrNotFreezer.Code, "court", registry.TypeUnfreeze, registry.MsgUnfreeze{Parcel: "F-1"})
	w.ok("highcourt", registry.TypeUnfreeze, registry.MsgUnfreeze{Parcel: "F-1", Reason: "appeal 3"})
	// A higher court's own freeze is beyond the lower courts.
	w.ok("highcourt", registry.TypeFreeze, registry.MsgFreeze{Parcel: "F-1", Reason: "appeal 4"})
	w.refused(registry.ErrNotFreezer.Code, "court2", registry.TypeUnfreeze, registry.MsgUnfreeze{Parcel: "F-1"})
	w.refused(registry.ErrNotFreezer.Code, "court", registry.TypeUnfreeze, registry.MsgUnfreeze{Parcel: "F-1"})
	w.ok("highcourt", registry.TypeUnfreeze, registry.MsgUnfreeze{Parcel: "F-1"})

	type step struct{ kind, by, dept, reason string }
	want := []step{
		{"registered", "registrar", "nrb", ""},
		{"frozen", "court", "mof", "(2024) Jing 0101 Zhi 42"},
		{"unfrozen", "court-colleague", "mof", "(2024) Jing 0101 Zhi 42-1"},
		{"frozen", "court2", "ec", "case 7"},
		{"unfrozen", "highcourt", "hc", "appeal 3"},
		{"frozen", "highcourt", "hc", "appeal 4"},
		{"unfrozen", "highcourt", "hc", ""},
	}
	hist := w.history("F-1")
	if len(hist) != len(want) {
		t.Fatalf("history has %d entries, want %d: %+v", len(hist), len(want), hist)
	}
	for i, s := range want {
		e := hist[i]
		if e.Kind != s.kind || e.By != w.Addr(s.by) || e.Department != s.dept || e.Reason != s.reason {
			t.Errorf("history %d: %+v, want %+v", i, e, s)
		}
	}
}

// Issue 12: any bank added mortgages to a parcel without its owner. A
// mortgage now waits, pending, for every owner's consent; until then it
// is not in force, is not in the history and does not hold a transfer.
func TestMortgageNeedsEveryOwnersConsent(t *testing.T) {
	w := newWorld(t)
	w.register("M-1", registry.Owner{Account: w.alice, Share: 6000}, registry.Owner{Account: w.bob, Share: 4000})
	// The attack: a bank registers a mortgage the owners never agreed to.
	r := w.ok("bank", registry.TypeAddEncumbrance, mortgage("M-1", 500_000_00))
	if _, ok := r.Event("registry.encumbrance_pending"); !ok {
		t.Fatalf("events %+v", r.Events)
	}
	e := w.encumbrance("M-1", 1)
	wantOwners := []string{w.alice, w.bob}
	slices.Sort(wantOwners)
	if e.Status != registry.EncPending || e.Active || !slices.Equal(e.Owners, wantOwners) || len(e.ConsentedBy) != 0 ||
		e.Deadline != w.Time().Add(registry.MortgageOfferTTL).Unix() || e.HolderDepartment != "mof" || e.Reference != "loan M-1" {
		t.Fatalf("offered mortgage %+v", e)
	}
	if p := w.parcel("M-1"); !slices.Equal(p.PendingEncumbrances, []uint64{1}) || p.Events != 1 {
		t.Fatalf("parcel %+v", p)
	}
	if keys := w.Keys("registry/activeenc/"); len(keys) != 0 {
		t.Fatalf("a pending mortgage counts as in force: %v", keys)
	}
	// One co-owner's consent is not enough.
	w.ok("alice", registry.TypeAcceptEncumbrance, enc("M-1", 1))
	if e := w.encumbrance("M-1", 1); e.Status != registry.EncPending || !slices.Equal(e.ConsentedBy, []string{w.alice}) {
		t.Fatalf("after one consent %+v", e)
	}
	// The last one puts it in force, and the history says who, which and
	// for how much.
	w.NextBlock()
	w.ok("bob", registry.TypeAcceptEncumbrance, enc("M-1", 1))
	e = w.encumbrance("M-1", 1)
	if e.Status != registry.EncActive || !e.Active || e.Activated != w.Height() || len(e.ConsentedBy) != 2 {
		t.Fatalf("after every consent %+v", e)
	}
	if p := w.parcel("M-1"); len(p.PendingEncumbrances) != 0 {
		t.Fatalf("still pending: %v", p.PendingEncumbrances)
	}
	hist := w.history("M-1")
	last := hist[len(hist)-1]
	if last.Kind != "encumbered" || last.Ref != 1 || last.EncumbranceKind != registry.KindMortgage || last.Holder != w.Addr("bank") ||
		last.Price != 500_000_00 || last.Reason != "loan M-1" || last.By != w.bob || last.Department != "cab" {
		t.Fatalf("history %+v", last)
	}
	w.refused(registry.ErrNotAwaiting.Code, "bob", registry.TypeAcceptEncumbrance, enc("M-1", 1))
	w.refused(registry.ErrNotAwaiting.Code, "bob", registry.TypeDeclineEncumbrance, enc("M-1", 1))

	// A declined or withdrawn offer never comes into force.
	w.ok("bank2", registry.TypeAddEncumbrance, mortgage("M-1", 1)) // 2
	w.ok("bank", registry.TypeAddEncumbrance, mortgage("M-1", 1))  // 3
	w.ok("alice", registry.TypeAcceptEncumbrance, enc("M-1", 2))
	w.ok("bob", registry.TypeDeclineEncumbrance, enc("M-1", 2))
	w.refused(registry.ErrNotAwaiting.Code, "alice", registry.TypeAcceptEncumbrance, enc("M-1", 2))
	w.ok("bank", registry.TypeReleaseEncumbrance, enc("M-1", 3))
	w.refused(registry.ErrNotAwaiting.Code, "alice", registry.TypeAcceptEncumbrance, enc("M-1", 3))
	if a, b := w.encumbrance("M-1", 2), w.encumbrance("M-1", 3); a.Status != registry.EncDeclined || b.Status != registry.EncWithdrawn || a.Closed != w.Height() || a.Active || b.Active {
		t.Fatalf("declined %+v, withdrawn %+v", a, b)
	}
	if p := w.parcel("M-1"); len(p.PendingEncumbrances) != 0 || p.Events != uint64(len(hist)) {
		t.Fatalf("parcel %+v (offers that never took effect are not title history)", p)
	}
	if keys := w.Keys("registry/activeenc/"); len(keys) != 1 {
		t.Fatalf("in force: %v", keys)
	}
}

// A pending mortgage does not hold a transfer (an active one does); a
// transfer executing lapses the mortgages its sellers were asked to
// consent to.
func TestPendingMortgageDoesNotHoldTransfer(t *testing.T) {
	w := newWorld(t)
	w.register("M-2", sole(w.alice))
	w.ok("bank", registry.TypeAddEncumbrance, mortgage("M-2", 7)) // 1, consented below
	w.ok("bank", registry.TypeAddEncumbrance, mortgage("M-2", 8)) // 2, left pending
	w.ok("alice", registry.TypeAcceptEncumbrance, enc("M-2", 1))
	w.open("alice", "M-2", 100, 0, sole(w.bob))
	w.ok("bob", registry.TypeAcceptTransfer, ref(1))
	w.ok("bank", registry.TypeConfirmPayment, ref(1))
	w.ok("tax", registry.TypeConfirmTax, tax(1, 3))
	if w.parcel("M-2").Owners[0].Account != w.alice {
		t.Fatal("executed with a mortgage in force")
	}
	r := w.ok("bank", registry.TypeReleaseEncumbrance, enc("M-2", 1))
	if _, ok := r.Event("registry.encumbrance_lapsed"); !ok {
		t.Fatalf("events %+v", r.Events)
	}
	p := w.parcel("M-2")
	if p.Owners[0].Account != w.bob || len(p.PendingEncumbrances) != 0 {
		t.Fatalf("the pending mortgage held the transfer: %+v", p)
	}
	if e := w.encumbrance("M-2", 2); e.Status != registry.EncLapsed || e.Closed != w.Height() {
		t.Fatalf("mortgage 2 %+v", e)
	}
	// The former owner's consent is worth nothing now, nor the new owner's.
	w.refused(registry.ErrNotAwaiting.Code, "alice", registry.TypeAcceptEncumbrance, enc("M-2", 2))
	w.refused(registry.ErrNotAwaiting.Code, "bob", registry.TypeAcceptEncumbrance, enc("M-2", 2))
	// A mortgage offered to bob and accepted by him alone is in force.
	w.ok("bank", registry.TypeAddEncumbrance, mortgage("M-2", 9))
	w.ok("bob", registry.TypeAcceptEncumbrance, enc("M-2", 3))
	if e := w.encumbrance("M-2", 3); e.Status != registry.EncActive || !slices.Equal(e.Owners, []string{w.bob}) {
		t.Fatalf("mortgage 3 %+v", e)
	}
}

// Issue 12: a bank flooded a parcel with 1,900 mortgages. Offers awaiting
// consent are bounded per parcel and per bank department, lapse after
// MortgageOfferTTL (their slots are reclaimed), and owners decline them;
// encumbrances in force are bounded too.
func TestMortgageFloodIsBounded(t *testing.T) {
	w := newWorld(t)
	banks := []string{"bank", "bank-nrb", "bank-cab", "bank-ec"} // four departments
	for _, b := range banks[1:] {
		w.Official(b, strings.TrimPrefix(b, "bank-"), registry.RoleBank)
	}
	w.register("M-3", sole(w.alice))
	var id uint64
	for _, b := range banks {
		for i := 0; i < registry.MaxPendingPerBank; i++ {
			w.ok(b, registry.TypeAddEncumbrance, mortgage("M-3", 1))
			id++
		}
		// One bank department takes at most its share of the slots, from
		// any of its accounts.
		w.refused(registry.ErrTooManyOffers.Code, b, registry.TypeAddEncumbrance, mortgage("M-3", 1))
	}
	w.refused(registry.ErrTooManyOffers.Code, "bank2", registry.TypeAddEncumbrance, mortgage("M-3", 1))
	if registry.MaxPendingPerBank*len(banks) != registry.MaxPendingEncumbrances {
		t.Fatal("the test fills every slot with four banks")
	}
	w.Official("bank-hc", "hc", registry.RoleBank)
	w.refused(registry.ErrTooManyOffers.Code, "bank-hc", registry.TypeAddEncumbrance, mortgage("M-3", 1))
	// The owner declines one: a slot is free.
	w.ok("alice", registry.TypeDeclineEncumbrance, enc("M-3", 1))
	w.ok("bank-hc", registry.TypeAddEncumbrance, mortgage("M-3", 1))
	id++
	// Offers lapse with block time: past the deadline nobody can consent,
	// readers see them as expired, and the next offer reclaims their slots.
	w.SetTime(w.Time().Add(registry.MortgageOfferTTL + time.Second))
	w.refused(registry.ErrOfferExpired.Code, "alice", registry.TypeAcceptEncumbrance, enc("M-3", 2))
	e := w.encumbrance("M-3", 2)
	e.Present(module.ReadView{Height: w.Height(), Time: w.Time()})
	if e.Status != registry.EncPending || e.EffectiveStatus != registry.EncExpired {
		t.Fatalf("expired offer reads %+v", e)
	}
	r := w.ok("bank", registry.TypeAddEncumbrance, mortgage("M-3", 1))
	id++
	if _, ok := r.Event("registry.encumbrance_expired"); !ok {
		t.Fatalf("events %+v", r.Events)
	}
	if p := w.parcel("M-3"); !slices.Equal(p.PendingEncumbrances, []uint64{id}) {
		t.Fatalf("pending %v, want only %d", p.PendingEncumbrances, id)
	}
	if e := w.encumbrance("M-3", 2); e.Status != registry.EncExpired {
		t.Fatalf("reclaimed offer %+v", e)
	}

	// At most MaxActiveEncumbrances in force: further liens are refused,
	// and so is the consent that would put one more mortgage in force.
	for i := 0; i < registry.MaxActiveEncumbrances; i++ {
		w.ok("court", registry.TypeAddEncumbrance, lien("M-3"))
	}
	w.refused(registry.ErrTooManyEncumbr.Code, "court", registry.TypeAddEncumbrance, lien("M-3"))
	w.refused(registry.ErrTooManyEncumbr.Code, "bank", registry.TypeAddEncumbrance, mortgage("M-3", 1))
	w.refused(registry.ErrTooManyEncumbr.Code, "alice", registry.TypeAcceptEncumbrance, enc("M-3", id))
	w.ok("court", registry.TypeReleaseEncumbrance, enc("M-3", id+1))
	w.ok("alice", registry.TypeAcceptEncumbrance, enc("M-3", id))
}

// A frozen parcel takes no mortgage: not a new offer, nor the consent that
// would put a pending one in force.
func TestFrozenParcelTakesNoMortgage(t *testing.T) {
	w := newWorld(t)
	w.register("M-4", sole(w.alice))
	w.ok("bank", registry.TypeAddEncumbrance, mortgage("M-4", 1))
	w.ok("court", registry.TypeFreeze, registry.MsgFreeze{Parcel: "M-4", Reason: "case 4"})
	w.refused(registry.ErrFrozen.Code, "alice", registry.TypeAcceptEncumbrance, enc("M-4", 1))
	w.refused(registry.ErrFrozen.Code, "bank", registry.TypeAddEncumbrance, mortgage("M-4", 1))
	w.ok("court", registry.TypeAddEncumbrance, lien("M-4")) // a court's lien still is
	w.ok("court", registry.TypeUnfreeze, registry.MsgUnfreeze{Parcel: "M-4"})
	w.ok("alice", registry.TypeAcceptEncumbrance, enc("M-4", 1))
}
