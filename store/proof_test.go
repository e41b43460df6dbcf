package store

import (
	"crypto/sha256"
	"testing"
)

// FuzzVerify: arbitrary proofs never panic the verifier and are accepted
// only when they hash to the root (here a root built from the proof itself
// is the only way, so a random root is always refused).
func FuzzVerify(f *testing.F) {
	f.Add([]byte("key"), []byte("value"), []byte{1, 2, 3}, uint8(3), true)
	f.Fuzz(func(t *testing.T, key, value, seed []byte, depth uint8, withLeaf bool) {
		p := &Proof{}
		for i := 0; i < int(depth)%40; i++ {
			p.Siblings = append(p.Siblings, sha256.Sum256(append(seed, byte(i))))
		}
		if withLeaf {
			p.Leaf = &ProofLeaf{KeyHash: KeyHash(key), ValueHash: ValueHash(value)}
		}
		root := sha256.Sum256(seed)
		if VerifyMembership(root, key, value, p) == nil || VerifyNonMembership(root, key, p) == nil {
			t.Fatal("a random root was accepted")
		}
	})
}
