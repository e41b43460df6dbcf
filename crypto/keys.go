package crypto

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
)

// PrivateKey is an account's signing key.
type PrivateKey struct {
	Algorithm string
	key       ed25519.PrivateKey // ed25519
	sm2       *sm2.PrivateKey    // sm2
}

// GenerateKey makes a new key of algorithm alg from rand (crypto/rand when
// nil).
func GenerateKey(alg string, r io.Reader) (*PrivateKey, error) {
	switch alg {
	case AlgEd25519:
		if r == nil {
			r = rand.Reader
		}
		_, k, err := ed25519.GenerateKey(r)
		if err != nil {
			return nil, err
		}
		return &PrivateKey{Algorithm: alg, key: k}, nil
	case AlgSM2:
		k, err := sm2Generate(r)
		if err != nil {
			return nil, err
		}
		return &PrivateKey{Algorithm: alg, sm2: k}, nil
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownAlgorithm, alg)
}

// KeyFromSeed rebuilds a key from its secret: an Ed25519 32-byte seed, or
// an SM2 32-byte scalar.
func KeyFromSeed(alg string, seed []byte) (*PrivateKey, error) {
	switch alg {
	case AlgEd25519:
		if len(seed) != ed25519.SeedSize {
			return nil, fmt.Errorf("crypto: ed25519 seed must be %d bytes", ed25519.SeedSize)
		}
		return &PrivateKey{Algorithm: alg, key: ed25519.NewKeyFromSeed(seed)}, nil
	case AlgSM2:
		k, err := sm2KeyFromScalar(seed)
		if err != nil {
			return nil, err
		}
		return &PrivateKey{Algorithm: alg, sm2: k}, nil
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownAlgorithm, alg)
}

// PublicKey returns the public half.
func (k *PrivateKey) PublicKey() []byte {
	if k.sm2 != nil {
		return sm2PublicBytes(k.sm2)
	}
	return []byte(k.key.Public().(ed25519.PublicKey))
}

// Address is the account address of the key's public half.
func (k *PrivateKey) Address() string { return Address(k.Algorithm, k.PublicKey()) }

// Sign signs msg. SM2 signing draws randomness from crypto/rand; a failure
// there is not recoverable and panics.
func (k *PrivateKey) Sign(msg []byte) []byte {
	if k.sm2 != nil {
		sig, err := sm2Sign(k.sm2, msg)
		if err != nil {
			panic(fmt.Sprintf("crypto: sm2 sign: %v", err))
		}
		return sig
	}
	return ed25519.Sign(k.key, msg)
}

// Seed returns the secret (what key files store).
func (k *PrivateKey) Seed() []byte {
	if k.sm2 != nil {
		return k.sm2.D.FillBytes(make([]byte, SM2PrivateSize))
	}
	return k.key.Seed()
}

// KeyFile is the JSON form of a key on disk (always written with mode 0600).
type KeyFile struct {
	Name       string `json:"name"`
	Algorithm  string `json:"algorithm"`
	Address    string `json:"address"`
	PublicKey  []byte `json:"public_key"`
	PrivateKey []byte `json:"private_key"`
}

// ToFile returns the on-disk form of k under name.
func (k *PrivateKey) ToFile(name string) KeyFile {
	return KeyFile{Name: name, Algorithm: k.Algorithm, Address: k.Address(), PublicKey: k.PublicKey(), PrivateKey: k.Seed()}
}

// Key decodes the private key in f and checks that it matches the recorded
// public key and address.
func (f KeyFile) Key() (*PrivateKey, error) {
	k, err := KeyFromSeed(f.Algorithm, f.PrivateKey)
	if err != nil {
		return nil, err
	}
	if string(k.PublicKey()) != string(f.PublicKey) || k.Address() != f.Address {
		return nil, fmt.Errorf("crypto: key file %q: private key does not match its public key or address", f.Name)
	}
	return k, nil
}

// WriteKeyFile writes f to path with mode 0600, refusing to overwrite.
func WriteKeyFile(path string, f KeyFile) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := fh.Write(append(b, '\n')); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}

// ReadKeyFile reads and checks a key file.
func ReadKeyFile(path string) (*PrivateKey, KeyFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, KeyFile{}, err
	}
	var f KeyFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, KeyFile{}, fmt.Errorf("crypto: key file %s: %w", path, err)
	}
	k, err := f.Key()
	return k, f, err
}

// MarshalPEM writes the private key as PKCS#8 in PEM ("PRIVATE KEY"), the
// form OpenSSL/Tongsuo and gmssl tools read and write (SM2 keys carry the
// SM2 curve OID).
func (k *PrivateKey) MarshalPEM() ([]byte, error) {
	var key any = k.key
	if k.sm2 != nil {
		key = k.sm2
	}
	der, err := smx509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParsePEMPrivateKey reads a PKCS#8 private key in PEM (Ed25519 or SM2).
func ParsePEMPrivateKey(b []byte) (*PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("crypto: no PEM block")
	}
	if block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("crypto: PEM block %q, want PRIVATE KEY (PKCS#8)", block.Type)
	}
	key, err := smx509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("crypto: PKCS#8: %w", err)
	}
	switch k := key.(type) {
	case ed25519.PrivateKey:
		return &PrivateKey{Algorithm: AlgEd25519, key: k}, nil
	case *sm2.PrivateKey:
		return KeyFromSeed(AlgSM2, k.D.FillBytes(make([]byte, SM2PrivateSize)))
	}
	return nil, fmt.Errorf("%w: PKCS#8 key of type %T", ErrUnknownAlgorithm, key)
}
