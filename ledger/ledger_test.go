package ledger

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/vfs"
	"github.com/emmansun/gmsm/sm3"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// refRoot is RFC 6962 section 2.1 computed naively with SHA-256.
func refRoot(leaves [][]byte) []byte { return refRootWith(sha256.Sum256, leaves) }

func refRootWith(sum func([]byte) [32]byte, leaves [][]byte) []byte {
	n := len(leaves)
	if n == 0 {
		s := sum(nil)
		return s[:]
	}
	if n == 1 {
		s := sum(append([]byte{0}, leaves[0]...))
		return s[:]
	}
	k := 1
	for k*2 < n {
		k *= 2
	}
	s := sum(append(append([]byte{1}, refRootWith(sum, leaves[:k])...), refRootWith(sum, leaves[k:])...))
	return s[:]
}

// The SHA-256 hasher is RFC 6962's; an SM3 log has the same structure.
func TestHashers(t *testing.T) {
	for i := 0; i < 50; i++ {
		a, b := bytes.Repeat([]byte{byte(i)}, i), bytes.Repeat([]byte{byte(i + 1)}, 32)
		if !bytes.Equal(SHA256.HashLeaf(a), rfc6962.DefaultHasher.HashLeaf(a)) ||
			!bytes.Equal(SHA256.HashChildren(a, b), rfc6962.DefaultHasher.HashChildren(a, b)) {
			t.Fatal("SHA256 differs from rfc6962.DefaultHasher")
		}
	}
	if !bytes.Equal(SHA256.EmptyRoot(), rfc6962.DefaultHasher.EmptyRoot()) {
		t.Fatal("empty root")
	}
	sm3h := NewHasher("sm3", sm3.Sum)
	db, _ := pebble.Open("", &pebble.Options{FS: vfs.NewMem()})
	defer db.Close()
	l, _ := OpenWithHasher(db, sm3h)
	var recs []Record
	var leaves [][]byte
	for i := 0; i < 11; i++ {
		recs = append(recs, entry(i))
		leaves = append(leaves, LeafBytes(&recs[i].Entry))
	}
	b := db.NewBatch()
	size, root, _ := l.Append(b, recs)
	b.Commit(nil)
	l.Commit()
	if !bytes.Equal(root, refRootWith(sm3.Sum, leaves)) {
		t.Fatal("SM3 log root differs from the reference")
	}
	p, _ := l.InclusionProof(4, size)
	if err := sm3h.VerifyInclusion(&recs[4].Entry, 4, size, p, root); err != nil {
		t.Fatal(err)
	}
	if err := SHA256.VerifyInclusion(&recs[4].Entry, 4, size, p, root); err == nil {
		t.Fatal("an SM3 proof verified under SHA-256")
	}
	if bytes.Equal(sm3h.AppHash(root, root, 1), SHA256.AppHash(root, root, 1)) {
		t.Fatal("app hash does not depend on the suite")
	}
}

func entry(i int) Record {
	h := sha256.Sum256([]byte(fmt.Sprint(i)))
	return Record{Entry: Entry{TxHash: h[:], Height: uint64(i/3 + 1), Code: uint32(i % 2), EventsHash: EventsHash(nil)}, Detail: Detail{Tx: []byte{byte(i)}}}
}

func TestLogAgainstReference(t *testing.T) {
	db, err := pebble.Open("", &pebble.Options{FS: vfs.NewMem()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l, err := Open(db)
	if err != nil {
		t.Fatal(err)
	}
	var leaves [][]byte
	var roots [][]byte
	roots = append(roots, refRoot(nil))
	i := 0
	for block, n := range []int{0, 1, 2, 3, 1, 8, 5, 0, 13} {
		var recs []Record
		for j := 0; j < n; j++ {
			recs = append(recs, entry(i))
			leaves = append(leaves, LeafBytes(&recs[j].Entry))
			i++
		}
		b := db.NewBatch()
		size, root, err := l.Append(b, recs)
		if err != nil {
			t.Fatal(err)
		}
		if size != uint64(len(leaves)) || !bytes.Equal(root, refRoot(leaves)) {
			t.Fatalf("block %d: size %d root %x, want %d %x", block, size, root, len(leaves), refRoot(leaves))
		}
		if l.Size() != uint64(len(leaves)-n) {
			t.Fatal("Append published before Commit")
		}
		b.Commit(pebble.NoSync)
		l.Commit()
		for k := len(roots); k <= len(leaves); k++ {
			roots = append(roots, refRoot(leaves[:k]))
		}
	}
	// Reopen: the log is read back from the database.
	l, err = Open(db)
	if err != nil {
		t.Fatal(err)
	}
	total := uint64(len(leaves))
	for size := uint64(0); size <= total; size++ {
		r, err := l.RootAt(size)
		if err != nil || !bytes.Equal(r, roots[size]) {
			t.Fatalf("RootAt(%d) = %x %v", size, r, err)
		}
		for idx := uint64(0); idx < size; idx++ {
			e, _, err := l.Entry(idx)
			if err != nil {
				t.Fatal(err)
			}
			p, err := l.InclusionProof(idx, size)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyInclusion(e, idx, size, p, roots[size]); err != nil {
				t.Fatalf("inclusion %d/%d: %v", idx, size, err)
			}
			if idx+1 < size {
				if err := VerifyInclusion(e, idx+1, size, p, roots[size]); err == nil {
					t.Fatalf("inclusion accepted at the wrong index")
				}
			}
		}
		for s1 := uint64(0); s1 <= size; s1++ {
			p, err := l.ConsistencyProof(s1, size)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyConsistency(s1, size, p, roots[s1], roots[size]); err != nil {
				t.Fatalf("consistency %d->%d: %v", s1, size, err)
			}
			if s1 > 0 && s1 < size {
				bad := append([]byte{}, roots[s1]...)
				bad[0] ^= 1
				var rm proof.RootMismatchError
				if err := VerifyConsistency(s1, size, p, bad, roots[size]); !errors.As(err, &rm) {
					t.Fatalf("consistency with a rewritten old root: %v", err)
				}
			}
		}
	}
	e := entry(5)
	idx, err := l.Find(e.Entry.TxHash)
	if err != nil || idx != 5 {
		t.Fatalf("Find = %d %v", idx, err)
	}
	if _, err := l.Find(make([]byte, 32)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Find missing: %v", err)
	}
	if _, err := l.InclusionProof(total, total); !errors.Is(err, ErrBadRange) {
		t.Fatalf("out of range: %v", err)
	}
	if _, err := l.ConsistencyProof(2, total+1); !errors.Is(err, ErrBadRange) {
		t.Fatalf("out of range: %v", err)
	}
}

func BenchmarkInclusionProof(b *testing.B) {
	db, _ := pebble.Open(b.TempDir(), &pebble.Options{})
	defer db.Close()
	l, _ := Open(db)
	for blk := 0; blk < 100; blk++ {
		var recs []Record
		for j := 0; j < 1000; j++ {
			recs = append(recs, entry(blk*1000+j))
		}
		batch := db.NewBatch()
		l.Append(batch, recs)
		batch.Commit(pebble.NoSync)
		l.Commit()
	}
	size, root, _ := l.Root()
	b.Run("prove", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := l.InclusionProof(uint64(i)%size, size); err != nil {
				b.Fatal(err)
			}
		}
	})
	p, _ := l.InclusionProof(4242, size)
	e, _, _ := l.Entry(4242)
	b.Run("verify", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := VerifyInclusion(e, 4242, size, p, root); err != nil {
				b.Fatal(err)
			}
		}
	})
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
		if VerifyInclusion(&e.Entry, index, size, p, root[:]) == nil {
			t.Fatal("a random root was accepted")
		}
		VerifyConsistency(index, size, p, root[:], root[:])
	})
}
