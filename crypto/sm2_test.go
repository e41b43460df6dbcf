package crypto

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/big"
	"testing"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
)

func unhex(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// GB/T 32918.2-2016 Annex A, on the recommended curve: "message digest"
// signed by d with the default user ID 1234567812345678.
const (
	sm2StdD   = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8"
	sm2StdX   = "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
	sm2StdY   = "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
	sm2StdR   = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
	sm2StdS   = "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
	sm2StdMsg = "message digest"
)

func TestSM3KnownAnswer(t *testing.T) {
	// GB/T 32905-2016 Annex A.1.
	got := sm3.Sum([]byte("abc"))
	if hex.EncodeToString(got[:]) != "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0" {
		t.Fatalf("SM3(abc) = %x", got)
	}
}

func TestSM2KnownAnswer(t *testing.T) {
	k, err := KeyFromSeed(AlgSM2, unhex(t, sm2StdD))
	if err != nil {
		t.Fatal(err)
	}
	wantPub := append([]byte{4}, append(unhex(t, sm2StdX), unhex(t, sm2StdY)...)...)
	if !bytes.Equal(k.PublicKey(), wantPub) {
		t.Fatalf("public key %x", k.PublicKey())
	}
	sig := append(unhex(t, sm2StdR), unhex(t, sm2StdS)...)
	if err := Verify(AlgSM2, wantPub, []byte(sm2StdMsg), sig); err != nil {
		t.Fatalf("standard signature: %v", err)
	}
	if err := Verify(AlgSM2, wantPub, []byte("message digesT"), sig); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("other message: %v", err)
	}
	// Our signatures verify with gmsm's own ASN.1 path (cross-check).
	msg := []byte("govchain")
	ours := k.Sign(msg)
	if err := Verify(AlgSM2, wantPub, msg, ours); err != nil {
		t.Fatal(err)
	}
	r, s := new(big.Int).SetBytes(ours[:32]), new(big.Int).SetBytes(ours[32:])
	if !sm2.VerifyWithSM2(&k.sm2.PublicKey, []byte("1234567812345678"), msg, r, s) {
		t.Fatal("gmsm does not accept our signature with the explicit default ID")
	}
	// A signature made under another user ID does not verify.
	r2, s2, err := sm2.SignWithSM2(rand.Reader, &k.sm2.PrivateKey, []byte("ALICE123@YAHOO.COM"), msg)
	if err != nil {
		t.Fatal(err)
	}
	other := append(r2.FillBytes(make([]byte, 32)), s2.FillBytes(make([]byte, 32))...)
	if err := Verify(AlgSM2, wantPub, msg, other); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("signature with another user ID: %v", err)
	}
}

func TestSM2Malformed(t *testing.T) {
	k, _ := GenerateKey(AlgSM2, nil)
	pub := k.PublicKey()
	msg := []byte("m")
	sig := k.Sign(msg)
	offCurve := append([]byte{}, pub...)
	offCurve[64] ^= 1
	compressed := append([]byte{2}, pub[1:33]...)
	n := sm2.P256().Params().N.FillBytes(make([]byte, 32))
	for name, c := range map[string]struct {
		pub, sig []byte
		want     error
	}{
		"point off the curve":   {offCurve, sig, ErrBadPublicKey},
		"compressed key":        {compressed, sig, ErrBadPublicKey},
		"short key":             {pub[:64], sig, ErrBadPublicKey},
		"ed25519-sized key":     {pub[:32], sig, ErrBadPublicKey},
		"short signature":       {pub, sig[:63], ErrBadSignature},
		"DER signature":         {pub, append([]byte{0x30, 0x44}, sig...), ErrBadSignature},
		"r = 0":                 {pub, append(make([]byte, 32), sig[32:]...), ErrBadSignature},
		"s = n":                 {pub, append(append([]byte{}, sig[:32]...), n...), ErrBadSignature},
		"flipped signature bit": {pub, append(append([]byte{}, sig[:63]...), sig[63]^1), ErrBadSignature},
	} {
		if err := Verify(AlgSM2, c.pub, msg, c.sig); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	// An algorithm that does not match the key.
	ek, _ := GenerateKey(AlgEd25519, nil)
	if err := Verify(AlgSM2, ek.PublicKey(), msg, ek.Sign(msg)); !errors.Is(err, ErrBadPublicKey) {
		t.Errorf("ed25519 key named sm2: %v", err)
	}
	if err := Verify(AlgEd25519, pub, msg, sig); !errors.Is(err, ErrBadPublicKey) {
		t.Errorf("sm2 key named ed25519: %v", err)
	}
	for _, d := range [][]byte{make([]byte, 32), n, bytes.Repeat([]byte{0xff}, 32), make([]byte, 31)} {
		if _, err := KeyFromSeed(AlgSM2, d); err == nil {
			t.Errorf("accepted scalar %x", d)
		}
	}
}

func TestSM2KeyFileAndBatch(t *testing.T) {
	k, _ := GenerateKey(AlgSM2, nil)
	k2, err := k.ToFile("s").Key()
	if err != nil || k2.Address() != k.Address() || k2.Algorithm != AlgSM2 {
		t.Fatalf("key file round trip: %v", err)
	}
	bv := NewBatchVerifier()
	e, _ := GenerateKey(AlgEd25519, nil)
	bv.Add(AlgSM2, k.PublicKey(), []byte("a"), k.Sign([]byte("a")))
	bv.Add(AlgEd25519, e.PublicKey(), []byte("b"), e.Sign([]byte("b")))
	bv.Add(AlgSM2, k.PublicKey(), []byte("c"), k.Sign([]byte("x")))
	res := bv.Verify()
	if res[0] != nil || res[1] != nil || !errors.Is(res[2], ErrBadSignature) {
		t.Fatalf("mixed batch: %v", res)
	}
}

func FuzzSM2Decoders(f *testing.F) {
	k, _ := KeyFromSeed(AlgSM2, unhex(f, sm2StdD))
	f.Add(k.PublicKey(), append(unhex(f, sm2StdR), unhex(f, sm2StdS)...))
	f.Fuzz(func(t *testing.T, pub, sig []byte) {
		err := Verify(AlgSM2, pub, []byte(sm2StdMsg), sig)
		if err == nil && !(bytes.Equal(pub, k.PublicKey()) && len(sig) == 64) {
			t.Fatalf("accepted pub %x sig %x", pub, sig)
		}
	})
}

func BenchmarkVerifySM2(b *testing.B) {
	k, _ := GenerateKey(AlgSM2, nil)
	msg := bytes.Repeat([]byte("m"), 200)
	sig := k.Sign(msg)
	for i := 0; i < b.N; i++ {
		if Verify(AlgSM2, k.PublicKey(), msg, sig) != nil {
			b.Fatal("verify")
		}
	}
}

func BenchmarkVerifyEd25519(b *testing.B) {
	k, _ := GenerateKey(AlgEd25519, nil)
	msg := bytes.Repeat([]byte("m"), 200)
	sig := k.Sign(msg)
	for i := 0; i < b.N; i++ {
		if Verify(AlgEd25519, k.PublicKey(), msg, sig) != nil {
			b.Fatal("verify")
		}
	}
}

func TestPEMRoundTrip(t *testing.T) {
	for _, alg := range []string{AlgSM2, AlgEd25519} {
		k, _ := GenerateKey(alg, nil)
		p, err := k.MarshalPEM()
		if err != nil {
			t.Fatal(err)
		}
		k2, err := ParsePEMPrivateKey(p)
		if err != nil || k2.Algorithm != alg || k2.Address() != k.Address() {
			t.Fatalf("%s: %v", alg, err)
		}
	}
	// The standard's SM2 key, as gmssl/Tongsuo write it, parses to the
	// standard's public key.
	k, _ := KeyFromSeed(AlgSM2, unhex(t, sm2StdD))
	p, _ := k.MarshalPEM()
	k2, err := ParsePEMPrivateKey(p)
	if err != nil || !bytes.Equal(k2.PublicKey(), k.PublicKey()) {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"} {
		if _, err := ParsePEMPrivateKey([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func BenchmarkHash(b *testing.B) {
	data := bytes.Repeat([]byte("x"), 256)
	b.Run("sha256", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			sha256.Sum256(data)
		}
	})
	b.Run("sm3", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			sm3.Sum(data)
		}
	})
}
