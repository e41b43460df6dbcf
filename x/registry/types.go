package registry

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/crypto"
)

// Name is the module name.
const Name = "registry"

// Roles defined by this module.
const (
	RoleRegistrar = "registry.registrar" // registers parcels (Natural Resources Bureau)
	RoleBank      = "registry.bank"      // mortgages; confirms payments (escrow)
	RoleCourt     = "registry.court"     // liens; freezes and unfreezes
	RoleTax       = "registry.tax"       // confirms transfer tax; sets the rate (Ministry of Finance)
)

// RoleHighCourt is a higher court: it lifts any court's freeze.
const RoleHighCourt = "registry.high_court"

// FullShare is 100% in basis points.
const FullShare = 10000

// Owner is an owner and its share in basis points.
type Owner struct {
	Account string `cbor:"1,keyasint" json:"account"`
	Share   uint32 `cbor:"2,keyasint" json:"share_bp" fmt:"bp"`
}

// SetFlag reads an owner from the command line: ADDRESS[:BASIS_POINTS],
// a lone address owning 10000 (the whole).
func (o *Owner) SetFlag(s string) error {
	addr, bp, found := strings.Cut(s, ":")
	o.Account, o.Share = addr, FullShare
	if found {
		v, err := strconv.ParseUint(bp, 10, 32)
		if err != nil || v == 0 || v > FullShare {
			return fmt.Errorf("share %q: basis points, 1 to %d", bp, FullShare)
		}
		o.Share = uint32(v)
	}
	return nil
}

// FlagSyntax describes SetFlag's form.
func (o *Owner) FlagSyntax() string { return "ADDRESS[:BASIS_POINTS]" }

// Parcel is a land parcel and its current title.
type Parcel struct {
	Number    string  `cbor:"1,keyasint" json:"number"`
	District  string  `cbor:"2,keyasint" json:"district"`
	Location  string  `cbor:"3,keyasint,omitempty" json:"location,omitempty"`
	Area      uint64  `cbor:"4,keyasint" json:"area_centi_m2" fmt:"m2"` // hundredths of a square metre
	Use       string  `cbor:"5,keyasint" json:"use"`
	Owners    []Owner `cbor:"6,keyasint" json:"owners"`
	DeedHash  []byte  `cbor:"7,keyasint,omitempty" json:"deed_hash,omitempty"`
	Frozen    bool    `cbor:"8,keyasint,omitempty" json:"frozen"`
	Version   uint64  `cbor:"9,keyasint,omitempty" json:"version"` // bumped by every change of owner
	LastPrice uint64  `cbor:"10,keyasint,omitempty" json:"last_price,omitempty" fmt:"yuan"`
	Events    uint64  `cbor:"11,keyasint,omitempty" json:"history_length"`
	// Pending lists the open transfers of the parcel, by id.
	Pending []uint64 `cbor:"12,keyasint,omitempty" json:"pending_transfers"`
	// Freeze says who froze the parcel and why, while it is frozen.
	Freeze *Freeze `cbor:"13,keyasint,omitempty" json:"freeze,omitempty"`
	// PendingEncumbrances lists the mortgages awaiting the owners'
	// consent, by id (at most MaxPendingEncumbrances).
	PendingEncumbrances []uint64 `cbor:"14,keyasint,omitempty" json:"pending_encumbrances"`
}

// Freeze is a court's freeze of a parcel. It is lifted by the account that
// set it, by another court official of the same department (the court, not
// the clerk, holds the case), or by a higher court (RoleHighCourt).
type Freeze struct {
	By         string `cbor:"1,keyasint" json:"by"`
	Department string `cbor:"2,keyasint" json:"department"`
	Reason     string `cbor:"3,keyasint" json:"reason"`
	Height     int64  `cbor:"4,keyasint" json:"height"`
}

// Uses a parcel may have.
var Uses = map[string]bool{"residential": true, "commercial": true, "industrial": true, "agricultural": true, "public": true}

// HistoryEntry is one event in a parcel's history.
type HistoryEntry struct {
	Seq    uint64  `cbor:"1,keyasint,omitempty" json:"seq"`
	Kind   string  `cbor:"2,keyasint" json:"kind"` // registered, transferred, encumbered, released, frozen, unfrozen
	Height int64   `cbor:"3,keyasint" json:"height"`
	Time   int64   `cbor:"4,keyasint" json:"time_unix" fmt:"unix"`
	Owners []Owner `cbor:"5,keyasint,omitempty" json:"owners,omitempty"`
	Price  uint64  `cbor:"6,keyasint,omitempty" json:"price,omitempty" fmt:"yuan"`
	By     string  `cbor:"7,keyasint" json:"by"`
	Ref    uint64  `cbor:"8,keyasint,omitempty" json:"ref,omitempty"` // transfer or encumbrance id
	// Reason is the case reference of a freeze or unfreeze.
	Reason string `cbor:"9,keyasint,omitempty" json:"reason,omitempty"`
	// Department is the signer's department (By's court, bank or bureau).
	Department string `cbor:"10,keyasint,omitempty" json:"department,omitempty"`
	// EncumbranceKind and Holder describe the encumbrance Ref names (for
	// encumbered and released; Price is then its secured amount).
	EncumbranceKind string `cbor:"11,keyasint,omitempty" json:"encumbrance_kind,omitempty"`
	Holder          string `cbor:"12,keyasint,omitempty" json:"holder,omitempty"`
}

// Encumbrance kinds.
const (
	KindMortgage = "mortgage"
	KindLien     = "lien"
)

// Encumbrance statuses. A lien is active from the start; a mortgage is
// pending until every owner consents, and ends withdrawn (by its bank),
// declined (by an owner), expired (past its deadline, when its slot is
// reclaimed) or lapsed (the parcel changed owner first) if it never
// becomes active.
const (
	EncPending   = "pending"
	EncActive    = "active"
	EncReleased  = "released"
	EncWithdrawn = "withdrawn"
	EncDeclined  = "declined"
	EncExpired   = "expired"
	EncLapsed    = "lapsed"
)

// Encumbrance is a mortgage or lien on a parcel.
type Encumbrance struct {
	ID       uint64 `cbor:"1,keyasint" json:"id"`
	Parcel   string `cbor:"2,keyasint" json:"parcel"`
	Kind     string `cbor:"3,keyasint" json:"kind"`
	Holder   string `cbor:"4,keyasint" json:"holder"`
	Amount   uint64 `cbor:"5,keyasint,omitempty" json:"amount" fmt:"yuan"`
	Active   bool   `cbor:"6,keyasint,omitempty" json:"active"` // in force: Status is active
	Created  int64  `cbor:"7,keyasint" json:"created_height"`
	Released int64  `cbor:"8,keyasint,omitempty" json:"released_height,omitempty"`
	// Status is one of the Enc* statuses (empty in records written before
	// statuses: Active tells active from released).
	Status string `cbor:"9,keyasint,omitempty" json:"status"`
	// Owners are the parcel's owners when a mortgage was offered: each
	// must consent before it is active.
	Owners      []string `cbor:"10,keyasint,omitempty" json:"owners,omitempty"`
	ConsentedBy []string `cbor:"11,keyasint,omitempty" json:"consented_by,omitempty"`
	// Deadline is the block time after which a pending mortgage can no
	// longer be consented to (its offer lapses).
	Deadline  int64  `cbor:"12,keyasint,omitempty" json:"deadline_unix,omitempty" fmt:"unix"`
	Activated int64  `cbor:"13,keyasint,omitempty" json:"activated_height,omitempty"`
	Closed    int64  `cbor:"14,keyasint,omitempty" json:"closed_height,omitempty"` // withdrawn, declined, expired or lapsed
	Reference string `cbor:"15,keyasint,omitempty" json:"reference,omitempty"`
	// HolderDepartment is the holder's department (one bank's share of a
	// parcel's pending mortgages is bounded).
	HolderDepartment string `cbor:"16,keyasint,omitempty" json:"holder_department,omitempty"`
	// EffectiveStatus is derived when read, never stored: a pending
	// mortgage past its deadline shows as "expired".
	EffectiveStatus string `cbor:"-" json:"effective_status,omitempty" derive:"status; when status is absent, active if active is true, else released; then expired instead if that is pending, deadline_unix is not 0 and the block time in unix seconds (rounded down) is greater than deadline_unix"`
}

// State is the encumbrance's status, also for records written before
// statuses were stored.
func (e *Encumbrance) State() string {
	switch {
	case e.Status != "":
		return e.Status
	case e.Active:
		return EncActive
	}
	return EncReleased
}

// expired reports whether a pending mortgage is past its deadline at block
// time now (unix seconds).
func (e *Encumbrance) expired(now int64) bool {
	return e.State() == EncPending && e.Deadline != 0 && now > e.Deadline
}

// Transfer statuses.
const (
	StatusOpen      = "open"
	StatusExecuted  = "executed"
	StatusCancelled = "cancelled"
	StatusFailed    = "failed"
)

// Transfer is a conditional sale: it executes in the block where its last
// condition is met.
type Transfer struct {
	ID            uint64   `cbor:"1,keyasint" json:"id"`
	Parcel        string   `cbor:"2,keyasint" json:"parcel"`
	Seller        string   `cbor:"3,keyasint" json:"seller"`
	Buyers        []Owner  `cbor:"4,keyasint" json:"buyers"`
	Price         uint64   `cbor:"5,keyasint" json:"price" fmt:"yuan"`
	TaxDue        uint64   `cbor:"6,keyasint,omitempty" json:"tax_due" fmt:"yuan"`
	Deadline      int64    `cbor:"7,keyasint,omitempty" json:"deadline_unix,omitempty" fmt:"unix"`
	ParcelVersion uint64   `cbor:"8,keyasint,omitempty" json:"parcel_version"`
	AcceptedBy    []string `cbor:"9,keyasint,omitempty" json:"accepted_by"`
	Paid          bool     `cbor:"10,keyasint,omitempty" json:"paid"`
	PaidBy        string   `cbor:"11,keyasint,omitempty" json:"paid_by,omitempty"`
	TaxPaid       bool     `cbor:"12,keyasint,omitempty" json:"tax_paid"`
	Status        string   `cbor:"13,keyasint" json:"status"`
	Opened        int64    `cbor:"14,keyasint" json:"opened_height"`
	Closed        int64    `cbor:"15,keyasint,omitempty" json:"closed_height,omitempty"`
	Result        string   `cbor:"16,keyasint,omitempty" json:"result,omitempty"`
	// Sellers are the parcel's owners at opening; every one must consent
	// (the opener does by opening).
	Sellers     []string `cbor:"17,keyasint" json:"sellers"`
	ConsentedBy []string `cbor:"18,keyasint,omitempty" json:"consented_by"`
	// EffectiveStatus is derived when read, never stored: an open transfer
	// past its deadline shows as "expired".
	EffectiveStatus string `cbor:"-" json:"effective_status,omitempty" derive:"status, but expired if status is open, deadline_unix is not 0 and the block time in unix seconds (rounded down) is greater than deadline_unix"`
}

// Expired reports whether the transfer's deadline has passed at block
// time now (unix seconds); a transfer without a deadline never expires.
func (t *Transfer) Expired(now int64) bool { return t.Deadline != 0 && now > t.Deadline }

// Params are set by the tax role.
type Params struct {
	TaxRate uint32 `cbor:"1,keyasint,omitempty" json:"tax_rate_bp" fmt:"bp"`
}

// Meta holds counters.
type Meta struct {
	NextEncumbrance uint64 `cbor:"1,keyasint,omitempty"`
	NextTransfer    uint64 `cbor:"2,keyasint,omitempty"`
}

func checkText(field, s string, max int, required bool) error {
	if (required && s == "") || len(s) > max || !utf8.ValidString(s) {
		return module.ErrInvalidField.Wrapf("%s must be 1 to %d bytes of UTF-8", field, max)
	}
	return nil
}

// checkOwners validates a share list: known form, positive shares summing
// to 100%, no account twice.
func checkOwners(owners []Owner) error {
	if len(owners) == 0 || len(owners) > 32 {
		return ErrBadShares.Wrapf("1 to 32 owners")
	}
	var sum uint64
	seen := map[string]bool{}
	for _, o := range owners {
		if !crypto.ValidAddress(o.Account) {
			return module.ErrInvalidField.Wrapf("owner %q is not an address", o.Account)
		}
		if seen[o.Account] {
			return ErrBadShares.Wrapf("%s listed twice", o.Account)
		}
		seen[o.Account] = true
		if o.Share == 0 {
			return ErrBadShares
		}
		sum += uint64(o.Share)
	}
	if sum != FullShare {
		return ErrBadShares.Wrapf("shares sum to %d", sum)
	}
	return nil
}

var parcelRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$`)

// checkParcelNumber: 1-64 letters, digits, '.' and '-' (it names state keys).
func checkParcelNumber(n string) error {
	if !parcelRe.MatchString(n) {
		return module.ErrInvalidField.Wrapf("parcel number %q: 1-64 of A-Z, a-z, 0-9, '.', '-'", n)
	}
	return nil
}

func parcelKey(n string) string              { return "parcel/" + n }
func historyKey(n string, seq uint64) string { return fmt.Sprintf("hist/%s/%020d", n, seq) }
func encKey(n string, id uint64) string      { return fmt.Sprintf("enc/%s/%020d", n, id) }
func ownerKey(acct, n string) string         { return "owner/" + acct + "/" + n }
func transferKey(id uint64) string           { return fmt.Sprintf("xfer/%020d", id) }
func activeEncKey(n string) string           { return "activeenc/" + n }

const (
	paramsKey = "params"
	metaKey   = "meta"
)
