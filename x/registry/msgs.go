package registry

import (
	"github.com/govchain/govchain/app/module"
)

// Message types.
const (
	TypeRegisterParcel     = "registry.register_parcel"
	TypeAddEncumbrance     = "registry.add_encumbrance"
	TypeReleaseEncumbrance = "registry.release_encumbrance"
	TypeFreeze             = "registry.freeze"
	TypeUnfreeze           = "registry.unfreeze"
	TypeOpenTransfer       = "registry.open_transfer"
	TypeAcceptTransfer     = "registry.accept_transfer"
	TypeConfirmPayment     = "registry.confirm_payment"
	TypeConfirmTax         = "registry.confirm_tax"
	TypeCancelTransfer     = "registry.cancel_transfer"
	TypeSetTaxRate         = "registry.set_tax_rate"
	TypeAcceptEncumbrance  = "registry.accept_encumbrance"
	TypeDeclineEncumbrance = "registry.decline_encumbrance"
)

// MsgRegisterParcel records a parcel and its first title.
type MsgRegisterParcel struct {
	Number   string  `cbor:"1,keyasint" json:"number" cli:"arg" doc:"parcel number: 1-64 of A-Z a-z 0-9 . -"`
	District string  `cbor:"2,keyasint" json:"district" doc:"district"`
	Location string  `cbor:"3,keyasint,omitempty" json:"location,omitempty" doc:"address or location"`
	Area     uint64  `cbor:"4,keyasint" json:"area_centi_m2" cli:"name=area" doc:"area in hundredths of a square metre (8956 = 89.56 m²)" fmt:"m2"`
	Use      string  `cbor:"5,keyasint" json:"use" doc:"residential, commercial, industrial, agricultural or public" default:"residential"`
	Owners   []Owner `cbor:"6,keyasint" json:"owners" cli:"name=owner" doc:"an owner and share; shares sum to 10000"`
	DeedHash []byte  `cbor:"7,keyasint,omitempty" json:"deed_hash,omitempty" cli:"hex" doc:"SHA-256 of the deed document kept off-chain"`
}

func (m *MsgRegisterParcel) Validate() error {
	if err := checkParcelNumber(m.Number); err != nil {
		return err
	}
	if err := checkText("district", m.District, 128, true); err != nil {
		return err
	}
	if err := checkText("location", m.Location, 256, false); err != nil {
		return err
	}
	if m.Area == 0 {
		return ErrBadArea
	}
	if !Uses[m.Use] {
		return module.ErrInvalidField.Wrapf("use %q: residential, commercial, industrial, agricultural or public", m.Use)
	}
	if len(m.DeedHash) != 0 && len(m.DeedHash) != 32 {
		return module.ErrInvalidField.Wrapf("deed hash must be 32 bytes")
	}
	return checkOwners(m.Owners)
}

// MsgAddEncumbrance registers a lien (court) or offers a mortgage (bank)
// for the owners' consent.
type MsgAddEncumbrance struct {
	Parcel    string `cbor:"1,keyasint" json:"parcel" cli:"arg"`
	Kind      string `cbor:"2,keyasint" json:"kind" doc:"mortgage (a bank) or lien (a court)" default:"mortgage"`
	Amount    uint64 `cbor:"3,keyasint,omitempty" json:"amount" doc:"secured amount in fen" fmt:"yuan"`
	Reference string `cbor:"4,keyasint,omitempty" json:"reference,omitempty" doc:"loan contract number (mortgage) or case reference (lien: required)"`
}

func (m *MsgAddEncumbrance) Validate() error {
	if err := checkParcelNumber(m.Parcel); err != nil {
		return err
	}
	if m.Kind != KindMortgage && m.Kind != KindLien {
		return module.ErrInvalidField.Wrapf("kind must be mortgage or lien")
	}
	return checkText("reference", m.Reference, 256, m.Kind == KindLien)
}

// MsgEncumbranceRef names an encumbrance of a parcel: its holder releases
// or withdraws it, an owner accepts or declines it.
type MsgEncumbranceRef struct {
	Parcel string `cbor:"1,keyasint" json:"parcel" cli:"arg"`
	ID     uint64 `cbor:"2,keyasint" json:"id" cli:"arg" doc:"encumbrance id"`
}

func (m *MsgEncumbranceRef) Validate() error { return checkParcelNumber(m.Parcel) }

// MsgFreeze freezes a parcel (a court, by order in a case).
type MsgFreeze struct {
	Parcel string `cbor:"1,keyasint" json:"parcel" cli:"arg"`
	Reason string `cbor:"2,keyasint" json:"reason" doc:"case reference and grounds of the court order"`
}

func (m *MsgFreeze) Validate() error {
	if err := checkParcelNumber(m.Parcel); err != nil {
		return err
	}
	return checkText("reason", m.Reason, 256, true)
}

// MsgUnfreeze lifts a parcel's freeze (the court that set it, or a higher
// court).
type MsgUnfreeze struct {
	Parcel string `cbor:"1,keyasint" json:"parcel" cli:"arg"`
	Reason string `cbor:"2,keyasint,omitempty" json:"reason,omitempty" doc:"case reference of the order lifting the freeze"`
}

func (m *MsgUnfreeze) Validate() error {
	if err := checkParcelNumber(m.Parcel); err != nil {
		return err
	}
	return checkText("reason", m.Reason, 256, false)
}

// MsgOpenTransfer opens a conditional sale of a whole parcel by one of its
// owners; every other co-owner consents with accept_transfer.
type MsgOpenTransfer struct {
	Parcel   string  `cbor:"1,keyasint" json:"parcel" cli:"arg"`
	Buyers   []Owner `cbor:"2,keyasint" json:"buyers" cli:"name=buyer" doc:"a buyer and share; shares sum to 10000"`
	Price    uint64  `cbor:"3,keyasint" json:"price" doc:"price in fen" fmt:"yuan"`
	Deadline int64   `cbor:"4,keyasint,omitempty" json:"deadline_unix,omitempty" cli:"name=deadline" doc:"unix time after which the transfer can no longer execute (0: none)" fmt:"unix"`
}

func (m *MsgOpenTransfer) Validate() error {
	if err := checkParcelNumber(m.Parcel); err != nil {
		return err
	}
	if m.Price == 0 {
		return ErrBadPrice
	}
	if m.Deadline < 0 {
		return module.ErrInvalidField.Wrapf("deadline must be a unix time")
	}
	return checkOwners(m.Buyers)
}

// MsgTransferRef names a transfer.
type MsgTransferRef struct {
	ID uint64 `cbor:"1,keyasint" json:"id" cli:"arg" doc:"transfer id"`
}

// MsgConfirmTax confirms the transfer tax was paid, with its amount.
type MsgConfirmTax struct {
	ID     uint64 `cbor:"1,keyasint" json:"id" cli:"arg" doc:"transfer id"`
	Amount uint64 `cbor:"2,keyasint,omitempty" json:"amount" doc:"the tax paid in fen, equal to the transfer's tax_due" fmt:"yuan"`
}

// MsgSetTaxRate sets the transfer tax rate in basis points of the price.
type MsgSetTaxRate struct {
	Rate uint32 `cbor:"1,keyasint,omitempty" json:"rate_bp" cli:"arg" doc:"basis points of the price, 0 to 10000" fmt:"bp"`
}

func (m *MsgSetTaxRate) Validate() error {
	if m.Rate > FullShare {
		return ErrBadRate
	}
	return nil
}
