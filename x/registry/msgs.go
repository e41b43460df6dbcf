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
)

// MsgRegisterParcel records a parcel and its first title.
type MsgRegisterParcel struct {
	Number   string  `cbor:"1,keyasint" json:"number"`
	District string  `cbor:"2,keyasint" json:"district"`
	Location string  `cbor:"3,keyasint,omitempty" json:"location,omitempty"`
	Area     uint64  `cbor:"4,keyasint" json:"area_centi_m2"`
	Use      string  `cbor:"5,keyasint" json:"use"`
	Owners   []Owner `cbor:"6,keyasint" json:"owners"`
	DeedHash []byte  `cbor:"7,keyasint,omitempty" json:"deed_hash,omitempty"`
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

// MsgAddEncumbrance registers a mortgage (bank) or lien (court).
type MsgAddEncumbrance struct {
	Parcel string `cbor:"1,keyasint" json:"parcel"`
	Kind   string `cbor:"2,keyasint" json:"kind"`
	Amount uint64 `cbor:"3,keyasint,omitempty" json:"amount"`
}

func (m *MsgAddEncumbrance) Validate() error {
	if err := checkParcelNumber(m.Parcel); err != nil {
		return err
	}
	if m.Kind != KindMortgage && m.Kind != KindLien {
		return module.ErrInvalidField.Wrapf("kind must be mortgage or lien")
	}
	return nil
}

// MsgReleaseEncumbrance releases an encumbrance (its holder only).
type MsgReleaseEncumbrance struct {
	Parcel string `cbor:"1,keyasint" json:"parcel"`
	ID     uint64 `cbor:"2,keyasint" json:"id"`
}

func (m *MsgReleaseEncumbrance) Validate() error { return checkParcelNumber(m.Parcel) }

// MsgFreeze freezes or unfreezes a parcel (court).
type MsgFreeze struct {
	Parcel string `cbor:"1,keyasint" json:"parcel"`
	Reason string `cbor:"2,keyasint,omitempty" json:"reason,omitempty"`
}

func (m *MsgFreeze) Validate() error {
	if err := checkParcelNumber(m.Parcel); err != nil {
		return err
	}
	return checkText("reason", m.Reason, 256, false)
}

// MsgOpenTransfer opens a conditional sale of a whole parcel by one of its
// owners; every other co-owner consents with accept_transfer.
type MsgOpenTransfer struct {
	Parcel   string  `cbor:"1,keyasint" json:"parcel"`
	Buyers   []Owner `cbor:"2,keyasint" json:"buyers"`
	Price    uint64  `cbor:"3,keyasint" json:"price"`
	Deadline int64   `cbor:"4,keyasint,omitempty" json:"deadline_unix,omitempty"`
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
	ID uint64 `cbor:"1,keyasint" json:"id"`
}

// MsgConfirmTax confirms the transfer tax was paid, with its amount.
type MsgConfirmTax struct {
	ID     uint64 `cbor:"1,keyasint" json:"id"`
	Amount uint64 `cbor:"2,keyasint,omitempty" json:"amount"`
}

// MsgSetTaxRate sets the transfer tax rate in basis points of the price.
type MsgSetTaxRate struct {
	Rate uint32 `cbor:"1,keyasint,omitempty" json:"rate_bp"`
}

func (m *MsgSetTaxRate) Validate() error {
	if m.Rate > FullShare {
		return ErrBadRate
	}
	return nil
}
