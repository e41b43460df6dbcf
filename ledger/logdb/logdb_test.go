package logdb

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/vfs"
	"github.com/emmansun/gmsm/sm3"

	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/ledger/internal/reflog"
)

func memDB(t testing.TB) *pebble.DB {
	db, err := pebble.Open("", &pebble.Options{FS: vfs.NewMem()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func entry(i int) Record {
	h := sha256.Sum256([]byte(fmt.Sprint(i)))
	return Record{Entry: ledger.Entry{TxHash: h[:], Height: uint64(i/3 + 1), Code: uint32(i % 2), EventsHash: ledger.EventsHash(nil)}, Detail: ledger.Detail{Tx: []byte{byte(i)}}}
}

// appendBlock appends and commits one block of records.
func appendBlock(t testing.TB, db *pebble.DB, l *Log, recs []Record) (uint64, []byte) {
	b := db.NewBatch()
	size, root, err := l.Append(b, recs)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(pebble.NoSync); err != nil {
		t.Fatal(err)
	}
	l.Commit()
	return size, root
}

// An SM3 log has the same structure as a SHA-256 one.
func TestSM3Log(t *testing.T) {
	sm3h := ledger.NewHasher("sm3", sm3.Sum)
	db := memDB(t)
	l, err := OpenWithHasher(db, sm3h)
	if err != nil {
		t.Fatal(err)
	}
	var recs []Record
	var leaves [][]byte
	for i := 0; i < 11; i++ {
		recs = append(recs, entry(i))
		leaves = append(leaves, ledger.LeafBytes(&recs[i].Entry))
	}
	size, root := appendBlock(t, db, l, recs)
	if !bytes.Equal(root, reflog.Root(sm3.Sum, leaves)) {
		t.Fatal("SM3 log root differs from the reference")
	}
	p, _ := l.InclusionProof(4, size)
	if err := sm3h.VerifyInclusion(&recs[4].Entry, 4, size, p, root); err != nil {
		t.Fatal(err)
	}
	if err := ledger.SHA256.VerifyInclusion(&recs[4].Entry, 4, size, p, root); err == nil {
		t.Fatal("an SM3 proof verified under SHA-256")
	}
}

func TestLogAgainstReference(t *testing.T) {
	db := memDB(t)
	l, err := Open(db)
	if err != nil {
		t.Fatal(err)
	}
	ref := func(leaves [][]byte) []byte { return reflog.Root(sha256.Sum256, leaves) }
	var leaves [][]byte
	var roots [][]byte
	roots = append(roots, ref(nil))
	i := 0
	for block, n := range []int{0, 1, 2, 3, 1, 8, 5, 0, 13} {
		var recs []Record
		for j := 0; j < n; j++ {
			recs = append(recs, entry(i))
			leaves = append(leaves, ledger.LeafBytes(&recs[j].Entry))
			i++
		}
		b := db.NewBatch()
		size, root, err := l.Append(b, recs)
		if err != nil {
			t.Fatal(err)
		}
		if size != uint64(len(leaves)) || !bytes.Equal(root, ref(leaves)) {
			t.Fatalf("block %d: size %d root %x, want %d %x", block, size, root, len(leaves), ref(leaves))
		}
		if l.Size() != uint64(len(leaves)-n) {
			t.Fatal("Append published before Commit")
		}
		b.Commit(pebble.NoSync)
		l.Commit()
		for k := len(roots); k <= len(leaves); k++ {
			roots = append(roots, ref(leaves[:k]))
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
			if want := reflog.Inclusion(sha256.Sum256, int(idx), leaves[:size]); !equalHashes(p, want) {
				t.Fatalf("inclusion %d/%d differs from the reference", idx, size)
			}
			if err := ledger.VerifyInclusion(e, idx, size, p, roots[size]); err != nil {
				t.Fatalf("inclusion %d/%d: %v", idx, size, err)
			}
		}
		for s1 := uint64(0); s1 <= size; s1++ {
			p, err := l.ConsistencyProof(s1, size)
			if err != nil {
				t.Fatal(err)
			}
			if want := reflog.Consistency(sha256.Sum256, int(s1), leaves[:size]); !equalHashes(p, want) {
				t.Fatalf("consistency %d->%d differs from the reference", s1, size)
			}
			if err := ledger.VerifyConsistency(s1, size, p, roots[s1], roots[size]); err != nil {
				t.Fatalf("consistency %d->%d: %v", s1, size, err)
			}
		}
	}
	e := entry(5)
	idx, err := l.Find(e.Entry.TxHash)
	if err != nil || idx != 5 {
		t.Fatalf("Find = %d %v", idx, err)
	}
	if _, err := l.Find(make([]byte, 32)); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("Find missing: %v", err)
	}
	if _, _, err := l.Entry(total); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("Entry past the end: %v", err)
	}
	if _, err := l.InclusionProof(total, total); !errors.Is(err, ledger.ErrBadRange) {
		t.Fatalf("out of range: %v", err)
	}
	if _, err := l.ConsistencyProof(2, total+1); !errors.Is(err, ledger.ErrBadRange) {
		t.Fatalf("out of range: %v", err)
	}
}

func equalHashes(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
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
		appendBlock(b, db, l, recs)
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
			if err := ledger.VerifyInclusion(e, 4242, size, p, root); err != nil {
				b.Fatal(err)
			}
		}
	})
}
