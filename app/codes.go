package app

import "github.com/govchain/govchain/app/module"

// Result codes of the application itself (1-99; 20-22 and 99 are in
// app/module). Never renumber: clients and the record log keep them.
var (
	ErrMalformedTx    = module.Register("app", 1, "malformed transaction")
	ErrTxTooLarge     = module.Register("app", 2, "transaction too large")
	ErrWrongChainID   = module.Register("app", 3, "wrong chain-id")
	ErrBadSignature   = module.Register("app", 4, "invalid signature")
	ErrUnknownSigner  = module.Register("app", 5, "unknown signer account")
	ErrBadSequence    = module.Register("app", 6, "wrong sequence number")
	ErrKeyMismatch    = module.Register("app", 7, "signature key is not the account's key")
	ErrUnknownMsgType = module.Register("app", 8, "unknown message type")
	ErrUnauthorized   = module.Register("app", 9, "signer lacks the role this message needs")
	ErrSignerDisabled = module.Register("app", 10, "signer account is disabled")
	// 11 (citizen accounts may not send this message) is retired.
	ErrUnknownQuery = module.Register("app", 12, "unknown query path")
)
