package treedb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"testing"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/vfs"
	"github.com/emmansun/gmsm/sm3"

	"github.com/govchain/govchain/store"
	"github.com/govchain/govchain/store/internal/reftree"
)

// openDB opens an in-memory database as the node does (Comparer, Bloom
// filters), or, with plainDB set, with Pebble's defaults (no Split).
func openDB(t testing.TB) *pebble.DB {
	o := PebbleOptions()
	o.FS, o.Cache = vfs.NewMem(), nil
	if plainDB {
		o = &pebble.Options{FS: vfs.NewMem()}
	}
	db, err := pebble.Open("", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func applyVersion(t testing.TB, db *pebble.DB, tr *Tree, v uint64, chs []store.Change) store.Hash {
	b := db.NewBatch()
	root, err := tr.Apply(b, v, chs)
	if err != nil {
		t.Fatalf("apply %d: %v", v, err)
	}
	if err := b.Commit(pebble.NoSync); err != nil {
		t.Fatal(err)
	}
	tr.Committed(v)
	return root
}

// runOps drives the tree and the reference with ops derived from seed bytes
// and checks roots, values and proofs at every version.
func runOps(t *testing.T, rng *rand.Rand, versions, perVersion, keySpace int, prune bool) {
	runOpsWith(t, store.SHA256, rng, versions, perVersion, keySpace, prune)
}

func runOpsWith(t *testing.T, h store.Hasher, rng *rand.Rand, versions, perVersion, keySpace int, prune bool) {
	db := openDB(t)
	tr := NewTreeWithHasher(db, h)
	ref := reftree.Tree{}
	var history []reftree.Tree
	var roots []store.Hash
	key := func() string { return fmt.Sprintf("k/%d", rng.Intn(keySpace)) }
	for v := 0; v < versions; v++ {
		seen := map[string]bool{}
		var chs []store.Change
		for i := 0; i < perVersion; i++ {
			k := key()
			if seen[k] {
				continue
			}
			seen[k] = true
			if rng.Intn(3) == 0 {
				chs = append(chs, store.Change{Key: []byte(k), Delete: true})
				delete(ref, k)
			} else {
				val := []byte(fmt.Sprintf("v%d", rng.Intn(1000)))
				chs = append(chs, store.Change{Key: []byte(k), Value: val})
				ref[k] = val
			}
		}
		got := applyVersion(t, db, tr, uint64(v), chs)
		want := ref.Root(h)
		if got != want {
			t.Fatalf("version %d: root %x, reference %x", v, got, want)
		}
		history = append(history, ref.Clone())
		roots = append(roots, got)
	}
	oldest := 0
	if prune {
		oldest = versions / 2
		b := db.NewBatch()
		if err := tr.Prune(b, uint64(oldest)); err != nil {
			t.Fatal(err)
		}
		if err := b.Commit(pebble.NoSync); err != nil {
			t.Fatal(err)
		}
		if oldest > 0 {
			if _, _, err := tr.Prove([]byte("k/1"), uint64(oldest-1)); !errors.Is(err, store.ErrPruned) {
				t.Fatalf("proof below the pruned version: %v", err)
			}
		}
	}
	for v := oldest; v < versions; v++ {
		for i := 0; i < keySpace; i++ {
			k := fmt.Sprintf("k/%d", i)
			want, present := history[v][k]
			got, ok, err := tr.Get([]byte(k), uint64(v))
			if err != nil || ok != present || !bytes.Equal(got, want) {
				t.Fatalf("v%d get %s: %q %v %v, want %q %v", v, k, got, ok, err, want, present)
			}
			p, val, err := tr.Prove([]byte(k), uint64(v))
			if err != nil {
				t.Fatalf("v%d prove %s: %v", v, k, err)
			}
			if v == versions-1 && i%8 == 0 { // the reference is slow
				if rp, _ := history[v].Prove(h, []byte(k)); !reflect.DeepEqual(p, rp) {
					t.Fatalf("v%d prove %s: %+v, reference %+v", v, k, p, rp)
				}
			}
			if present {
				if !bytes.Equal(val, want) {
					t.Fatalf("v%d prove %s: value %q want %q", v, k, val, want)
				}
				if err := h.VerifyMembership(roots[v], []byte(k), want, p); err != nil {
					t.Fatalf("v%d verify %s: %v", v, k, err)
				}
				if err := h.VerifyNonMembership(roots[v], []byte(k), p); err == nil {
					t.Fatalf("v%d: absence proof accepted for present key %s", v, k)
				}
				if err := h.VerifyMembership(roots[v], []byte(k), append(want, 'x'), p); err == nil {
					t.Fatalf("v%d: wrong value accepted for %s", v, k)
				}
			} else {
				if val != nil {
					t.Fatalf("v%d: value for absent key", v)
				}
				if err := h.VerifyNonMembership(roots[v], []byte(k), p); err != nil {
					t.Fatalf("v%d verify absent %s: %v", v, k, err)
				}
				if err := h.VerifyMembership(roots[v], []byte(k), []byte("v1"), p); err == nil {
					t.Fatalf("v%d: membership accepted for absent %s", v, k)
				}
			}
		}
		// Iterate agrees with the reference at this version.
		var keys []string
		if err := tr.Iterate([]byte("k/"), uint64(v), func(k, val []byte) bool {
			if !bytes.Equal(val, history[v][string(k)]) {
				t.Fatalf("iterate v%d: %s=%q", v, k, val)
			}
			keys = append(keys, string(k))
			return true
		}); err != nil {
			t.Fatal(err)
		}
		if len(keys) != len(history[v]) || !sort.StringsAreSorted(keys) {
			t.Fatalf("iterate v%d: %d keys (sorted %v), want %d", v, len(keys), sort.StringsAreSorted(keys), len(history[v]))
		}
		// IterateAfter yields the same keys past any start, present or not.
		for _, after := range append([]string{"", "k/", "k/1", "k/5x", "k/99999", "j", "l"}, keys...) {
			var got []string
			if err := tr.IterateAfter([]byte("k/"), []byte(after), uint64(v), func(k, val []byte) bool {
				if !bytes.Equal(val, history[v][string(k)]) {
					t.Fatalf("iterate v%d after %q: %s=%q", v, after, k, val)
				}
				got = append(got, string(k))
				return true
			}); err != nil {
				t.Fatal(err)
			}
			want := []string{}
			for _, k := range keys {
				if k > after {
					want = append(want, k)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("iterate v%d after %q: %v, want %v", v, after, got, want)
			}
		}
	}
}

func TestTreeAgainstReference(t *testing.T) {
	for _, cd := range []int{16, 3, -1} {
		old := cacheDepth
		cacheDepth = cd
		t.Run(fmt.Sprintf("cache-depth-%d", cd), testTreeAgainstReference)
		cacheDepth = old
	}
	// Subtrees updated in parallel, down to small ones.
	oldDepth, oldMin := parallelDepth, parallelMin
	defer func() { parallelDepth, parallelMin = oldDepth, oldMin }()
	for _, pd := range []int{1, 4} {
		parallelDepth, parallelMin = pd, 1
		t.Run(fmt.Sprintf("parallel-depth-%d", pd), testTreeAgainstReference)
	}
}

var plainDB bool

// The tree reads and proves the same on a database opened without Comparer
// (its value look-ups then seek without the Bloom filters).
func TestTreeWithoutSplit(t *testing.T) {
	if !NewTree(openDB(t)).prefixSeek {
		t.Fatal("a database opened with Comparer not seen to split versions")
	}
	plainDB = true
	defer func() { plainDB = false }()
	db := openDB(t)
	if NewTree(db).prefixSeek {
		t.Fatal("a database without a Split taken for one with it")
	}
	testTreeAgainstReference(t)
}

func testTreeAgainstReference(t *testing.T) {
	for _, tc := range []struct {
		versions, per, space int
		prune                bool
	}{
		{1, 0, 4, false},
		{5, 1, 3, false},
		{20, 5, 8, false},
		{30, 20, 64, true},
		{10, 200, 300, true},
	} {
		for seed := int64(0); seed < 4; seed++ {
			t.Run(fmt.Sprintf("%d-%d-%d-%v-%d", tc.versions, tc.per, tc.space, tc.prune, seed), func(t *testing.T) {
				runOps(t, rand.New(rand.NewSource(seed)), tc.versions, tc.per, tc.space, tc.prune)
			})
		}
	}
}

// The same tree with SM3: another hash function, the same structure; a
// proof from one hash function does not verify under the other.
func TestTreeSM3(t *testing.T) {
	sm3h := store.NewHasher("sm3", sm3.Sum)
	for seed := int64(0); seed < 3; seed++ {
		runOpsWith(t, sm3h, rand.New(rand.NewSource(seed)), 15, 20, 40, seed == 1)
	}
	db := openDB(t)
	tr := NewTreeWithHasher(db, sm3h)
	root := applyVersion(t, db, tr, 0, []store.Change{{Key: []byte("a"), Value: []byte("1")}, {Key: []byte("b"), Value: []byte("2")}})
	p, v, _ := tr.Prove([]byte("a"), 0)
	if err := sm3h.VerifyMembership(root, []byte("a"), v, p); err != nil {
		t.Fatal(err)
	}
	if err := store.SHA256.VerifyMembership(root, []byte("a"), v, p); err == nil {
		t.Fatal("an SM3 proof verified under SHA-256")
	}
}

func TestPruneKeepsRetainedVersionsSmall(t *testing.T) {
	db := openDB(t)
	tr := NewTree(db)
	for v := uint64(0); v < 50; v++ {
		applyVersion(t, db, tr, v, []store.Change{{Key: []byte("a"), Value: []byte(fmt.Sprint(v))}, {Key: []byte("b"), Value: []byte(fmt.Sprint(v))}})
	}
	count := func() int {
		it, _ := db.NewIter(&pebble.IterOptions{LowerBound: []byte("s/n/"), UpperBound: []byte("s/n0")})
		defer it.Close()
		n := 0
		for ok := it.First(); ok; ok = it.Next() {
			n++
		}
		return n
	}
	before := count()
	b := db.NewBatch()
	if err := tr.Prune(b, 49); err != nil {
		t.Fatal(err)
	}
	b.Commit(pebble.NoSync)
	after := count()
	if after >= before || after > 3 {
		t.Fatalf("nodes before %d after %d; want at most 3 after pruning all but one version", before, after)
	}
	p, v, err := tr.Prove([]byte("a"), 49)
	root, _ := tr.Root(49)
	if err != nil || string(v) != "49" || store.VerifyMembership(root, []byte("a"), v, p) != nil {
		t.Fatalf("after prune: %v %q", err, v)
	}
}

func TestBadKeys(t *testing.T) {
	db := openDB(t)
	tr := NewTree(db)
	for _, k := range [][]byte{nil, {}, []byte("a\x00b"), bytes.Repeat([]byte("k"), store.MaxKeyLen+1)} {
		if _, err := tr.Apply(db.NewBatch(), 0, []store.Change{{Key: k, Value: []byte("v")}}); !errors.Is(err, store.ErrBadKey) {
			t.Errorf("key %q: %v", k, err)
		}
	}
	if _, err := tr.Root(7); !errors.Is(err, store.ErrNoVersion) {
		t.Errorf("missing version: %v", err)
	}
}

func TestProofTamper(t *testing.T) {
	db := openDB(t)
	tr := NewTree(db)
	var chs []store.Change
	for i := 0; i < 50; i++ {
		chs = append(chs, store.Change{Key: []byte(fmt.Sprintf("key%d", i)), Value: []byte("val")})
	}
	root := applyVersion(t, db, tr, 0, chs)
	p, _, _ := tr.Prove([]byte("key7"), 0)
	if err := store.VerifyMembership(root, []byte("key7"), []byte("val"), p); err != nil {
		t.Fatal(err)
	}
	for i := range p.Siblings {
		q := *p
		q.Siblings = append([]store.Hash{}, p.Siblings...)
		q.Siblings[i][3] ^= 1
		var rm *store.RootMismatchError
		if err := store.VerifyMembership(root, []byte("key7"), []byte("val"), &q); !errors.As(err, &rm) {
			t.Fatalf("tampered sibling %d: %v", i, err)
		}
	}
	q := *p
	q.Siblings = p.Siblings[1:]
	if err := store.VerifyMembership(root, []byte("key7"), []byte("val"), &q); err == nil {
		t.Fatal("shortened proof accepted")
	}
	if err := store.VerifyMembership(root, []byte("key8"), []byte("val"), p); !errors.Is(err, store.ErrProofNoLeaf) {
		t.Fatalf("proof for another key: %v", err)
	}
}

func FuzzTree(f *testing.F) {
	f.Add(int64(1), uint8(5), uint8(10), uint8(20))
	f.Fuzz(func(t *testing.T, seed int64, versions, per, space uint8) {
		runOps(t, rand.New(rand.NewSource(seed)), int(versions%12)+1, int(per%40), int(space%50)+1, seed%2 == 0)
	})
}

// A key rewritten at every version costs Iterate a seek, not a step per
// version, and reads at old versions still see the value of that version.
func TestIterateManyVersions(t *testing.T) {
	db := openDB(t)
	tr := NewTree(db)
	const versions = 200
	for v := 0; v < versions; v++ {
		chs := []store.Change{{Key: []byte("l/hot"), Value: []byte(fmt.Sprint(v))}}
		if v%50 == 0 {
			chs = append(chs, store.Change{Key: []byte(fmt.Sprintf("l/k%03d", v)), Value: []byte("x")})
		}
		if v == 120 {
			chs = append(chs, store.Change{Key: []byte("l/k050"), Delete: true})
		}
		applyVersion(t, db, tr, uint64(v), chs)
	}
	for _, v := range []uint64{0, 3, 4, 5, 60, 119, 120, 199} {
		var got []string
		if err := tr.IterateAfter([]byte("l/"), nil, v, func(k, val []byte) bool {
			got = append(got, string(k)+"="+string(val))
			return true
		}); err != nil {
			t.Fatal(err)
		}
		want := []string{"l/hot=" + fmt.Sprint(v)}
		for k := uint64(0); k <= v; k += 50 {
			if k == 50 && v >= 120 {
				continue
			}
			want = append(want, fmt.Sprintf("l/k%03d=x", k))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("version %d: %v, want %v", v, got, want)
		}
	}
}

// The value cache never changes what a read returns: reads interleaved with
// writes, at the newest version, at older ones, through Get and through a
// Reader, while a version is applied but not yet committed, and with a
// cache small enough to turn over its generations, all agree with the
// reference's history.
func TestValueCacheReadsAgreeWithHistory(t *testing.T) {
	for _, size := range []int{64 << 20, 64 * 200} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			old := valueCacheBytes
			valueCacheBytes = size
			defer func() { valueCacheBytes = old }()
			rng := rand.New(rand.NewSource(int64(size)))
			db := openDB(t)
			tr := NewTree(db)
			ref := reftree.Tree{}
			var history []reftree.Tree
			const space = 150
			check := func(v int, r *Reader) {
				t.Helper()
				for i := 0; i < 60; i++ {
					k := fmt.Sprintf("k/%d", rng.Intn(space))
					want, present := history[v][k]
					var got []byte
					var ok bool
					var err error
					if r != nil {
						got, ok, err = r.Get([]byte(k))
					} else {
						got, ok, err = tr.Get([]byte(k), uint64(v))
					}
					if err != nil || ok != present || !bytes.Equal(got, want) {
						t.Fatalf("v%d get %s: %q %v %v, want %q %v", v, k, got, ok, err, want, present)
					}
					if ok {
						got[0] ^= 0xff // the caller owns what it read
					}
				}
			}
			for v := 0; v < 40; v++ {
				var chs []store.Change
				seen := map[string]bool{}
				for i := 0; i < 20; i++ {
					k := fmt.Sprintf("k/%d", rng.Intn(space))
					if seen[k] {
						continue
					}
					seen[k] = true
					if rng.Intn(3) == 0 {
						chs = append(chs, store.Change{Key: []byte(k), Delete: true})
						delete(ref, k)
					} else {
						val := []byte(fmt.Sprintf("v%d-%d", v, rng.Intn(1000)))
						chs = append(chs, store.Change{Key: []byte(k), Value: val})
						ref[k] = val
					}
				}
				var reader *Reader
				if v > 0 {
					var err error
					if reader, err = tr.NewReader(uint64(v - 1)); err != nil {
						t.Fatal(err)
					}
				}
				b := db.NewBatch()
				root, err := tr.Apply(b, uint64(v), chs)
				if err != nil {
					t.Fatal(err)
				}
				if root != ref.Root(store.SHA256) {
					t.Fatalf("v%d: root differs from the reference", v)
				}
				if err := b.Commit(pebble.NoSync); err != nil {
					t.Fatal(err)
				}
				if v > 0 {
					check(v-1, reader) // written, not yet committed
					check(v-1, nil)
				}
				tr.Committed(uint64(v))
				history = append(history, ref.Clone())
				check(v, nil)
				if v > 0 {
					check(v-1, reader) // a reader of the previous version
					reader.Close()
					check(rng.Intn(v), nil)
				}
			}
		})
	}
}

// A database whose tree was written in format 1 (a 33-byte root record,
// nodes keyed by position first) is refused with ErrOldFormat, not read as
// corrupt or as an empty tree.
func TestOldFormatRefused(t *testing.T) {
	db := openDB(t)
	tr := NewTree(db)
	applyVersion(t, db, tr, 0, []store.Change{{Key: []byte("a"), Value: []byte("1")}})
	old := make([]byte, 33)
	old[0] = byte(kindLeaf)
	if err := db.Set(append([]byte(pfxRoot), be64(1)...), old, pebble.NoSync); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Root(1); !errors.Is(err, ErrOldFormat) {
		t.Fatalf("Root of a format-1 record: %v", err)
	}
	if _, err := tr.Apply(db.NewBatch(), 2, []store.Change{{Key: []byte("b"), Value: []byte("2")}}); !errors.Is(err, ErrOldFormat) {
		t.Fatalf("Apply over a format-1 version: %v", err)
	}
}

// Node encodings round-trip, and any other byte string is refused: a child
// version missing, a version given for an empty child, trailing bytes, an
// unknown kind.
func TestNodeEncoding(t *testing.T) {
	h := store.SHA256
	leaf := newLeaf(h, store.KeyHash([]byte("k")), store.ValueHash([]byte("v")))
	in := newInternal(h, child{kindLeaf, leaf.hash, 7}, child{kindInternal, store.KeyHash([]byte("x")), 1 << 40})
	half := newInternal(h, child{}, child{kindLeaf, leaf.hash, 300})
	for _, n := range []node{leaf, in, half} {
		got, err := decodeNode(h, encodeNode(&n))
		if err != nil || got.hash != n.hash || got.l != n.l || got.r != n.r {
			t.Fatalf("round trip of %v: %v %v", n.kind, got, err)
		}
	}
	enc := encodeNode(&in)
	for name, b := range map[string][]byte{
		"truncated version": enc[:len(enc)-1],
		"no versions":       enc[:67],
		"trailing byte":     append(append([]byte{}, enc...), 0),
		"extra version":     binary.AppendUvarint(encodeNode(&half), 5),
		"unknown kind":      append([]byte{9}, enc[1:]...),
		"leaf with extra":   append(encodeNode(&leaf), 1),
	} {
		if _, err := decodeNode(h, b); !errors.Is(err, errCorruption) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
