package store

import (
	"bytes"
	"errors"
	"fmt"
)

// Proof shows that a key has a given value, or no value, in the tree with a
// given root. It is the path from the root to where the key's hash leads:
// the sibling hashes top-down (Siblings[i] is the sibling at depth i+1) and
// the leaf that ends the path, if any. A path that ends in an empty subtree
// has no leaf; a path that ends in the leaf of another key proves absence
// too, because that leaf would not be alone in its subtree otherwise.
type Proof struct {
	Siblings []Hash     `json:"siblings"`
	Leaf     *ProofLeaf `json:"leaf,omitempty"`
}

// ProofLeaf is the leaf at the end of a proof path.
type ProofLeaf struct {
	KeyHash   Hash `json:"key_hash"`
	ValueHash Hash `json:"value_hash"`
}

// Verification errors.
var (
	ErrProofTooDeep     = errors.New("store: proof deeper than 256 levels")
	ErrProofWrongValue  = errors.New("store: proof leaf holds a different value")
	ErrProofNoLeaf      = errors.New("store: membership proof ends without a leaf for the key")
	ErrProofKeyPresent  = errors.New("store: absence proof ends at the key's own leaf")
	ErrProofWrongPrefix = errors.New("store: proof leaf is not on the key's path")
)

// RootMismatchError reports a proof that hashes to another root.
type RootMismatchError struct {
	Computed, Expected Hash
}

func (e *RootMismatchError) Error() string {
	return fmt.Sprintf("store: proof computes root %x, expected %x", e.Computed, e.Expected)
}

// VerifyMembership checks that key has value in the SHA-256 tree with root.
func VerifyMembership(root Hash, key, value []byte, p *Proof) error {
	return SHA256.VerifyMembership(root, key, value, p)
}

// VerifyNonMembership checks that key has no value in the SHA-256 tree
// with root.
func VerifyNonMembership(root Hash, key []byte, p *Proof) error {
	return SHA256.VerifyNonMembership(root, key, p)
}

// VerifyMembership checks that key has value in the tree with root.
func (h Hasher) VerifyMembership(root Hash, key, value []byte, p *Proof) error {
	if value == nil {
		value = []byte{}
	}
	return h.verify(root, key, value, p)
}

// VerifyNonMembership checks that key has no value in the tree with root.
func (h Hasher) VerifyNonMembership(root Hash, key []byte, p *Proof) error {
	return h.verify(root, key, nil, p)
}

func (hs Hasher) verify(root Hash, key, value []byte, p *Proof) error {
	d := len(p.Siblings)
	if d > 256 {
		return ErrProofTooDeep
	}
	kh := hs.KeyHash(key)
	var h Hash
	switch {
	case value != nil:
		if p.Leaf == nil || p.Leaf.KeyHash != kh {
			return ErrProofNoLeaf
		}
		if p.Leaf.ValueHash != hs.ValueHash(value) {
			return ErrProofWrongValue
		}
		h = hs.LeafHash(p.Leaf.KeyHash, p.Leaf.ValueHash)
	case p.Leaf != nil:
		if p.Leaf.KeyHash == kh {
			return ErrProofKeyPresent
		}
		if !samePrefix(&p.Leaf.KeyHash, &kh, d) {
			return ErrProofWrongPrefix
		}
		h = hs.LeafHash(p.Leaf.KeyHash, p.Leaf.ValueHash)
	}
	for i := d - 1; i >= 0; i-- {
		if PathBit(&kh, i) == 0 {
			h = hs.InternalHash(h, p.Siblings[i])
		} else {
			h = hs.InternalHash(p.Siblings[i], h)
		}
	}
	if h != root {
		return &RootMismatchError{Computed: h, Expected: root}
	}
	return nil
}

// samePrefix reports whether a and b agree on their first n bits.
func samePrefix(a, b *Hash, n int) bool {
	full := n / 8
	if !bytes.Equal(a[:full], b[:full]) {
		return false
	}
	if r := n % 8; r != 0 {
		mask := byte(0xff) << (8 - uint(r))
		return a[full]&mask == b[full]&mask
	}
	return true
}
