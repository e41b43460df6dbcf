// Package registry is the real-estate registry: parcels and their titles
// with full history, mortgages and liens, court freezes, and conditional
// transfers that execute themselves in the block where their last
// condition is met (buyers' acceptance, payment confirmed by a bank, tax
// confirmed by the tax office, no active encumbrance or freeze, before the
// deadline).
//
// It is a pure state machine over module.Context, reads accounts through
// x/identity, and must not import api, node, net/http, CometBFT's node
// packages or read the wall clock (deadlines compare with block time).
package registry

import (
	"encoding/json"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"time"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/identity"
)

// MaxPending bounds the open transfers of one parcel (each lives in the
// parcel's record).
const MaxPending = 16

// Bounds on a parcel's encumbrances: the mortgages awaiting its owners'
// consent (ids in the parcel's record), those of one bank department among
// them (so one bank cannot take every slot), and the mortgages and liens in
// force.
const (
	MaxPendingEncumbrances = 16
	MaxPendingPerBank      = 4
	MaxActiveEncumbrances  = 32
)

// MortgageOfferTTL is how long, in block time, a mortgage awaits its
// owners' consent.
const MortgageOfferTTL = 30 * 24 * time.Hour

// Module is the registry module.
type Module struct{}

// New returns the module.
func New() *Module { return &Module{} }

var _ module.Module = (*Module)(nil)

func (m *Module) Name() string { return Name }

// Roles are the roles this module defines.
func (m *Module) Roles() []module.Role {
	return []module.Role{
		{Name: RoleRegistrar, Doc: "registers parcels and their first title (Natural Resources Bureau)", Grantors: []string{"nrb"}},
		// A bank department is one the consortium accredits: it lists the
		// department as a grantor of this role by proposal.
		{Name: RoleBank, Doc: "registers and releases mortgages; confirms buyers' payments (granted by the banks the consortium accredits)"},
		// Courts join the consortium as departments; a proposal lists them.
		{Name: RoleCourt, Doc: "registers and releases liens; freezes and unfreezes parcels (granted by the courts the consortium lists)"},
		{Name: RoleTax, Doc: "confirms transfer tax; sets the tax rate (Ministry of Finance)", Grantors: []string{"mof"}},
		// A higher court is listed by proposal too.
		{Name: RoleHighCourt, Doc: "a higher court: freezes parcels and lifts any court's freeze (granted by the courts the consortium lists)"},
	}
}

// Routes declares each message with the roles it needs; ownership, holding
// and party checks are in the handlers.
func (m *Module) Routes() []module.Route {
	return []module.Route{
		module.NewRoute(TypeRegisterParcel, []string{RoleRegistrar}, "Register a parcel and its first title", m.registerParcel),
		module.NewRoute(TypeAddEncumbrance, []string{RoleBank, RoleCourt}, "Register a lien (a court), or offer a mortgage (a bank) that takes effect when every owner accepts it", m.addEncumbrance),
		module.NewRoute(TypeReleaseEncumbrance, []string{RoleBank, RoleCourt}, "Release a mortgage or lien, or withdraw a mortgage awaiting consent (its holder only)", m.releaseEncumbrance),
		module.NewRoute(TypeAcceptEncumbrance, nil, "Consent to a mortgage as an owner of the parcel; the last owner's consent puts it in force", m.acceptEncumbrance),
		module.NewRoute(TypeDeclineEncumbrance, nil, "Refuse a mortgage awaiting one's consent as an owner of the parcel", m.declineEncumbrance),
		module.NewRoute(TypeFreeze, []string{RoleCourt, RoleHighCourt}, "Freeze a parcel by court order: its transfers wait until it is unfrozen", m.freeze),
		module.NewRoute(TypeUnfreeze, []string{RoleCourt, RoleHighCourt}, "Lift a parcel's freeze (the court that set it, or a higher court)", m.unfreeze),
		module.NewRoute(TypeOpenTransfer, nil, "Offer a whole parcel for sale on conditions (an owner; co-owners consent with accept_transfer)", m.openTransfer),
		module.NewRoute(TypeAcceptTransfer, nil, "Accept a transfer as a buyer, or consent to it as a co-owner", m.acceptTransfer),
		module.NewRoute(TypeConfirmPayment, []string{RoleBank}, "Confirm that the buyers paid the price", m.confirmPayment),
		module.NewRoute(TypeConfirmTax, []string{RoleTax}, "Confirm the transfer tax was paid, for exactly the tax due", m.confirmTax),
		module.NewRoute(TypeCancelTransfer, nil, "Cancel an open transfer (a seller or a buyer)", m.cancelTransfer),
		module.NewRoute(TypeSetTaxRate, []string{RoleTax}, "Set the transfer tax rate for transfers opened from now on", m.setTaxRate),
	}
}

// Genesis is the registry section of app_state.
type Genesis struct {
	TaxRate uint32 `json:"tax_rate_bp"`
}

// InitGenesis sets the tax rate (0 when the section is absent).
func (m *Module) InitGenesis(ctx *module.Context, raw []byte) error {
	var g Genesis
	if raw != nil {
		if err := json.Unmarshal(raw, &g); err != nil {
			return module.ErrInvalidField.Wrapf("registry genesis: %v", err)
		}
	}
	if g.TaxRate > FullShare {
		return ErrBadRate
	}
	module.SetRecord(ctx.Store(), paramsKey, &Params{TaxRate: g.TaxRate})
	return nil
}

// GetParcel reads a parcel (kv rooted at "registry/").
func GetParcel(kv module.Reader, n string) (*Parcel, error) {
	return module.Load[Parcel](kv, parcelKey(n), ErrUnknownParcel, strconv.Quote(n))
}

// GetTransfer reads a transfer.
func GetTransfer(kv module.Reader, id uint64) (*Transfer, error) {
	return module.Load[Transfer](kv, transferKey(id), ErrUnknownTransfer, strconv.FormatUint(id, 10))
}

// GetEncumbrance reads an encumbrance of a parcel.
func GetEncumbrance(kv module.Reader, parcel string, id uint64) (*Encumbrance, error) {
	return module.Load[Encumbrance](kv, encKey(parcel, id), ErrUnknownEncumbr, fmt.Sprintf("%d on %q", id, parcel))
}

// GetParams reads the parameters.
func GetParams(kv module.Reader) (*Params, error) {
	var p Params
	_, err := module.GetRecord(kv, paramsKey, &p)
	return &p, err
}

func getMeta(kv module.Reader) (*Meta, error) {
	var m Meta
	_, err := module.GetRecord(kv, metaKey, &m)
	return &m, err
}

// activeEncumbrances counts a parcel's active mortgages and liens.
func activeEncumbrances(kv module.Reader, n string) uint64 {
	b, ok := kv.Get([]byte(activeEncKey(n)))
	if !ok {
		return 0
	}
	v, _ := strconv.ParseUint(string(b), 10, 64)
	return v
}

func setActiveEncumbrances(kv module.KV, n string, v uint64) {
	if v == 0 {
		kv.Delete([]byte(activeEncKey(n)))
		return
	}
	kv.Set([]byte(activeEncKey(n)), []byte(strconv.FormatUint(v, 10)))
}

// record appends a history entry and stores the parcel.
func record(ctx *module.Context, p *Parcel, e HistoryEntry) {
	kv := ctx.Store()
	e.Seq, e.Height, e.Time, e.By, e.Department = p.Events, ctx.Height, ctx.Time.Unix(), ctx.Signer.Address, ctx.Signer.Department
	p.Events++
	module.SetRecord(kv, historyKey(p.Number, e.Seq), &e)
	module.SetRecord(kv, parcelKey(p.Number), p)
	ctx.Emit("registry."+e.Kind, "parcel", p.Number, "seq", strconv.FormatUint(e.Seq, 10))
}

func accountExists(ctx *module.Context, addr string) bool {
	_, err := identity.GetAccount(ctx.View(identity.Name), addr)
	return err == nil
}

func (m *Module) registerParcel(ctx *module.Context, msg *MsgRegisterParcel) error {
	kv := ctx.Store()
	if _, ok := kv.Get([]byte(parcelKey(msg.Number))); ok {
		return ErrParcelExists.Wrapf("%q", msg.Number)
	}
	for _, o := range msg.Owners {
		if !accountExists(ctx, o.Account) {
			return ErrUnknownBuyer.Wrapf("owner %s", o.Account)
		}
	}
	owners := sortedOwners(msg.Owners)
	p := &Parcel{Number: msg.Number, District: msg.District, Location: msg.Location, Area: msg.Area, Use: msg.Use,
		Owners: owners, DeedHash: msg.DeedHash}
	for _, o := range owners {
		kv.Set([]byte(ownerKey(o.Account, p.Number)), []byte{})
	}
	record(ctx, p, HistoryEntry{Kind: "registered", Owners: owners})
	return nil
}

func sortedOwners(os []Owner) []Owner {
	out := slices.Clone(os)
	slices.SortFunc(out, func(a, b Owner) int {
		switch {
		case a.Account < b.Account:
			return -1
		case a.Account > b.Account:
			return 1
		}
		return 0
	})
	return out
}

// addEncumbrance registers a court's lien, in force at once, or a bank's
// mortgage, pending until every owner consents (acceptEncumbrance).
func (m *Module) addEncumbrance(ctx *module.Context, msg *MsgAddEncumbrance) error {
	if (msg.Kind == KindMortgage && !ctx.Signer.HasRole(RoleBank)) || (msg.Kind == KindLien && !ctx.Signer.HasRole(RoleCourt)) {
		return ErrWrongRoleForKind
	}
	kv := ctx.Store()
	p, err := GetParcel(kv, msg.Parcel)
	if err != nil {
		return err
	}
	if n := activeEncumbrances(kv, p.Number); n >= MaxActiveEncumbrances {
		return ErrTooManyEncumbr.Wrapf("%d in force on %q", n, p.Number)
	}
	e := &Encumbrance{Parcel: p.Number, Kind: msg.Kind, Holder: ctx.Signer.Address, HolderDepartment: ctx.Signer.Department,
		Amount: msg.Amount, Reference: msg.Reference, Created: ctx.Height}
	if msg.Kind == KindMortgage {
		if p.Frozen {
			return ErrFrozen.Wrapf("a frozen parcel takes no mortgage")
		}
		if err := reclaimExpiredOffers(ctx, p); err != nil {
			return err
		}
		if err := checkOfferSlots(ctx, p); err != nil {
			return err
		}
	}
	meta, err := getMeta(kv)
	if err != nil {
		return err
	}
	meta.NextEncumbrance++
	e.ID = meta.NextEncumbrance
	module.SetRecord(kv, metaKey, meta)
	if msg.Kind == KindLien {
		activate(ctx, p, e)
		return nil
	}
	for _, o := range p.Owners {
		e.Owners = append(e.Owners, o.Account) // sorted, as p.Owners
	}
	e.Status, e.Deadline = EncPending, ctx.Time.Add(MortgageOfferTTL).Unix()
	module.SetRecord(kv, encKey(p.Number, e.ID), e)
	p.PendingEncumbrances = append(p.PendingEncumbrances, e.ID)
	module.SetRecord(kv, parcelKey(p.Number), p)
	ctx.Emit("registry.encumbrance_pending", "parcel", p.Number, "id", strconv.FormatUint(e.ID, 10))
	return nil
}

// reclaimExpiredOffers closes the parcel's pending mortgages past their
// deadline (the caller stores p).
func reclaimExpiredOffers(ctx *module.Context, p *Parcel) error {
	for _, id := range slices.Clone(p.PendingEncumbrances) {
		e, err := GetEncumbrance(ctx.Store(), p.Number, id)
		if err != nil {
			return err
		}
		if e.expired(ctx.Time.Unix()) {
			closeOffer(ctx, e, p, EncExpired)
		}
	}
	return nil
}

// checkOfferSlots refuses a new mortgage offer on p when the parcel, or
// the signer's bank department, has as many awaiting consent as allowed.
func checkOfferSlots(ctx *module.Context, p *Parcel) error {
	if n := len(p.PendingEncumbrances); n >= MaxPendingEncumbrances {
		return ErrTooManyOffers.Wrapf("%d on %q; its owners may decline some", n, p.Number)
	}
	mine := 0
	for _, id := range p.PendingEncumbrances {
		e, err := GetEncumbrance(ctx.Store(), p.Number, id)
		if err != nil {
			return err
		}
		if e.HolderDepartment == ctx.Signer.Department {
			mine++
		}
	}
	if mine >= MaxPendingPerBank {
		return ErrTooManyOffers.Wrapf("department %s has %d on %q; withdraw one first", ctx.Signer.Department, mine, p.Number)
	}
	return nil
}

// activate puts encumbrance e in force on p and records it in the
// parcel's history (which stores p).
func activate(ctx *module.Context, p *Parcel, e *Encumbrance) {
	kv := ctx.Store()
	e.Status, e.Active, e.Activated = EncActive, true, ctx.Height
	module.SetRecord(kv, encKey(p.Number, e.ID), e)
	setActiveEncumbrances(kv, p.Number, activeEncumbrances(kv, p.Number)+1)
	record(ctx, p, HistoryEntry{Kind: "encumbered", Ref: e.ID, Price: e.Amount, Reason: e.Reference,
		EncumbranceKind: e.Kind, Holder: e.Holder})
}

// closeOffer ends a pending mortgage that never came into force and takes
// it off p's pending list (the caller stores p).
func closeOffer(ctx *module.Context, e *Encumbrance, p *Parcel, status string) {
	e.Status, e.Closed = status, ctx.Height
	module.SetRecord(ctx.Store(), encKey(e.Parcel, e.ID), e)
	p.PendingEncumbrances = without(p.PendingEncumbrances, e.ID)
	ctx.Emit("registry.encumbrance_"+status, "parcel", e.Parcel, "id", strconv.FormatUint(e.ID, 10))
}

// pendingFor loads a pending mortgage that the signer, an owner of the
// parcel when it was offered, may accept or decline.
func pendingFor(ctx *module.Context, msg *MsgEncumbranceRef) (*Encumbrance, *Parcel, error) {
	kv := ctx.Store()
	e, err := GetEncumbrance(kv, msg.Parcel, msg.ID)
	if err != nil {
		return nil, nil, err
	}
	if st := e.State(); st != EncPending {
		return nil, nil, ErrNotAwaiting.Wrapf("encumbrance %d is %s", e.ID, st)
	}
	if !slices.Contains(e.Owners, ctx.Signer.Address) {
		return nil, nil, ErrNotConsenter
	}
	p, err := GetParcel(kv, e.Parcel)
	if err != nil {
		return nil, nil, err
	}
	return e, p, nil
}

// acceptEncumbrance records an owner's consent to a mortgage; the last
// owner's consent puts it in force, unless the parcel is frozen or has as
// many encumbrances in force as allowed.
func (m *Module) acceptEncumbrance(ctx *module.Context, msg *MsgEncumbranceRef) error {
	e, p, err := pendingFor(ctx, msg)
	if err != nil {
		return err
	}
	if e.expired(ctx.Time.Unix()) {
		return ErrOfferExpired.Wrapf("encumbrance %d", e.ID)
	}
	who := ctx.Signer.Address
	if slices.Contains(e.ConsentedBy, who) {
		return ErrAlreadyConfirmed
	}
	e.ConsentedBy = append(e.ConsentedBy, who)
	slices.Sort(e.ConsentedBy)
	ctx.Emit("registry.encumbrance_consented", "parcel", e.Parcel, "id", strconv.FormatUint(e.ID, 10), "owner", who)
	if len(e.ConsentedBy) < len(e.Owners) {
		module.SetRecord(ctx.Store(), encKey(e.Parcel, e.ID), e)
		return nil
	}
	if p.Frozen {
		return ErrFrozen.Wrapf("a frozen parcel takes no mortgage")
	}
	if n := activeEncumbrances(ctx.Store(), p.Number); n >= MaxActiveEncumbrances {
		return ErrTooManyEncumbr.Wrapf("%d in force on %q", n, p.Number)
	}
	p.PendingEncumbrances = without(p.PendingEncumbrances, e.ID)
	activate(ctx, p, e)
	return nil
}

// declineEncumbrance: an owner refuses a pending mortgage (also one past
// its deadline, which frees its slot).
func (m *Module) declineEncumbrance(ctx *module.Context, msg *MsgEncumbranceRef) error {
	e, p, err := pendingFor(ctx, msg)
	if err != nil {
		return err
	}
	closeOffer(ctx, e, p, EncDeclined)
	module.SetRecord(ctx.Store(), parcelKey(p.Number), p)
	return nil
}

// releaseEncumbrance: the holder releases an encumbrance in force (which
// retries the parcel's waiting transfers) or withdraws a pending mortgage.
func (m *Module) releaseEncumbrance(ctx *module.Context, msg *MsgEncumbranceRef) error {
	kv := ctx.Store()
	e, err := GetEncumbrance(kv, msg.Parcel, msg.ID)
	if err != nil {
		return err
	}
	if e.Holder != ctx.Signer.Address {
		return ErrNotHolder
	}
	p, err := GetParcel(kv, e.Parcel)
	if err != nil {
		return err
	}
	switch st := e.State(); st {
	case EncPending:
		closeOffer(ctx, e, p, EncWithdrawn)
		module.SetRecord(kv, parcelKey(p.Number), p)
		return nil
	case EncActive:
	default:
		return ErrReleased.Wrapf("encumbrance %d is %s", e.ID, st)
	}
	e.Status, e.Active, e.Released = EncReleased, false, ctx.Height
	module.SetRecord(kv, encKey(e.Parcel, e.ID), e)
	setActiveEncumbrances(kv, e.Parcel, activeEncumbrances(kv, e.Parcel)-1)
	record(ctx, p, HistoryEntry{Kind: "released", Ref: e.ID, Price: e.Amount, EncumbranceKind: e.Kind, Holder: e.Holder})
	m.executePending(ctx, p)
	return nil
}

func (m *Module) freeze(ctx *module.Context, msg *MsgFreeze) error {
	kv := ctx.Store()
	p, err := GetParcel(kv, msg.Parcel)
	if err != nil {
		return err
	}
	if p.Frozen {
		return ErrAlreadyFrozen
	}
	p.Frozen = true
	p.Freeze = &Freeze{By: ctx.Signer.Address, Department: ctx.Signer.Department, Reason: msg.Reason, Height: ctx.Height}
	record(ctx, p, HistoryEntry{Kind: "frozen", Reason: msg.Reason})
	return nil
}

func (m *Module) unfreeze(ctx *module.Context, msg *MsgUnfreeze) error {
	kv := ctx.Store()
	p, err := GetParcel(kv, msg.Parcel)
	if err != nil {
		return err
	}
	if !p.Frozen {
		return ErrNotFrozen
	}
	if !mayLift(ctx.Signer, p.Freeze) {
		by := "an unrecorded court"
		if p.Freeze != nil {
			by = fmt.Sprintf("%s of department %s", p.Freeze.By, p.Freeze.Department)
		}
		return ErrNotFreezer.Wrapf("frozen by %s", by)
	}
	p.Frozen, p.Freeze = false, nil
	record(ctx, p, HistoryEntry{Kind: "unfrozen", Reason: msg.Reason})
	m.executePending(ctx, p)
	return nil
}

// mayLift reports whether s may lift freeze f: a higher court may lift any
// freeze; a court, its own department's (the route admits only courts). A
// freeze without a record of who set it is for a higher court.
func mayLift(s module.Signer, f *Freeze) bool {
	if s.HasRole(RoleHighCourt) {
		return true
	}
	return f != nil && s.HasRole(RoleCourt) && (s.Address == f.By || (f.Department != "" && s.Department == f.Department))
}

func (m *Module) openTransfer(ctx *module.Context, msg *MsgOpenTransfer) error {
	kv := ctx.Store()
	p, err := GetParcel(kv, msg.Parcel)
	if err != nil {
		return err
	}
	var sellers []string
	for _, o := range p.Owners {
		sellers = append(sellers, o.Account)
	}
	if !slices.Contains(sellers, ctx.Signer.Address) {
		return ErrNotOwner.Wrapf("parcel %q", p.Number)
	}
	if p.Frozen {
		return ErrFrozen
	}
	if len(p.Pending) >= MaxPending {
		return ErrTooManyPending.Wrapf("%d open; cancel one first", len(p.Pending))
	}
	if msg.Deadline != 0 && msg.Deadline <= ctx.Time.Unix() {
		return ErrDeadlinePassed
	}
	for _, b := range msg.Buyers {
		if slices.Contains(sellers, b.Account) {
			return ErrBuyerIsSeller
		}
		if !accountExists(ctx, b.Account) {
			return ErrUnknownBuyer.Wrapf("%s", b.Account)
		}
	}
	params, err := GetParams(kv)
	if err != nil {
		return err
	}
	hi, lo := bits.Mul64(msg.Price, uint64(params.TaxRate))
	if hi != 0 {
		return ErrOverflow
	}
	meta, err := getMeta(kv)
	if err != nil {
		return err
	}
	meta.NextTransfer++
	t := &Transfer{ID: meta.NextTransfer, Parcel: p.Number, Seller: ctx.Signer.Address, Sellers: sellers,
		ConsentedBy: []string{ctx.Signer.Address}, Buyers: sortedOwners(msg.Buyers),
		Price: msg.Price, TaxDue: lo / FullShare, Deadline: msg.Deadline, ParcelVersion: p.Version,
		Status: StatusOpen, Opened: ctx.Height, TaxPaid: lo/FullShare == 0}
	module.SetRecord(kv, metaKey, meta)
	module.SetRecord(kv, transferKey(t.ID), t)
	p.Pending = append(p.Pending, t.ID)
	module.SetRecord(kv, parcelKey(p.Number), p)
	ctx.Emit("registry.transfer_opened", "id", strconv.FormatUint(t.ID, 10), "parcel", p.Number)
	return nil
}

// openTransferFor loads an open transfer before its deadline.
func openTransferFor(ctx *module.Context, id uint64) (*Transfer, error) {
	t, err := GetTransfer(ctx.Store(), id)
	if err != nil {
		return nil, err
	}
	if t.Status != StatusOpen {
		return nil, ErrTransferClosed.Wrapf("transfer %d is %s", t.ID, t.Status)
	}
	if t.Expired(ctx.Time.Unix()) {
		return nil, ErrDeadlinePassed.Wrapf("transfer %d", t.ID)
	}
	return t, nil
}

// acceptTransfer records a buyer's acceptance or a co-owner's consent.
func (m *Module) acceptTransfer(ctx *module.Context, msg *MsgTransferRef) error {
	t, err := openTransferFor(ctx, msg.ID)
	if err != nil {
		return err
	}
	who := ctx.Signer.Address
	list := &t.AcceptedBy
	switch {
	case isBuyer(t, who):
	case slices.Contains(t.Sellers, who):
		list = &t.ConsentedBy
	default:
		return ErrNotBuyer
	}
	if slices.Contains(*list, who) {
		return ErrAlreadyConfirmed
	}
	*list = append(*list, who)
	slices.Sort(*list)
	return m.advance(ctx, t)
}

func isBuyer(t *Transfer, who string) bool {
	for _, b := range t.Buyers {
		if b.Account == who {
			return true
		}
	}
	return false
}

func (m *Module) confirmPayment(ctx *module.Context, msg *MsgTransferRef) error {
	t, err := openTransferFor(ctx, msg.ID)
	if err != nil {
		return err
	}
	if t.Paid {
		return ErrAlreadyConfirmed
	}
	t.Paid, t.PaidBy = true, ctx.Signer.Address
	return m.advance(ctx, t)
}

func (m *Module) confirmTax(ctx *module.Context, msg *MsgConfirmTax) error {
	t, err := openTransferFor(ctx, msg.ID)
	if err != nil {
		return err
	}
	if t.TaxPaid {
		return ErrAlreadyConfirmed
	}
	if msg.Amount != t.TaxDue {
		return ErrTaxAmount.Wrapf("due %d, confirmed %d", t.TaxDue, msg.Amount)
	}
	t.TaxPaid = true
	return m.advance(ctx, t)
}

func (m *Module) cancelTransfer(ctx *module.Context, msg *MsgTransferRef) error {
	t, err := GetTransfer(ctx.Store(), msg.ID)
	if err != nil {
		return err
	}
	if t.Status != StatusOpen {
		return ErrTransferClosed.Wrapf("transfer %d is %s", t.ID, t.Status)
	}
	if !slices.Contains(t.Sellers, ctx.Signer.Address) && !isBuyer(t, ctx.Signer.Address) {
		return ErrNotParty
	}
	p, err := GetParcel(ctx.Store(), t.Parcel)
	if err != nil {
		return err
	}
	closeTransfer(ctx, t, p, StatusCancelled, "cancelled by "+ctx.Signer.Address)
	module.SetRecord(ctx.Store(), parcelKey(p.Number), p)
	return nil
}

func (m *Module) setTaxRate(ctx *module.Context, msg *MsgSetTaxRate) error {
	module.SetRecord(ctx.Store(), paramsKey, &Params{TaxRate: msg.Rate})
	ctx.Emit("registry.tax_rate_set", "rate_bp", strconv.FormatUint(uint64(msg.Rate), 10))
	return nil
}

// closeTransfer ends a transfer and takes it off p's pending list (the
// caller stores p).
func closeTransfer(ctx *module.Context, t *Transfer, p *Parcel, status, result string) {
	t.Status, t.Closed, t.Result = status, ctx.Height, result
	module.SetRecord(ctx.Store(), transferKey(t.ID), t)
	p.Pending = without(p.Pending, t.ID)
	ctx.Emit("registry.transfer_"+status, "id", strconv.FormatUint(t.ID, 10), "parcel", t.Parcel)
}

// advance stores a transfer after a condition was met and executes it if
// it was the last one.
func (m *Module) advance(ctx *module.Context, t *Transfer) error {
	module.SetRecord(ctx.Store(), transferKey(t.ID), t)
	p, err := GetParcel(ctx.Store(), t.Parcel)
	if err != nil {
		return err
	}
	if m.tryExecute(ctx, t, p) {
		return nil
	}
	module.SetRecord(ctx.Store(), parcelKey(p.Number), p) // a failed transfer left the pending list
	return nil
}

// conditionsMet reports whether the parties' conditions are all met.
func conditionsMet(t *Transfer) bool {
	return len(t.ConsentedBy) == len(t.Sellers) && len(t.AcceptedBy) == len(t.Buyers) && t.Paid && t.TaxPaid
}

// tryExecute executes t on parcel p if every condition holds now, and
// reports whether it did (p is then stored). A parcel that changed owner
// fails the transfer for good; a freeze or an active encumbrance only makes
// it wait (releasing or unfreezing retries it); a mortgage awaiting consent
// does not. Executing fails every other pending transfer of the parcel (the
// seller no longer owns it) and lapses its pending mortgages.
func (m *Module) tryExecute(ctx *module.Context, t *Transfer, p *Parcel) bool {
	if !conditionsMet(t) {
		return false
	}
	kv := ctx.Store()
	if p.Version != t.ParcelVersion {
		closeTransfer(ctx, t, p, StatusFailed, ErrParcelChanged.Error())
		return false
	}
	if p.Frozen || activeEncumbrances(kv, p.Number) > 0 {
		return false
	}
	for _, o := range p.Owners {
		kv.Delete([]byte(ownerKey(o.Account, p.Number)))
	}
	p.Owners, p.LastPrice = t.Buyers, t.Price
	p.Version++
	for _, o := range p.Owners {
		kv.Set([]byte(ownerKey(o.Account, p.Number)), []byte{})
	}
	closeTransfer(ctx, t, p, StatusExecuted, "ok")
	for _, id := range slices.Clone(p.Pending) {
		other, err := GetTransfer(kv, id)
		if err != nil {
			continue
		}
		closeTransfer(ctx, other, p, StatusFailed, ErrParcelChanged.Error())
	}
	// Mortgages the former owners were asked to consent to lapse: the new
	// owners never were.
	for _, id := range slices.Clone(p.PendingEncumbrances) {
		if e, err := GetEncumbrance(kv, p.Number, id); err == nil {
			closeOffer(ctx, e, p, EncLapsed)
		}
	}
	record(ctx, p, HistoryEntry{Kind: "transferred", Owners: p.Owners, Price: t.Price, Ref: t.ID})
	return true
}

// executePending retries the transfers waiting on parcel p (after a release
// or unfreeze) in id order, and stores p.
func (m *Module) executePending(ctx *module.Context, p *Parcel) {
	for _, id := range slices.Clone(p.Pending) {
		t, err := GetTransfer(ctx.Store(), id)
		if err != nil || t.Status != StatusOpen || t.Expired(ctx.Time.Unix()) {
			continue
		}
		if m.tryExecute(ctx, t, p) {
			return
		}
	}
	module.SetRecord(ctx.Store(), parcelKey(p.Number), p)
}

// without returns ids less id, nil when none is left (as a list absent from
// the record decodes).
func without(ids []uint64, id uint64) []uint64 {
	ids = slices.DeleteFunc(ids, func(x uint64) bool { return x == id })
	if len(ids) == 0 {
		return nil
	}
	return ids
}
