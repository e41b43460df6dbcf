package ledger_test

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"testing"

	"github.com/emmansun/gmsm/sm3"

	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/ledger/internal/reflog"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors*.json from the reference log")

func TestVectors(t *testing.T) {
	t.Run("sha256", func(t *testing.T) { testVectors(t, "testdata/vectors.json", ledger.SHA256, sha256.Sum256) })
	t.Run("sm3", func(t *testing.T) {
		testVectors(t, "testdata/vectors-sm3.json", ledger.NewHasher("sm3", sm3.Sum), sm3.Sum)
	})
}

// writeVectors makes the vector file with the reference log of
// RFC 6962 section 2.1, so that the file does not depend on the stored log
// (ledger/logdb checks that it makes the same proofs).
func writeVectors(t *testing.T, path string, h ledger.Hasher, sum reflog.Hash) {
	var es []ledger.Entry
	var leaves [][]byte
	for i := 0; i < 7; i++ {
		es = append(es, entry(i))
		leaves = append(leaves, ledger.LeafBytes(&es[i]))
	}
	v := reflog.Vectors{Comment: "RFC 6962 log of docs/proofs.md with H = " + h.Name + ": leaf = H(0x00 || canonical CBOR of the entry)"}
	for _, e := range es {
		v.Leaves = append(v.Leaves, reflog.LeafVector{Entry: e, LeafBytes: hex.EncodeToString(ledger.LeafBytes(&e)), LeafHash: hex.EncodeToString(h.LeafHash(&e))})
	}
	for n := 0; n <= 7; n++ {
		v.Roots = append(v.Roots, hex.EncodeToString(reflog.Root(sum, leaves[:n])))
	}
	for _, c := range [][2]int{{0, 1}, {0, 7}, {3, 7}, {6, 7}, {4, 5}} {
		v.Inclusion = append(v.Inclusion, reflog.InclusionVector{Index: uint64(c[0]), Size: uint64(c[1]), Proof: reflog.Hexes(reflog.Inclusion(sum, c[0], leaves[:c[1]]))})
	}
	for _, c := range [][2]int{{1, 7}, {3, 7}, {4, 7}, {6, 7}, {2, 5}} {
		v.Consistency = append(v.Consistency, reflog.ConsistencyVector{Size1: uint64(c[0]), Size2: uint64(c[1]), Proof: reflog.Hexes(reflog.Consistency(sum, c[0], leaves[:c[1]]))})
	}
	sr := make([]byte, 32)
	sr[0] = 0xab
	v.AppHash = reflog.AppHashVector{StateRoot: hex.EncodeToString(sr), LogRoot: v.Roots[7], LogSize: 7, AppHash: hex.EncodeToString(h.AppHash(sr, reflog.MustHex(v.Roots[7]), 7))}
	if err := reflog.WriteVectors(path, &v); err != nil {
		t.Fatal(err)
	}
}

func testVectors(t *testing.T, path string, h ledger.Hasher, sum reflog.Hash) {
	if *update {
		writeVectors(t, path, h, sum)
	}
	v, err := reflog.ReadVectors(path)
	if err != nil {
		t.Fatal(err)
	}
	var leaves [][]byte
	for _, lv := range v.Leaves {
		if hex.EncodeToString(ledger.LeafBytes(&lv.Entry)) != lv.LeafBytes || hex.EncodeToString(h.LeafHash(&lv.Entry)) != lv.LeafHash {
			t.Fatalf("leaf %x: encoding or hash differs", lv.Entry.TxHash)
		}
		leaves = append(leaves, reflog.MustHex(lv.LeafBytes))
	}
	for n, r := range v.Roots {
		if hex.EncodeToString(reflog.Root(sum, leaves[:n])) != r {
			t.Fatalf("root of %d leaves differs", n)
		}
	}
	for _, iv := range v.Inclusion {
		e := v.Leaves[iv.Index].Entry
		if err := h.VerifyInclusion(&e, iv.Index, iv.Size, reflog.Unhexes(iv.Proof), reflog.MustHex(v.Roots[iv.Size])); err != nil {
			t.Errorf("inclusion %d/%d: %v", iv.Index, iv.Size, err)
		}
	}
	for _, cv := range v.Consistency {
		if err := h.VerifyConsistency(cv.Size1, cv.Size2, reflog.Unhexes(cv.Proof), reflog.MustHex(v.Roots[cv.Size1]), reflog.MustHex(v.Roots[cv.Size2])); err != nil {
			t.Errorf("consistency %d->%d: %v", cv.Size1, cv.Size2, err)
		}
	}
	a := v.AppHash
	if hex.EncodeToString(h.AppHash(reflog.MustHex(a.StateRoot), reflog.MustHex(a.LogRoot), a.LogSize)) != a.AppHash {
		t.Error("app hash differs")
	}
}
