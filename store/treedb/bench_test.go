package treedb

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble"

	"github.com/govchain/govchain/store"
)

// benchKeys is the size of the tree the proof benchmarks read:
// GOVCHAIN_TREE_KEYS, 100,000 by default (the figures of issue 19 are
// taken with GOVCHAIN_TREE_KEYS=10000000, which builds for minutes).
func benchKeys(b *testing.B) int {
	if s := os.Getenv("GOVCHAIN_TREE_KEYS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("GOVCHAIN_TREE_KEYS=%q: want a positive number", s)
		}
		return n
	}
	return 100000
}

// sharedTree is one tree of benchKeys keys for the read benchmarks, built
// once per test binary (at 10M keys the build is most of the run).
var sharedTree struct {
	once sync.Once
	dir  string
	db   *pebble.DB
	tr   *Tree
	v    uint64
	n    int
	// added counts the new keys BenchmarkStateWriteAtSize wrote, so that
	// its runs keep inserting keys the tree does not hold.
	added int
}

func readTree(b *testing.B) (*Tree, uint64, int) {
	sharedTree.once.Do(func() {
		dir, err := os.MkdirTemp("", "treedb-bench-")
		if err != nil {
			b.Fatal(err)
		}
		sharedTree.dir, sharedTree.n = dir, benchKeys(b)
		sharedTree.db, sharedTree.tr, sharedTree.v = buildTree(b, dir, sharedTree.n)
	})
	return sharedTree.tr, sharedTree.v, sharedTree.n
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedTree.db != nil {
		sharedTree.db.Close()
		os.RemoveAll(sharedTree.dir)
	}
	os.Exit(code)
}

// benchTree builds a tree of n keys on disk in versions of 10,000 changes.
func benchTree(b *testing.B, n int) (*pebble.DB, *Tree, uint64) {
	dir := b.TempDir()
	db, tr, v := buildTree(b, dir, n)
	b.Cleanup(func() { db.Close() })
	return db, tr, v
}

func buildTree(b *testing.B, dir string, n int) (*pebble.DB, *Tree, uint64) {
	db, err := pebble.Open(dir, PebbleOptions())
	if err != nil {
		b.Fatal(err)
	}
	tr := NewTree(db)
	v := uint64(0)
	per := max(10000, n/100)
	for i := 0; i < n; v++ {
		var chs []store.Change
		for j := 0; j < per && i < n; j, i = j+1, i+1 {
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

// BenchmarkProve proves keys spread over the whole tree (GOVCHAIN_TREE_KEYS
// keys), each read from a cold position (a stride through the key space).
func BenchmarkProve(b *testing.B) {
	tr, v, n := readTree(b)
	b.ReportMetric(float64(n), "keys")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := tr.Prove([]byte(fmt.Sprintf("acct/%08d", (i*7919)%n)), v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify checks membership proofs of keys spread over the tree.
func BenchmarkVerify(b *testing.B) {
	tr, v, n := readTree(b)
	root, _ := tr.Root(v)
	type pv struct {
		key, val []byte
		p        *store.Proof
	}
	var ps []pv
	for i := 0; i < 64; i++ {
		key := []byte(fmt.Sprintf("acct/%08d", (i*104729)%n))
		p, val, err := tr.Prove(key, v)
		if err != nil {
			b.Fatal(err)
		}
		ps = append(ps, pv{key, val, p})
	}
	siblings := 0
	for _, x := range ps {
		siblings += len(x.p.Siblings)
	}
	b.ReportMetric(float64(n), "keys")
	b.ReportMetric(float64(siblings)/float64(len(ps)), "siblings")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x := ps[i%len(ps)]
		if err := store.VerifyMembership(root, x.key, x.val, x.p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStateWriteAtSize is the cost of one key change to a tree of
// GOVCHAIN_TREE_KEYS keys (100,000 by default), in blocks of 6,000 changes
// shaped like the bench's create_account blocks: two new keys for every
// update of an existing one (reported per changed key).
func BenchmarkStateWriteAtSize(b *testing.B) {
	tr, v, n := readTree(b)
	db := sharedTree.db
	b.ReportMetric(float64(n), "keys")
	b.ResetTimer()
	for i := 0; i < b.N; {
		v++
		var chs []store.Change
		for j := 0; j < 6000 && i < b.N; j, i = j+1, i+1 {
			key := fmt.Sprintf("acct/new%09d", sharedTree.added)
			if i%3 == 2 {
				key = fmt.Sprintf("acct/%08d", (i*7919)%n)
			} else {
				sharedTree.added++
			}
			chs = append(chs, store.Change{Key: []byte(key), Value: []byte(fmt.Sprintf("v%d", i))})
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
	sharedTree.v = v
}
