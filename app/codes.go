package app

import "github.com/govchain/govchain/app/module"

// Result codes of the application itself (1-99; 5, 8-10, 20-22 and 99 are
// declared in app/module, 5 and 8-10 because the module test kit returns
// them too). Never renumber: clients and the record log keep them.
var (
	ErrMalformedTx    = module.Register("app", 1, "malformed transaction")
	ErrTxTooLarge     = module.Register("app", 2, "transaction too large")
	ErrWrongChainID   = module.Register("app", 3, "wrong chain-id")
	ErrBadSignature   = module.Register("app", 4, "invalid signature")
	ErrUnknownSigner  = module.ErrUnknownSigner
	ErrBadSequence    = module.Register("app", 6, "wrong sequence number")
	ErrKeyMismatch    = module.Register("app", 7, "signature key is not the account's key")
	ErrUnknownMsgType = module.ErrUnknownMsgType
	ErrUnauthorized   = module.ErrUnauthorized
	ErrSignerDisabled = module.ErrSignerDisabled
	// 11 (citizen accounts may not send this message) is retired.
	ErrUnknownQuery = module.Register("app", 12, "unknown query path")
	// Mempool admission (app/sequence.go, MempoolLimits); CheckTx only.
	ErrSequenceGap     = module.Register("app", 13, "sequence too far beyond the account's lowest missing one")
	ErrAccountPending  = module.Register("app", 14, "the account has too many pending transactions")
	ErrDepartmentShare = module.Register("app", 15, "the department's accounts hold their whole share of the mempool")
	ErrMempoolBusy     = module.Register("app", 16, "the mempool is nearly full and the signer's department holds the most of it")
	ErrGapExpired      = module.Register("app", 17, "dropped from the mempool: a missing earlier sequence did not arrive in time")
)
