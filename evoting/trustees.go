package evoting

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"

	"github.com/gtank/ristretto255"
)

// The trustees' key ceremony: Feldman verifiable secret sharing, k of n.
// Trustee i (1..n) picks a random polynomial f_i of degree k-1, publishes
// commitments C_ij = g^(a_ij) to its coefficients with Schnorr proofs of
// knowledge, and sends f_i(l) privately to each trustee l, who checks it
// against the commitments (VerifyShare). A bad share is attributable: the
// recipient publishes it, and anyone can run VerifyShare. The joint key is
// K = prod_i C_i0; trustee l's secret is x_l = sum_i f_i(l) with public
// verification key K_l = g^(x_l) (VerificationKey); any k trustees decrypt
// together with Lagrange coefficients (CombinePartials).

// Errors of the ceremony.
var (
	ErrBadShare      = errors.New("evoting: share does not match the dealer's commitments")
	ErrBadCommitment = errors.New("evoting: commitment proof of knowledge does not verify")
	ErrThreshold     = errors.New("evoting: need at least k distinct trustees")
)

// SchnorrProof proves knowledge of the discrete log of a commitment.
type SchnorrProof struct {
	C, Z *Scalar
}

// Commitment is what a trustee publishes in the ceremony.
type Commitment struct {
	Index  uint32         // 1..n
	Coeffs []*Point       // C_ij = g^(a_ij), j = 0..k-1
	Proofs []SchnorrProof // knowledge of each a_ij
}

// Dealer is a trustee's secret polynomial.
type Dealer struct {
	index  uint32
	coeffs []*Scalar
}

func pokTranscript(ctx Context, index uint32, j int, C, R *Point) *transcript {
	t := newTranscript("pok", ctx.Manifest)
	t.bytes([]byte(ctx.Label))
	t.uint(uint64(index))
	t.uint(uint64(j))
	t.point(C, R)
	return t
}

// NewDealer draws trustee index's polynomial of degree k-1 and returns its
// public commitment.
func NewDealer(ctx Context, index uint32, k int, rnd io.Reader) (*Dealer, *Commitment, error) {
	if index == 0 || k < 1 {
		return nil, nil, fmt.Errorf("evoting: trustee index from 1, threshold from 1")
	}
	d := &Dealer{index: index}
	c := &Commitment{Index: index}
	for j := 0; j < k; j++ {
		a, err := RandomScalar(rnd)
		if err != nil {
			return nil, nil, err
		}
		r, err := RandomScalar(rnd)
		if err != nil {
			return nil, nil, err
		}
		C := ristretto255.NewElement().ScalarBaseMult(a)
		R := ristretto255.NewElement().ScalarBaseMult(r)
		ch := pokTranscript(ctx, index, j, C, R).challenge()
		z := ristretto255.NewScalar().Add(r, ristretto255.NewScalar().Multiply(ch, a))
		d.coeffs = append(d.coeffs, a)
		c.Coeffs = append(c.Coeffs, C)
		c.Proofs = append(c.Proofs, SchnorrProof{C: ch, Z: z})
	}
	return d, c, nil
}

// VerifyCommitment checks a trustee's commitment: k coefficients, each with
// a valid proof of knowledge bound to the election.
func VerifyCommitment(ctx Context, c *Commitment, k int) error {
	if len(c.Coeffs) != k || len(c.Proofs) != k || c.Index == 0 {
		return fmt.Errorf("%w: trustee %d", ErrProofShape, c.Index)
	}
	for j, C := range c.Coeffs {
		p := c.Proofs[j]
		if C == nil || p.C == nil || p.Z == nil {
			return ErrProofShape
		}
		R := ristretto255.NewElement().VarTimeDoubleScalarBaseMult(ristretto255.NewScalar().Negate(p.C), C, p.Z)
		if pokTranscript(ctx, c.Index, j, C, R).challenge().Equal(p.C) != 1 {
			return fmt.Errorf("%w: trustee %d coefficient %d", ErrBadCommitment, c.Index, j)
		}
	}
	return nil
}

// Share is f(l), the dealer's secret share for trustee l.
func (d *Dealer) Share(l uint32) *Scalar {
	x := ScalarFromUint64(uint64(l))
	acc := ristretto255.NewScalar().Zero()
	for j := len(d.coeffs) - 1; j >= 0; j-- { // Horner
		acc = ristretto255.NewScalar().Add(ristretto255.NewScalar().Multiply(acc, x), d.coeffs[j])
	}
	return acc
}

// commitAt is g^(f(l)) computed from the commitments: prod_j C_j^(l^j).
func commitAt(c *Commitment, l uint32) *Point {
	x := ScalarFromUint64(uint64(l))
	pow := ScalarFromUint64(1)
	scalars := make([]*Scalar, len(c.Coeffs))
	for j := range c.Coeffs {
		scalars[j] = pow
		pow = ristretto255.NewScalar().Multiply(pow, x)
	}
	return ristretto255.NewElement().VarTimeMultiScalarMult(scalars, c.Coeffs)
}

// VerifyShare checks the share trustee l received from the dealer of c.
func VerifyShare(c *Commitment, l uint32, share *Scalar) error {
	if ristretto255.NewElement().ScalarBaseMult(share).Equal(commitAt(c, l)) != 1 {
		return fmt.Errorf("%w: dealer %d, recipient %d", ErrBadShare, c.Index, l)
	}
	return nil
}

// JointKey is the election public key: the product of the trustees'
// constant-term commitments.
func JointKey(cs []*Commitment) *Point {
	K := ristretto255.NewElement().Zero()
	for _, c := range cs {
		K = ristretto255.NewElement().Add(K, c.Coeffs[0])
	}
	return K
}

// VerificationKey is trustee l's public key g^(x_l), from the commitments.
func VerificationKey(cs []*Commitment, l uint32) *Point {
	K := ristretto255.NewElement().Zero()
	for _, c := range cs {
		K = ristretto255.NewElement().Add(K, commitAt(c, l))
	}
	return K
}

// SecretShare sums the shares trustee l received (its x_l).
func SecretShare(shares []*Scalar) *Scalar {
	x := ristretto255.NewScalar().Zero()
	for _, s := range shares {
		x = ristretto255.NewScalar().Add(x, s)
	}
	return x
}

// Lagrange is the coefficient of trustee l at 0 among the given indices:
// prod_{m != l} m / (m - l).
func Lagrange(indices []uint32, l uint32) *Scalar {
	num, den := ScalarFromUint64(1), ScalarFromUint64(1)
	for _, m := range indices {
		if m == l {
			continue
		}
		num = ristretto255.NewScalar().Multiply(num, ScalarFromUint64(uint64(m)))
		diff := ristretto255.NewScalar().Subtract(ScalarFromUint64(uint64(m)), ScalarFromUint64(uint64(l)))
		den = ristretto255.NewScalar().Multiply(den, diff)
	}
	return ristretto255.NewScalar().Multiply(num, ristretto255.NewScalar().Invert(den))
}

// CombinePartials combines the partial decryptions D_l = A^(x_l) of at
// least k distinct trustees into A^x, the mask of the joint key.
func CombinePartials(k int, indices []uint32, partials []*Point) (*Point, error) {
	seen := map[uint32]bool{}
	for _, i := range indices {
		if i == 0 || seen[i] {
			return nil, fmt.Errorf("%w: index %d repeated or zero", ErrThreshold, i)
		}
		seen[i] = true
	}
	if len(indices) < k || len(indices) != len(partials) {
		return nil, fmt.Errorf("%w: %d of %d", ErrThreshold, len(indices), k)
	}
	scalars := make([]*Scalar, len(indices))
	for n, l := range indices {
		scalars[n] = Lagrange(indices, l)
	}
	return ristretto255.NewElement().VarTimeMultiScalarMult(scalars, partials), nil
}

// The shares travel through the ledger encrypted: each trustee publishes a
// transport key T = g^t with its commitment; the dealer sends trustee l
// R || (f(l) XOR SHA-256("govchain/evoting/v1/share" || R || S)) with a
// fresh R = g^r and S = T_l^r (= R^t_l), 64 bytes. A recipient whose share
// does not verify complains by publishing S with a DLEQ proof (label
// "complaint/<dealer>/<recipient>") that log_g T_l = log_R S: anyone then
// decrypts that one share and runs VerifyShare, so a false complaint
// fails and a true one proves the dealer cheated.

// ErrShareEncoding is an encrypted share that is not R || masked scalar.
var ErrShareEncoding = errors.New("evoting: encrypted share must be a 32-byte point and 32 bytes")

func shareMask(R, S *Point) []byte {
	h := sha256.New()
	h.Write([]byte("govchain/evoting/v1/share"))
	h.Write(R.Encode(nil))
	h.Write(S.Encode(nil))
	return h.Sum(nil)
}

// EncryptShare encrypts a share for the holder of transport key T.
func EncryptShare(T *Point, share *Scalar, rnd io.Reader) ([]byte, error) {
	r, err := RandomScalar(rnd)
	if err != nil {
		return nil, err
	}
	R := ristretto255.NewElement().ScalarBaseMult(r)
	S := ristretto255.NewElement().ScalarMult(r, T)
	out := R.Encode(nil)
	mask := shareMask(R, S)
	for i, b := range share.Encode(nil) {
		out = append(out, b^mask[i])
	}
	return out, nil
}

// ShareSecret is S = R^t, what the transport key's holder t derives from
// an encrypted share (and publishes to complain).
func ShareSecret(t *Scalar, enc []byte) (*Point, error) {
	if len(enc) != 64 {
		return nil, ErrShareEncoding
	}
	R, err := DecodePoint(enc[:32])
	if err != nil {
		return nil, err
	}
	return ristretto255.NewElement().ScalarMult(t, R), nil
}

// OpenShare decrypts an encrypted share with S = R^t. A share that is not a
// canonical scalar is an error (and a dealer's fault).
func OpenShare(S *Point, enc []byte) (*Scalar, error) {
	if len(enc) != 64 {
		return nil, ErrShareEncoding
	}
	R, err := DecodePoint(enc[:32])
	if err != nil {
		return nil, err
	}
	mask := shareMask(R, S)
	plain := make([]byte, 32)
	for i := range plain {
		plain[i] = enc[32+i] ^ mask[i]
	}
	return DecodeScalar(plain)
}

// ComplaintContext binds a complaint's proof to the election, the dealer
// and the recipient.
func ComplaintContext(m *Manifest, dealer, recipient uint32) Context {
	return Context{Manifest: m.Hash(), Label: fmt.Sprintf("complaint/%d/%d", dealer, recipient)}
}

// ProveComplaint returns S = R^t and the proof that it is the holder's of
// T = g^t.
func ProveComplaint(ctx Context, t *Scalar, enc []byte, rnd io.Reader) (*Point, *DLEQProof, error) {
	if len(enc) != 64 {
		return nil, nil, ErrShareEncoding
	}
	R, err := DecodePoint(enc[:32])
	if err != nil {
		return nil, nil, err
	}
	return PartialDecrypt(ctx, t, R, rnd)
}

// JudgeComplaint decides a complaint against the dealer of c by the
// recipient l with transport key T: nil if the complaint's secret is
// proven and the share it opens does not verify (the dealer cheated);
// an error saying why the complaint fails otherwise.
func JudgeComplaint(ctx Context, c *Commitment, l uint32, T *Point, enc []byte, S *Point, p *DLEQProof) error {
	if len(enc) != 64 {
		return ErrShareEncoding
	}
	R, err := DecodePoint(enc[:32])
	if err != nil {
		return err
	}
	if err := VerifyDLEQ(ctx, T, R, S, p); err != nil {
		return err
	}
	share, err := OpenShare(S, enc)
	if err != nil {
		return nil // not even a scalar: the dealer's fault
	}
	if VerifyShare(c, l, share) == nil {
		return errors.New("evoting: the share verifies; the complaint is false")
	}
	return nil
}
