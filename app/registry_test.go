package app

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/registry"
)

// registryWorld: a registrar (nrb), a bank and a court (mof), a tax officer
// (mof), and three citizens (cab).
type registryWorld struct {
	*harness
	alice, bob, carol string
}

func newRegistryWorld(t *testing.T) *registryWorld {
	h := newHarness(t)
	h.createOfficial("nrb", "registrar", registry.RoleRegistrar)
	h.createOfficial("mof", "bank", registry.RoleBank)
	h.createOfficial("mof", "bank2", registry.RoleBank)
	h.createOfficial("mof", "court", registry.RoleCourt)
	h.createOfficial("mof", "tax", registry.RoleTax)
	w := &registryWorld{harness: h}
	w.alice = h.createCitizen("cab", "alice")
	w.bob = h.createCitizen("cab", "bob")
	w.carol = h.createCitizen("cab", "carol")
	h.mustOK("tax", msg(t, registry.TypeSetTaxRate, registry.MsgSetTaxRate{Rate: 300})) // 3%
	return w
}

func (w *registryWorld) register(number string, owners ...registry.Owner) {
	w.t.Helper()
	w.mustOK("registrar", msg(w.t, registry.TypeRegisterParcel, registry.MsgRegisterParcel{
		Number: number, District: "Dongcheng", Location: "1 Main St", Area: 8956, Use: "residential", Owners: owners,
		DeedHash: make([]byte, 32)}))
}

func sole(a string) registry.Owner { return registry.Owner{Account: a, Share: registry.FullShare} }

func (w *registryWorld) parcel(n string) *registry.Parcel {
	p, err := registry.GetParcel(prefixReader{g: w.app.committedGetter(w.app.LastCommitted().Height), prefix: registry.Name + "/"}, n)
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func (w *registryWorld) transfer(id uint64) *registry.Transfer {
	tr, err := registry.GetTransfer(prefixReader{g: w.app.committedGetter(w.app.LastCommitted().Height), prefix: registry.Name + "/"}, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return tr
}

func (w *registryWorld) open(seller, parcel string, price uint64, deadline int64, buyers ...registry.Owner) {
	w.t.Helper()
	w.mustOK(seller, msg(w.t, registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: parcel, Buyers: buyers, Price: price, Deadline: deadline}))
}

// A full transfer executes by itself in the block of its last condition.
func TestRegistryTransferExecutes(t *testing.T) {
	w := newRegistryWorld(t)
	w.register("P-1", sole(w.alice))
	w.open("alice", "P-1", 1_000_000_00, 0, sole(w.bob))
	tr := w.transfer(1)
	if tr.TaxDue != 3_000_000 || tr.Status != registry.StatusOpen {
		t.Fatalf("transfer %+v", tr)
	}
	w.mustOK("bob", msg(t, registry.TypeAcceptTransfer, registry.MsgTransferRef{ID: 1}))
	w.mustOK("bank", msg(t, registry.TypeConfirmPayment, registry.MsgTransferRef{ID: 1}))
	if p := w.parcel("P-1"); p.Owners[0].Account != w.alice {
		t.Fatal("executed before the last condition")
	}
	w.expect(registry.ErrTaxAmount.Code, "tax", msg(t, registry.TypeConfirmTax, registry.MsgConfirmTax{ID: 1, Amount: 1}))
	w.mustOK("tax", msg(t, registry.TypeConfirmTax, registry.MsgConfirmTax{ID: 1, Amount: 3_000_000}))
	p := w.parcel("P-1")
	if p.Owners[0].Account != w.bob || p.LastPrice != 1_000_000_00 || p.Version != 1 || len(p.Pending) != 0 {
		t.Fatalf("after the last condition: %+v", p)
	}
	if tr := w.transfer(1); tr.Status != registry.StatusExecuted {
		t.Fatalf("transfer %+v", tr)
	}
	// The history keeps every step, with owner, price and time.
	var kinds []string
	for i := uint64(0); i < p.Events; i++ {
		b, _, _ := w.app.Get([]byte(fmt.Sprintf("registry/hist/P-1/%020d", i)), -1)
		var e registry.HistoryEntry
		if err := json.Unmarshal(mustJSON(t, b), &e); err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, e.Kind)
	}
	if strings.Join(kinds, ",") != "registered,transferred" {
		t.Fatalf("history %v", kinds)
	}
	// Now bob owns it; alice cannot sell it again.
	w.expect(registry.ErrNotOwner.Code, "alice", msg(t, registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "P-1", Buyers: []registry.Owner{sole(w.carol)}, Price: 5}))
}

// Liens, mortgages and freezes block a transfer until released; releasing
// executes it by itself.
func TestRegistryEncumbrancesAndFreeze(t *testing.T) {
	w := newRegistryWorld(t)
	w.register("P-2", sole(w.alice))
	w.open("alice", "P-2", 100, 0, sole(w.bob))
	w.mustOK("court", msg(t, registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "P-2", Kind: registry.KindLien, Amount: 50}))
	w.mustOK("bank", msg(t, registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "P-2", Kind: registry.KindMortgage, Amount: 70}))
	w.expect(registry.ErrWrongRoleForKind.Code, "bank", msg(t, registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "P-2", Kind: registry.KindLien}))
	w.mustOK("bob", msg(t, registry.TypeAcceptTransfer, registry.MsgTransferRef{ID: 1}))
	w.mustOK("bank", msg(t, registry.TypeConfirmPayment, registry.MsgTransferRef{ID: 1}))
	w.mustOK("tax", msg(t, registry.TypeConfirmTax, registry.MsgConfirmTax{ID: 1, Amount: 3}))
	if w.parcel("P-2").Owners[0].Account != w.alice {
		t.Fatal("executed with a lien")
	}
	w.expect(registry.ErrNotHolder.Code, "bank2", msg(t, registry.TypeReleaseEncumbrance, registry.MsgReleaseEncumbrance{Parcel: "P-2", ID: 2}))
	w.mustOK("court", msg(t, registry.TypeReleaseEncumbrance, registry.MsgReleaseEncumbrance{Parcel: "P-2", ID: 1}))
	w.mustOK("court", msg(t, registry.TypeFreeze, registry.MsgFreeze{Parcel: "P-2", Reason: "case 42"}))
	w.expect(registry.ErrReleased.Code, "court", msg(t, registry.TypeReleaseEncumbrance, registry.MsgReleaseEncumbrance{Parcel: "P-2", ID: 1}))
	w.mustOK("bank", msg(t, registry.TypeReleaseEncumbrance, registry.MsgReleaseEncumbrance{Parcel: "P-2", ID: 2}))
	if w.parcel("P-2").Owners[0].Account != w.alice {
		t.Fatal("executed while frozen")
	}
	w.expect(registry.ErrAlreadyFrozen.Code, "court", msg(t, registry.TypeFreeze, registry.MsgFreeze{Parcel: "P-2"}))
	w.mustOK("court", msg(t, registry.TypeUnfreeze, registry.MsgFreeze{Parcel: "P-2"}))
	if p := w.parcel("P-2"); p.Owners[0].Account != w.bob {
		t.Fatalf("not executed when the last block was lifted: %+v", p)
	}
}

// Two transfers of one parcel: at most one executes, the other fails.
func TestRegistryRaces(t *testing.T) {
	w := newRegistryWorld(t)
	w.register("P-3", sole(w.alice))
	w.open("alice", "P-3", 100, 0, sole(w.bob))
	w.open("alice", "P-3", 200, 0, sole(w.carol))
	for _, id := range []uint64{1, 2} {
		buyer := map[uint64]string{1: "bob", 2: "carol"}[id]
		w.mustOK(buyer, msg(t, registry.TypeAcceptTransfer, registry.MsgTransferRef{ID: id}))
		w.mustOK("bank", msg(t, registry.TypeConfirmPayment, registry.MsgTransferRef{ID: id}))
	}
	// Both tax confirmations in one block: the first executes its
	// transfer, which fails the other; the second confirmation then finds
	// its transfer closed.
	k := w.key("tax")
	a, _ := w.app.Account(k.Address())
	var raws [][]byte
	for i, id := range []uint64{2, 1} {
		tt := &tx.Tx{Body: tx.Body{ChainID: testChain, Signer: k.Address(), Sequence: a.Sequence + uint64(i),
			Msgs: []tx.Msg{msg(t, registry.TypeConfirmTax, registry.MsgConfirmTax{ID: id, Amount: map[uint64]uint64{1: 3, 2: 6}[id]})}}}
		raw, err := tx.Sign(tt, k)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, raw)
	}
	res := w.block(raws...)
	if res[0].Code != 0 || res[1].Code != registry.ErrTransferClosed.Code {
		t.Fatalf("codes %d (%s), %d (%s)", res[0].Code, res[0].Log, res[1].Code, res[1].Log)
	}
	if p := w.parcel("P-3"); p.Owners[0].Account != w.carol {
		t.Fatalf("owner %+v", p.Owners)
	}
	if tr := w.transfer(1); tr.Status != registry.StatusFailed || !strings.Contains(tr.Result, "changed") {
		t.Fatalf("the other transfer: %+v", tr)
	}
	w.expect(registry.ErrTransferClosed.Code, "tax", msg(t, registry.TypeConfirmTax, registry.MsgConfirmTax{ID: 1, Amount: 3}))
}

// Deadlines follow block time; cancel rules.
func TestRegistryDeadlineAndCancel(t *testing.T) {
	w := newRegistryWorld(t)
	w.register("P-4", sole(w.alice))
	deadline := time.Unix(1_700_000_000+w.height+3, 0).Unix()
	w.open("alice", "P-4", 100, deadline, sole(w.bob))
	w.block()
	w.block()
	w.block()
	w.expect(registry.ErrDeadlinePassed.Code, "bob", msg(t, registry.TypeAcceptTransfer, registry.MsgTransferRef{ID: 1}))
	w.expect(registry.ErrDeadlinePassed.Code, "alice", msg(t, registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "P-4", Buyers: []registry.Owner{sole(w.bob)}, Price: 5, Deadline: 1}))
	w.open("alice", "P-4", 100, 0, sole(w.bob))
	w.expect(registry.ErrNotParty.Code, "carol", msg(t, registry.TypeCancelTransfer, registry.MsgTransferRef{ID: 2}))
	w.mustOK("bob", msg(t, registry.TypeCancelTransfer, registry.MsgTransferRef{ID: 2}))
	w.expect(registry.ErrTransferClosed.Code, "alice", msg(t, registry.TypeCancelTransfer, registry.MsgTransferRef{ID: 2}))
	if p := w.parcel("P-4"); len(p.Pending) != 1 || p.Pending[0] != 1 {
		t.Fatalf("pending %v", p.Pending) // the expired one stays listed until closed
	}
}

// Bad input: each gets a stable code and no state change.
func TestRegistryBadInput(t *testing.T) {
	w := newRegistryWorld(t)
	w.register("P-5", sole(w.alice))
	reg := func(edit func(m *registry.MsgRegisterParcel)) tx.Msg {
		m := registry.MsgRegisterParcel{Number: "P-6", District: "D", Area: 1, Use: "commercial", Owners: []registry.Owner{sole(w.alice)}}
		edit(&m)
		return msg(t, registry.TypeRegisterParcel, m)
	}
	cases := []struct {
		name   string
		signer string
		m      tx.Msg
		code   uint32
	}{
		{"shares sum to 90%", "registrar", reg(func(m *registry.MsgRegisterParcel) {
			m.Owners = []registry.Owner{{Account: w.alice, Share: 4000}, {Account: w.bob, Share: 5000}}
		}), registry.ErrBadShares.Code},
		{"zero share", "registrar", reg(func(m *registry.MsgRegisterParcel) {
			m.Owners = []registry.Owner{{Account: w.alice, Share: 0}, {Account: w.bob, Share: 10000}}
		}), registry.ErrBadShares.Code},
		{"owner twice", "registrar", reg(func(m *registry.MsgRegisterParcel) {
			m.Owners = []registry.Owner{{Account: w.alice, Share: 5000}, {Account: w.alice, Share: 5000}}
		}), registry.ErrBadShares.Code},
		{"zero area", "registrar", reg(func(m *registry.MsgRegisterParcel) { m.Area = 0 }), registry.ErrBadArea.Code},
		{"bad use", "registrar", reg(func(m *registry.MsgRegisterParcel) { m.Use = "castle" }), 22},
		{"bad number", "registrar", reg(func(m *registry.MsgRegisterParcel) { m.Number = "a/b" }), 22},
		{"duplicate number", "registrar", reg(func(m *registry.MsgRegisterParcel) { m.Number = "P-5" }), registry.ErrParcelExists.Code},
		{"unknown owner", "registrar", reg(func(m *registry.MsgRegisterParcel) { m.Owners = []registry.Owner{sole(strings.Repeat("0", 40))} }), registry.ErrUnknownBuyer.Code},
		{"zero price", "alice", msg(t, registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "P-5", Buyers: []registry.Owner{sole(w.bob)}}), registry.ErrBadPrice.Code},
		{"unknown parcel", "alice", msg(t, registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "P-99", Buyers: []registry.Owner{sole(w.bob)}, Price: 1}), registry.ErrUnknownParcel.Code},
		{"seller not owner", "bob", msg(t, registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "P-5", Buyers: []registry.Owner{sole(w.carol)}, Price: 1}), registry.ErrNotOwner.Code},
		{"buyer is seller", "alice", msg(t, registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "P-5", Buyers: []registry.Owner{sole(w.alice)}, Price: 1}), registry.ErrBuyerIsSeller.Code},
		{"unknown transfer", "bob", msg(t, registry.TypeAcceptTransfer, registry.MsgTransferRef{ID: 9}), registry.ErrUnknownTransfer.Code},
		{"tax rate over 100%", "tax", msg(t, registry.TypeSetTaxRate, registry.MsgSetTaxRate{Rate: 10001}), registry.ErrBadRate.Code},
		{"price overflow", "alice", msg(t, registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "P-5", Buyers: []registry.Owner{sole(w.bob)}, Price: 1 << 63}), registry.ErrOverflow.Code},
	}
	for _, c := range cases {
		before := w.parcel("P-5")
		res := w.expect(c.code, c.signer, c.m)
		if res.Log == "" {
			t.Errorf("%s: no message", c.name)
		}
		if after := w.parcel("P-5"); after.Events != before.Events || len(after.Pending) != len(before.Pending) {
			t.Errorf("%s changed the parcel", c.name)
		}
	}
}

// A parcel holds at most MaxPending open transfers.
func TestRegistryPendingLimit(t *testing.T) {
	w := newRegistryWorld(t)
	w.register("P-10", sole(w.alice))
	for i := 0; i < registry.MaxPending; i++ {
		w.open("alice", "P-10", 1, 0, sole(w.bob))
	}
	w.expect(registry.ErrTooManyPending.Code, "alice", msg(t, registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "P-10", Buyers: []registry.Owner{sole(w.bob)}, Price: 1}))
	w.mustOK("bob", msg(t, registry.TypeCancelTransfer, registry.MsgTransferRef{ID: 1}))
	w.open("alice", "P-10", 1, 0, sole(w.bob))
}

// Every registry message with the right role, a wrong role and no role.
func TestRegistryRoles(t *testing.T) {
	w := newRegistryWorld(t)
	w.register("P-7", sole(w.alice))
	w.open("alice", "P-7", 100, 0, sole(w.bob))
	w.createOfficial("nrb", "clerk") // an official with no role
	regMsg := msg(t, registry.TypeRegisterParcel, registry.MsgRegisterParcel{Number: "P-8", District: "D", Area: 1, Use: "public", Owners: []registry.Owner{sole(w.carol)}})
	cases := []struct {
		typ, right, wrong string
		m                 tx.Msg
	}{
		{registry.TypeRegisterParcel, "registrar", "bank", regMsg},
		{registry.TypeAddEncumbrance, "bank", "registrar", msg(t, registry.TypeAddEncumbrance, registry.MsgAddEncumbrance{Parcel: "P-8", Kind: registry.KindMortgage, Amount: 1})},
		{registry.TypeReleaseEncumbrance, "bank", "tax", msg(t, registry.TypeReleaseEncumbrance, registry.MsgReleaseEncumbrance{Parcel: "P-8", ID: 1})},
		{registry.TypeFreeze, "court", "bank", msg(t, registry.TypeFreeze, registry.MsgFreeze{Parcel: "P-8"})},
		{registry.TypeUnfreeze, "court", "registrar", msg(t, registry.TypeUnfreeze, registry.MsgFreeze{Parcel: "P-8"})},
		{registry.TypeConfirmPayment, "bank", "court", msg(t, registry.TypeConfirmPayment, registry.MsgTransferRef{ID: 1})},
		{registry.TypeConfirmTax, "tax", "bank", msg(t, registry.TypeConfirmTax, registry.MsgConfirmTax{ID: 1, Amount: 3})},
		{registry.TypeSetTaxRate, "tax", "court", msg(t, registry.TypeSetTaxRate, registry.MsgSetTaxRate{Rate: 300})},
	}
	seen := map[string]bool{
		// Open to any account; their party checks are tested above.
		registry.TypeOpenTransfer: true, registry.TypeAcceptTransfer: true, registry.TypeCancelTransfer: true,
	}
	for _, c := range cases {
		seen[c.typ] = true
		w.expect(ErrUnauthorized.Code, c.wrong, c.m)
		w.expect(ErrUnauthorized.Code, "clerk", c.m)
		w.expect(ErrUnauthorized.Code, "alice", c.m)
		w.mustOK(c.right, c.m)
	}
	for typ := range w.app.Routes() {
		if strings.HasPrefix(typ, registry.Name+".") && !seen[typ] {
			t.Errorf("route %s has no role test", typ)
		}
	}
}

func mustJSON(t *testing.T, cborBytes []byte) []byte {
	t.Helper()
	var e registry.HistoryEntry
	if err := codecUnmarshal(cborBytes, &e); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(e)
	return b
}

func codecUnmarshal(b []byte, v any) error { return codec.Unmarshal(b, v) }

// signSeqMsg signs msgs from signer with an explicit sequence.
func (h *harness) signSeqMsg(signer string, seq uint64, m tx.Msg) []byte {
	k := h.key(signer)
	raw, err := tx.Sign(&tx.Tx{Body: tx.Body{ChainID: testChain, Signer: k.Address(), Sequence: seq, Msgs: []tx.Msg{m}}}, k)
	if err != nil {
		h.t.Fatal(err)
	}
	return raw
}

// BenchmarkRegistryTransfer: full transfers (open, accept, pay, tax,
// executed by the last) through FinalizeBlock and Commit, 200 at a time in
// four blocks; reported per transfer, signatures included.
func BenchmarkRegistryTransfer(b *testing.B) {
	h := newHarness(b)
	for _, o := range []struct{ name, role string }{{"registrar", registry.RoleRegistrar}, {"bank", registry.RoleBank}, {"tax", registry.RoleTax}} {
		h.createOfficial("mof", o.name, o.role)
	}
	h.mustOK("tax", msg(b, registry.TypeSetTaxRate, registry.MsgSetTaxRate{Rate: 300}))
	const batch = 200
	var sellers, buyers []string
	for i := 0; i < batch; i++ {
		sellers = append(sellers, fmt.Sprint("seller", i))
		buyers = append(buyers, fmt.Sprint("buyer", i))
	}
	var setup [][]byte
	a, _ := h.app.Account(h.key("cab").Address())
	seq := a.Sequence
	for _, n := range append(append([]string{}, sellers...), buyers...) {
		k := h.key(n)
		setup = append(setup, h.signSeqMsg("cab", seq, msg(b, identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Citizen: true})))
		seq++
	}
	h.block(setup...)
	acct := func(n string) uint64 { a, _ := h.app.Account(h.key(n).Address()); return a.Sequence }
	round := 0
	b.ResetTimer()
	for done := 0; done < b.N; done += batch {
		b.StopTimer()
		// Parcels for this round, registered outside the timing.
		var regs [][]byte
		rs := acct("registrar")
		for i, s := range sellers {
			regs = append(regs, h.signSeqMsg("registrar", rs+uint64(i), msg(b, registry.TypeRegisterParcel, registry.MsgRegisterParcel{
				Number: fmt.Sprintf("R%d-%d", round, i), District: "D", Area: 100, Use: "residential", Owners: []registry.Owner{sole(h.key(s).Address())}})))
		}
		h.block(regs...)
		firstID := uint64(round*batch + 1)
		var opens, accepts, pays, taxes [][]byte
		bs, ts := acct("bank"), acct("tax")
		for i := range sellers {
			opens = append(opens, h.signSeqMsg(sellers[i], acct(sellers[i]), msg(b, registry.TypeOpenTransfer, registry.MsgOpenTransfer{
				Parcel: fmt.Sprintf("R%d-%d", round, i), Buyers: []registry.Owner{sole(h.key(buyers[i]).Address())}, Price: 1000})))
			id := firstID + uint64(i)
			accepts = append(accepts, h.signSeqMsg(buyers[i], acct(buyers[i]), msg(b, registry.TypeAcceptTransfer, registry.MsgTransferRef{ID: id})))
			pays = append(pays, h.signSeqMsg("bank", bs+uint64(i), msg(b, registry.TypeConfirmPayment, registry.MsgTransferRef{ID: id})))
			taxes = append(taxes, h.signSeqMsg("tax", ts+uint64(i), msg(b, registry.TypeConfirmTax, registry.MsgConfirmTax{ID: id, Amount: 30})))
		}
		b.StartTimer()
		for _, blk := range [][][]byte{opens, accepts, pays, taxes} {
			for _, r := range h.block(blk...) {
				if r.Code != 0 {
					b.Fatal(r.Log)
				}
			}
		}
		round++
	}
}

// A co-owned parcel sells only when every co-owner consents.
func TestRegistryCoOwnedSale(t *testing.T) {
	w := newRegistryWorld(t)
	w.register("P-9", registry.Owner{Account: w.alice, Share: 6000}, registry.Owner{Account: w.bob, Share: 4000})
	w.expect(registry.ErrBuyerIsSeller.Code, "alice", msg(t, registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "P-9", Buyers: []registry.Owner{sole(w.bob)}, Price: 100}))
	w.open("alice", "P-9", 100, 0, sole(w.carol))
	w.mustOK("carol", msg(t, registry.TypeAcceptTransfer, registry.MsgTransferRef{ID: 1}))
	w.mustOK("bank", msg(t, registry.TypeConfirmPayment, registry.MsgTransferRef{ID: 1}))
	w.mustOK("tax", msg(t, registry.TypeConfirmTax, registry.MsgConfirmTax{ID: 1, Amount: 3}))
	if p := w.parcel("P-9"); len(p.Owners) != 2 {
		t.Fatal("sold without every co-owner's consent")
	}
	w.expect(registry.ErrAlreadyConfirmed.Code, "alice", msg(t, registry.TypeAcceptTransfer, registry.MsgTransferRef{ID: 1}))
	w.mustOK("bob", msg(t, registry.TypeAcceptTransfer, registry.MsgTransferRef{ID: 1}))
	if p := w.parcel("P-9"); len(p.Owners) != 1 || p.Owners[0].Account != w.carol {
		t.Fatalf("after the last consent: %+v", p.Owners)
	}
	if ids, _ := w.app.Keys(registry.Name+"/owner/"+w.bob+"/", 0); len(ids) != 0 {
		t.Fatalf("bob still indexed as an owner: %v", ids)
	}
}
