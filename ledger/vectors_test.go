package ledger_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"testing"

	"github.com/emmansun/gmsm/sm3"

	"github.com/govchain/govchain/codec"
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
		es = append(es, suiteEntry(h, i))
		leaves = append(leaves, ledger.LeafBytes(&es[i]))
	}
	v := reflog.Vectors{Comment: "RFC 6962 log of docs/proofs.md with H = " + h.Name + ": leaf = H(0x00 || canonical CBOR of the entry); events_hash = H(canonical CBOR of the events)"}
	for _, ev := range eventCases {
		v.Events = append(v.Events, reflog.EventsVector{Comment: ev.comment, Events: nonNil(ev.events), CBOR: hex.EncodeToString(codec.MustMarshal(nonNil(ev.events))), EventsHash: hex.EncodeToString(h.EventsHash(ev.events))})
	}
	for _, e := range es {
		v.Leaves = append(v.Leaves, reflog.LeafVector{Entry: reflog.HexEntry(e), LeafBytes: hex.EncodeToString(ledger.LeafBytes(&e)), LeafHash: hex.EncodeToString(h.LeafHash(&e))})
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
	if len(v.Events) != len(eventCases) {
		t.Fatalf("%d events vectors, want %d", len(v.Events), len(eventCases))
	}
	for _, ev := range v.Events {
		if hex.EncodeToString(codec.MustMarshal(nonNil(ev.Events))) != ev.CBOR {
			t.Errorf("events %q: encoding differs", ev.Comment)
		}
		want := sum(reflog.MustHex(ev.CBOR))
		if hex.EncodeToString(h.EventsHash(ev.Events)) != ev.EventsHash || hex.EncodeToString(want[:]) != ev.EventsHash {
			t.Errorf("events %q: hash differs", ev.Comment)
		}
	}
	var leaves [][]byte
	for i, lv := range v.Leaves {
		e := lv.Entry.Ledger()
		if hex.EncodeToString(ledger.LeafBytes(&e)) != lv.LeafBytes || hex.EncodeToString(h.LeafHash(&e)) != lv.LeafHash {
			t.Fatalf("leaf %s: encoding or hash differs", lv.Entry.TxHash)
		}
		// The entries are those a chain of this suite writes: a failed tx
		// has the events hash of no events, H(0x80).
		if want := suiteEntry(h, i); !bytes.Equal(e.EventsHash, want.EventsHash) {
			t.Fatalf("leaf %d: events hash %s is not this suite's", i, lv.Entry.EventsHash)
		}
		leaves = append(leaves, reflog.MustHex(lv.LeafBytes))
	}
	for n, r := range v.Roots {
		if hex.EncodeToString(reflog.Root(sum, leaves[:n])) != r {
			t.Fatalf("root of %d leaves differs", n)
		}
	}
	for _, iv := range v.Inclusion {
		e := v.Leaves[iv.Index].Entry.Ledger()
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

// eventCases are the events vectors: what the events hash covers, with the
// encoding's edge cases (no events; an event without attributes, whose
// attributes key is omitted; an empty value, which is kept).
var eventCases = []struct {
	comment string
	events  []ledger.Event
}{
	{"no events (a failed tx, or one that emitted none): the empty array 0x80", nil},
	{"an event without attributes: key 2 is omitted", []ledger.Event{{Type: "identity.key_rotated"}}},
	{"two events; attribute values may be empty strings (kept)", []ledger.Event{
		{Type: "identity.account_created", Attrs: []ledger.Attribute{{Key: "address", Value: "4f03543dad69844491f83d3bf89acc9945a4f479"}, {Key: "department", Value: "cab"}, {Key: "citizen", Value: "true"}}},
		{Type: "registry.note", Attrs: []ledger.Attribute{{Key: "memo", Value: ""}}},
	}},
}

func nonNil(evs []ledger.Event) []ledger.Event {
	if evs == nil {
		return []ledger.Event{}
	}
	return evs
}

// suiteEntry is entry i of the vector log as a chain of suite h writes it:
// failed entries (odd i) carry no events; others the last events case.
func suiteEntry(h ledger.Hasher, i int) ledger.Entry {
	th := h.HashLeaf([]byte(fmt.Sprint(i))) // any 32 bytes: the tx hash is H(tx)
	e := ledger.Entry{TxHash: th, Height: uint64(i/3 + 1), Code: uint32(i % 2)}
	if e.Code != 0 {
		e.EventsHash = h.EventsHash(nil)
	} else {
		e.EventsHash = h.EventsHash(eventCases[2].events)
	}
	return e
}
