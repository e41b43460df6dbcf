package welfare

import "github.com/govchain/govchain/app/module"

// Result codes of the welfare module (500-599). Never renumber.
var (
	ErrUnknownProgram    = module.Register(Name, 500, "unknown program")
	ErrProgramExists     = module.Register(Name, 501, "program id already used")
	ErrBadAmount         = module.Register(Name, 502, "benefit amount must be 1 fen to 10^12 fen")
	ErrNotEnrolled       = module.Register(Name, 503, "the account is not enrolled in the program")
	ErrAlreadyEnrolled   = module.Register(Name, 504, "the account is already enrolled in the program")
	ErrWrongDepartment   = module.Register(Name, 505, "the signer's department may not act on this program or attestation kind")
	ErrKindNotRequired   = module.Register(Name, 506, "the program requires no attestation of this kind")
	ErrAttestationExpiry = module.Register(Name, 507, "attestation validity must end after now and within the program's validity period")
	ErrSuspended         = module.Register(Name, 508, "the enrolment is not active (suspended, graduated or deceased)")
	ErrNotEligible       = module.Register(Name, 509, "the beneficiary is not eligible now (a required attestation is missing or expired)")
	ErrFuturePeriod      = module.Register(Name, 510, "the period has not begun")
	ErrBadPeriod         = module.Register(Name, 511, "period must be YYYY-MM")
	ErrUnknownRun        = module.Register(Name, 512, "unknown run")
	ErrRunNotOpen        = module.Register(Name, 513, "the run is no longer open")
	ErrBudgetRefused     = module.Register(Name, 514, "the budget line refused the run's reservation")
	ErrOverflow          = module.Register(Name, 515, "amount too large")
	ErrRunInProgress     = module.Register(Name, 516, "a run of this program and period is already open")
	ErrUnknownPayment    = module.Register(Name, 517, "unknown payment")
	ErrPaymentNotFailed  = module.Register(Name, 518, "only a payment marked failed can be retried")
	ErrBadStatus         = module.Register(Name, 519, "status change not allowed")
	ErrNotBeneficiary    = module.Register(Name, 520, "only the beneficiary appeals their enrolment's status")
	ErrUnknownAccount    = module.Register(Name, 521, "beneficiary account does not exist")
	ErrBadRequirements   = module.Register(Name, 522, "requirements: 0 to 8 distinct kinds, each with an attesting department and a validity of 1 to 3660 days")
	ErrBadDigest         = module.Register(Name, 523, "digest must be the 43-character base64url SHA-256 of an SD-JWT disclosure")
	ErrNoBudgetLine      = module.Register(Name, 524, "the chain keeps budget lines: a program names the line it draws on")
	ErrPaymentFailed     = module.Register(Name, 525, "payment is already marked failed")
	ErrNothingToAppeal   = module.Register(Name, 526, "only a suspended enrolment can be appealed")
)
