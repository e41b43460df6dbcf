package credentials

import "github.com/govchain/govchain/app/module"

// Result codes of the credentials module (750-799). Never renumber.
var (
	ErrUnknownList      = module.Register(Name, 750, "unknown status list")
	ErrListExists       = module.Register(Name, 751, "status list already exists")
	ErrBadPurpose       = module.Register(Name, 752, "status purpose must be revocation or suspension")
	ErrBadSize          = module.Register(Name, 753, "status list size must be a multiple of 8 from 8 to 1048576 bits")
	ErrIndexRange       = module.Register(Name, 754, "index beyond the status list")
	ErrWrongPurpose     = module.Register(Name, 755, "the status list has another purpose")
	ErrAlreadyRevoked   = module.Register(Name, 756, "credential already revoked; revocation is final")
	ErrNotIssuer        = module.Register(Name, 757, "the signer's department is not a credential issuer")
	ErrNotSuspended     = module.Register(Name, 758, "credential is not suspended")
	ErrAlreadySuspended = module.Register(Name, 759, "credential is already suspended")
	ErrTooManyLists     = module.Register(Name, 760, "department has too many status lists")
	ErrRegistered       = module.Register(Name, 761, "credential already registered")
	ErrNotRegistered    = module.Register(Name, 762, "no such credential registered by the department")
	ErrBadDigest        = module.Register(Name, 763, "digest must be the base64url (no padding) SHA-256 of the issuer JWT: 43 characters")
)
