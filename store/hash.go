// Package store is govchain's authenticated state: a versioned sparse Merkle
// tree over 256-bit key hashes, kept in Pebble, with membership and
// non-membership proofs at every retained version.
//
// The tree is binary; a subtree holding a single leaf is replaced by that
// leaf (the compression of Diem's Jellyfish Merkle tree), so a tree of n keys
// has about 2n nodes and proofs have about log2(n) siblings. Nodes are stored
// by position and version, so any retained version can be read and proven.
// No library offers this tree on Pebble with these proofs, so it is written
// here; a naive in-memory reference tree in the tests cross-checks it.
//
// Hashes (SHA-256):
//
//	key hash      = SHA-256(key)
//	value hash    = SHA-256(value)
//	leaf          = SHA-256(0x00 || key hash || value hash)
//	internal node = SHA-256(0x01 || left || right)
//	empty subtree = 32 zero bytes
//
// It imports Pebble and nothing of govchain's own.
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

// bit returns bit i (0 = most significant bit of byte 0) of h.
func bit(h *Hash, i int) int { return int(h[i/8]>>(7-uint(i%8))) & 1 }
