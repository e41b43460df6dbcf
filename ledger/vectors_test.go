package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/vfs"
	"github.com/emmansun/gmsm/sm3"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors.json")

// LogVectors is testdata/vectors.json (docs/proofs.md).
type LogVectors struct {
	Comment     string              `json:"comment"`
	Leaves      []LeafVector        `json:"leaves"`
	Roots       []string            `json:"roots"` // roots[n] is the root of the first n leaves
	Inclusion   []InclusionVector   `json:"inclusion"`
	Consistency []ConsistencyVector `json:"consistency"`
	AppHash     AppHashVector       `json:"app_hash"`
}

// LeafVector is an entry, its canonical bytes and leaf hash.
type LeafVector struct {
	Entry     Entry  `json:"entry"`
	LeafBytes string `json:"leaf_bytes"`
	LeafHash  string `json:"leaf_hash"`
}

// InclusionVector proves leaf Index in a log of Size.
type InclusionVector struct {
	Index uint64   `json:"index"`
	Size  uint64   `json:"size"`
	Proof []string `json:"proof"`
}

// ConsistencyVector proves the log of Size2 extends the one of Size1.
type ConsistencyVector struct {
	Size1 uint64   `json:"size1"`
	Size2 uint64   `json:"size2"`
	Proof []string `json:"proof"`
}

// AppHashVector is one app hash computation.
type AppHashVector struct {
	StateRoot string `json:"state_root"`
	LogRoot   string `json:"log_root"`
	LogSize   uint64 `json:"log_size"`
	AppHash   string `json:"app_hash"`
}

func hexes(bs [][]byte) []string {
	out := []string{}
	for _, b := range bs {
		out = append(out, hex.EncodeToString(b))
	}
	return out
}

func TestVectors(t *testing.T) {
	t.Run("sha256", func(t *testing.T) { testVectors(t, "testdata/vectors.json", SHA256, sha256.Sum256) })
	t.Run("sm3", func(t *testing.T) { testVectors(t, "testdata/vectors-sm3.json", NewHasher("sm3", sm3.Sum), sm3.Sum) })
}

func testVectors(t *testing.T, path string, h Hasher, sum func([]byte) [32]byte) {
	if *update {
		db, _ := pebble.Open("", &pebble.Options{FS: vfs.NewMem()})
		defer db.Close()
		l, _ := OpenWithHasher(db, h)
		var recs []Record
		for i := 0; i < 7; i++ {
			recs = append(recs, entry(i))
		}
		b := db.NewBatch()
		l.Append(b, recs)
		b.Commit(nil)
		l.Commit()
		v := LogVectors{Comment: "RFC 6962 log of docs/proofs.md with H = " + h.Name + ": leaf = H(0x00 || canonical CBOR of the entry)"}
		for _, r := range recs {
			v.Leaves = append(v.Leaves, LeafVector{Entry: r.Entry, LeafBytes: hex.EncodeToString(LeafBytes(&r.Entry)), LeafHash: hex.EncodeToString(h.LeafHash(&r.Entry))})
		}
		for n := uint64(0); n <= 7; n++ {
			r, _ := l.RootAt(n)
			v.Roots = append(v.Roots, hex.EncodeToString(r))
		}
		for _, c := range [][2]uint64{{0, 1}, {0, 7}, {3, 7}, {6, 7}, {4, 5}} {
			p, _ := l.InclusionProof(c[0], c[1])
			v.Inclusion = append(v.Inclusion, InclusionVector{c[0], c[1], hexes(p)})
		}
		for _, c := range [][2]uint64{{1, 7}, {3, 7}, {4, 7}, {6, 7}, {2, 5}} {
			p, _ := l.ConsistencyProof(c[0], c[1])
			v.Consistency = append(v.Consistency, ConsistencyVector{c[0], c[1], hexes(p)})
		}
		sr := make([]byte, 32)
		sr[0] = 0xab
		v.AppHash = AppHashVector{StateRoot: hex.EncodeToString(sr), LogRoot: v.Roots[7], LogSize: 7, AppHash: hex.EncodeToString(h.AppHash(sr, mustHex(v.Roots[7]), 7))}
		out, _ := json.MarshalIndent(v, "", "  ")
		if err := os.WriteFile(path, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v LogVectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var leaves [][]byte
	for _, lv := range v.Leaves {
		if hex.EncodeToString(LeafBytes(&lv.Entry)) != lv.LeafBytes || hex.EncodeToString(h.LeafHash(&lv.Entry)) != lv.LeafHash {
			t.Fatalf("leaf %x: encoding or hash differs", lv.Entry.TxHash)
		}
		leaves = append(leaves, mustHex(lv.LeafBytes))
	}
	for n, r := range v.Roots {
		if hex.EncodeToString(refRootWith(sum, leaves[:n])) != r {
			t.Fatalf("root of %d leaves differs", n)
		}
	}
	for _, iv := range v.Inclusion {
		e := v.Leaves[iv.Index].Entry
		if err := h.VerifyInclusion(&e, iv.Index, iv.Size, unhexes(iv.Proof), mustHex(v.Roots[iv.Size])); err != nil {
			t.Errorf("inclusion %d/%d: %v", iv.Index, iv.Size, err)
		}
	}
	for _, cv := range v.Consistency {
		if err := h.VerifyConsistency(cv.Size1, cv.Size2, unhexes(cv.Proof), mustHex(v.Roots[cv.Size1]), mustHex(v.Roots[cv.Size2])); err != nil {
			t.Errorf("consistency %d->%d: %v", cv.Size1, cv.Size2, err)
		}
	}
	a := v.AppHash
	if hex.EncodeToString(h.AppHash(mustHex(a.StateRoot), mustHex(a.LogRoot), a.LogSize)) != a.AppHash {
		t.Error("app hash differs")
	}
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func unhexes(ss []string) [][]byte {
	var out [][]byte
	for _, s := range ss {
		out = append(out, mustHex(s))
	}
	return out
}
