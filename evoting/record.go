package evoting

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"sync"

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

// VerifyRecord checks every step of an election record and reports the
// first failure with where it is. Ballots are checked in parallel on all
// cores; the result does not depend on scheduling. maxCount bounds the
// counts it recovers (the number of cast ballots is enough).
func VerifyRecord(r *Record) error {
	m := &r.Manifest
	if err := m.Check(); err != nil {
		return &VerifyError{"manifest", err}
	}
	mh := m.Hash()
	k := int(m.Threshold)
	if len(r.Commitments) != int(m.Trustees) {
		return &VerifyError{"trustees", fmt.Errorf("%d commitments for %d trustees", len(r.Commitments), m.Trustees)}
	}
	for i, c := range r.Commitments {
		if c == nil {
			return &VerifyError{fmt.Sprintf("trustee %d", i+1), ErrProofShape}
		}
		if c.Index != uint32(i+1) {
			return &VerifyError{fmt.Sprintf("trustee %d", i+1), fmt.Errorf("commitment has index %d", c.Index)}
		}
		if err := VerifyCommitment(Context{Manifest: mh, Label: "ceremony"}, c, k); err != nil {
			return &VerifyError{fmt.Sprintf("trustee %d", i+1), err}
		}
	}
	K := JointKey(r.Commitments)
	if r.JointKey == nil || K.Equal(r.JointKey) != 1 {
		return &VerifyError{"joint key", ErrJointKey}
	}
	// Tracking codes chain in order (cheap, sequential).
	var prev []byte
	ids := map[string]bool{}
	for i, b := range r.Ballots {
		if b == nil {
			return &VerifyError{fmt.Sprintf("ballot %d", i), ErrBallotShape}
		}
		step := fmt.Sprintf("ballot %d (%s)", i, b.ID)
		if ids[b.ID] {
			return &VerifyError{step, fmt.Errorf("%w: id repeated", ErrBallotShape)}
		}
		ids[b.ID] = true
		if err := ballotShape(m, b); err != nil {
			return &VerifyError{step, err}
		}
		if !bytes.Equal(b.PrevCode, prev) || !bytes.Equal(b.Code, TrackingCode(prev, b)) {
			return &VerifyError{step, ErrTrackingCode}
		}
		prev = b.Code
	}
	// Ballot proofs and reveals, in parallel; the first failure by index.
	errs := make([]error, len(r.Ballots))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(r.Ballots); i += workers {
				errs[i] = verifyBallot(m, mh, K, r.Ballots[i])
			}
		}(w)
	}
	wg.Wait()
	cast := 0
	for i, err := range errs {
		if err != nil {
			return &VerifyError{fmt.Sprintf("ballot %d (%s)", i, r.Ballots[i].ID), err}
		}
		if r.Ballots[i].State == Cast {
			cast++
		}
	}
	// The tally: aggregates, partial decryptions, counts.
	if len(r.Tally) != len(m.Contests) {
		return &VerifyError{"tally", fmt.Errorf("%d contests tallied, manifest has %d", len(r.Tally), len(m.Contests))}
	}
	dlog := NewDLog(uint64(cast) + 1)
	for ci, c := range m.Contests {
		ct := r.Tally[ci]
		if ct.ContestID != c.ID || len(ct.Options) != len(c.Options) {
			return &VerifyError{"tally " + c.ID, ErrBallotShape}
		}
		for oi := range c.Options {
			step := fmt.Sprintf("tally %s/%s", c.ID, c.Options[oi])
			agg := Zero()
			for _, b := range r.Ballots {
				if b.State == Cast {
					agg = agg.Add(b.Contests[ci].Selections[oi].Ciphertext)
				}
			}
			ot := ct.Options[oi]
			if ot.Ciphertext.A == nil || ot.Ciphertext.B == nil || agg.A.Equal(ot.Ciphertext.A) != 1 || agg.B.Equal(ot.Ciphertext.B) != 1 {
				return &VerifyError{step, ErrAggregate}
			}
			var idx []uint32
			var shares []*Point
			for _, p := range ot.Partials {
				if p.Trustee == 0 || p.Trustee > m.Trustees || p.Share == nil {
					return &VerifyError{step, fmt.Errorf("%w: partial of trustee %d", ErrBallotShape, p.Trustee)}
				}
				ctx := Context{Manifest: mh, Label: fmt.Sprintf("decrypt/%s/%d/%d", c.ID, oi, p.Trustee)}
				if err := VerifyDLEQ(ctx, VerificationKey(r.Commitments, p.Trustee), agg.A, p.Share, p.Proof); err != nil {
					return &VerifyError{fmt.Sprintf("%s trustee %d", step, p.Trustee), err}
				}
				idx, shares = append(idx, p.Trustee), append(shares, p.Share)
			}
			mask, err := CombinePartials(k, idx, shares)
			if err != nil {
				return &VerifyError{step, err}
			}
			gm := ristretto255.NewElement().Subtract(agg.B, mask)
			if ristretto255.NewElement().ScalarBaseMult(ScalarFromUint64(ot.Count)).Equal(gm) != 1 {
				if got, err := dlog.Log(gm); err == nil {
					return &VerifyError{step, fmt.Errorf("%w: published %d, decrypts to %d", ErrCount, ot.Count, got)}
				}
				return &VerifyError{step, ErrCount}
			}
		}
	}
	return nil
}

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
