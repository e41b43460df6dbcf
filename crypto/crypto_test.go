package crypto

import (
	"bytes"
	"encoding/hex"
	"errors"
	"path/filepath"
	"testing"
)

func TestSignVerify(t *testing.T) {
	k, err := KeyFromSeed(AlgEd25519, bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	sig := k.Sign([]byte("hello"))
	if err := Verify(AlgEd25519, k.PublicKey(), []byte("hello"), sig); err != nil {
		t.Fatal(err)
	}
	if err := Verify(AlgEd25519, k.PublicKey(), []byte("hellO"), sig); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("tampered msg: %v", err)
	}
	if err := Verify("rsa", k.PublicKey(), []byte("hello"), sig); !errors.Is(err, ErrUnknownAlgorithm) {
		t.Fatalf("unknown alg: %v", err)
	}
	if err := Verify(AlgEd25519, k.PublicKey()[:31], []byte("hello"), sig); !errors.Is(err, ErrBadPublicKey) {
		t.Fatalf("short key: %v", err)
	}
	if err := Verify(AlgEd25519, k.PublicKey(), []byte("hello"), sig[:63]); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("short sig: %v", err)
	}
}

func TestAddress(t *testing.T) {
	k, _ := KeyFromSeed(AlgEd25519, make([]byte, 32))
	a := k.Address()
	if !ValidAddress(a) {
		t.Fatalf("invalid address %q", a)
	}
	for _, bad := range []string{"", "ABCDEF0123456789abcdef0123456789abcdef01", a[:39], a + "0", "g" + a[1:]} {
		if ValidAddress(bad) {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	k, _ := GenerateKey(AlgEd25519, nil)
	p := filepath.Join(dir, "k.json")
	if err := WriteKeyFile(p, k.ToFile("k")); err != nil {
		t.Fatal(err)
	}
	if err := WriteKeyFile(p, k.ToFile("k")); err == nil {
		t.Fatal("overwrote an existing key file")
	}
	k2, f, err := ReadKeyFile(p)
	if err != nil || k2.Address() != k.Address() || f.Name != "k" {
		t.Fatalf("read back: %v", err)
	}
	bad := k.ToFile("k")
	bad.Address = "00" + bad.Address[2:]
	if _, err := bad.Key(); err == nil {
		t.Fatal("accepted a key file whose address does not match")
	}
}

func TestHashDomainSeparation(t *testing.T) {
	// Known answer: SHA-256("d" || 0x00 || "abc"), computed independently with
	// printf 'd\x00abc' | sha256sum.
	got := Hash("d", []byte("abc"))
	if want := "b7a52f8eb9626b397fb93af0a11d30988dc7aab431b2e9025a153f041a1ce480"; hex.EncodeToString(got[:]) != want {
		t.Fatalf("Hash = %x, want %s", got, want)
	}
	if Hash("a", []byte("bc")) == Hash("ab", []byte("c")) {
		t.Fatal("domain separation failed")
	}
}

func TestBatchVerifier(t *testing.T) {
	bv := NewBatchVerifier()
	var want []bool
	for i := 0; i < 40; i++ {
		k, _ := GenerateKey(AlgEd25519, nil)
		msg := []byte{byte(i), 1, 2, 3}
		sig := k.Sign(msg)
		pub := k.PublicKey()
		ok := true
		switch i % 7 {
		case 3:
			sig[5] ^= 1
			ok = false
		case 5:
			msg = []byte("other")
			ok = false
		case 6:
			pub = pub[:31]
			ok = false
		}
		bv.Add(AlgEd25519, pub, msg, sig)
		want = append(want, ok)
		if single := Verify(AlgEd25519, pub, msg, sig); (single == nil) != ok {
			t.Fatalf("single verify %d: %v", i, single)
		}
	}
	for i, err := range bv.Verify() {
		if (err == nil) != want[i] {
			t.Fatalf("batch entry %d: %v, want valid=%v", i, err, want[i])
		}
	}
	// An all-valid batch.
	bv = NewBatchVerifier()
	for i := 0; i < 10; i++ {
		k, _ := GenerateKey(AlgEd25519, nil)
		bv.Add(AlgEd25519, k.PublicKey(), []byte("m"), k.Sign([]byte("m")))
	}
	for i, err := range bv.Verify() {
		if err != nil {
			t.Fatalf("valid batch entry %d: %v", i, err)
		}
	}
	if len(NewBatchVerifier().Verify()) != 0 {
		t.Fatal("empty batch")
	}
}
