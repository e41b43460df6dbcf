package evoting

import (
	"errors"
	"fmt"

	"github.com/gtank/ristretto255"
)

// ErrRevealOnCast refuses a cast ballot that carries openings: publishing
// them would publish the vote.
var ErrRevealOnCast = errors.New("cast ballot carries a reveal")

// VerifyCastBallot checks one ballot about to be cast under joint key K:
// its shape against the manifest, no reveal, and every range proof. It is
// what a ledger runs before a ballot enters state; the tracking-code chain
// is the ledger's to set.
func VerifyCastBallot(m *Manifest, K *Point, b *Ballot) error {
	if b == nil || K == nil {
		return ErrBallotShape
	}
	if b.State != Cast {
		return fmt.Errorf("%w: state %q", ErrBallotShape, b.State)
	}
	if len(b.Reveal) != 0 {
		return ErrRevealOnCast
	}
	if err := ballotShape(m, b); err != nil {
		return err
	}
	return verifyBallot(m, m.Hash(), K, b)
}

// VerifySpoiledBallot checks a challenged ballot before a ledger publishes
// it: its shape, every range proof (the device had to commit to valid
// proofs before the voter chose to challenge) and that the reveal
// re-encrypts to its ciphertexts.
func VerifySpoiledBallot(m *Manifest, K *Point, b *Ballot) error {
	if b == nil || K == nil {
		return ErrBallotShape
	}
	if b.State != Spoiled {
		return fmt.Errorf("%w: state %q", ErrBallotShape, b.State)
	}
	if err := ballotShape(m, b); err != nil {
		return err
	}
	return verifyBallot(m, m.Hash(), K, b)
}

// Sub is the ciphertext of the difference (c / d, componentwise).
func (c Ciphertext) Sub(d Ciphertext) Ciphertext {
	return Ciphertext{A: ristretto255.NewElement().Subtract(c.A, d.A), B: ristretto255.NewElement().Subtract(c.B, d.B)}
}
