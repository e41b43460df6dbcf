package treedb

import (
	"fmt"
	"testing"

	"github.com/cockroachdb/pebble"

	"github.com/govchain/govchain/store"
)

// benchTree builds a tree of n keys on disk in versions of 10,000 changes.
func benchTree(b *testing.B, n int) (*pebble.DB, *Tree, uint64) {
	db, err := pebble.Open(b.TempDir(), &pebble.Options{Cache: pebble.NewCache(256 << 20)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	tr := NewTree(db)
	v := uint64(0)
	for i := 0; i < n; v++ {
		var chs []store.Change
		for j := 0; j < 10000 && i < n; j, i = j+1, i+1 {
			chs = append(chs, store.Change{Key: []byte(fmt.Sprintf("acct/%08d", i)), Value: []byte(fmt.Sprintf("value-%d", i))})
		}
		batch := db.NewBatch()
		if _, err := tr.Apply(batch, v, chs); err != nil {
			b.Fatal(err)
		}
		batch.Commit(pebble.NoSync)
		tr.Committed(v)
	}
	return db, tr, v - 1
}

// BenchmarkStateWrite is the cost of one key update inside a block of 2,000
// updates to a tree of 100,000 keys (reported per key).
func BenchmarkStateWrite(b *testing.B) {
	db, tr, v := benchTree(b, 100000)
	b.ResetTimer()
	for i := 0; i < b.N; {
		v++
		var chs []store.Change
		for j := 0; j < 2000 && i < b.N; j, i = j+1, i+1 {
			chs = append(chs, store.Change{Key: []byte(fmt.Sprintf("acct/%08d", (i*7919)%200000)), Value: []byte(fmt.Sprintf("v%d", i))})
		}
		batch := db.NewBatch()
		if _, err := tr.Apply(batch, v, chs); err != nil {
			b.Fatal(err)
		}
		if err := batch.Commit(pebble.NoSync); err != nil {
			b.Fatal(err)
		}
		tr.Committed(v)
	}
}

func BenchmarkProve(b *testing.B) {
	_, tr, v := benchTree(b, 100000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := tr.Prove([]byte(fmt.Sprintf("acct/%08d", i%100000)), v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	_, tr, v := benchTree(b, 100000)
	root, _ := tr.Root(v)
	key := []byte("acct/00000042")
	p, val, _ := tr.Prove(key, v)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := store.VerifyMembership(root, key, val, p); err != nil {
			b.Fatal(err)
		}
	}
}
