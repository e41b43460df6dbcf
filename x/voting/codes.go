package voting

import "github.com/govchain/govchain/app/module"

// Result codes of the voting module (600-699). Never renumber.
var (
	ErrUnknownElection = module.Register(Name, 600, "unknown election")
	ErrElectionExists  = module.Register(Name, 601, "election id already used")
	ErrBadManifest     = module.Register(Name, 602, "invalid election manifest")
	ErrBadWindow       = module.Register(Name, 603, "voting window must end after it starts, and start in the future")
	ErrAfterOpening    = module.Register(Name, 604, "the roll and manifest cannot change once voting has opened")
	ErrNotTrustee      = module.Register(Name, 605, "signer is not a trustee of the election")
	ErrTrusteeActed    = module.Register(Name, 606, "trustee already posted this step")
	ErrBadCommitment   = module.Register(Name, 607, "key ceremony commitment does not verify")
	ErrNoJointKey      = module.Register(Name, 608, "the key ceremony is not complete")
	ErrNotOpen         = module.Register(Name, 609, "ballot outside the voting window")
	ErrNotOnRoll       = module.Register(Name, 610, "signer is not on the election's voter roll")
	ErrAlreadyVoted    = module.Register(Name, 611, "voter already cast a ballot and re-voting is off")
	ErrBadBallot       = module.Register(Name, 612, "ballot does not verify")
	ErrRevealOnCast    = module.Register(Name, 613, "a cast ballot must not carry a reveal")
	ErrBallotIDUsed    = module.Register(Name, 614, "ballot id already used in this election")
	ErrTooManyVoters   = module.Register(Name, 615, "too many voters in one batch")
	ErrOnRoll          = module.Register(Name, 616, "voter already on the roll")
	ErrCeremonyOpen    = module.Register(Name, 617, "key ceremony commitments are accepted only before voting opens")
	ErrNotClosed       = module.Register(Name, 618, "decryption is accepted only after voting closes")
	ErrBadDecryption   = module.Register(Name, 619, "partial decryption does not verify")
	ErrFinal           = module.Register(Name, 620, "the result is already final")
	ErrBadReveal       = module.Register(Name, 621, "spoiled ballot does not verify (proofs or reveal)")
	ErrCeremonyFailed  = module.Register(Name, 622, "the key ceremony failed: a dealer was proven to cheat")
	ErrBadShares       = module.Register(Name, 623, "encrypted shares malformed")
	ErrBadComplaint    = module.Register(Name, 624, "complaint does not hold (bad proof, or the share verifies)")
	ErrOutOfTurn       = module.Register(Name, 625, "ceremony step out of turn")
)
