package treedb

import (
	"hash/maphash"
	"sync"

	"github.com/govchain/govchain/store"
)

// valueCache keeps the values of recently read and written keys as of the
// newest committed version, so that the reads of signature checks, CheckTx
// and block execution, and Apply's look-ups of each changed key's previous
// version, skip Pebble's seeks. It never changes what a read returns: an
// entry says "at every version from since to ver, key's newest entry is
// this one", which is exactly what seekVersion would find.
//
// Entries come from two places: Committed publishes every change of the
// version it commits, and reads at the newest version add what they found
// (only if no commit happened meanwhile: put checks the version under the
// lock that commit takes). Memory is bounded by two generations of
// valueCacheBytes each: when the current generation is full it becomes the
// old one, and hits in the old generation move back to the current one.
type valueCache struct {
	mu     sync.RWMutex // commit holds it to publish; get and put hold it shared
	ver    int64        // the version entries describe; -1: none yet
	seed   maphash.Seed
	shards [valueCacheShards]valueShard
}

const valueCacheShards = 64

// valueCacheBytes bounds one generation of the cache, over all shards.
var valueCacheBytes = 64 << 20

type valueEntry struct {
	val   []byte // the value (nil when deleted or absent)
	found bool   // a value, not a deletion or nothing
	had   bool   // some entry (value or deletion) exists
	since uint64 // its version (0 when none)
}

func (e valueEntry) size() int { return len(e.val) + 64 }

type valueShard struct {
	mu       sync.Mutex
	cur, old map[string]valueEntry
	bytes    int
}

func newValueCache() *valueCache {
	c := &valueCache{ver: -1, seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].cur = map[string]valueEntry{}
	}
	return c
}

func (c *valueCache) shard(key []byte) *valueShard {
	return &c.shards[maphash.Bytes(c.seed, key)%valueCacheShards]
}

// get returns key's entry as seen at version, if the cache knows it.
func (c *valueCache) get(key []byte, version uint64) (valueEntry, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ver < 0 || version > uint64(c.ver) {
		return valueEntry{}, false
	}
	s := c.shard(key)
	s.mu.Lock()
	e, ok := s.cur[string(key)]
	if !ok {
		if e, ok = s.old[string(key)]; ok {
			s.insert(string(key), e)
		}
	}
	s.mu.Unlock()
	if !ok || e.since > version {
		return valueEntry{}, false
	}
	return e, true
}

// put records what a read at version found, if version is still the
// newest committed one.
func (c *valueCache) put(key []byte, version uint64, e valueEntry) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ver < 0 || version != uint64(c.ver) {
		return
	}
	s := c.shard(key)
	s.mu.Lock()
	s.insert(string(key), e)
	s.mu.Unlock()
}

func (s *valueShard) insert(k string, e valueEntry) {
	if s.bytes+e.size() > valueCacheBytes/valueCacheShards {
		s.old, s.cur, s.bytes = s.cur, map[string]valueEntry{}, 0
	}
	s.cur[k] = e
	s.bytes += e.size()
}

// commit publishes version's changes; from version-1 the entries of every
// other key stay true. Any other step starts the cache afresh.
func (c *valueCache) commit(version uint64, changes []store.Change) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if changes == nil || c.ver != int64(version)-1 {
		for i := range c.shards {
			s := &c.shards[i]
			s.cur, s.old, s.bytes = map[string]valueEntry{}, nil, 0
		}
	}
	c.ver = int64(version)
	for _, ch := range changes {
		e := valueEntry{found: !ch.Delete, had: true, since: version}
		if !ch.Delete {
			e.val = append([]byte{}, ch.Value...)
		}
		s := c.shard(ch.Key)
		s.mu.Lock()
		if ch.Delete {
			// A deletion of an absent key writes nothing (Apply skips it),
			// so what the key's entry is now is not known here.
			delete(s.cur, string(ch.Key))
			delete(s.old, string(ch.Key))
		} else {
			s.insert(string(ch.Key), e)
		}
		s.mu.Unlock()
	}
}
