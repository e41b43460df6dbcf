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

// Encrypted shares open for their recipient only; a complaint against a bad
// share is upheld, one against a good share or with a wrong secret fails.
func TestEncryptedSharesAndComplaints(t *testing.T) {
	m := &Manifest{ElectionID: "E", Contests: []Contest{{ID: "c", Options: []string{"x", "y"}, Limit: 1}}, Trustees: 2, Threshold: 2}
	d, c, err := NewDealer(CeremonyContext(m), 1, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	tk, _ := RandomScalar(nil)
	T := ristretto255.NewElement().ScalarBaseMult(tk)
	good, err := EncryptShare(T, d.Share(2), nil)
	if err != nil {
		t.Fatal(err)
	}
	S, err := ShareSecret(tk, good)
	if err != nil {
		t.Fatal(err)
	}
	share, err := OpenShare(S, good)
	if err != nil || VerifyShare(c, 2, share) != nil {
		t.Fatalf("good share does not open and verify: %v", err)
	}
	cctx := ComplaintContext(m, 1, 2)
	S2, p, err := ProveComplaint(cctx, tk, good, nil)
	if err != nil {
		t.Fatal(err)
	}
	if JudgeComplaint(cctx, c, 2, T, good, S2, p) == nil {
		t.Fatal("a complaint against a good share was upheld")
	}
	bad, _ := EncryptShare(T, d.Share(3), nil) // the share of someone else
	S3, p3, _ := ProveComplaint(cctx, tk, bad, nil)
	if err := JudgeComplaint(cctx, c, 2, T, bad, S3, p3); err != nil {
		t.Fatalf("a true complaint was refused: %v", err)
	}
	// The proof binds dealer and recipient, and the secret.
	if JudgeComplaint(ComplaintContext(m, 1, 3), c, 2, T, bad, S3, p3) == nil {
		t.Fatal("complaint proof verified under another label")
	}
	if !errors.Is(JudgeComplaint(cctx, c, 2, T, bad, G(), p3), ErrDLEQProof) {
		t.Fatal("a wrong secret was accepted")
	}
	if !errors.Is(JudgeComplaint(cctx, c, 2, T, bad[:63], S3, p3), ErrShareEncoding) {
		t.Fatal("short share accepted")
	}
}

// Manifest shape rules hold at load, before any ceremony.
func TestManifestShape(t *testing.T) {
	for name, m := range map[string]Manifest{
		"duplicate option": {ElectionID: "E", Contests: []Contest{{ID: "c", Options: []string{"x", "x"}, Limit: 1}}, Trustees: 1, Threshold: 1},
		"empty option":     {ElectionID: "E", Contests: []Contest{{ID: "c", Options: []string{"x", ""}, Limit: 1}}, Trustees: 1, Threshold: 1},
		"k > n":            {ElectionID: "E", Contests: []Contest{{ID: "c", Options: []string{"x"}, Limit: 1}}, Trustees: 1, Threshold: 2},
		"limit 0":          {ElectionID: "E", Contests: []Contest{{ID: "c", Options: []string{"x"}, Limit: 0}}, Trustees: 1, Threshold: 1},
		"duplicate contest": {ElectionID: "E", Contests: []Contest{{ID: "c", Options: []string{"x"}, Limit: 1}, {ID: "c", Options: []string{"y"}, Limit: 1}},
			Trustees: 1, Threshold: 1},
	} {
		if m.Check() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
