package evoting

import (
	"errors"
	"fmt"

	"github.com/gtank/ristretto255"
)

// Record is everything an election publishes: the manifest, the trustees'
// commitments and the joint key, every cast and spoiled ballot in order,
// and the tally with its decryption.
type Record struct {
	Manifest    Manifest       `json:"manifest"`
	Commitments []*Commitment  `json:"commitments"`
	JointKey    *Point         `json:"joint_key"`
	Ballots     []*Ballot      `json:"ballots"`
	Tally       []ContestTally `json:"tally"`
}

// ContestTally is a contest's result.
type ContestTally struct {
	ContestID string        `json:"contest_id"`
	Options   []OptionTally `json:"options"`
}

// OptionTally is one option's aggregate ciphertext, the trustees' partial
// decryptions with proofs, and the count they reveal.
type OptionTally struct {
	Ciphertext Ciphertext `json:"ciphertext"`
	Partials   []Partial  `json:"partials"`
	Count      uint64     `json:"count"`
}

// Partial is one trustee's decryption share A^(x_l) with its proof.
type Partial struct {
	Trustee uint32     `json:"trustee"`
	Share   *Point     `json:"share"`
	Proof   *DLEQProof `json:"proof"`
}

// VerifyError says which step of the record failed and why.
type VerifyError struct {
	Step string // manifest, trustee N, ballot N (id), tally contest/option
	Err  error
}

func (e *VerifyError) Error() string { return "evoting: " + e.Step + ": " + e.Err.Error() }
func (e *VerifyError) Unwrap() error { return e.Err }

// Verification errors.
var (
	ErrJointKey     = errors.New("joint key is not the product of the trustees' commitments")
	ErrTrackingCode = errors.New("tracking code does not chain")
	ErrBallotShape  = errors.New("ballot does not match the manifest")
	ErrReveal       = errors.New("spoiled ballot's openings do not reproduce its ciphertexts")
	ErrAggregate    = errors.New("tally ciphertext is not the product of the cast selections")
	ErrCount        = errors.New("count does not match the decryption")
)

// ballotShape checks that a ballot has the manifest's contests and options
// and every ciphertext.
func ballotShape(m *Manifest, b *Ballot) error {
	if (b.State != Cast && b.State != Spoiled && b.State != Replaced) || len(b.Contests) != len(m.Contests) {
		return ErrBallotShape
	}
	for ci, c := range m.Contests {
		bc := b.Contests[ci]
		if bc.ContestID != c.ID || len(bc.Selections) != len(c.Options) {
			return fmt.Errorf("%w: contest %s", ErrBallotShape, c.ID)
		}
		for _, s := range bc.Selections {
			if s.Ciphertext.A == nil || s.Ciphertext.B == nil {
				return fmt.Errorf("%w: contest %s: missing ciphertext", ErrBallotShape, c.ID)
			}
		}
	}
	return nil
}

// verifyBallot checks one ballot's proofs (every state) and, for a spoiled
// ballot, its reveal; its shape was checked by ballotShape. A replaced or
// cast ballot must not carry a reveal.
func verifyBallot(m *Manifest, mh [32]byte, K *Point, b *Ballot) error {
	if b.State != Spoiled && len(b.Reveal) != 0 {
		return ErrRevealOnCast
	}
	for ci, c := range m.Contests {
		bc := b.Contests[ci]
		if b.State == Spoiled {
			if len(b.Reveal) != len(m.Contests) || len(b.Reveal[ci]) != len(c.Options) {
				return fmt.Errorf("%w: contest %s", ErrReveal, c.ID)
			}
			for oi, o := range b.Reveal[ci] {
				if o.Nonce == nil || o.Value > 1 {
					return fmt.Errorf("%w: contest %s option %d", ErrReveal, c.ID, oi)
				}
				want := Encrypt(K, o.Value, o.Nonce)
				got := bc.Selections[oi].Ciphertext
				if want.A.Equal(got.A) != 1 || want.B.Equal(got.B) != 1 {
					return fmt.Errorf("%w: contest %s option %d", ErrReveal, c.ID, oi)
				}
			}
		}
		sum := Zero()
		for oi, s := range bc.Selections {
			if s.Proof == nil {
				return fmt.Errorf("%w: contest %s option %d: no proof", ErrBallotShape, c.ID, oi)
			}
			if err := VerifyRange(Context{Manifest: mh, Label: selectionLabel(b.ID, c.ID, oi)}, K, s.Ciphertext, 1, s.Proof); err != nil {
				return fmt.Errorf("contest %s option %d: %w", c.ID, oi, err)
			}
			sum = sum.Add(s.Ciphertext)
		}
		if bc.LimitProof == nil {
			return fmt.Errorf("%w: contest %s: no limit proof", ErrBallotShape, c.ID)
		}
		if err := VerifyRange(Context{Manifest: mh, Label: contestLabel(b.ID, c.ID)}, K, sum, uint64(c.Limit), bc.LimitProof); err != nil {
			return fmt.Errorf("contest %s limit: %w", c.ID, err)
		}
	}
	return nil
}

// CeremonyContext is the context of the trustees' commitments.
func CeremonyContext(m *Manifest) Context { return Context{Manifest: m.Hash(), Label: "ceremony"} }

// Decrypt fills r.Tally: it aggregates the cast ballots and has the
// trustees whose secret shares are given (at least k) decrypt every
// option with proofs. It is what the trustees run together at the end.
func (r *Record) Decrypt(secrets map[uint32]*Scalar, trustees []uint32) error {
	m := &r.Manifest
	mh := m.Hash()
	cast := 0
	for _, b := range r.Ballots {
		if b.State == Cast {
			cast++
		}
	}
	dlog := NewDLog(uint64(cast) + 1)
	r.Tally = nil
	for ci, c := range m.Contests {
		ct := ContestTally{ContestID: c.ID}
		for oi := range c.Options {
			agg := Zero()
			for _, b := range r.Ballots {
				if b.State == Cast {
					agg = agg.Add(b.Contests[ci].Selections[oi].Ciphertext)
				}
			}
			ot := OptionTally{Ciphertext: agg}
			var shares []*Point
			for _, l := range trustees {
				ctx := Context{Manifest: mh, Label: fmt.Sprintf("decrypt/%s/%d/%d", c.ID, oi, l)}
				D, p, err := PartialDecrypt(ctx, secrets[l], agg.A, nil)
				if err != nil {
					return err
				}
				ot.Partials = append(ot.Partials, Partial{Trustee: l, Share: D, Proof: p})
				shares = append(shares, D)
			}
			mask, err := CombinePartials(int(m.Threshold), trustees, shares)
			if err != nil {
				return err
			}
			if ot.Count, err = dlog.Log(ristretto255.NewElement().Subtract(agg.B, mask)); err != nil {
				return err
			}
			ct.Options = append(ct.Options, ot)
		}
		r.Tally = append(r.Tally, ct)
	}
	return nil
}
