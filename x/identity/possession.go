package identity

import (
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/crypto"
)

// possessionDomain separates proofs of possession from every other
// signature of the chain (transactions sign "govchain/tx/v1").
const possessionDomain = "govchain/validator-pop/v1"

// Possession is what a validator key signs to show that its holder has it
// and consents to validate for a department with a power: the proof a
// proposal needs before it gives the key power (a key nobody holds would
// never sign a block, and with a third of the power or more on such keys
// the chain stops).
type Possession struct {
	Department   string `cbor:"1,keyasint"`
	ValidatorKey []byte `cbor:"2,keyasint"` // Ed25519, 32 bytes
	Power        int64  `cbor:"3,keyasint"`
	// Nonce is the department's ValidatorNonce when the proposal executes
	// (0 for a department being added): a proof serves one change and
	// cannot be replayed once the department's validator changed.
	Nonce uint64 `cbor:"4,keyasint"`
}

// PossessionBytes returns what the validator key signs (Ed25519, as
// CometBFT's validator keys are):
//
//	"govchain/validator-pop/v1" || len(chain-id) (one byte) || chain-id ||
//	canonical CBOR of {1: department, 2: validator key, 3: power, 4: nonce}
func PossessionBytes(chainID string, p Possession) []byte {
	enc := codec.MustMarshal(p)
	out := make([]byte, 0, len(possessionDomain)+1+len(chainID)+len(enc))
	out = append(out, possessionDomain...)
	out = append(out, byte(len(chainID)))
	out = append(out, chainID...)
	return append(out, enc...)
}

// Possession returns what the action's validator key signs, for nonce.
func (a *Action) Possession(nonce uint64) Possession {
	return Possession{Department: a.Department, ValidatorKey: a.ValidatorKey, Power: a.Power, Nonce: nonce}
}

// ProvePossession fills in the action's validator signature with sign (the
// validator key's Ed25519 signing function) for the department's current
// validator nonce (0 for add_department).
func (a *Action) ProvePossession(chainID string, nonce uint64, sign func(msg []byte) ([]byte, error)) error {
	sig, err := sign(PossessionBytes(chainID, a.Possession(nonce)))
	if err != nil {
		return err
	}
	a.ValidatorSignature = sig
	return nil
}

// checkPossession verifies the action's proof of possession for nonce,
// when the action needs one.
func checkPossession(ctx *module.Context, a *Action, nonce uint64) error {
	if !a.needsPossession() {
		return nil
	}
	if err := a.checkSignatureShape(); err != nil {
		return err
	}
	if crypto.Verify(crypto.AlgEd25519, a.ValidatorKey, PossessionBytes(ctx.ChainID, a.Possession(nonce)), a.ValidatorSignature) != nil {
		return ErrBadPossession.Wrapf("the signature does not verify for chain %q, department %q, power %d, nonce %d", ctx.ChainID, a.Department, a.Power, nonce)
	}
	return nil
}
