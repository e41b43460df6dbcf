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

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/identity"
)

// MaxPending bounds the open transfers of one parcel (each lives in the
// parcel's record).
const MaxPending = 16

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
	}
}

// Routes declares each message with the roles it needs; ownership, holding
// and party checks are in the handlers.
func (m *Module) Routes() []module.Route {
	return []module.Route{
		module.NewRoute(TypeRegisterParcel, []string{RoleRegistrar}, "Register a parcel and its first title", m.registerParcel),
		module.NewRoute(TypeAddEncumbrance, []string{RoleBank, RoleCourt}, "Register a mortgage (bank) or a lien (court) on a parcel", m.addEncumbrance),
		module.NewRoute(TypeReleaseEncumbrance, []string{RoleBank, RoleCourt}, "Release a mortgage or lien (its holder only)", m.releaseEncumbrance),
		module.NewRoute(TypeFreeze, []string{RoleCourt}, "Freeze a parcel: its transfers wait until it is unfrozen", m.freeze),
		module.NewRoute(TypeUnfreeze, []string{RoleCourt}, "Lift a parcel's freeze", m.unfreeze),
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
	e.Seq, e.Height, e.Time, e.By = p.Events, ctx.Height, ctx.Time.Unix(), ctx.Signer.Address
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

func (m *Module) addEncumbrance(ctx *module.Context, msg *MsgAddEncumbrance) error {
	if (msg.Kind == KindMortgage && !ctx.Signer.HasRole(RoleBank)) || (msg.Kind == KindLien && !ctx.Signer.HasRole(RoleCourt)) {
		return ErrWrongRoleForKind
	}
	kv := ctx.Store()
	p, err := GetParcel(kv, msg.Parcel)
	if err != nil {
		return err
	}
	meta, err := getMeta(kv)
	if err != nil {
		return err
	}
	meta.NextEncumbrance++
	e := &Encumbrance{ID: meta.NextEncumbrance, Parcel: p.Number, Kind: msg.Kind, Holder: ctx.Signer.Address,
		Amount: msg.Amount, Active: true, Created: ctx.Height}
	module.SetRecord(kv, metaKey, meta)
	module.SetRecord(kv, encKey(p.Number, e.ID), e)
	setActiveEncumbrances(kv, p.Number, activeEncumbrances(kv, p.Number)+1)
	record(ctx, p, HistoryEntry{Kind: "encumbered", Ref: e.ID, Price: msg.Amount})
	return nil
}

func (m *Module) releaseEncumbrance(ctx *module.Context, msg *MsgReleaseEncumbrance) error {
	kv := ctx.Store()
	e, err := GetEncumbrance(kv, msg.Parcel, msg.ID)
	if err != nil {
		return err
	}
	if e.Holder != ctx.Signer.Address {
		return ErrNotHolder
	}
	if !e.Active {
		return ErrReleased
	}
	e.Active, e.Released = false, ctx.Height
	module.SetRecord(kv, encKey(e.Parcel, e.ID), e)
	setActiveEncumbrances(kv, e.Parcel, activeEncumbrances(kv, e.Parcel)-1)
	p, err := GetParcel(kv, e.Parcel)
	if err != nil {
		return err
	}
	record(ctx, p, HistoryEntry{Kind: "released", Ref: e.ID})
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
	record(ctx, p, HistoryEntry{Kind: "frozen"})
	return nil
}

func (m *Module) unfreeze(ctx *module.Context, msg *MsgFreeze) error {
	kv := ctx.Store()
	p, err := GetParcel(kv, msg.Parcel)
	if err != nil {
		return err
	}
	if !p.Frozen {
		return ErrNotFrozen
	}
	p.Frozen = false
	record(ctx, p, HistoryEntry{Kind: "unfrozen"})
	m.executePending(ctx, p)
	return nil
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
	if t.Deadline != 0 && ctx.Time.Unix() > t.Deadline {
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
	p.Pending = slices.DeleteFunc(p.Pending, func(id uint64) bool { return id == t.ID })
	if len(p.Pending) == 0 {
		p.Pending = nil
	}
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
// it wait (releasing or unfreezing retries it). Executing fails every other
// pending transfer of the parcel: the seller no longer owns it.
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
	record(ctx, p, HistoryEntry{Kind: "transferred", Owners: p.Owners, Price: t.Price, Ref: t.ID})
	return true
}

// executePending retries the transfers waiting on parcel p (after a release
// or unfreeze) in id order, and stores p.
func (m *Module) executePending(ctx *module.Context, p *Parcel) {
	for _, id := range slices.Clone(p.Pending) {
		t, err := GetTransfer(ctx.Store(), id)
		if err != nil || t.Status != StatusOpen || (t.Deadline != 0 && ctx.Time.Unix() > t.Deadline) {
			continue
		}
		if m.tryExecute(ctx, t, p) {
			return
		}
	}
	module.SetRecord(ctx.Store(), parcelKey(p.Number), p)
}
