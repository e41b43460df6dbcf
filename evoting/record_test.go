package evoting

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gtank/ristretto255"
)

type election struct {
	rec     *Record
	secrets map[uint32]*Scalar
	want    [][]uint64
}

// runElection runs a ceremony (n trustees, k threshold), casts ballots
// random choices within limits, spoils every tenth, and decrypts with
// trustees 1..k.
func runElection(t testing.TB, ballots int, seed int64) *election {
	m := Manifest{ElectionID: "city-2026", Trustees: 3, Threshold: 2, Contests: []Contest{
		{ID: "mayor", Options: []string{"a", "b", "c", "d", "e"}, Limit: 1},
		{ID: "council", Options: []string{"p", "q", "r"}, Limit: 2},
	}}
	rec := &Record{Manifest: m}
	var dealers []*Dealer
	for i := uint32(1); i <= m.Trustees; i++ {
		d, c, err := NewDealer(CeremonyContext(&m), i, int(m.Threshold), nil)
		if err != nil {
			t.Fatal(err)
		}
		dealers, rec.Commitments = append(dealers, d), append(rec.Commitments, c)
	}
	e := &election{rec: rec, secrets: map[uint32]*Scalar{}}
	for l := uint32(1); l <= m.Trustees; l++ {
		var ss []*Scalar
		for i, d := range dealers {
			s := d.Share(l)
			if err := VerifyShare(rec.Commitments[i], l, s); err != nil {
				t.Fatal(err)
			}
			ss = append(ss, s)
		}
		e.secrets[l] = SecretShare(ss)
	}
	rec.JointKey = JointKey(rec.Commitments)
	rng := rand.New(rand.NewSource(seed))
	e.want = [][]uint64{make([]uint64, 5), make([]uint64, 3)}
	var prev []byte
	for i := 0; i < ballots; i++ {
		choices := [][]uint64{make([]uint64, 5), make([]uint64, 3)}
		choices[0][rng.Intn(5)] = 1
		for j := 0; j < 3; j++ {
			if rng.Intn(3) == 0 && choices[1][0]+choices[1][1]+choices[1][2] < 2 {
				choices[1][j] = 1
			}
		}
		b, openings, err := EncryptBallot(&m, rec.JointKey, fmt.Sprintf("b%d", i), choices, prev, nil)
		if err != nil {
			t.Fatal(err)
		}
		if i%10 == 9 {
			Spoil(b, openings)
		} else {
			for ci := range choices {
				for oi, v := range choices[ci] {
					e.want[ci][oi] += v
				}
			}
		}
		rec.Ballots = append(rec.Ballots, b)
		prev = b.Code
	}
	if err := rec.Decrypt(e.secrets, []uint32{1, 2}); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestElectionRecord(t *testing.T) {
	e := runElection(t, 30, 1)
	if err := VerifyRecord(e.rec); err != nil {
		t.Fatal(err)
	}
	for ci, ct := range e.rec.Tally {
		for oi, ot := range ct.Options {
			if ot.Count != e.want[ci][oi] {
				t.Fatalf("%s/%d: %d, want %d", ct.ContestID, oi, ot.Count, e.want[ci][oi])
			}
		}
	}
	// The record survives JSON.
	b, err := json.Marshal(e.rec)
	if err != nil {
		t.Fatal(err)
	}
	var back Record
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := VerifyRecord(&back); err != nil {
		t.Fatalf("after JSON: %v", err)
	}
	// A malformed point in the JSON is refused at decoding.
	var raw map[string]any
	json.Unmarshal(b, &raw)
	raw["joint_key"] = "//////////////////////////////////////////8="
	bad, _ := json.Marshal(raw)
	if json.Unmarshal(bad, &Record{}) == nil {
		t.Fatal("non-canonical joint key accepted")
	}
}

// Each kind of tampering fails VerifyRecord with a specific error, at the
// right place.
func TestElectionRecordTamper(t *testing.T) {
	e := runElection(t, 12, 2)
	m := e.rec.Manifest
	K := e.rec.JointKey
	fresh := func() *Record {
		b, _ := json.Marshal(e.rec)
		var r Record
		json.Unmarshal(b, &r)
		return &r
	}
	r1, _ := RandomScalar(nil)
	cases := []struct {
		name string
		edit func(r *Record)
		want error
		step string
	}{
		{"a selection encrypting 2", func(r *Record) {
			r.Ballots[3].Contests[0].Selections[1].Ciphertext = Encrypt(K, 2, r1)
			r.Ballots[3].Code = TrackingCode(r.Ballots[3].PrevCode, r.Ballots[3]) // even with its code recomputed...
		}, ErrTrackingCode, "ballot 4"}, // ...the next ballot's chain breaks
		{"a tampered ballot", func(r *Record) { r.Ballots[5].Contests[1].Selections[0].Ciphertext = Encrypt(K, 1, r1) }, ErrTrackingCode, "ballot 5"},
		{"a proof for another contest", func(r *Record) {
			r.Ballots[2].Contests[0].Selections[0].Proof = r.Ballots[2].Contests[0].Selections[1].Proof
		}, ErrRangeProof, "ballot 2"},
		{"two options in a choose-one contest", func(r *Record) {
			// The voter's device tries: it cannot prove the limit.
			_, _, err := EncryptBallot(&m, K, "x", [][]uint64{{1, 1, 0, 0, 0}, {0, 0, 0}}, nil, nil)
			if err == nil {
				t.Fatal("encrypted a ballot over the limit")
			}
			r.Ballots[1].Contests[0].LimitProof = r.Ballots[0].Contests[0].LimitProof
		}, ErrRangeProof, "ballot 1"},
		{"a spoiled ballot's false reveal", func(r *Record) { r.Ballots[9].Reveal[0][0].Value ^= 1 }, ErrReveal, "ballot 9"},
		{"a wrong partial decryption", func(r *Record) {
			p := &r.Tally[0].Options[2].Partials[1]
			p.Share = ristretto255.NewElement().Add(p.Share, G())
		}, ErrDLEQProof, "tally mayor/c trustee 2"},
		{"a count that does not match", func(r *Record) { r.Tally[1].Options[0].Count++ }, ErrCount, "tally council/p"},
		{"a tally without a cast ballot", func(r *Record) {
			r.Tally[0].Options[0].Ciphertext = r.Tally[0].Options[0].Ciphertext.Add(Encrypt(K, 1, r1))
		}, ErrAggregate, "tally mayor/a"},
		{"too few trustees", func(r *Record) { r.Tally[0].Options[0].Partials = r.Tally[0].Options[0].Partials[:1] }, ErrThreshold, "tally mayor/a"},
		{"another joint key", func(r *Record) { r.JointKey = G() }, ErrJointKey, "joint key"},
		{"a trustee's forged commitment", func(r *Record) { r.Commitments[1].Coeffs[1] = G() }, ErrBadCommitment, "trustee 2"},
		{"another election's manifest", func(r *Record) { r.Manifest.ElectionID = "other" }, ErrBadCommitment, "trustee 1"},
	}
	for _, c := range cases {
		r := fresh()
		c.edit(r)
		err := VerifyRecord(r)
		var ve *VerifyError
		if !errors.Is(err, c.want) || !errors.As(err, &ve) || len(ve.Step) < len(c.step) || ve.Step[:len(c.step)] != c.step {
			t.Errorf("%s: %v (want %v at %q)", c.name, err, c.want, c.step)
		}
	}
}

func FuzzRecordJSON(f *testing.F) {
	e := runElection(f, 2, 3)
	b, _ := json.Marshal(e.rec)
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Record
		if json.Unmarshal(b, &r) != nil {
			return
		}
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("VerifyRecord panicked: %v", p)
			}
		}()
		VerifyRecord(&r)
	})
}

// BenchmarkVerifyRecord: the universal verifier on an election of 1,000
// ballots (a 5-option choose-one contest and a 3-option choose-two one),
// reported per ballot.
func BenchmarkVerifyRecord(b *testing.B) {
	e := runElection(b, 1000, 4)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := VerifyRecord(e.rec); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000/1e6, "ms/ballot")
}

// TestLargeElection generates an election of GOVCHAIN_EVOTING_BALLOTS
// ballots (in parallel) and times VerifyRecord on it; skipped unless the
// variable is set (it takes minutes): the figure for docs/evoting.md.
func TestLargeElection(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GOVCHAIN_EVOTING_BALLOTS"))
	if n == 0 {
		t.Skip("set GOVCHAIN_EVOTING_BALLOTS")
	}
	e := runElection(t, 0, 6)
	rec := e.rec
	m := &rec.Manifest
	rec.Ballots = make([]*Ballot, n)
	start := time.Now()
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += workers {
				choices := [][]uint64{make([]uint64, 5), make([]uint64, 3)}
				choices[0][i%5] = 1
				choices[1][i%3] = 1
				b, _, err := EncryptBallot(m, rec.JointKey, fmt.Sprintf("b%d", i), choices, nil, nil)
				if err != nil {
					panic(err)
				}
				rec.Ballots[i] = b
			}
		}(w)
	}
	wg.Wait()
	var prev []byte
	for _, b := range rec.Ballots {
		b.PrevCode = prev
		b.Code = TrackingCode(prev, b)
		prev = b.Code
	}
	gen := time.Since(start)
	if err := rec.Decrypt(e.secrets, []uint32{1, 3}); err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	loaded, err := LoadRecord(raw)
	if err != nil {
		t.Fatal(err)
	}
	load := time.Since(start)
	if err := VerifyRecord(loaded); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("%d ballots: %d MB of JSON loaded in %v", n, len(raw)>>20, load.Round(time.Millisecond))
	t.Logf("%d ballots: generated in %v, VerifyRecord in %v (%.2f ms per ballot on %d cores; 1M ballots: about %v)",
		n, gen.Round(time.Second), took.Round(time.Second), float64(took.Milliseconds())/float64(n), workers, (took * time.Duration(1_000_000/n)).Round(time.Minute))
	if loaded.Tally[0].Options[0].Count != uint64((n+4)/5) {
		t.Fatalf("count %d", rec.Tally[0].Options[0].Count)
	}
}

// Records with missing pieces are refused, never panic.
func TestRecordNulls(t *testing.T) {
	e := runElection(t, 3, 5)
	b, _ := json.Marshal(e.rec)
	for _, edit := range []func(map[string]any){
		func(m map[string]any) { m["commitments"] = []any{nil, nil, nil} },
		func(m map[string]any) { m["ballots"] = []any{nil} },
		func(m map[string]any) { m["joint_key"] = nil },
		func(m map[string]any) { m["tally"] = nil },
		func(m map[string]any) {
			bs := m["ballots"].([]any)
			bs[0].(map[string]any)["contests"] = []any{map[string]any{"contest_id": "mayor", "selections": []any{nil, nil, nil, nil, nil}}}
		},
	} {
		var m map[string]any
		json.Unmarshal(b, &m)
		edit(m)
		nb, _ := json.Marshal(m)
		var r Record
		if err := json.Unmarshal(nb, &r); err != nil {
			continue
		}
		if err := VerifyRecord(&r); err == nil {
			t.Fatal("a record with missing pieces verified")
		}
	}
}

// The report runs every check and lists every failure with its place, not
// only the first.
func TestReportListsEveryFailure(t *testing.T) {
	e := runElection(t, 8, 2)
	b, _ := json.Marshal(e.rec)
	var r Record
	json.Unmarshal(b, &r)
	checks := Report(&r)
	for _, c := range checks {
		if !c.OK() {
			t.Fatalf("V%d failed on a good record: %+v", c.N, c.Failures)
		}
	}
	r.Ballots[2].Contests[0].Selections[0].Proof = r.Ballots[2].Contests[0].Selections[1].Proof
	r.Ballots[5].Contests[0].Selections[0].Proof = r.Ballots[5].Contests[0].Selections[1].Proof
	r.Tally[1].Options[0].Count++
	r.Tally[1].Options[2].Count++
	checks = Report(&r)
	var got []string
	for _, c := range checks {
		for _, f := range c.Failures {
			got = append(got, fmt.Sprintf("V%d %s", c.N, f.Place))
		}
	}
	want := "[V8 ballot 2 (b2) V8 ballot 5 (b5) V14 tally council/p V14 tally council/r]"
	if fmt.Sprint(got) != want {
		t.Fatalf("failures %v, want %s", got, want)
	}
}
