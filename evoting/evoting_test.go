package evoting

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/gtank/ristretto255"
)

func keypair(t testing.TB) (*Scalar, *Point) {
	s, err := RandomScalar(nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, ristretto255.NewElement().ScalarBaseMult(s)
}

var ctx = Context{Manifest: sha256.Sum256([]byte("test election")), Label: "contest-1/option-2"}

func TestElGamalAndTally(t *testing.T) {
	s, K := keypair(t)
	d := NewDLog(1000)
	total := Zero()
	var want uint64
	for _, m := range []uint64{0, 1, 1, 0, 1, 7} {
		r, _ := RandomScalar(nil)
		c := Encrypt(K, m, r)
		got, err := d.Log(c.DecryptToPoint(s))
		if err != nil || got != m {
			t.Fatalf("decrypt %d: %d %v", m, got, err)
		}
		total, want = total.Add(c), want+m
		back, err := DecodeCiphertext(c.Encode())
		if err != nil || back.A.Equal(c.A) != 1 || back.B.Equal(c.B) != 1 {
			t.Fatal("ciphertext encoding")
		}
	}
	if got, _ := d.Log(total.DecryptToPoint(s)); got != want {
		t.Fatalf("tally %d, want %d", got, want)
	}
}

func TestDLogRange(t *testing.T) {
	d := NewDLog(10_000_000)
	for _, m := range []uint64{0, 1, 3162, 3163, 9_999_999} {
		got, err := d.Log(ristretto255.NewElement().ScalarBaseMult(ScalarFromUint64(m)))
		if err != nil || got != m {
			t.Fatalf("log of %d: %d %v", m, got, err)
		}
	}
	if _, err := d.Log(ristretto255.NewElement().ScalarBaseMult(ScalarFromUint64(10_000_000))); !errors.Is(err, ErrNoLog) {
		t.Fatalf("beyond range: %v", err)
	}
}

func TestRangeProofs(t *testing.T) {
	_, K := keypair(t)
	for _, L := range []uint64{1, 3} {
		for v := uint64(0); v <= L; v++ {
			r, _ := RandomScalar(nil)
			c := Encrypt(K, v, r)
			p, err := ProveRange(ctx, K, c, v, L, r, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyRange(ctx, K, c, L, p); err != nil {
				t.Fatalf("L=%d v=%d: %v", L, v, err)
			}
			// Bound to the context, the key, the ciphertext and L.
			other := ctx
			other.Label = "contest-2/option-2"
			if VerifyRange(other, K, c, L, p) == nil {
				t.Fatal("proof verified for another contest")
			}
			other = ctx
			other.Manifest[0] ^= 1
			if VerifyRange(other, K, c, L, p) == nil {
				t.Fatal("proof verified for another election")
			}
			_, K2 := keypair(t)
			if VerifyRange(ctx, K2, c, L, p) == nil {
				t.Fatal("proof verified under another key")
			}
			if VerifyRange(ctx, K, c.Add(Encrypt(K, 1, r)), L, p) == nil {
				t.Fatal("proof verified for another ciphertext")
			}
			if L > 1 && VerifyRange(ctx, K, c, L-1, &RangeProof{C: p.C[:L], Z: p.Z[:L]}) == nil {
				t.Fatal("a truncated proof verified for a smaller range")
			}
			p.Z[0] = ristretto255.NewScalar().Add(p.Z[0], ScalarFromUint64(1))
			if !errors.Is(VerifyRange(ctx, K, c, L, p), ErrRangeProof) {
				t.Fatal("tampered response accepted")
			}
		}
	}
	// A selection encrypting 2 has no proof of 0..1: the honest prover
	// refuses, and a proof for 1 does not carry over.
	r, _ := RandomScalar(nil)
	two := Encrypt(K, 2, r)
	if _, err := ProveRange(ctx, K, two, 2, 1, r, nil); err == nil {
		t.Fatal("proved 2 in 0..1")
	}
	one := Encrypt(K, 1, r)
	p, _ := ProveRange(ctx, K, one, 1, 1, r, nil)
	if VerifyRange(ctx, K, two, 1, p) == nil {
		t.Fatal("a proof of 1 verified for an encryption of 2")
	}
	if !errors.Is(VerifyRange(ctx, K, one, 2, p), ErrProofShape) {
		t.Fatal("proof shape not checked")
	}
}

// A choose-one contest: every selection is 0 or 1 and so is their sum, so
// selecting two options cannot be proven.
func TestContestLimit(t *testing.T) {
	_, K := keypair(t)
	choices := []uint64{0, 1, 1, 0, 0} // two options selected
	sum := Zero()
	rsum := ristretto255.NewScalar().Zero()
	var v uint64
	for _, m := range choices {
		r, _ := RandomScalar(nil)
		sum = sum.Add(Encrypt(K, m, r))
		rsum = ristretto255.NewScalar().Add(rsum, r)
		v += m
	}
	if _, err := ProveRange(ctx, K, sum, v, 1, rsum, nil); err == nil {
		t.Fatal("proved a sum of 2 within a limit of 1")
	}
	p, err := ProveRange(ctx, K, sum, v, 2, rsum, nil)
	if err != nil || VerifyRange(ctx, K, sum, 2, p) != nil {
		t.Fatal("a sum of 2 within a limit of 2")
	}
}

func TestPartialDecryption(t *testing.T) {
	s, K := keypair(t)
	r, _ := RandomScalar(nil)
	c := Encrypt(K, 5, r)
	D, p, err := PartialDecrypt(ctx, s, c.A, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyDLEQ(ctx, K, c.A, D, p); err != nil {
		t.Fatal(err)
	}
	// g^m = B / D.
	if m, _ := NewDLog(10).Log(ristretto255.NewElement().Subtract(c.B, D)); m != 5 {
		t.Fatalf("decrypted %d", m)
	}
	wrong := ristretto255.NewElement().Add(D, G())
	if !errors.Is(VerifyDLEQ(ctx, K, c.A, wrong, p), ErrDLEQProof) {
		t.Fatal("a wrong partial decryption verified")
	}
	_, K2 := keypair(t)
	if VerifyDLEQ(ctx, K2, c.A, D, p) == nil {
		t.Fatal("verified under another trustee's key")
	}
	other := ctx
	other.Label = "other"
	if VerifyDLEQ(other, K, c.A, D, p) == nil {
		t.Fatal("verified in another context")
	}
}

func TestDecoders(t *testing.T) {
	if _, err := DecodePoint(bytes.Repeat([]byte{0xff}, 32)); !errors.Is(err, ErrBadPoint) {
		t.Fatal("non-canonical point accepted")
	}
	if _, err := DecodePoint(make([]byte, 31)); !errors.Is(err, ErrBadPoint) {
		t.Fatal("short point accepted")
	}
	if _, err := DecodeScalar(bytes.Repeat([]byte{0xff}, 32)); !errors.Is(err, ErrBadScalar) {
		t.Fatal("scalar above the order accepted")
	}
	g := G().Encode(nil)
	if p, err := DecodePoint(g); err != nil || p.Equal(G()) != 1 {
		t.Fatal("generator round trip")
	}
	if _, err := DecodeCiphertext(append(g, 1)); err == nil {
		t.Fatal("ciphertext of 65 bytes accepted")
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(G().Encode(G().Encode(nil)))
	f.Fuzz(func(t *testing.T, b []byte) {
		if c, err := DecodeCiphertext(b); err == nil && !bytes.Equal(c.Encode(), b) {
			t.Fatal("accepted a non-canonical ciphertext")
		}
		if len(b) >= 32 {
			if s, err := DecodeScalar(b[:32]); err == nil && !bytes.Equal(s.Encode(nil), b[:32]) {
				t.Fatal("accepted a non-canonical scalar")
			}
		}
	})
}

// A 5-option choose-one contest: five 0/1 proofs and one proof that the
// selections sum to at most 1.
func ballot(b testing.TB, K *Point) ([]Ciphertext, []*RangeProof, Ciphertext, *RangeProof) {
	var cts []Ciphertext
	var ps []*RangeProof
	sum, rsum := Zero(), ristretto255.NewScalar().Zero()
	for i := uint64(0); i < 5; i++ {
		m := uint64(0)
		if i == 2 {
			m = 1
		}
		r, _ := RandomScalar(nil)
		c := Encrypt(K, m, r)
		p, err := ProveRange(ctx, K, c, m, 1, r, nil)
		if err != nil {
			b.Fatal(err)
		}
		cts, ps = append(cts, c), append(ps, p)
		sum, rsum = sum.Add(c), ristretto255.NewScalar().Add(rsum, r)
	}
	cp, err := ProveRange(ctx, K, sum, 1, 1, rsum, nil)
	if err != nil {
		b.Fatal(err)
	}
	return cts, ps, sum, cp
}

func BenchmarkEncryptAndProveBallot(b *testing.B) {
	_, K := keypair(b)
	for i := 0; i < b.N; i++ {
		ballot(b, K)
	}
}

func BenchmarkVerifyBallot(b *testing.B) {
	_, K := keypair(b)
	cts, ps, _, cp := ballot(b, K)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sum := Zero()
		for j := range cts {
			if err := VerifyRange(ctx, K, cts[j], 1, ps[j]); err != nil {
				b.Fatal(err)
			}
			sum = sum.Add(cts[j])
		}
		if err := VerifyRange(ctx, K, sum, 1, cp); err != nil {
			b.Fatal(err)
		}
	}
}
