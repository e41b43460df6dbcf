package evoting

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/gtank/ristretto255"
)

// Check is one numbered check of the universal verifier (as ElectionGuard
// 2.0's V1..V18): what it checks, its category, and every failure with
// its place. Skipped says why a check could not run (an earlier check it
// depends on failed).
type Check struct {
	N        int        `json:"n"`
	Category string     `json:"category"`
	Name     string     `json:"name"`
	Failures []*Failure `json:"failures,omitempty"`
	Skipped  string     `json:"skipped,omitempty"`
}

// Failure is one failed instance of a check at its place ("ballot 17
// (b17)", "trustee 2", "tally mayor/c trustee 2").
type Failure struct {
	Place string `json:"place"`
	Err   error  `json:"-"`
	Msg   string `json:"error"`
}

// OK reports whether the check ran and nothing failed.
func (c *Check) OK() bool { return c.Skipped == "" && len(c.Failures) == 0 }

// The checks, in order. docs/evoting.md, "The universal verifier", states
// each one's rule.
var checkNames = []struct{ cat, name string }{
	{"manifest", "manifest shape: id, contests with unique ids, distinct non-empty options, 1 <= limit <= options, 1 <= k <= n"},
	{"ceremony", "one commitment per trustee, in order 1..n, k coefficients each"},
	{"ceremony", "every coefficient's Schnorr proof of knowledge (transcript pok)"},
	{"ceremony", "joint key is the product of the trustees' constant-term commitments"},
	{"ballots", "every ballot has a known state, the manifest's contests and options, and a unique id"},
	{"ballots", "tracking codes chain: first prev_code empty, each code = H(prev_code, ballot hash)"},
	{"ballots", "cast and replaced ballots carry no reveal"},
	{"ballots", "every ballot's selection range proofs (0 or 1) and contest limit proofs"},
	{"ballots", "every spoiled ballot's reveal re-encrypts to its ciphertexts"},
	{"tally", "the tally has the manifest's contests and options"},
	{"tally", "each aggregate is the product of the cast ballots' ciphertexts"},
	{"tally", "each partial decryption's Chaum-Pedersen proof against the trustee's verification key"},
	{"tally", "each option decrypted by at least k distinct trustees"},
	{"tally", "each published count is what the decryption yields"},
}

// maxFailures bounds the failures a check lists (it counts the rest).
const maxFailures = 100

// Report runs every check of the record and lists every failure with its
// place. Ballot proofs are checked in parallel on all cores; the report
// does not depend on scheduling.
func Report(r *Record) []*Check {
	checks := make([]*Check, len(checkNames))
	for i, c := range checkNames {
		checks[i] = &Check{N: i + 1, Category: c.cat, Name: c.name}
	}
	fail := func(n int, place string, err error) {
		c := checks[n-1]
		if len(c.Failures) == maxFailures {
			c.Failures = append(c.Failures, &Failure{Place: "...", Err: errors.New("more failures not listed"), Msg: "more failures not listed"})
		}
		if len(c.Failures) > maxFailures {
			return
		}
		c.Failures = append(c.Failures, &Failure{Place: place, Err: err, Msg: err.Error()})
	}
	skip := func(from, to int, why string) {
		for n := from; n <= to; n++ {
			checks[n-1].Skipped = why
		}
	}
	m := &r.Manifest
	if err := m.Check(); err != nil {
		fail(1, "manifest", err)
		skip(2, len(checks), "the manifest is malformed")
		return checks
	}
	mh := m.Hash()
	k := int(m.Threshold)
	// V2-V4: the ceremony.
	commitmentsOK := len(r.Commitments) == int(m.Trustees)
	if !commitmentsOK {
		fail(2, "trustees", fmt.Errorf("%w: %d commitments for %d trustees", ErrProofShape, len(r.Commitments), m.Trustees))
	}
	for i, c := range r.Commitments {
		place := fmt.Sprintf("trustee %d", i+1)
		switch {
		case c == nil:
			fail(2, place, ErrProofShape)
			commitmentsOK = false
			continue
		case c.Index != uint32(i+1):
			fail(2, place, fmt.Errorf("%w: commitment has index %d", ErrProofShape, c.Index))
			commitmentsOK = false
			continue
		case len(c.Coeffs) != k || len(c.Proofs) != k || hasNil(c.Coeffs):
			fail(2, place, fmt.Errorf("%w: %d coefficients, %d proofs for k = %d", ErrProofShape, len(c.Coeffs), len(c.Proofs), k))
			commitmentsOK = false
			continue
		}
		if err := VerifyCommitment(Context{Manifest: mh, Label: "ceremony"}, c, k); err != nil {
			fail(3, place, err)
		}
	}
	var K *Point
	if commitmentsOK {
		K = JointKey(r.Commitments)
		if r.JointKey == nil || K.Equal(r.JointKey) != 1 {
			fail(4, "joint key", ErrJointKey)
		}
	} else {
		checks[3].Skipped = "the commitments are malformed"
		K = r.JointKey
	}
	if K == nil {
		skip(5, len(checks), "no joint key")
		return checks
	}
	// V5-V6: shapes, ids and the tracking-code chain (sequential, cheap).
	var prev []byte
	ids := map[string]bool{}
	shapeOK := make([]bool, len(r.Ballots))
	for i, b := range r.Ballots {
		if b == nil {
			fail(5, fmt.Sprintf("ballot %d", i), ErrBallotShape)
			continue
		}
		place := fmt.Sprintf("ballot %d (%s)", i, b.ID)
		if ids[b.ID] {
			fail(5, place, fmt.Errorf("%w: id repeated", ErrBallotShape))
		}
		ids[b.ID] = true
		if err := ballotShape(m, b); err != nil {
			fail(5, place, err)
		} else {
			shapeOK[i] = true
		}
		if !bytes.Equal(b.PrevCode, prev) || shapeOK[i] && !bytes.Equal(b.Code, TrackingCode(prev, b)) {
			fail(6, place, ErrTrackingCode)
		}
		prev = b.Code
	}
	// V7-V9: ballot proofs and reveals, in parallel.
	errs := make([]error, len(r.Ballots))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(r.Ballots); i += workers {
				if shapeOK[i] {
					errs[i] = verifyBallot(m, mh, K, r.Ballots[i])
				}
			}
		}(w)
	}
	wg.Wait()
	cast := 0
	for i, err := range errs {
		if !shapeOK[i] {
			continue
		}
		b := r.Ballots[i]
		place := fmt.Sprintf("ballot %d (%s)", i, b.ID)
		switch {
		case err == nil:
		case errors.Is(err, ErrRevealOnCast):
			fail(7, place, err)
		case errors.Is(err, ErrReveal):
			fail(9, place, err)
		default:
			fail(8, place, err)
		}
		if b.State == Cast {
			cast++
		}
	}
	// V10-V14: the tally.
	if len(r.Tally) != len(m.Contests) {
		fail(10, "tally", fmt.Errorf("%w: %d contests tallied, manifest has %d", ErrBallotShape, len(r.Tally), len(m.Contests)))
		skip(11, len(checks), "the tally is malformed")
		return checks
	}
	for ci, c := range m.Contests {
		if ct := r.Tally[ci]; ct.ContestID != c.ID || len(ct.Options) != len(c.Options) {
			fail(10, "tally "+c.ID, ErrBallotShape)
		}
	}
	if !checks[9].OK() {
		skip(11, len(checks), "the tally is malformed")
		return checks
	}
	allShapes := true
	for _, ok := range shapeOK {
		allShapes = allShapes && ok
	}
	dlog := NewDLog(uint64(cast) + 1)
	for ci, c := range m.Contests {
		for oi := range c.Options {
			place := fmt.Sprintf("tally %s/%s", c.ID, c.Options[oi])
			ot := r.Tally[ci].Options[oi]
			if ot.Ciphertext.A == nil || ot.Ciphertext.B == nil {
				fail(11, place, ErrAggregate)
				continue
			}
			if allShapes {
				agg := Zero()
				for _, b := range r.Ballots {
					if b.State == Cast {
						agg = agg.Add(b.Contests[ci].Selections[oi].Ciphertext)
					}
				}
				if agg.A.Equal(ot.Ciphertext.A) != 1 || agg.B.Equal(ot.Ciphertext.B) != 1 {
					fail(11, place, ErrAggregate)
				}
			} else {
				checks[10].Skipped = "some ballots are malformed"
			}
			var idx []uint32
			var shares []*Point
			partialsOK := true
			for _, p := range ot.Partials {
				if p.Trustee == 0 || p.Trustee > m.Trustees || p.Share == nil {
					fail(12, place, fmt.Errorf("%w: partial of trustee %d", ErrBallotShape, p.Trustee))
					partialsOK = false
					continue
				}
				ctx := Context{Manifest: mh, Label: fmt.Sprintf("decrypt/%s/%d/%d", c.ID, oi, p.Trustee)}
				if !commitmentsOK {
					checks[11].Skipped = "the commitments are malformed"
					partialsOK = false
				} else if err := VerifyDLEQ(ctx, VerificationKey(r.Commitments, p.Trustee), ot.Ciphertext.A, p.Share, p.Proof); err != nil {
					fail(12, fmt.Sprintf("%s trustee %d", place, p.Trustee), err)
					partialsOK = false
				}
				idx, shares = append(idx, p.Trustee), append(shares, p.Share)
			}
			mask, err := CombinePartials(k, idx, shares)
			if err != nil {
				fail(13, place, err)
				continue
			}
			if !partialsOK {
				continue
			}
			gm := ristretto255.NewElement().Subtract(ot.Ciphertext.B, mask)
			if ristretto255.NewElement().ScalarBaseMult(ScalarFromUint64(ot.Count)).Equal(gm) != 1 {
				if got, err := dlog.Log(gm); err == nil {
					fail(14, place, fmt.Errorf("%w: published %d, decrypts to %d", ErrCount, ot.Count, got))
				} else {
					fail(14, place, ErrCount)
				}
			}
		}
	}
	return checks
}

func hasNil(ps []*Point) bool {
	for _, p := range ps {
		if p == nil {
			return true
		}
	}
	return false
}

// FirstFailure is the first failure of a report, by check then place, as
// a *VerifyError; nil if every check ran and passed.
func FirstFailure(checks []*Check) error {
	for _, c := range checks {
		if len(c.Failures) > 0 {
			f := c.Failures[0]
			return &VerifyError{Step: f.Place, Err: f.Err}
		}
	}
	for _, c := range checks {
		if c.Skipped != "" {
			return &VerifyError{Step: fmt.Sprintf("V%d", c.N), Err: errors.New("skipped: " + c.Skipped)}
		}
	}
	return nil
}

// VerifyRecord checks every step of an election record (Report) and
// returns the first failure with its place, or nil.
func VerifyRecord(r *Record) error { return FirstFailure(Report(r)) }
