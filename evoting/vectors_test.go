package evoting

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "regenerate testdata/record.json")

// testdata/record.json is a complete small election record (3 trustees,
// k=2, 10 ballots of which one spoiled) for independent verifiers; the test
// also shows a changed count failing.
func TestVectors(t *testing.T) {
	if *update {
		e := runElection(t, 10, 7)
		b, _ := json.MarshalIndent(e.rec, "", " ")
		if err := os.WriteFile("testdata/record.json", append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile("testdata/record.json")
	if err != nil {
		t.Fatal(err)
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if err := VerifyRecord(&r); err != nil {
		t.Fatal(err)
	}
	var total uint64
	for _, o := range r.Tally[0].Options {
		total += o.Count
	}
	if total != 9 { // one vote per cast ballot in the choose-one contest (10 ballots, one spoiled)
		t.Fatalf("mayor votes %d", total)
	}
	r.Tally[0].Options[0].Count++
	if !errors.Is(VerifyRecord(&r), ErrCount) {
		t.Fatal("a wrong count verified")
	}
}
