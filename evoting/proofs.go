package evoting

import (
	"errors"
	"fmt"
	"io"

	"github.com/gtank/ristretto255"
)

// Proof errors.
var (
	ErrRangeProof = errors.New("evoting: range proof does not verify")
	ErrDLEQProof  = errors.New("evoting: decryption proof does not verify")
	ErrProofShape = errors.New("evoting: proof has the wrong number of parts")
)

// RangeProof shows that a ciphertext encrypts one of 0..L without saying
// which: a disjunction of Chaum-Pedersen proofs (Cramer-Damgard-
// Schoenmakers), one branch per value, all but the true one simulated. The
// commitments are recomputed by the verifier, so the proof is the L+1
// (challenge, response) pairs.
type RangeProof struct {
	C []*Scalar // per value j: challenge c_j, summing to the transcript hash
	Z []*Scalar // per value j: response z_j
}

// Context binds a proof to where it is used: the election's manifest hash
// and a label (contest and selection ids, ballot id).
type Context struct {
	Manifest [32]byte
	Label    string
}

// branch recomputes the commitments of value j, with bj = B / g^j:
// a_j = g^z / A^c and b_j = K^z / bj^c. Everything here is public, so
// variable-time multi-scalar multiplication is safe and twice as fast.
func branch(K *Point, ct Ciphertext, bj *Point, c, z *Scalar) (*Point, *Point) {
	negc := ristretto255.NewScalar().Negate(c)
	a := ristretto255.NewElement().VarTimeDoubleScalarBaseMult(negc, ct.A, z)
	b := ristretto255.NewElement().VarTimeMultiScalarMult([]*Scalar{z, negc}, []*Point{K, bj})
	return a, b
}

// shifted returns B / g^j for j = 0..L (by repeated subtraction of g).
func shifted(B *Point, L uint64) []*Point {
	out := make([]*Point, L+1)
	out[0] = B
	g := G()
	for j := uint64(1); j <= L; j++ {
		out[j] = ristretto255.NewElement().Subtract(out[j-1], g)
	}
	return out
}

func rangeTranscript(ctx Context, K *Point, ct Ciphertext, L uint64) *transcript {
	t := newTranscript("range", ctx.Manifest)
	t.bytes([]byte(ctx.Label))
	t.uint(L)
	t.point(K, ct.A, ct.B)
	return t
}

// ProveRange proves that ct = Encrypt(K, v, r) encrypts a value in 0..L.
func ProveRange(ctx Context, K *Point, ct Ciphertext, v, L uint64, r *Scalar, rnd io.Reader) (*RangeProof, error) {
	if v > L {
		return nil, fmt.Errorf("evoting: value %d is outside 0..%d", v, L)
	}
	n := L + 1
	p := &RangeProof{C: make([]*Scalar, n), Z: make([]*Scalar, n)}
	as, bs := make([]*Point, n), make([]*Point, n)
	w, err := RandomScalar(rnd)
	if err != nil {
		return nil, err
	}
	sum := ristretto255.NewScalar().Zero()
	bjs := shifted(ct.B, L)
	for j := uint64(0); j < n; j++ {
		if j == v {
			as[j] = ristretto255.NewElement().ScalarBaseMult(w)
			bs[j] = ristretto255.NewElement().ScalarMult(w, K)
			continue
		}
		if p.C[j], err = RandomScalar(rnd); err != nil {
			return nil, err
		}
		if p.Z[j], err = RandomScalar(rnd); err != nil {
			return nil, err
		}
		as[j], bs[j] = branch(K, ct, bjs[j], p.C[j], p.Z[j])
		sum = ristretto255.NewScalar().Add(sum, p.C[j])
	}
	t := rangeTranscript(ctx, K, ct, L)
	for j := uint64(0); j < n; j++ {
		t.point(as[j], bs[j])
	}
	c := t.challenge()
	p.C[v] = ristretto255.NewScalar().Subtract(c, sum)
	p.Z[v] = ristretto255.NewScalar().Add(w, ristretto255.NewScalar().Multiply(p.C[v], r))
	return p, nil
}

// VerifyRange checks that ct encrypts a value in 0..L under K.
func VerifyRange(ctx Context, K *Point, ct Ciphertext, L uint64, p *RangeProof) error {
	n := L + 1
	if uint64(len(p.C)) != n || uint64(len(p.Z)) != n {
		return ErrProofShape
	}
	t := rangeTranscript(ctx, K, ct, L)
	sum := ristretto255.NewScalar().Zero()
	bjs := shifted(ct.B, L)
	for j := uint64(0); j < n; j++ {
		if p.C[j] == nil || p.Z[j] == nil {
			return ErrProofShape
		}
		a, b := branch(K, ct, bjs[j], p.C[j], p.Z[j])
		t.point(a, b)
		sum = ristretto255.NewScalar().Add(sum, p.C[j])
	}
	if t.challenge().Equal(sum) != 1 {
		return ErrRangeProof
	}
	return nil
}

// DLEQProof shows log_g(K) = log_A(D): a trustee with public key K = g^s
// published D = A^s for ciphertext part A. It is (c, z); the verifier
// recomputes a = g^z / K^c and b = A^z / D^c.
type DLEQProof struct {
	C, Z *Scalar
}

func dleqTranscript(ctx Context, K, A, D, a, b *Point) *transcript {
	t := newTranscript("dleq", ctx.Manifest)
	t.bytes([]byte(ctx.Label))
	t.point(K, A, D, a, b)
	return t
}

// PartialDecrypt returns D = A^s and its proof for the secret s of K = g^s.
func PartialDecrypt(ctx Context, s *Scalar, A *Point, rnd io.Reader) (*Point, *DLEQProof, error) {
	K := ristretto255.NewElement().ScalarBaseMult(s)
	D := ristretto255.NewElement().ScalarMult(s, A)
	w, err := RandomScalar(rnd)
	if err != nil {
		return nil, nil, err
	}
	a := ristretto255.NewElement().ScalarBaseMult(w)
	b := ristretto255.NewElement().ScalarMult(w, A)
	c := dleqTranscript(ctx, K, A, D, a, b).challenge()
	z := ristretto255.NewScalar().Add(w, ristretto255.NewScalar().Multiply(c, s))
	return D, &DLEQProof{C: c, Z: z}, nil
}

// VerifyDLEQ checks a partial decryption D of A by the holder of K.
func VerifyDLEQ(ctx Context, K, A, D *Point, p *DLEQProof) error {
	if p == nil || p.C == nil || p.Z == nil {
		return ErrProofShape
	}
	negc := ristretto255.NewScalar().Negate(p.C)
	a := ristretto255.NewElement().VarTimeDoubleScalarBaseMult(negc, K, p.Z)
	b := ristretto255.NewElement().VarTimeMultiScalarMult([]*Scalar{p.Z, negc}, []*Point{A, D})
	if dleqTranscript(ctx, K, A, D, a, b).challenge().Equal(p.C) != 1 {
		return ErrDLEQProof
	}
	return nil
}
