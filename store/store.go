// Package store defines govchain's authenticated state: a versioned sparse
// Merkle tree over 256-bit key hashes, with membership and non-membership
// proofs at every retained version. This package holds what a verifier
// needs: the hash structure, the proof and its checks, the key rules and
// the errors; the stored tree (in Pebble) is store/treedb.
//
// The tree is binary; a subtree holding a single leaf is replaced by that
// leaf (the compression of Diem's Jellyfish Merkle tree), so a tree of n keys
// has about 2n nodes and proofs have about log2(n) siblings. A key hash's
// bits, most significant first, are its path from the root (PathBit).
//
// Hashes (SHA-256, or the chain's hash suite):
//
//	key hash      = SHA-256(key)
//	value hash    = SHA-256(value)
//	leaf          = SHA-256(0x00 || key hash || value hash)
//	internal node = SHA-256(0x01 || left || right)
//	empty subtree = 32 zero bytes
//
// It is pure: it imports nothing of govchain's and never Pebble.
package store

import (
	"bytes"
	"errors"
)

// MaxKeyLen bounds application keys.
const MaxKeyLen = 512

// Errors of the stored tree (store/treedb), here so that its users can
// match them without importing it.
var (
	ErrBadKey    = errors.New("store: key must be 1 to 512 bytes without 0x00")
	ErrNoVersion = errors.New("store: version not found")
	ErrPruned    = errors.New("store: version has been pruned")
)

// CheckKey validates an application key.
func CheckKey(key []byte) error {
	if len(key) == 0 || len(key) > MaxKeyLen || bytes.IndexByte(key, 0) >= 0 {
		return ErrBadKey
	}
	return nil
}

// Change is one write to the state: a value to set, or a deletion. The
// state machine collects them without touching storage; store/treedb
// applies them as a new version.
type Change struct {
	Key    []byte
	Value  []byte // nil with Delete
	Delete bool
}
