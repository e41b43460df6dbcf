package crypto

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// PrivateKey is an account's signing key.
type PrivateKey struct {
	Algorithm string
	key       ed25519.PrivateKey
}

// GenerateKey makes a new key of algorithm alg from rand (crypto/rand when
// nil).
func GenerateKey(alg string, r io.Reader) (*PrivateKey, error) {
	if alg != AlgEd25519 {
		return nil, fmt.Errorf("%w %q", ErrUnknownAlgorithm, alg)
	}
	if r == nil {
		r = rand.Reader
	}
	_, k, err := ed25519.GenerateKey(r)
	if err != nil {
		return nil, err
	}
	return &PrivateKey{Algorithm: alg, key: k}, nil
}

// KeyFromSeed rebuilds an Ed25519 key from its 32-byte seed.
func KeyFromSeed(alg string, seed []byte) (*PrivateKey, error) {
	if alg != AlgEd25519 {
		return nil, fmt.Errorf("%w %q", ErrUnknownAlgorithm, alg)
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("crypto: ed25519 seed must be %d bytes", ed25519.SeedSize)
	}
	return &PrivateKey{Algorithm: alg, key: ed25519.NewKeyFromSeed(seed)}, nil
}

// PublicKey returns the public half.
func (k *PrivateKey) PublicKey() []byte { return []byte(k.key.Public().(ed25519.PublicKey)) }

// Address is the account address of the key's public half.
func (k *PrivateKey) Address() string { return Address(k.Algorithm, k.PublicKey()) }

// Sign signs msg.
func (k *PrivateKey) Sign(msg []byte) []byte { return ed25519.Sign(k.key, msg) }

// Seed returns the secret seed (what key files store).
func (k *PrivateKey) Seed() []byte { return k.key.Seed() }

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
