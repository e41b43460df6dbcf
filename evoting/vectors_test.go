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
	rp, err := LoadRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	r := *rp
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

// Decoding failures are reported with their place.
func TestLoadRecordPlaces(t *testing.T) {
	b, err := os.ReadFile("testdata/record.json")
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	mutate := func(f func(g map[string]any)) []byte {
		var g map[string]any
		json.Unmarshal(b, &g)
		f(g)
		out, _ := json.Marshal(g)
		return out
	}
	cases := map[string]struct {
		data []byte
		step string
		err  error
	}{
		"not json":      {[]byte("{"), "record", ErrDecode},
		"unknown field": {mutate(func(g map[string]any) { g["extra"] = 1 }), "record", ErrDecode},
		"ballot point": {mutate(func(g map[string]any) {
			g["ballots"].([]any)[3].(map[string]any)["contests"].([]any)[0].(map[string]any)["selections"].([]any)[1].(map[string]any)["ciphertext"] = "AAAA"
		}), "ballot 3", ErrDecode},
		"ballot field": {mutate(func(g map[string]any) { g["ballots"].([]any)[5].(map[string]any)["voter"] = "x" }), "ballot 5", ErrDecode},
		"trustee scalar": {mutate(func(g map[string]any) {
			g["commitments"].([]any)[1].(map[string]any)["Proofs"].([]any)[0].(map[string]any)["Z"] = "//////////////////////////////////////////8="
		}), "trustee 2", ErrDecode},
		"negative count": {mutate(func(g map[string]any) {
			g["tally"].([]any)[1].(map[string]any)["options"].([]any)[0].(map[string]any)["count"] = -1
		}), "tally 1", ErrDecode},
		"duplicate option": {mutate(func(g map[string]any) {
			g["manifest"].(map[string]any)["contests"].([]any)[0].(map[string]any)["options"].([]any)[1] = "a"
		}), "manifest", nil},
	}
	for name, c := range cases {
		_, err := LoadRecord(c.data)
		var ve *VerifyError
		if !errors.As(err, &ve) || ve.Step != c.step || (c.err != nil && !errors.Is(err, c.err)) {
			t.Errorf("%s: got %v, want step %q", name, err, c.step)
		}
	}
}

func FuzzLoadRecord(f *testing.F) {
	if b, err := os.ReadFile("testdata/record.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"manifest":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := LoadRecord(data)
		if err != nil {
			var ve *VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("error without place: %v", err)
			}
			return
		}
		_ = VerifyRecord(r) // must not panic
	})
}
