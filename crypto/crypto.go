// Package crypto holds govchain's account key types, signature verification,
// account addresses and domain-separated hashing.
//
// Ed25519 is the only algorithm today; the algorithm name travels with every
// key and signature so that SM2 can be added without changing any format.
// Keys are made and signatures produced with crypto/ed25519 (RFC 8032);
// signatures are verified under the ZIP-215 rules with CometBFT's Ed25519
// (curve25519-voi), the same rules CometBFT applies to votes: they are
// defined for single and batch verification alike, so a batch-verified
// signature is valid exactly when a singly verified one is, on every node.
// It must not import anything of govchain's own.
package crypto

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	cmted "github.com/cometbft/cometbft/crypto/ed25519"
)

// AlgEd25519 names the Ed25519 algorithm (RFC 8032, pure, no prehash).
const AlgEd25519 = "ed25519"

// AddressLen is the length of an account address in bytes (hex-encoded it is
// twice as long).
const AddressLen = 20

var (
	ErrUnknownAlgorithm = errors.New("crypto: unknown signature algorithm")
	ErrBadPublicKey     = errors.New("crypto: malformed public key")
	ErrBadSignature     = errors.New("crypto: signature does not verify")
)

// Hash returns SHA-256(domain || 0x00 || parts...). The domain string names
// what is hashed ("govchain/apphash/v1", ...), so a hash of one kind of
// object can never be passed off as another.
func Hash(domain string, parts ...[]byte) [32]byte {
	h := sha256.New()
	h.Write([]byte(domain))
	h.Write([]byte{0})
	for _, p := range parts {
		h.Write(p)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// CheckPublicKey reports whether pub is a well-formed key of algorithm alg.
func CheckPublicKey(alg string, pub []byte) error {
	switch alg {
	case AlgEd25519:
		if len(pub) != ed25519.PublicKeySize {
			return fmt.Errorf("%w: ed25519 key must be %d bytes, got %d", ErrBadPublicKey, ed25519.PublicKeySize, len(pub))
		}
		return nil
	case AlgSM2:
		_, err := parseSM2PublicKey(pub)
		return err
	default:
		return fmt.Errorf("%w %q", ErrUnknownAlgorithm, alg)
	}
}

// Verify checks sig over msg with the public key pub of algorithm alg.
func Verify(alg string, pub, msg, sig []byte) error {
	if err := CheckPublicKey(alg, pub); err != nil {
		return err
	}
	switch alg {
	case AlgEd25519:
		if len(sig) != ed25519.SignatureSize || !cmted.PubKey(pub).VerifySignature(msg, sig) {
			return ErrBadSignature
		}
		return nil
	case AlgSM2:
		return sm2Verify(pub, msg, sig)
	}
	return ErrUnknownAlgorithm
}

// BatchVerifier checks many signatures at once, about twice as fast per
// signature as one by one. Verify reports each signature's validity, with
// exactly the outcome Verify would give for it alone.
type BatchVerifier struct {
	bv    *cmted.BatchVerifier
	early []error // per Add: a malformed key or signature, found before the batch
	n     int
	done  []bool // per Add: settled without the batch (non-Ed25519 algorithms)
}

// NewBatchVerifier returns an empty batch.
func NewBatchVerifier() *BatchVerifier {
	return &BatchVerifier{bv: cmted.NewBatchVerifier().(*cmted.BatchVerifier)}
}

// Add queues a signature. Algorithms without batch verification (SM2) are
// verified at once.
func (b *BatchVerifier) Add(alg string, pub, msg, sig []byte) {
	if alg != AlgEd25519 {
		b.early = append(b.early, Verify(alg, pub, msg, sig))
		b.done = append(b.done, true)
		return
	}
	b.done = append(b.done, false)
	err := CheckPublicKey(alg, pub)
	if err == nil && len(sig) != ed25519.SignatureSize {
		err = ErrBadSignature
	}
	if err == nil {
		if e := b.bv.Add(cmted.PubKey(pub), msg, sig); e != nil {
			err = ErrBadSignature
		} else {
			b.n++
		}
	}
	b.early = append(b.early, err)
}

// Verify checks the batch; the result has one entry per Add.
func (b *BatchVerifier) Verify() []error {
	out := make([]error, len(b.early))
	var valid []bool
	if b.n > 0 {
		_, valid = b.bv.Verify()
	}
	k := 0
	for i, e := range b.early {
		if e != nil || b.done[i] {
			out[i] = e
			continue
		}
		if k >= len(valid) || !valid[k] {
			out[i] = ErrBadSignature
		}
		k++
	}
	return out
}

// Address derives an account address from a public key:
// hex(SHA-256("govchain/address/v1" || 0x00 || alg || 0x00 || pub)[:20]).
// An account keeps its address when it rotates its key.
func Address(alg string, pub []byte) string {
	h := Hash("govchain/address/v1", []byte(alg), []byte{0}, pub)
	return hex.EncodeToString(h[:AddressLen])
}

// ValidAddress reports whether s is a well-formed address: 40 lowercase hex
// digits.
func ValidAddress(s string) bool {
	if len(s) != 2*AddressLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
