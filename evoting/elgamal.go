package evoting

import (
	"errors"
	"fmt"

	"github.com/gtank/ristretto255"
)

// Ciphertext is an exponential ElGamal encryption of m under key K:
// (A, B) = (g^r, g^m K^r). Ciphertexts multiply to encrypt sums.
type Ciphertext struct {
	A, B *Point
}

// Encrypt encrypts m under K with nonce r.
func Encrypt(K *Point, m uint64, r *Scalar) Ciphertext {
	a := ristretto255.NewElement().ScalarBaseMult(r)
	gm := ristretto255.NewElement().ScalarBaseMult(ScalarFromUint64(m))
	b := ristretto255.NewElement().Add(gm, ristretto255.NewElement().ScalarMult(r, K))
	return Ciphertext{A: a, B: b}
}

// Add is the encryption of the sum of what c and d encrypt.
func (c Ciphertext) Add(d Ciphertext) Ciphertext {
	return Ciphertext{A: ristretto255.NewElement().Add(c.A, d.A), B: ristretto255.NewElement().Add(c.B, d.B)}
}

// Zero is the trivial encryption of 0 (the identity for Add).
func Zero() Ciphertext {
	return Ciphertext{A: ristretto255.NewElement().Zero(), B: ristretto255.NewElement().Zero()}
}

// Encode is A || B (64 bytes).
func (c Ciphertext) Encode() []byte { return c.B.Encode(c.A.Encode(nil)) }

// DecodeCiphertext parses A || B.
func DecodeCiphertext(b []byte) (Ciphertext, error) {
	if len(b) != 64 {
		return Ciphertext{}, fmt.Errorf("%w: ciphertext must be 64 bytes", ErrBadPoint)
	}
	a, err := DecodePoint(b[:32])
	if err != nil {
		return Ciphertext{}, err
	}
	bb, err := DecodePoint(b[32:])
	if err != nil {
		return Ciphertext{}, err
	}
	return Ciphertext{A: a, B: bb}, nil
}

// DecryptToPoint removes the mask with the secret key s: g^m = B / A^s.
// (With trustees, the mask is the product of their partial decryptions.)
func (c Ciphertext) DecryptToPoint(s *Scalar) *Point {
	return ristretto255.NewElement().Subtract(c.B, ristretto255.NewElement().ScalarMult(s, c.A))
}

// ErrNoLog means the value is beyond the discrete-log table's range.
var ErrNoLog = errors.New("evoting: count beyond the recoverable range")

// DLog recovers m from g^m for m < n by baby-step giant-step: a table of
// ceil(sqrt(n)) baby steps, then at most as many giant steps. It is built
// once and used for every count of a tally.
type DLog struct {
	baby  map[[32]byte]uint64
	step  uint64
	giant *Point // g^-step
	n     uint64
}

// NewDLog builds the table for counts below n.
func NewDLog(n uint64) *DLog {
	step := uint64(1)
	for step*step < n {
		step++
	}
	d := &DLog{baby: make(map[[32]byte]uint64, step), step: step, n: n}
	p := ristretto255.NewElement().Zero()
	g := G()
	for j := uint64(0); j < step; j++ {
		var k [32]byte
		copy(k[:], p.Encode(nil))
		d.baby[k] = j
		p = ristretto255.NewElement().Add(p, g)
	}
	d.giant = ristretto255.NewElement().Negate(ristretto255.NewElement().ScalarBaseMult(ScalarFromUint64(step)))
	return d
}

// Log returns m with g^m = p, or ErrNoLog.
func (d *DLog) Log(p *Point) (uint64, error) {
	cur := ristretto255.NewElement().Add(p, ristretto255.NewElement().Zero())
	for i := uint64(0); i*d.step < d.n; i++ {
		var k [32]byte
		copy(k[:], cur.Encode(nil))
		if j, ok := d.baby[k]; ok && i*d.step+j < d.n {
			return i*d.step + j, nil
		}
		cur = ristretto255.NewElement().Add(cur, d.giant)
	}
	return 0, ErrNoLog
}
