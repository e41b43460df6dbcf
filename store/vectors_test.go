package store_test

import (
	"flag"
	"fmt"
	"testing"

	"github.com/emmansun/gmsm/sm3"

	"github.com/govchain/govchain/store"
	"github.com/govchain/govchain/store/internal/reftree"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors*.json from the reference tree")

func TestVectors(t *testing.T) {
	t.Run("sha256", func(t *testing.T) { testVectors(t, "testdata/vectors.json", store.SHA256) })
	t.Run("sm3", func(t *testing.T) { testVectors(t, "testdata/vectors-sm3.json", store.NewHasher("sm3", sm3.Sum)) })
}

// writeVectors makes the vector file with the reference tree, so that the
// file does not depend on the stored tree (store/treedb checks that it
// makes the same proofs).
func writeVectors(t *testing.T, path string, h store.Hasher) {
	ref := reftree.Tree{}
	entries := map[string]string{}
	for i := 0; i < 8; i++ {
		k, v := fmt.Sprintf("identity/acct/%d", i), fmt.Sprintf("value-%d", i)
		entries[k] = v
		ref[k] = []byte(v)
	}
	vf := reftree.VectorFile{Comment: "sparse Merkle tree of docs/proofs.md with H = " + h.Name + ": key hash H(key), leaf H(0x00||kh||vh), node H(0x01||l||r), empty 32 zero bytes",
		Entries: entries, Root: reftree.Hex(ref.Root(h))}
	add := func(key string, valid bool, tamper func(*reftree.ProofVector)) {
		p, v := ref.Prove(h, []byte(key))
		pv := reftree.NewProofVector(key, v, p)
		pv.Valid = valid
		if tamper != nil {
			tamper(&pv)
		}
		vf.Proofs = append(vf.Proofs, pv)
	}
	add("identity/acct/3", true, nil)
	add("identity/acct/7", true, nil)
	add("identity/acct/99", true, nil) // absent
	add("no/such/key", true, nil)      // absent
	add("identity/acct/3", false, func(p *reftree.ProofVector) { s := "value-4"; p.Value = &s })
	add("identity/acct/3", false, func(p *reftree.ProofVector) { p.Siblings[0] = reftree.Hex(store.Hash{1}) })
	add("identity/acct/99", false, func(p *reftree.ProofVector) { s := "value-99"; p.Value = &s })
	if err := reftree.WriteVectors(path, &vf); err != nil {
		t.Fatal(err)
	}
}

func testVectors(t *testing.T, path string, h store.Hasher) {
	if *update {
		writeVectors(t, path, h)
	}
	vf, err := reftree.ReadVectors(path)
	if err != nil {
		t.Fatal(err)
	}
	// The root follows from the entries by the reference definition.
	ref := reftree.Tree{}
	for k, v := range vf.Entries {
		ref[k] = []byte(v)
	}
	if reftree.Hex(ref.Root(h)) != vf.Root {
		t.Fatal("root does not match the entries")
	}
	root, err := reftree.DecodeHash(vf.Root)
	if err != nil {
		t.Fatal(err)
	}
	if len(vf.Proofs) < 5 {
		t.Fatal("too few proof vectors")
	}
	for i, pv := range vf.Proofs {
		p, err := pv.Proof()
		if err != nil {
			t.Fatal(err)
		}
		if pv.Value != nil {
			err = h.VerifyMembership(root, []byte(pv.Key), []byte(*pv.Value), p)
		} else {
			err = h.VerifyNonMembership(root, []byte(pv.Key), p)
		}
		if (err == nil) != pv.Valid {
			t.Errorf("vector %d (%s): err %v, valid %v", i, pv.Key, err, pv.Valid)
		}
	}
}
