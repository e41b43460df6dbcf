package logdb

import (
	"encoding/hex"
	"testing"

	"github.com/emmansun/gmsm/sm3"

	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/ledger/internal/reflog"
)

// The stored log makes exactly the roots and proofs of the test vectors
// (ledger/testdata, written from the reference log by go test ./ledger
// -update).
func TestVectors(t *testing.T) {
	t.Run("sha256", func(t *testing.T) { testVectors(t, "../testdata/vectors.json", ledger.SHA256) })
	t.Run("sm3", func(t *testing.T) { testVectors(t, "../testdata/vectors-sm3.json", ledger.NewHasher("sm3", sm3.Sum)) })
}

func testVectors(t *testing.T, path string, h ledger.Hasher) {
	v, err := reflog.ReadVectors(path)
	if err != nil {
		t.Fatal(err)
	}
	db := memDB(t)
	l, err := OpenWithHasher(db, h)
	if err != nil {
		t.Fatal(err)
	}
	var recs []Record
	for _, lv := range v.Leaves {
		recs = append(recs, Record{Entry: lv.Entry.Ledger()})
	}
	appendBlock(t, db, l, recs)
	for n, want := range v.Roots {
		if r, err := l.RootAt(uint64(n)); err != nil || hex.EncodeToString(r) != want {
			t.Errorf("root of %d: %x %v, want %s", n, r, err, want)
		}
	}
	for _, iv := range v.Inclusion {
		p, err := l.InclusionProof(iv.Index, iv.Size)
		if err != nil || !equalHashes(p, reflog.Unhexes(iv.Proof)) {
			t.Errorf("inclusion %d/%d: %x %v, want %v", iv.Index, iv.Size, p, err, iv.Proof)
		}
	}
	for _, cv := range v.Consistency {
		p, err := l.ConsistencyProof(cv.Size1, cv.Size2)
		if err != nil || !equalHashes(p, reflog.Unhexes(cv.Proof)) {
			t.Errorf("consistency %d->%d: %x %v, want %v", cv.Size1, cv.Size2, p, err, cv.Proof)
		}
	}
}
