// Package treedb is the stored state tree: the versioned sparse Merkle tree
// of package store kept in Pebble, which applies each block's changes as a
// new version, reads values at any retained version, makes the proofs that
// store's pure functions check, and prunes old versions.
//
// Nodes are stored by the version that wrote them and their position, and
// each internal node names the versions of its children, so any retained
// version can be read and proven with one point read per level. No library
// offers this tree on Pebble with these proofs, so it is written here; a
// naive in-memory reference tree in the tests cross-checks it. It is the only part of the state that touches Pebble, so
// that verifiers and the state machine's modules, which import store, do
// not. It imports Pebble and store, nothing else of govchain's.
package treedb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/bloom"

	"github.com/govchain/govchain/store"
)

// Pebble key layout (all under the "s/" prefix, so other packages can share
// the database):
//
//	s/v/<key> 0x00 <^version>   -> 0x01 value | 0x00 (deleted)   flat values
//	s/n/<version><depth><path>  -> node                          tree nodes
//	s/x/<since> <pebble key>    -> ""                            stale entries
//	s/r/<version>               -> kind || root hash || root's version  roots
//	s/p                         -> <version>                      pruned below
//
// Value versions are stored inverted (^v, big-endian) so that a SeekGE
// finds the newest entry at or below a version. Node keys start with the
// version that wrote them (big-endian), so each block's nodes are appended
// after all earlier ones: Pebble's compactions mostly move them down
// instead of rewriting them, and reading a node is a point read of the key
// its parent names (the tree format 2; format 1 keyed nodes by position
// first and needed a seek per level).
//
// An internal node is kind || left kind || left hash || right kind ||
// right hash, followed by the uvarint version of each non-empty child, left
// first; a leaf is kind || key hash || value hash.
const (
	pfxValue  = "s/v/"
	pfxNode   = "s/n/"
	pfxStale  = "s/x/"
	pfxRoot   = "s/r/"
	keyPruned = "s/p"
)

var errCorruption = errors.New("store: corrupt node")

type kind byte

const (
	kindEmpty kind = iota
	kindLeaf
	kindInternal
)

type child struct {
	kind kind
	hash store.Hash
	ver  uint64 // the version whose key holds the node (not empty)
}

// node is a tree node as read or built during an update.
type node struct {
	kind     kind
	hash     store.Hash
	key, val store.Hash // leaf
	l, r     child      // internal
	stored   bool       // present in the database at depth `depth`, version `ver`
	depth    int
	ver      uint64
	lazy     bool // stored and unchanged; only kind and hash are filled in
}

func (n *node) asChild() child { return child{n.kind, n.hash, n.ver} }

func newLeaf(h store.Hasher, key, val store.Hash) node {
	return node{kind: kindLeaf, key: key, val: val, hash: h.LeafHash(key, val)}
}

func newInternal(h store.Hasher, l, r child) node {
	return node{kind: kindInternal, l: l, r: r, hash: h.InternalHash(l.hash, r.hash)}
}

func encodeNode(n *node) []byte {
	switch n.kind {
	case kindLeaf:
		b := make([]byte, 65)
		b[0] = byte(kindLeaf)
		copy(b[1:], n.key[:])
		copy(b[33:], n.val[:])
		return b
	case kindInternal:
		b := make([]byte, 67, 67+2*binary.MaxVarintLen64)
		b[0] = byte(kindInternal)
		b[1] = byte(n.l.kind)
		copy(b[2:], n.l.hash[:])
		b[34] = byte(n.r.kind)
		copy(b[35:], n.r.hash[:])
		for _, c := range []child{n.l, n.r} {
			if c.kind != kindEmpty {
				b = binary.AppendUvarint(b, c.ver)
			}
		}
		return b
	}
	panic("store: encoding an empty node")
}

func decodeNode(h store.Hasher, b []byte) (node, error) {
	switch {
	case len(b) == 65 && kind(b[0]) == kindLeaf:
		var k, v store.Hash
		copy(k[:], b[1:33])
		copy(v[:], b[33:65])
		return newLeaf(h, k, v), nil
	case len(b) >= 67 && kind(b[0]) == kindInternal && b[1] <= 2 && b[34] <= 2:
		var l, r child
		l.kind, r.kind = kind(b[1]), kind(b[34])
		copy(l.hash[:], b[2:34])
		copy(r.hash[:], b[35:67])
		rest := b[67:]
		for _, c := range []*child{&l, &r} {
			if c.kind == kindEmpty {
				continue
			}
			v, n := binary.Uvarint(rest)
			if n <= 0 {
				return node{}, errCorruption
			}
			c.ver, rest = v, rest[n:]
		}
		if len(rest) != 0 {
			return node{}, errCorruption
		}
		return newInternal(h, l, r), nil
	}
	return node{}, errCorruption
}

func invVersion(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], ^v)
	return b[:]
}

func be64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}

// posKey names a node position (in the node cache): depth and the first
// depth bits of path.
func posKey(depth int, path *store.Hash) []byte {
	n := (depth + 7) / 8
	k := make([]byte, 0, 1+n)
	k = append(k, byte(depth))
	k = append(k, path[:n]...)
	if r := depth % 8; r != 0 {
		k[len(k)-1] &= byte(0xff) << (8 - uint(r))
	}
	return k
}

// nodeKey is the Pebble key of the node written by version ver at depth
// along path.
func nodeKey(ver uint64, depth int, path *store.Hash) []byte {
	n := (depth + 7) / 8
	k := make([]byte, 0, len(pfxNode)+8+1+n)
	k = append(k, pfxNode...)
	k = binary.BigEndian.AppendUint64(k, ver)
	k = append(k, byte(depth))
	k = append(k, path[:n]...)
	if r := depth % 8; r != 0 {
		k[len(k)-1] &= byte(0xff) << (8 - uint(r))
	}
	return k
}

func valueKey(key []byte) []byte {
	k := make([]byte, 0, len(pfxValue)+len(key)+1+8)
	k = append(k, pfxValue...)
	k = append(k, key...)
	return append(k, 0)
}

// PebbleOptions is how govchain opens the database that holds the tree: a
// 512 MiB block cache (tree nodes are read at random positions), 64 MiB
// memtables, so a busy chain flushes and compacts less often, and Bloom
// filters on every level, so that reading a node (a point read) consults
// only the table that holds it.
func PebbleOptions() *pebble.Options {
	o := &pebble.Options{
		Comparer:                    Comparer,
		Cache:                       pebble.NewCache(512 << 20),
		MaxOpenFiles:                1000,
		MemTableSize:                64 << 20,
		MemTableStopWritesThreshold: 4,
		L0CompactionThreshold:       4,
		L0StopWritesThreshold:       24,
		LBaseMaxBytes:               256 << 20,
		Levels:                      make([]pebble.LevelOptions, 7),
	}
	for i := range o.Levels {
		o.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
		o.Levels[i].FilterType = pebble.TableFilter
	}
	return o.EnsureDefaults()
}

// Comparer is Pebble's bytewise order (and its name, so databases written
// without it open with it) with a Split that tells a value key's version
// suffix from the key: Bloom filters then hold the keys without their
// versions, and a look-up of a key at any version consults them. Other
// keys are their own prefix.
var Comparer = func() *pebble.Comparer {
	c := *pebble.DefaultComparer
	c.Split = splitKey
	return &c
}()

// splitKey is the length of k without its version: s/v/<key> 0x00 <^version>
// (application keys hold no 0x00 and are not empty); any other key is whole.
func splitKey(k []byte) int {
	if len(k) >= len(pfxValue)+2+8 && string(k[:len(pfxValue)]) == pfxValue && k[len(k)-9] == 0 {
		return len(k) - 8
	}
	return len(k)
}

// Tree is the versioned sparse Merkle tree. Reads are safe for concurrent
// use; Apply and Committed are called by one writer at a time.
type Tree struct {
	db *pebble.DB
	h  store.Hasher

	// cache holds the newest node at each position down to cacheDepth, as
	// of version cacheVer, so that updates skip the seeks of the upper
	// levels. Apply fills staged; Committed publishes it.
	mu       sync.RWMutex // Committed and Apply's set-up write; updates and proofs read
	cache    map[string]node
	cacheVer int64
	staged   map[string]node
	stagedAt uint64

	values        *valueCache
	stagedChanges []store.Change // the last Apply's, for values

	// prefixSeek is whether db was opened with Comparer (PebbleOptions),
	// so value look-ups can seek by prefix through the Bloom filters.
	prefixSeek bool
}

// cacheDepth bounds the node cache to 2^(cacheDepth+1) positions (a
// variable so tests can move the cached/uncached boundary).
var cacheDepth = 18

// NewTree opens the tree stored in db.
func NewTree(db *pebble.DB) *Tree { return NewTreeWithHasher(db, store.SHA256) }

// NewTreeWithHasher opens the tree stored in db, hashed with h.
func NewTreeWithHasher(db *pebble.DB, h store.Hasher) *Tree {
	return &Tree{db: db, h: h, cache: map[string]node{}, cacheVer: -1, values: newValueCache(), prefixSeek: splitsVersions(db)}
}

// splitsVersions tells whether db was opened with a Split, which the tree
// takes to be Comparer's (a database must be opened with Comparer or with
// no Split at all): it seeks a value key by prefix, which Pebble refuses,
// by panicking, without one.
func splitsVersions(db *pebble.DB) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	it, err := db.NewIter(&pebble.IterOptions{})
	if err != nil {
		return false
	}
	defer it.Close()
	probe := append(valueKey([]byte("probe")), invVersion(0)...)
	it.SeekPrefixGE(probe)
	return true
}

// Hasher is the tree's hash function.
func (t *Tree) Hasher() store.Hasher { return t.h }

// Committed tells the tree that the batch of the last Apply, for version,
// is durably written; the node cache then describes that version.
func (t *Tree) Committed(version uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.staged == nil || t.stagedAt != version {
		clear(t.cache)
		t.cacheVer = -1
		t.staged, t.stagedChanges = nil, nil
		t.values.commit(version, nil)
		return
	}
	for k, n := range t.staged {
		t.cache[k] = n
	}
	t.values.commit(version, t.stagedChanges)
	t.cacheVer, t.staged, t.stagedChanges = int64(version), nil, nil
}

// seekVersion finds the newest entry with key prefix p at or below version,
// using it (an iterator without bounds, reused across calls because opening
// one costs more than the seek). It seeks by prefix, so that the Bloom
// filters skip every table that holds no version of the key (a key not yet
// written, the usual case when a block creates accounts, costs filter
// probes instead of a seek in every level).
func (t *Tree) seekVersion(it *pebble.Iterator, p []byte, version uint64) ([]byte, uint64, bool, error) {
	seek := append(append(make([]byte, 0, len(p)+8), p...), invVersion(version)...)
	var ok bool
	if t.prefixSeek {
		ok = it.SeekPrefixGE(seek)
	} else {
		ok = it.SeekGE(seek)
	}
	if !ok {
		return nil, 0, false, it.Error()
	}
	k := it.Key()
	// Keys of one position or one value have exactly len(p)+8 bytes; a
	// longer key merely starting with p belongs to a different position
	// (value keys hold no 0x00, and p ends in one).
	if len(k) != len(p)+8 || !bytes.HasPrefix(k, p) {
		return nil, 0, false, nil
	}
	v := ^binary.BigEndian.Uint64(k[len(p):])
	return append([]byte{}, it.Value()...), v, true, nil
}

func newIter(r pebble.Reader) (*pebble.Iterator, error) {
	return r.NewIter(&pebble.IterOptions{})
}

func prefixEnd(p []byte) []byte {
	end := append([]byte{}, p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// CheckVersion fails with store.ErrPruned for a version pruned away (Get
// and Iterate do not check, to stay one read; readers of past versions
// call this first).
func (t *Tree) CheckVersion(version uint64) error { return t.checkVersion(t.db, version) }

// checkVersion fails for versions pruned away.
func (t *Tree) checkVersion(r pebble.Reader, version uint64) error {
	b, closer, err := r.Get([]byte(keyPruned))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	below := binary.BigEndian.Uint64(b)
	closer.Close()
	if version < below {
		return fmt.Errorf("%w: version %d, oldest kept is %d", store.ErrPruned, version, below)
	}
	return nil
}

// Get returns the value of key at version (ok false when absent).
func (t *Tree) Get(key []byte, version uint64) ([]byte, bool, error) {
	if err := store.CheckKey(key); err != nil {
		return nil, false, err
	}
	if e, ok := t.values.get(key, version); ok {
		return e.value()
	}
	it, err := newIter(t.db)
	if err != nil {
		return nil, false, err
	}
	defer it.Close()
	return t.readValue(it, key, version)
}

// value is what a read returns for the entry: a copy, since callers own
// what they read.
func (e valueEntry) value() ([]byte, bool, error) {
	if !e.found {
		return nil, false, nil
	}
	return append([]byte{}, e.val...), true, nil
}

// readValue reads key at version through it and remembers what it found.
func (t *Tree) readValue(it *pebble.Iterator, key []byte, version uint64) ([]byte, bool, error) {
	v, since, had, err := t.seekVersion(it, valueKey(key), version)
	if err != nil {
		return nil, false, err
	}
	e := valueEntry{had: had, since: since}
	if had && len(v) > 0 && v[0] == 1 {
		e.found, e.val = true, v[1:]
	}
	t.values.put(key, version, e)
	if !e.found {
		return nil, false, nil
	}
	return append([]byte{}, e.val...), true, nil
}

func (t *Tree) iterValue(it *pebble.Iterator, key []byte, version uint64) ([]byte, bool, error) {
	v, _, ok, err := t.seekVersion(it, valueKey(key), version)
	if err != nil || !ok || len(v) == 0 || v[0] != 1 {
		return nil, false, err
	}
	return v[1:], true, nil
}

// Iterate calls fn for each key with the given prefix that has a value at
// version, in key order, until fn returns false.
func (t *Tree) Iterate(prefix []byte, version uint64, fn func(key, value []byte) bool) error {
	return t.IterateAfter(prefix, nil, version, fn)
}

// versionSteps is how many older versions of one key Iterate steps over
// before it seeks past them: a step is cheaper than a seek, but a key
// rewritten at every block has one entry per version.
const versionSteps = 4

// IterateAfter is Iterate starting after the key after (nil: from the
// start of prefix). It seeks to its start, so a page of a long list costs
// the page, not the keys before it; keys deleted at version are stepped
// over, and so cost one step each.
func (t *Tree) IterateAfter(prefix, after []byte, version uint64, fn func(key, value []byte) bool) error {
	lo := append([]byte(pfxValue), prefix...)
	it, err := t.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: prefixEnd(lo)})
	if err != nil {
		return err
	}
	defer it.Close()
	ok := it.First()
	if after != nil {
		// Entries of after are pfxValue+after+0x00+<^version>; application
		// keys hold no 0x00, so every key greater than after sorts at or
		// above pfxValue+after+0x01.
		ok = it.SeekGE(append(append([]byte(pfxValue), after...), 1))
	}
	for ok {
		k := it.Key()
		if len(k) < len(pfxValue)+9 || k[len(k)-9] != 0 {
			ok = it.Next()
			continue
		}
		appKey := append([]byte{}, k[len(pfxValue):len(k)-9]...)
		vk := valueKey(appKey)
		// The entries of appKey run from its newest version down; find the
		// newest at or below version: step a few, then seek.
		for steps := 0; ok && ^binary.BigEndian.Uint64(it.Key()[len(vk):]) > version; steps++ {
			if steps == versionSteps {
				ok = it.SeekGE(append(vk, invVersion(version)...))
			} else {
				ok = it.Next()
			}
			if ok && (len(it.Key()) != len(vk)+8 || !bytes.HasPrefix(it.Key(), vk)) {
				break // no version of appKey at or below version
			}
		}
		if !ok {
			break
		}
		if k := it.Key(); len(k) == len(vk)+8 && bytes.HasPrefix(k, vk) {
			if v := it.Value(); len(v) > 0 && v[0] == 1 {
				if !fn(appKey, append([]byte{}, v[1:]...)) {
					return nil
				}
			}
		} else {
			continue // the next key's first entry: handle it as such
		}
		// Past the older versions of appKey: step a few, then seek.
		end := append(vk[:len(vk)-1:len(vk)-1], 1)
		for steps := 0; ; steps++ {
			if steps == versionSteps {
				ok = it.SeekGE(end)
				break
			}
			if ok = it.Next(); !ok || !bytes.HasPrefix(it.Key(), vk) {
				break
			}
		}
	}
	return it.Error()
}

// Root returns the root hash at version.
func (t *Tree) Root(version uint64) (store.Hash, error) {
	c, err := t.rootAt(t.db, version)
	return c.hash, err
}

func (t *Tree) rootAt(r pebble.Reader, version uint64) (child, error) {
	b, closer, err := r.Get(append([]byte(pfxRoot), be64(version)...))
	if errors.Is(err, pebble.ErrNotFound) {
		return child{}, fmt.Errorf("%w: %d", store.ErrNoVersion, version)
	}
	if err != nil {
		return child{}, err
	}
	defer closer.Close()
	if len(b) == 33 {
		return child{}, ErrOldFormat
	}
	if len(b) != 41 || b[0] > 2 {
		return child{}, errCorruption
	}
	var c child
	c.kind = kind(b[0])
	copy(c.hash[:], b[1:33])
	c.ver = binary.BigEndian.Uint64(b[33:])
	return c, nil
}

// ErrOldFormat is returned for a database whose tree was written in format
// 1 (nodes keyed by position first), which this version does not read.
var ErrOldFormat = errors.New("store: the state tree is in format 1 (written before govchain stored nodes by version); " +
	"this version reads format 2 only: move the data directory away and let the node sync from its peers, " +
	"or replay it from the block store (docs/operations.md)")

// loadNode reads the node c at depth along path: one point read of the key
// its parent (or the root record) names.
func loadNode(h store.Hasher, r pebble.Reader, c child, depth int, path *store.Hash) (node, error) {
	if c.kind == kindEmpty {
		return node{}, nil
	}
	b, closer, err := r.Get(nodeKey(c.ver, depth, path))
	if errors.Is(err, pebble.ErrNotFound) {
		return node{}, fmt.Errorf("%w: missing node at depth %d, version %d", errCorruption, depth, c.ver)
	}
	if err != nil {
		return node{}, err
	}
	n, err := decodeNode(h, b)
	closer.Close()
	if err != nil {
		return node{}, err
	}
	if n.kind != c.kind || n.hash != c.hash {
		return node{}, fmt.Errorf("%w: node at depth %d does not match its parent", errCorruption, depth)
	}
	n.stored, n.depth, n.ver = true, depth, c.ver
	return n, nil
}

// cachedNode returns the node of kind and hash c at depth along path from
// the node cache, or an empty node when the cache does not hold it. A node
// is named by its hash, so the cached one serves a proof at any version
// whose path leads to it.
func (t *Tree) cachedNode(c child, depth int, path *store.Hash) (node, error) {
	if c.kind == kindEmpty || depth > cacheDepth {
		return node{}, nil
	}
	pk := posKey(depth, path)
	t.mu.RLock()
	n, ok := t.cache[string(pk)]
	t.mu.RUnlock()
	if !ok || n.kind != c.kind || n.hash != c.hash {
		return node{}, nil
	}
	return n, nil
}

// Prove returns a proof for key at version, and the key's value (nil when
// absent).
func (t *Tree) Prove(key []byte, version uint64) (*store.Proof, []byte, error) {
	if err := store.CheckKey(key); err != nil {
		return nil, nil, err
	}
	snap := t.db.NewSnapshot()
	defer snap.Close()
	if err := t.checkVersion(snap, version); err != nil {
		return nil, nil, err
	}
	c, err := t.rootAt(snap, version)
	if err != nil {
		return nil, nil, err
	}
	it, err := newIter(snap)
	if err != nil {
		return nil, nil, err
	}
	defer it.Close()
	kh := t.h.KeyHash(key)
	p := &store.Proof{}
	for depth := 0; ; depth++ {
		n, err := t.cachedNode(c, depth, &kh)
		if n.kind == kindEmpty && c.kind != kindEmpty {
			n, err = loadNode(t.h, snap, c, depth, &kh)
		}
		if err != nil {
			return nil, nil, err
		}
		switch n.kind {
		case kindEmpty:
			return p, nil, nil
		case kindLeaf:
			p.Leaf = &store.ProofLeaf{KeyHash: n.key, ValueHash: n.val}
			if n.key != kh {
				return p, nil, nil
			}
			v, ok, err := t.iterValue(it, key, version)
			if err != nil {
				return nil, nil, err
			}
			if !ok || t.h.ValueHash(v) != n.val {
				return nil, nil, fmt.Errorf("%w: value index disagrees with the tree", errCorruption)
			}
			return p, v, nil
		}
		if store.PathBit(&kh, depth) == 0 {
			p.Siblings = append(p.Siblings, n.r.hash)
			c = n.l
		} else {
			p.Siblings = append(p.Siblings, n.l.hash)
			c = n.r
		}
	}
}

type hchange struct {
	key store.Hash
	val store.Hash
	del bool
}

// updater builds version `ver` from version ver-1 into a batch.
type updater struct {
	h      store.Hasher
	db     *pebble.DB
	b      *pebble.Batch
	ver    uint64
	cache  map[string]node // newest nodes as of ver-1 (read only)
	staged map[string]node // nodes as of ver, for the cache
}

// load reads a node of the previous version, through the cache near the root.
func (u *updater) load(c child, depth int, path *store.Hash) (node, error) {
	if c.kind == kindEmpty {
		return node{}, nil
	}
	if depth > cacheDepth {
		return loadNode(u.h, u.db, c, depth, path)
	}
	pk := string(posKey(depth, path))
	if n, ok := u.cache[pk]; ok && n.kind == c.kind && n.hash == c.hash {
		return n, nil
	}
	n, err := loadNode(u.h, u.db, c, depth, path)
	if err == nil {
		u.staged[pk] = n
	}
	return n, err
}

// Apply writes version `version` = version-1 plus changes into batch and
// returns its root. Changes need not be sorted; one change per key. For the
// first version (no earlier root) it starts from the empty tree.
func (t *Tree) Apply(b *pebble.Batch, version uint64, changes []store.Change) (store.Hash, error) {
	root := child{}
	if version > 0 {
		var err error
		if root, err = t.rootAt(t.db, version-1); err != nil && !errors.Is(err, store.ErrNoVersion) {
			return store.Hash{}, err
		}
	}
	it, err := newIter(t.db)
	if err != nil {
		return store.Hash{}, err
	}
	defer it.Close()
	hs := make([]hchange, len(changes))
	for i, c := range changes {
		if err := store.CheckKey(c.Key); err != nil {
			return store.Hash{}, err
		}
		hs[i] = hchange{key: t.h.KeyHash(c.Key), del: c.Delete}
		vk := valueKey(c.Key)
		var oldVer uint64
		var had bool
		if e, ok := t.values.get(c.Key, version-1); ok && version > 0 {
			oldVer, had = e.since, e.had
		} else if _, oldVer, had, err = t.seekVersion(it, vk, version); err != nil {
			return store.Hash{}, err
		}
		if had && oldVer < version {
			b.Set(staleKey(version, append(vk, invVersion(oldVer)...)), nil, nil)
		}
		if c.Delete {
			if !had {
				continue
			}
			b.Set(append(vk, invVersion(version)...), []byte{0}, nil)
			b.Set(staleKey(version, append(vk, invVersion(version)...)), nil, nil)
			continue
		}
		hs[i].val = t.h.ValueHash(c.Value)
		b.Set(append(vk, invVersion(version)...), append([]byte{1}, c.Value...), nil)
	}
	sort.Slice(hs, func(i, j int) bool { return bytes.Compare(hs[i].key[:], hs[j].key[:]) < 0 })
	for i := 1; i < len(hs); i++ {
		if hs[i].key == hs[i-1].key {
			return store.Hash{}, fmt.Errorf("store: two changes to one key in version %d", version)
		}
	}
	t.mu.Lock()
	if t.cacheVer != int64(version)-1 {
		clear(t.cache) // the cache is for another version: start it afresh
		t.cacheVer = int64(version) - 1
	}
	t.staged, t.stagedAt = map[string]node{}, version
	t.stagedChanges = changes
	t.mu.Unlock()
	// The update only reads the cache (Committed, the one writer, runs
	// after Apply), so proofs may read it meanwhile.
	t.mu.RLock()
	defer t.mu.RUnlock()
	u := &updater{h: t.h, db: t.db, b: b, ver: version, cache: t.cache, staged: t.staged}
	var zero store.Hash
	var path store.Hash
	if len(hs) > 0 {
		path = hs[0].key
	}
	cur, err := u.load(root, 0, &path)
	if err != nil {
		return zero, err
	}
	res, err := u.update(0, &path, cur, hs)
	if err != nil {
		return zero, err
	}
	if res.kind != kindEmpty && !(res.stored && res.depth == 0) {
		u.write(0, &path, &res)
	}
	rb := make([]byte, 41)
	rb[0] = byte(res.kind)
	copy(rb[1:], res.hash[:])
	binary.BigEndian.PutUint64(rb[33:], res.ver)
	b.Set(append([]byte(pfxRoot), be64(version)...), rb, nil)
	return res.hash, nil
}

func staleKey(since uint64, key []byte) []byte {
	k := make([]byte, 0, len(pfxStale)+8+len(key))
	k = append(k, pfxStale...)
	k = append(k, be64(since)...)
	return append(k, key...)
}

// write stores n at depth along path as written by this version, and
// marks it so.
func (u *updater) write(depth int, path *store.Hash, n *node) {
	u.b.Set(nodeKey(u.ver, depth, path), encodeNode(n), nil)
	n.stored, n.depth, n.ver, n.lazy = true, depth, u.ver, false
	if depth <= cacheDepth {
		u.staged[string(posKey(depth, path))] = *n
	}
}

func (u *updater) markStale(n *node, path *store.Hash) {
	if n.stored {
		u.b.Set(staleKey(u.ver, nodeKey(n.ver, n.depth, path)), nil, nil)
	}
}

// update returns the subtree at (depth, path) after applying chs (all of
// whose keys share the subtree's path) to cur, the subtree's old root.
func (u *updater) update(depth int, path *store.Hash, cur node, chs []hchange) (node, error) {
	if len(chs) == 0 {
		return cur, nil
	}
	switch cur.kind {
	case kindEmpty:
		return u.build(depth, path, chs)
	case kindLeaf:
		// Merge the old leaf into the changes unless a change overrides it.
		merged := make([]hchange, 0, len(chs)+1)
		found := false
		for _, c := range chs {
			if c.key == cur.key {
				found = true
			}
		}
		inserted := found
		for _, c := range chs {
			if !inserted && bytes.Compare(cur.key[:], c.key[:]) < 0 {
				merged = append(merged, hchange{key: cur.key, val: cur.val})
				inserted = true
			}
			merged = append(merged, c)
		}
		if !inserted {
			merged = append(merged, hchange{key: cur.key, val: cur.val})
		}
		res, err := u.build(depth, path, merged)
		if err != nil {
			return node{}, err
		}
		if res.kind == kindLeaf && res.key == cur.key && res.val == cur.val {
			return cur, nil
		}
		u.markStale(&cur, path)
		return res, nil
	}
	// Internal node: split the changes by the bit at this depth.
	split := sort.Search(len(chs), func(i int) bool { return store.PathBit(&chs[i].key, depth) == 1 })
	lp, rp := childPath(path, depth, 0), childPath(path, depth, 1)
	var l, r node
	var err error
	if depth < parallelDepth && split >= parallelMin && len(chs)-split >= parallelMin {
		l, r, err = u.updateBoth(depth, &lp, &rp, cur, chs, split)
	} else {
		if l, err = u.updateChild(depth+1, &lp, cur.l, chs[:split]); err == nil {
			r, err = u.updateChild(depth+1, &rp, cur.r, chs[split:])
		}
	}
	if err != nil {
		return node{}, err
	}
	if l.hash == cur.l.hash && r.hash == cur.r.hash && l.kind == cur.l.kind && r.kind == cur.r.kind {
		return cur, nil
	}
	u.markStale(&cur, path)
	return u.combine(depth, &lp, &rp, l, r)
}

// Big blocks update the subtrees of the upper levels in parallel: below
// depth parallelDepth (up to 2^parallelDepth goroutines), when both sides
// have at least parallelMin changes. The result does not depend on it: each
// side writes its own nodes into its own batch, merged when both are done.
var (
	parallelDepth = 2
	parallelMin   = 512
)

// updateBoth updates cur's two subtrees, the left one on a goroutine of
// its own with its own iterator, batch and staged nodes.
func (u *updater) updateBoth(depth int, lp, rp *store.Hash, cur node, chs []hchange, split int) (node, node, error) {
	lu := &updater{h: u.h, db: u.db, b: u.db.NewBatch(), ver: u.ver, cache: u.cache, staged: map[string]node{}}
	defer lu.b.Close()
	var l node
	var lerr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		l, lerr = lu.updateChild(depth+1, lp, cur.l, chs[:split])
	}()
	r, rerr := u.updateChild(depth+1, rp, cur.r, chs[split:])
	<-done
	if err := errors.Join(lerr, rerr); err != nil {
		return node{}, node{}, err
	}
	if err := u.b.Apply(lu.b, nil); err != nil {
		return node{}, node{}, err
	}
	for k, n := range lu.staged {
		u.staged[k] = n
	}
	return l, r, nil
}

func (u *updater) updateChild(depth int, path *store.Hash, c child, chs []hchange) (node, error) {
	if len(chs) == 0 {
		// Unchanged; only its kind and hash matter unless it moves up.
		if c.kind == kindEmpty {
			return node{}, nil
		}
		// Only its kind and hash are needed, unless a lone leaf moves up
		// (combine loads it then).
		return node{kind: c.kind, hash: c.hash, stored: true, depth: depth, ver: c.ver, lazy: true}, nil
	}
	n, err := u.load(c, depth, path)
	if err != nil {
		return node{}, err
	}
	return u.update(depth, path, n, chs)
}

// build makes the subtree at (depth, path) holding exactly the non-deleted
// entries of chs.
func (u *updater) build(depth int, path *store.Hash, chs []hchange) (node, error) {
	live := chs[:0:0]
	for _, c := range chs {
		if !c.del {
			live = append(live, c)
		}
	}
	switch len(live) {
	case 0:
		return node{}, nil
	case 1:
		return newLeaf(u.h, live[0].key, live[0].val), nil
	}
	if depth >= 256 {
		return node{}, errors.New("store: two keys with one hash")
	}
	split := sort.Search(len(live), func(i int) bool { return store.PathBit(&live[i].key, depth) == 1 })
	lp, rp := childPath(path, depth, 0), childPath(path, depth, 1)
	l, err := u.build(depth+1, &lp, live[:split])
	if err != nil {
		return node{}, err
	}
	r, err := u.build(depth+1, &rp, live[split:])
	if err != nil {
		return node{}, err
	}
	return u.combine(depth, &lp, &rp, l, r)
}

// combine makes the node at depth from its two new children, collapsing a
// lone leaf upwards and writing children that are new at depth+1.
func (u *updater) combine(depth int, lp, rp *store.Hash, l, r node) (node, error) {
	lift := func(n node, p *store.Hash) (node, error) {
		if n.lazy {
			var err error
			if n, err = u.load(n.asChild(), depth+1, p); err != nil {
				return node{}, err
			}
		}
		u.markStale(&n, p)
		n.stored = false
		return n, nil
	}
	switch {
	case l.kind == kindEmpty && r.kind == kindEmpty:
		return node{}, nil
	case l.kind == kindEmpty && r.kind == kindLeaf:
		return lift(r, rp)
	case r.kind == kindEmpty && l.kind == kindLeaf:
		return lift(l, lp)
	}
	for _, c := range []struct {
		n *node
		p *store.Hash
	}{{&l, lp}, {&r, rp}} {
		if c.n.kind != kindEmpty && !(c.n.stored && c.n.depth == depth+1) {
			u.write(depth+1, c.p, c.n)
		}
	}
	return newInternal(u.h, l.asChild(), r.asChild()), nil
}

// childPath is path with bit depth set to b and later bits cleared.
func childPath(path *store.Hash, depth, b int) store.Hash {
	var p store.Hash
	copy(p[:], path[:])
	i := depth / 8
	shift := 7 - uint(depth%8)
	p[i] = p[i]&^(byte(0xff)>>(uint(depth%8))) | byte(b)<<shift
	for j := i + 1; j < len(p); j++ {
		p[j] = 0
	}
	return p
}

// Prune deletes what no version at or above `below` needs and records that
// older versions are gone. It writes into batch.
func (t *Tree) Prune(b *pebble.Batch, below uint64) error {
	if below == 0 {
		return nil
	}
	lo := []byte(pfxStale)
	hi := append([]byte(pfxStale), be64(below+1)...)
	it, err := t.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if err := b.Delete(append([]byte{}, k[len(pfxStale)+8:]...), nil); err != nil {
			return err
		}
		if err := b.Delete(append([]byte{}, k...), nil); err != nil {
			return err
		}
	}
	if err := it.Error(); err != nil {
		return err
	}
	return b.Set([]byte(keyPruned), be64(below), nil)
}

// Reader reads values at one version through a single Pebble iterator,
// which is much cheaper than opening one per read. It sees the database as
// it was when created, so it suits work pinned to one version (executing a
// block over the last committed state). It is not safe for concurrent use.
type Reader struct {
	t       *Tree
	it      *pebble.Iterator
	version uint64
}

// NewReader returns a Reader at version; Close it when done.
func (t *Tree) NewReader(version uint64) (*Reader, error) {
	it, err := newIter(t.db)
	if err != nil {
		return nil, err
	}
	return &Reader{t: t, it: it, version: version}, nil
}

// Get returns the value of key (ok false when absent).
func (r *Reader) Get(key []byte) ([]byte, bool, error) {
	if err := store.CheckKey(key); err != nil {
		return nil, false, err
	}
	if e, ok := r.t.values.get(key, r.version); ok {
		return e.value()
	}
	return r.t.readValue(r.it, key, r.version)
}

// Close releases the iterator.
func (r *Reader) Close() error { return r.it.Close() }
