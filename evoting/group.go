// Package evoting is the cryptography of end-to-end verifiable, secret
// elections, independent of the chain: exponential ElGamal over the
// prime-order group ristretto255 (github.com/gtank/ristretto255), zero-
// knowledge proofs that a ciphertext encrypts a value in a range (a
// selection is 0 or 1; a contest's selections sum to at most its limit),
// Chaum-Pedersen proofs of correct partial decryption, homomorphic tallying
// and recovery of counts by baby-step giant-step.
//
// Every challenge is a SHA-512 transcript of a domain, the election's
// manifest hash and every public value, so a proof made for one election,
// contest or ballot does not verify for another. Design references:
// ElectionGuard 2.0 and Helios. This package is pure computation: it must
// not import anything of govchain's own, nor read clocks (randomness comes
// from crypto/rand or a caller's reader).
//
// The trustees share the election key k of n (Feldman VSS, trustees.go);
// ballots carry chained tracking codes and may be spoiled to challenge the
// device (ballot.go); the election record and its universal verifier are in
// record.go. The protocol, formats and threat model: docs/evoting.md.
package evoting

import (
	"crypto/rand"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/gtank/ristretto255"
)

// Errors of decoding.
var (
	ErrBadPoint  = errors.New("evoting: not a canonical ristretto255 element")
	ErrBadScalar = errors.New("evoting: not a canonical scalar")
)

// Point and Scalar are the group's elements and exponents.
type (
	Point  = ristretto255.Element
	Scalar = ristretto255.Scalar
)

// G is the group's generator.
func G() *Point { return ristretto255.NewElement().Base() }

// DecodePoint parses a canonical 32-byte encoding.
func DecodePoint(b []byte) (*Point, error) {
	p := ristretto255.NewElement()
	if err := p.Decode(b); err != nil {
		return nil, ErrBadPoint
	}
	return p, nil
}

// DecodeScalar parses a canonical 32-byte little-endian encoding.
func DecodeScalar(b []byte) (*Scalar, error) {
	s := ristretto255.NewScalar()
	if len(b) != 32 || s.Decode(b) != nil {
		return nil, ErrBadScalar
	}
	return s, nil
}

// ScalarFromUint64 is the scalar m.
func ScalarFromUint64(m uint64) *Scalar {
	var b [32]byte
	binary.LittleEndian.PutUint64(b[:], m)
	s := ristretto255.NewScalar()
	if err := s.Decode(b[:]); err != nil {
		panic(err) // unreachable: m < 2^64 < the group order
	}
	return s
}

// RandomScalar draws a uniform scalar from r (crypto/rand when nil).
func RandomScalar(r io.Reader) (*Scalar, error) {
	if r == nil {
		r = rand.Reader
	}
	var b [64]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return nil, fmt.Errorf("evoting: randomness: %w", err)
	}
	return ristretto255.NewScalar().FromUniformBytes(b[:]), nil
}

// transcript hashes a challenge: SHA-512 of the domain, the manifest hash
// and each item with its length, reduced to a scalar.
type transcript struct{ h []byte }

func newTranscript(domain string, manifest [32]byte) *transcript {
	t := &transcript{}
	t.bytes([]byte("govchain/evoting/v1/" + domain))
	t.bytes(manifest[:])
	return t
}

func (t *transcript) bytes(b []byte) {
	t.h = binary.BigEndian.AppendUint32(t.h, uint32(len(b)))
	t.h = append(t.h, b...)
}

func (t *transcript) point(ps ...*Point) {
	for _, p := range ps {
		t.bytes(p.Encode(nil))
	}
}

func (t *transcript) uint(v uint64) { t.h = binary.BigEndian.AppendUint64(t.h, v) }

func (t *transcript) challenge() *Scalar {
	sum := sha512.Sum512(t.h)
	return ristretto255.NewScalar().FromUniformBytes(sum[:])
}
