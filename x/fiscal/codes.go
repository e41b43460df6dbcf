package fiscal

import "github.com/govchain/govchain/app/module"

// Result codes of the fiscal module (400-499). Never renumber.
var (
	ErrUnknownLine     = module.Register(Name, 400, "unknown budget line")
	ErrLineExists      = module.Register(Name, 401, "budget line already appropriated")
	ErrBadAmount       = module.Register(Name, 402, "amount must be positive")
	ErrOverflow        = module.Register(Name, 403, "amount too large")
	ErrInsufficient    = module.Register(Name, 404, "amount exceeds the line's available balance")
	ErrWrongDepartment = module.Register(Name, 405, "the signer's department may not spend from this line")
	ErrNoReason        = module.Register(Name, 406, "an adjustment needs a reason")
	ErrBelowSpent      = module.Register(Name, 407, "adjustment would leave the line below what is committed and paid")
	ErrDuplicatePayID  = module.Register(Name, 408, "payment id already used")
	ErrUnknownCommit   = module.Register(Name, 409, "no commitment of this ref on the line")
	ErrExceedsCommit   = module.Register(Name, 410, "amount exceeds what the ref committed and has not paid")
	ErrBadFunction     = module.Register(Name, 411, "unknown functional classification code")
	ErrBadEconomic     = module.Register(Name, 412, "unknown economic classification code")
	ErrBadFundSource   = module.Register(Name, 413, "fund source must be general, government_fund, state_capital or social_insurance")
	ErrBadPayee        = module.Register(Name, 414, "payee must be an organisation identifier or a citizen's account address, never a name")
	ErrBadRef          = module.Register(Name, 415, "ref must be 1-128 of A-Z a-z 0-9 . _ : / -")
	ErrUnknownDept     = module.Register(Name, 416, "unknown department")
	ErrBadYear         = module.Register(Name, 417, "fiscal year must be 2000 to 2999")
	ErrUnknownPayment  = module.Register(Name, 418, "unknown payment")
	ErrLineClosed      = module.Register(Name, 419, "budget line is closed")
)
