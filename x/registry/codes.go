package registry

import "github.com/govchain/govchain/app/module"

// Result codes of the registry module (200-299). Never renumber.
var (
	ErrUnknownParcel  = module.Register(Name, 200, "unknown parcel")
	ErrParcelExists   = module.Register(Name, 201, "parcel number already registered")
	ErrBadShares      = module.Register(Name, 202, "owner shares must be positive and sum to 10000 basis points")
	ErrBadArea        = module.Register(Name, 203, "area must be positive")
	ErrBadPrice       = module.Register(Name, 204, "price must be positive")
	ErrNotOwner       = module.Register(Name, 205, "signer is not the parcel's sole owner")
	ErrFrozen         = module.Register(Name, 206, "parcel is frozen")
	ErrAlreadyFrozen  = module.Register(Name, 207, "parcel is already frozen")
	ErrNotFrozen      = module.Register(Name, 208, "parcel is not frozen")
	ErrUnknownEncumbr = module.Register(Name, 209, "unknown encumbrance")
	ErrNotHolder      = module.Register(Name, 210, "only the holder releases an encumbrance")
	ErrReleased       = module.Register(Name, 211, "encumbrance already released")
	// 212 (parcel has an active mortgage or lien) is retired: a transfer
	// waits for its encumbrances to be released instead of failing.
	ErrUnknownTransfer  = module.Register(Name, 213, "unknown transfer")
	ErrTransferClosed   = module.Register(Name, 214, "transfer is no longer open")
	ErrDeadlinePassed   = module.Register(Name, 215, "transfer deadline has passed")
	ErrNotBuyer         = module.Register(Name, 216, "signer is not a buyer of the transfer")
	ErrAlreadyConfirmed = module.Register(Name, 217, "already confirmed")
	ErrTaxAmount        = module.Register(Name, 218, "tax amount differs from the tax due")
	ErrParcelChanged    = module.Register(Name, 219, "parcel changed since the transfer was opened")
	ErrNotParty         = module.Register(Name, 220, "only the seller or a buyer may cancel")
	ErrBadRate          = module.Register(Name, 221, "tax rate must be 0 to 10000 basis points")
	ErrOverflow         = module.Register(Name, 222, "amount too large")
	ErrBuyerIsSeller    = module.Register(Name, 223, "the seller cannot be a buyer")
	ErrUnknownBuyer     = module.Register(Name, 224, "buyer account does not exist")
	ErrWrongRoleForKind = module.Register(Name, 225, "mortgages are registered by banks, liens by courts")
	ErrTooManyPending   = module.Register(Name, 226, "parcel has too many open transfers")
	ErrNotFreezer       = module.Register(Name, 227, "a freeze is lifted by the court that set it or by a higher court")
	ErrTooManyEncumbr   = module.Register(Name, 228, "parcel has too many encumbrances in force")
	ErrTooManyOffers    = module.Register(Name, 229, "parcel has too many mortgages awaiting consent")
	ErrNotConsenter     = module.Register(Name, 230, "signer is not an owner whose consent the mortgage needs")
	ErrNotAwaiting      = module.Register(Name, 231, "encumbrance is not awaiting consent")
	ErrOfferExpired     = module.Register(Name, 232, "the mortgage's consent deadline has passed")
)
