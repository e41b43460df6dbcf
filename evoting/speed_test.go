package evoting

import (
	"testing"

	"filippo.io/edwards25519"
	"github.com/gtank/ristretto255"
)

// The measurement behind docs/evoting.md §10: the double-base scalar
// multiplication that every verification equation is made of, in the
// group library used (gtank/ristretto255) and in filippo.io/edwards25519
// (the candidate for a thin ristretto layer), and the generic two-point
// multiplication the range proofs' b_j use.

func gtankScalar(i byte) *Scalar {
	var b [64]byte
	for k := range b {
		b[k] = i + byte(k)*7
	}
	return ristretto255.NewScalar().FromUniformBytes(b[:])
}

func filippoScalar(i byte) *edwards25519.Scalar {
	var b [64]byte
	for k := range b {
		b[k] = i + byte(k)*7
	}
	s, _ := edwards25519.NewScalar().SetUniformBytes(b[:])
	return s
}

func BenchmarkGroupGtankDoubleBase(b *testing.B) {
	A := ristretto255.NewElement().ScalarBaseMult(gtankScalar(1))
	x, y := gtankScalar(2), gtankScalar(3)
	for i := 0; i < b.N; i++ {
		ristretto255.NewElement().VarTimeDoubleScalarBaseMult(x, A, y)
	}
}

func BenchmarkGroupFilippoDoubleBase(b *testing.B) {
	A := edwards25519.NewIdentityPoint().ScalarBaseMult(filippoScalar(1))
	x, y := filippoScalar(2), filippoScalar(3)
	for i := 0; i < b.N; i++ {
		edwards25519.NewIdentityPoint().VarTimeDoubleScalarBaseMult(x, A, y)
	}
}

func BenchmarkGroupGtankTwoPoints(b *testing.B) {
	A := ristretto255.NewElement().ScalarBaseMult(gtankScalar(1))
	B := ristretto255.NewElement().ScalarBaseMult(gtankScalar(4))
	x, y := gtankScalar(2), gtankScalar(3)
	for i := 0; i < b.N; i++ {
		ristretto255.NewElement().VarTimeMultiScalarMult([]*Scalar{x, y}, []*Point{A, B})
	}
}

func BenchmarkGroupFilippoTwoPoints(b *testing.B) {
	A := edwards25519.NewIdentityPoint().ScalarBaseMult(filippoScalar(1))
	B := edwards25519.NewIdentityPoint().ScalarBaseMult(filippoScalar(4))
	x, y := filippoScalar(2), filippoScalar(3)
	for i := 0; i < b.N; i++ {
		edwards25519.NewIdentityPoint().VarTimeMultiScalarMult([]*edwards25519.Scalar{x, y}, []*edwards25519.Point{A, B})
	}
}

func BenchmarkGroupGtankEncode(b *testing.B) {
	A := ristretto255.NewElement().ScalarBaseMult(gtankScalar(1))
	for i := 0; i < b.N; i++ {
		A.Encode(nil)
	}
}
