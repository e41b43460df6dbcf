package registry_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/registry"
)

// world: a registrar (nrb), two banks, a court and a tax officer (mof), a
// clerk with no role (nrb), three citizens (cab), a 3% transfer tax.
type world struct {
	*moduletest.World
	t                 *testing.T
	alice, bob, carol string
}

func newWorld(t *testing.T) *world {
	w := &world{World: moduletest.New(t, identity.New(), registry.New()), t: t}
	for _, d := range []string{"mof", "nrb", "cab", "ec"} {
		w.Department(d)
	}
	// No bank or court department here: mof stands in for both, accredited
	// in genesis (grants_test.go checks the chain's own defaults).
	w.Grantors(registry.RoleBank, "mof")
	w.Grantors(registry.RoleCourt, "mof")
	w.Official("registrar", "nrb", registry.RoleRegistrar)
	w.Official("bank", "mof", registry.RoleBank)
	w.Official("bank2", "mof", registry.RoleBank)
	w.Official("court", "mof", registry.RoleCourt)
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
	w.open("alice", "P-7", 100, 0, sole(w.bob)) // transfer 1
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
			Body: registry.MsgAddEncumbrance{Parcel: "P-8", Kind: registry.KindMortgage, Amount: 1}},
		{Type: registry.TypeReleaseEncumbrance, Roles: []string{registry.RoleBank, registry.RoleCourt}, Attempts: tried("tax", "bank"),
			Body: registry.MsgReleaseEncumbrance{Parcel: "P-8", ID: 1}},
		{Type: registry.TypeFreeze, Roles: []string{registry.RoleCourt}, Attempts: tried("bank", "court"),
			Body: registry.MsgFreeze{Parcel: "P-8"}},
		{Type: registry.TypeUnfreeze, Roles: []string{registry.RoleCourt}, Attempts: tried("registrar", "court"),
			Body: registry.MsgFreeze{Parcel: "P-8"}},
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
	w.ok("court", registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "P-2", Kind: registry.KindLien, Amount: 50})
	w.ok("bank", registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "P-2", Kind: registry.KindMortgage, Amount: 70})
	w.refused(registry.ErrWrongRoleForKind.Code, "bank", registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "P-2", Kind: registry.KindLien})
	w.refused(registry.ErrWrongRoleForKind.Code, "court", registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "P-2", Kind: registry.KindMortgage})
	if e, _ := registry.GetEncumbrance(w.View(registry.Name), "P-2", 2); e.Holder != w.Addr("bank") || !e.Active || e.Amount != 70 {
		t.Fatalf("mortgage %+v", e)
	}
	w.ok("bob", registry.TypeAcceptTransfer, ref(1))
	w.ok("bank", registry.TypeConfirmPayment, ref(1))
	w.ok("tax", registry.TypeConfirmTax, tax(1, 3))
	if w.parcel("P-2").Owners[0].Account != w.alice || w.transfer(1).Status != registry.StatusOpen {
		t.Fatal("executed with a lien")
	}
	w.refused(registry.ErrNotHolder.Code, "bank2", registry.TypeReleaseEncumbrance, registry.MsgReleaseEncumbrance{Parcel: "P-2", ID: 2})
	w.ok("court", registry.TypeReleaseEncumbrance, registry.MsgReleaseEncumbrance{Parcel: "P-2", ID: 1})
	w.ok("court", registry.TypeFreeze, registry.MsgFreeze{Parcel: "P-2", Reason: "case 42"})
	w.refused(registry.ErrReleased.Code, "court", registry.TypeReleaseEncumbrance, registry.MsgReleaseEncumbrance{Parcel: "P-2", ID: 1})
	w.ok("bank", registry.TypeReleaseEncumbrance, registry.MsgReleaseEncumbrance{Parcel: "P-2", ID: 2})
	if w.parcel("P-2").Owners[0].Account != w.alice {
		t.Fatal("executed while frozen")
	}
	w.refused(registry.ErrAlreadyFrozen.Code, "court", registry.TypeFreeze, registry.MsgFreeze{Parcel: "P-2"})
	// A frozen parcel takes no new transfer.
	w.refused(registry.ErrFrozen.Code, "alice", registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "P-2", Buyers: []registry.Owner{sole(w.carol)}, Price: 1})
	r := w.ok("court", registry.TypeUnfreeze, registry.MsgFreeze{Parcel: "P-2"})
	if p := w.parcel("P-2"); p.Owners[0].Account != w.bob {
		t.Fatalf("not executed when the last hold was lifted: %+v", p)
	}
	if _, ok := r.Event("registry.transfer_executed"); !ok {
		t.Fatalf("the unfreeze did not report the execution: %+v", r.Events)
	}
	w.refused(registry.ErrNotFrozen.Code, "court", registry.TypeUnfreeze, registry.MsgFreeze{Parcel: "P-2"})
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
	w.ok("court", registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "P-12", Kind: registry.KindLien})
	w.ok("tax", registry.TypeConfirmTax, tax(1, 3)) // waits for the lien
	w.open("alice", "P-12", 100, 0, sole(w.carol))
	w.ok("carol", registry.TypeAcceptTransfer, ref(2))
	w.ok("bank", registry.TypeConfirmPayment, ref(2))
	w.ok("tax", registry.TypeConfirmTax, tax(2, 3))
	// Releasing the lien retries both in id order: 1 executes, 2 fails.
	w.ok("court", registry.TypeReleaseEncumbrance, registry.MsgReleaseEncumbrance{Parcel: "P-12", ID: 1})
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
	w.ok("court", registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "P-5", Kind: registry.KindLien})
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
		{"unknown encumbrance", "court", registry.TypeReleaseEncumbrance, registry.MsgReleaseEncumbrance{Parcel: "P-5", ID: 9}, registry.ErrUnknownEncumbr.Code},
		{"release by another holder", "bank", registry.TypeReleaseEncumbrance, registry.MsgReleaseEncumbrance{Parcel: "P-5", ID: 1}, registry.ErrNotHolder.Code},
		{"freeze an unknown parcel", "court", registry.TypeFreeze, registry.MsgFreeze{Parcel: "P-99"}, registry.ErrUnknownParcel.Code},
		{"freeze reason too long", "court", registry.TypeFreeze, registry.MsgFreeze{Parcel: "P-5", Reason: strings.Repeat("x", 257)}, invalid},
		{"unfreeze a parcel not frozen", "court", registry.TypeUnfreeze, registry.MsgFreeze{Parcel: "P-5"}, registry.ErrNotFrozen.Code},
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
