package evoting

import (
	"errors"
	"testing"

	"github.com/gtank/ristretto255"
)

// A 3-of-5 ceremony, a tally, and decryption by two different sets of three
// trustees; a dealer's bad share is detected and attributable.
func TestThresholdCeremonyAndTally(t *testing.T) {
	const n, k = 5, 3
	var dealers []*Dealer
	var cs []*Commitment
	for i := uint32(1); i <= n; i++ {
		d, c, err := NewDealer(ctx, i, k, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := VerifyCommitment(ctx, c, k); err != nil {
			t.Fatal(err)
		}
		dealers, cs = append(dealers, d), append(cs, c)
	}
	// Shares, each checked by its recipient.
	secrets := make(map[uint32]*Scalar)
	for l := uint32(1); l <= n; l++ {
		var got []*Scalar
		for i, d := range dealers {
			s := d.Share(l)
			if err := VerifyShare(cs[i], l, s); err != nil {
				t.Fatal(err)
			}
			got = append(got, s)
		}
		secrets[l] = SecretShare(got)
		if ristretto255.NewElement().ScalarBaseMult(secrets[l]).Equal(VerificationKey(cs, l)) != 1 {
			t.Fatalf("trustee %d: secret does not match its verification key", l)
		}
	}
	// A dishonest dealer: trustee 4 receives a wrong share from dealer 2;
	// anyone can check the revealed share and blame dealer 2.
	bad := ristretto255.NewScalar().Add(dealers[1].Share(4), ScalarFromUint64(1))
	if err := VerifyShare(cs[1], 4, bad); !errors.Is(err, ErrBadShare) {
		t.Fatalf("bad share: %v", err)
	}
	// A commitment for another election, or with a tampered coefficient.
	other := ctx
	other.Manifest[1] ^= 1
	if VerifyCommitment(other, cs[0], k) == nil {
		t.Fatal("commitment verified for another election")
	}
	forged := *cs[0]
	forged.Coeffs = append([]*Point{}, cs[0].Coeffs...)
	forged.Coeffs[1] = G()
	if !errors.Is(VerifyCommitment(ctx, &forged, k), ErrBadCommitment) {
		t.Fatal("tampered commitment verified")
	}

	K := JointKey(cs)
	total, want := Zero(), uint64(0)
	for _, m := range []uint64{1, 0, 1, 1, 0, 1} {
		r, _ := RandomScalar(nil)
		total, want = total.Add(Encrypt(K, m, r)), want+m
	}
	d := NewDLog(100)
	for _, set := range [][]uint32{{1, 3, 5}, {2, 3, 4}, {1, 2, 3, 4, 5}} {
		var partials []*Point
		for _, l := range set {
			D, p, err := PartialDecrypt(ctx, secrets[l], total.A, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyDLEQ(ctx, VerificationKey(cs, l), total.A, D, p); err != nil {
				t.Fatalf("trustee %d partial: %v", l, err)
			}
			partials = append(partials, D)
		}
		mask, err := CombinePartials(k, set, partials)
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.Log(ristretto255.NewElement().Subtract(total.B, mask))
		if err != nil || got != want {
			t.Fatalf("trustees %v: tally %d %v, want %d", set, got, err, want)
		}
	}
	// Fewer than k trustees cannot decrypt.
	if _, err := CombinePartials(k, []uint32{1, 2}, []*Point{G(), G()}); !errors.Is(err, ErrThreshold) {
		t.Fatal("combined two of three")
	}
	if _, err := CombinePartials(k, []uint32{1, 1, 2}, []*Point{G(), G(), G()}); !errors.Is(err, ErrThreshold) {
		t.Fatal("combined a repeated trustee")
	}
}
