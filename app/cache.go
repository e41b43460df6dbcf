package app

import (
	"sort"

	"github.com/govchain/govchain/store"
)

// getter reads a key from the layer below.
type getter func(key []byte) ([]byte, bool)

type write struct {
	val []byte
	del bool
}

// cache is a write overlay: a transaction's writes over its block's, a
// block's over committed state. Only its sorted change list leaves it, so
// map order never reaches the state machine's output.
type cache struct {
	parent getter
	writes map[string]write
}

func newCache(parent getter) *cache { return &cache{parent: parent, writes: map[string]write{}} }

func (c *cache) Get(key []byte) ([]byte, bool) {
	if w, ok := c.writes[string(key)]; ok {
		return w.val, !w.del
	}
	return c.parent(key)
}

func (c *cache) Set(key, value []byte) {
	c.writes[string(key)] = write{val: append([]byte{}, value...)}
}

func (c *cache) Delete(key []byte) { c.writes[string(key)] = write{del: true} }

// writeTo moves this overlay's writes into the overlay below.
func (c *cache) writeTo(dst *cache) {
	for k, w := range c.writes {
		dst.writes[k] = w
	}
}

// changes returns the writes in key order.
func (c *cache) changes() []store.Change {
	keys := make([]string, 0, len(c.writes))
	for k := range c.writes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]store.Change, len(keys))
	for i, k := range keys {
		w := c.writes[k]
		out[i] = store.Change{Key: []byte(k), Value: w.val, Delete: w.del}
		if !w.del && w.val == nil {
			out[i].Value = []byte{}
		}
	}
	return out
}

// prefixReader views the keys under prefix of a getter.
type prefixReader struct {
	g      getter
	prefix string
}

func (p prefixReader) Get(key []byte) ([]byte, bool) { return p.g(append([]byte(p.prefix), key...)) }

// storeFailure is a panic value for storage errors during execution: they
// are not deterministic, so the node must stop rather than diverge.
type storeFailure struct{ err error }
