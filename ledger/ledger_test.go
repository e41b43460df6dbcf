package ledger_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"github.com/transparency-dev/merkle/rfc6962"

	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/ledger/internal/reflog"
)

// The SHA-256 hasher is RFC 6962's.
func TestHashers(t *testing.T) {
	for i := 0; i < 50; i++ {
		a, b := bytes.Repeat([]byte{byte(i)}, i), bytes.Repeat([]byte{byte(i + 1)}, 32)
		if !bytes.Equal(ledger.SHA256.HashLeaf(a), rfc6962.DefaultHasher.HashLeaf(a)) ||
			!bytes.Equal(ledger.SHA256.HashChildren(a, b), rfc6962.DefaultHasher.HashChildren(a, b)) {
			t.Fatal("SHA256 differs from rfc6962.DefaultHasher")
		}
	}
	if !bytes.Equal(ledger.SHA256.EmptyRoot(), rfc6962.DefaultHasher.EmptyRoot()) {
		t.Fatal("empty root")
	}
	root := make([]byte, 32)
	if bytes.Equal(ledger.NewHasher("sm3", sm3.Sum).AppHash(root, root, 1), ledger.SHA256.AppHash(root, root, 1)) {
		t.Fatal("app hash does not depend on the suite")
	}
}

func entry(i int) ledger.Entry {
	h := sha256.Sum256([]byte(fmt.Sprint(i)))
	return ledger.Entry{TxHash: h[:], Height: uint64(i/3 + 1), Code: uint32(i % 2), EventsHash: ledger.EventsHash(nil)}
}

// The verifiers accept the reference's proofs for every index and size,
// and refuse them at the wrong index, under the other hash function and
// with a rewritten root.
func TestVerifyAgainstReference(t *testing.T) {
	sm3h := ledger.NewHasher("sm3", sm3.Sum)
	for _, c := range []struct {
		h   ledger.Hasher
		sum reflog.Hash
		bad ledger.Hasher
	}{{ledger.SHA256, sha256.Sum256, sm3h}, {sm3h, sm3.Sum, ledger.SHA256}} {
		var es []ledger.Entry
		var leaves [][]byte
		for i := 0; i < 17; i++ {
			es = append(es, entry(i))
			leaves = append(leaves, ledger.LeafBytes(&es[i]))
		}
		for size := 1; size <= len(leaves); size++ {
			root := reflog.Root(c.sum, leaves[:size])
			for idx := 0; idx < size; idx++ {
				p := reflog.Inclusion(c.sum, idx, leaves[:size])
				if err := c.h.VerifyInclusion(&es[idx], uint64(idx), uint64(size), p, root); err != nil {
					t.Fatalf("%s inclusion %d/%d: %v", c.h.Name, idx, size, err)
				}
				if idx+1 < size && c.h.VerifyInclusion(&es[idx], uint64(idx+1), uint64(size), p, root) == nil {
					t.Fatalf("%s inclusion accepted at the wrong index", c.h.Name)
				}
				if c.bad.VerifyInclusion(&es[idx], uint64(idx), uint64(size), p, root) == nil {
					t.Fatalf("a %s proof verified under %s", c.h.Name, c.bad.Name)
				}
			}
			for s1 := 1; s1 <= size; s1++ {
				p := reflog.Consistency(c.sum, s1, leaves[:size])
				root1 := reflog.Root(c.sum, leaves[:s1])
				if err := c.h.VerifyConsistency(uint64(s1), uint64(size), p, root1, root); err != nil {
					t.Fatalf("%s consistency %d->%d: %v", c.h.Name, s1, size, err)
				}
				if s1 < size {
					bad := append([]byte{}, root1...)
					bad[0] ^= 1
					var rm ledger.RootMismatchError
					if err := c.h.VerifyConsistency(uint64(s1), uint64(size), p, bad, root); !errors.As(err, &rm) {
						t.Fatalf("consistency with a rewritten old root: %v", err)
					}
				}
			}
		}
	}
}

func FuzzVerifyInclusion(f *testing.F) {
	f.Add(uint64(3), uint64(7), []byte{1, 2, 3}, uint8(3))
	f.Fuzz(func(t *testing.T, index, size uint64, seed []byte, n uint8) {
		var p [][]byte
		for i := 0; i < int(n)%70; i++ {
			h := sha256.Sum256(append(seed, byte(i)))
			p = append(p, h[:])
		}
		e := entry(int(index % 100))
		root := sha256.Sum256(seed)
		if ledger.VerifyInclusion(&e, index, size, p, root[:]) == nil {
			t.Fatal("a random root was accepted")
		}
		ledger.VerifyConsistency(index, size, p, root[:], root[:])
	})
}
