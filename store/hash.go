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

// Hash is a 32-byte SHA-256 digest.
type Hash = [32]byte

// KeyHash is the tree position of an application key.
func KeyHash(key []byte) Hash { return sha256.Sum256(key) }

// ValueHash commits to a value.
func ValueHash(value []byte) Hash { return sha256.Sum256(value) }

// LeafHash is the hash of a leaf.
func LeafHash(key, value Hash) Hash {
	var b [65]byte
	b[0] = 0
	copy(b[1:], key[:])
	copy(b[33:], value[:])
	return sha256.Sum256(b[:])
}

// InternalHash is the hash of an internal node.
func InternalHash(left, right Hash) Hash {
	var b [65]byte
	b[0] = 1
	copy(b[1:], left[:])
	copy(b[33:], right[:])
	return sha256.Sum256(b[:])
}

// bit returns bit i (0 = most significant bit of byte 0) of h.
func bit(h *Hash, i int) int { return int(h[i/8]>>(7-uint(i%8))) & 1 }
