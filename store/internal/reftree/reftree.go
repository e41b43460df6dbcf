// Package reftree is the test oracle of the state tree: the sparse Merkle
// tree of package store computed naively from the definitions in store's
// package doc (a map, hashed recursively, with no storage and no
// cleverness), and the format of the test vectors in store/testdata. The
// tests of store and store/treedb check the verifiers, the stored tree and
// the vectors against it; nothing else may use it.
package reftree

import (
	"bytes"
	"sort"

	"github.com/govchain/govchain/store"
)

// Tree maps keys to values.
type Tree map[string][]byte

// Clone copies the tree.
func (t Tree) Clone() Tree {
	c := Tree{}
	for k, v := range t {
		c[k] = v
	}
	return c
}

type leaf struct{ k, v store.Hash }

// leaves are the tree's leaves in key hash order.
func (t Tree) leaves(h store.Hasher) []leaf {
	var ls []leaf
	for k, v := range t {
		ls = append(ls, leaf{h.KeyHash([]byte(k)), h.ValueHash(v)})
	}
	sort.Slice(ls, func(i, j int) bool { return bytes.Compare(ls[i].k[:], ls[j].k[:]) < 0 })
	return ls
}

// Root is the root hash of the tree.
func (t Tree) Root(h store.Hasher) store.Hash { return root(h, t.leaves(h), 0) }

// root is the hash of the subtree at depth holding exactly ls: empty, a
// lone leaf, or an internal node over the leaves split by their bit at
// depth.
func root(h store.Hasher, ls []leaf, depth int) store.Hash {
	switch len(ls) {
	case 0:
		return store.Hash{}
	case 1:
		return h.LeafHash(ls[0].k, ls[0].v)
	}
	l, r := split(ls, depth)
	return h.InternalHash(root(h, l, depth+1), root(h, r, depth+1))
}

func split(ls []leaf, depth int) (l, r []leaf) {
	for _, x := range ls {
		if store.PathBit(&x.k, depth) == 0 {
			l = append(l, x)
		} else {
			r = append(r, x)
		}
	}
	return l, r
}

// Prove walks from the root along key's hash and returns the proof and the
// key's value (nil when absent).
func (t Tree) Prove(h store.Hasher, key []byte) (*store.Proof, []byte) {
	kh := h.KeyHash(key)
	ls := t.leaves(h)
	p := &store.Proof{}
	for depth := 0; ; depth++ {
		switch len(ls) {
		case 0:
			return p, nil
		case 1:
			p.Leaf = &store.ProofLeaf{KeyHash: ls[0].k, ValueHash: ls[0].v}
			if ls[0].k != kh {
				return p, nil
			}
			return p, t[string(key)]
		}
		l, r := split(ls, depth)
		if store.PathBit(&kh, depth) == 0 {
			p.Siblings = append(p.Siblings, root(h, r, depth+1))
			ls = l
		} else {
			p.Siblings = append(p.Siblings, root(h, l, depth+1))
			ls = r
		}
	}
}
