package treedb

import (
	"reflect"
	"testing"

	"github.com/emmansun/gmsm/sm3"

	"github.com/govchain/govchain/store"
	"github.com/govchain/govchain/store/internal/reftree"
)

// The stored tree makes exactly the root and the valid proofs of the test
// vectors (store/testdata, written from the reference tree by go test
// ./store -update).
func TestVectors(t *testing.T) {
	t.Run("sha256", func(t *testing.T) { testVectors(t, "../testdata/vectors.json", store.SHA256) })
	t.Run("sm3", func(t *testing.T) { testVectors(t, "../testdata/vectors-sm3.json", store.NewHasher("sm3", sm3.Sum)) })
}

func testVectors(t *testing.T, path string, h store.Hasher) {
	vf, err := reftree.ReadVectors(path)
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	tr := NewTreeWithHasher(db, h)
	var chs []store.Change
	for k, v := range vf.Entries {
		chs = append(chs, store.Change{Key: []byte(k), Value: []byte(v)})
	}
	if root := applyVersion(t, db, tr, 0, chs); reftree.Hex(root) != vf.Root {
		t.Fatalf("root %x, want %s", root, vf.Root)
	}
	n := 0
	for i, want := range vf.Proofs {
		if !want.Valid {
			continue
		}
		p, v, err := tr.Prove([]byte(want.Key), 0)
		if err != nil {
			t.Fatal(err)
		}
		got := reftree.NewProofVector(want.Key, v, p)
		got.Valid = true
		if !reflect.DeepEqual(got, want) {
			t.Errorf("vector %d (%s): the tree proves %+v", i, want.Key, got)
		}
		n++
	}
	if n < 4 {
		t.Fatalf("only %d valid vectors", n)
	}
}
