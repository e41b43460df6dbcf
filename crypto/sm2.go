package crypto

import (
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/emmansun/gmsm/sm2"
)

// AlgSM2 names SM2 signatures (GB/T 32918.2-2016) on the SM2 recommended
// curve, with the SM3 digest of Z_A || message and the standard's default
// user ID "1234567812345678", through github.com/emmansun/gmsm.
//
// Encodings (one byte form each, so a tx has one hash):
//   - public key: 65 bytes, 0x04 || X || Y (uncompressed, on the curve);
//   - signature: 64 bytes, r || s, each 32 bytes big-endian, 1 <= r, s < n;
//   - private key (key files): the 32-byte scalar d, 1 <= d <= n-2.
const AlgSM2 = "sm2"

// SM2 sizes.
const (
	SM2PublicKeySize = 65
	SM2SignatureSize = 64
	SM2PrivateSize   = 32
)

var sm2N = sm2.P256().Params().N

// parseSM2PublicKey checks and decodes a public key.
func parseSM2PublicKey(pub []byte) (*ecdsa.PublicKey, error) {
	if len(pub) != SM2PublicKeySize || pub[0] != 4 {
		return nil, fmt.Errorf("%w: sm2 key must be 65 bytes 0x04||X||Y, got %d bytes", ErrBadPublicKey, len(pub))
	}
	c := sm2.P256()
	x := new(big.Int).SetBytes(pub[1:33])
	y := new(big.Int).SetBytes(pub[33:])
	p := c.Params().P
	if x.Cmp(p) >= 0 || y.Cmp(p) >= 0 || !c.IsOnCurve(x, y) {
		return nil, fmt.Errorf("%w: sm2 point is not on the curve", ErrBadPublicKey)
	}
	return &ecdsa.PublicKey{Curve: c, X: x, Y: y}, nil
}

// parseSM2Signature decodes r || s.
func parseSM2Signature(sig []byte) (*big.Int, *big.Int, error) {
	if len(sig) != SM2SignatureSize {
		return nil, nil, fmt.Errorf("%w: sm2 signature must be 64 bytes r||s, got %d", ErrBadSignature, len(sig))
	}
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:])
	if r.Sign() == 0 || s.Sign() == 0 || r.Cmp(sm2N) >= 0 || s.Cmp(sm2N) >= 0 {
		return nil, nil, fmt.Errorf("%w: sm2 r or s out of range", ErrBadSignature)
	}
	return r, s, nil
}

func sm2Verify(pub, msg, sig []byte) error {
	pk, err := parseSM2PublicKey(pub)
	if err != nil {
		return err
	}
	r, s, err := parseSM2Signature(sig)
	if err != nil {
		return err
	}
	if !sm2.VerifyWithSM2(pk, nil, msg, r, s) {
		return ErrBadSignature
	}
	return nil
}

func sm2KeyFromScalar(d []byte) (*sm2.PrivateKey, error) {
	if len(d) != SM2PrivateSize {
		return nil, fmt.Errorf("crypto: sm2 private key must be %d bytes", SM2PrivateSize)
	}
	k := new(big.Int).SetBytes(d)
	if k.Sign() == 0 || k.Cmp(new(big.Int).Sub(sm2N, big.NewInt(1))) >= 0 {
		return nil, errors.New("crypto: sm2 private key out of range")
	}
	priv := new(sm2.PrivateKey)
	priv.Curve = sm2.P256()
	priv.D = k
	priv.X, priv.Y = priv.Curve.ScalarBaseMult(d)
	return priv, nil
}

func sm2Generate(r io.Reader) (*sm2.PrivateKey, error) {
	if r == nil {
		r = rand.Reader
	}
	return sm2.GenerateKey(r)
}

func sm2PublicBytes(k *sm2.PrivateKey) []byte {
	out := make([]byte, SM2PublicKeySize)
	out[0] = 4
	k.X.FillBytes(out[1:33])
	k.Y.FillBytes(out[33:])
	return out
}

func sm2Sign(k *sm2.PrivateKey, msg []byte) ([]byte, error) {
	r, s, err := sm2.SignWithSM2(rand.Reader, &k.PrivateKey, nil, msg)
	if err != nil {
		return nil, err
	}
	out := make([]byte, SM2SignatureSize)
	r.FillBytes(out[:32])
	s.FillBytes(out[32:])
	return out, nil
}
