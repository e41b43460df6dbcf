package store

import "crypto/sha256"

// Hash is a 32-byte digest.
type Hash = [32]byte

// Hasher is the tree's hash function: SHA-256 by default, or another
// 256-bit hash (SM3) on chains whose genesis names it. The tree's structure
// and domain separation are the same for every hash function.
type Hasher struct {
	Name string
	sum  func([]byte) [32]byte
}

// SHA256 is the default Hasher.
var SHA256 = Hasher{Name: "sha256", sum: sha256.Sum256}

// NewHasher makes a Hasher from a 256-bit hash function.
func NewHasher(name string, sum func([]byte) [32]byte) Hasher { return Hasher{Name: name, sum: sum} }

// KeyHash is the tree position of an application key.
func (h Hasher) KeyHash(key []byte) Hash { return h.sum(key) }

// ValueHash commits to a value.
func (h Hasher) ValueHash(value []byte) Hash { return h.sum(value) }

// LeafHash is the hash of a leaf.
func (h Hasher) LeafHash(key, value Hash) Hash {
	var b [65]byte
	b[0] = 0
	copy(b[1:], key[:])
	copy(b[33:], value[:])
	return h.sum(b[:])
}

// InternalHash is the hash of an internal node.
func (h Hasher) InternalHash(left, right Hash) Hash {
	var b [65]byte
	b[0] = 1
	copy(b[1:], left[:])
	copy(b[33:], right[:])
	return h.sum(b[:])
}

// KeyHash, ValueHash, LeafHash and InternalHash are SHA256's.
func KeyHash(key []byte) Hash            { return SHA256.KeyHash(key) }
func ValueHash(value []byte) Hash        { return SHA256.ValueHash(value) }
func LeafHash(key, value Hash) Hash      { return SHA256.LeafHash(key, value) }
func InternalHash(left, right Hash) Hash { return SHA256.InternalHash(left, right) }

// PathBit is bit i of h, 0 being the most significant bit of h[0]: the
// child a key hash h leads to below depth i, 0 the left and 1 the right.
func PathBit(h *Hash, i int) int { return int(h[i/8]>>(7-uint(i%8))) & 1 }
