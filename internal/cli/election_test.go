package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/evoting"
	"github.com/govchain/govchain/x/voting"
)

// A whole election on a dev node through the API, then the CLI: track a
// ballot by its code, verify the record against signed headers before the
// result (refused: not final) saving a snapshot, and after it with
// --since that snapshot; a changed snapshot is caught.
func TestElectionCLI(t *testing.T) {
	d, e := startNode(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	run, err := SetupElection(ctx, d.Client, d.Admin("ec"), d.Admin("cab"), "E1", 3, 2, 4, 12*time.Second, 20*time.Second, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := WaitBlockTime(ctx, d.Client, run.Msg.Start); err != nil {
		t.Fatal(err)
	}
	// The spoiled ballot first, then four casts submitted together.
	spoiled, err := run.Ballot("s0", 2, true)
	if err != nil {
		t.Fatal(err)
	}
	raws := [][]byte{}
	raw0, err := run.Voters[0].Sign("", client.Msg(voting.TypeSpoilBallot, voting.MsgSpoilBallot{Election: "E1", Ballot: spoiled}))
	if err != nil {
		t.Fatal(err)
	}
	raws = append(raws, raw0)
	for i, choice := range []int{0, 1, 1, 4} {
		raw, err := run.SignCast(i, fmt.Sprintf("b%d", i), choice)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, raw)
	}
	res, err := d.Client.SubmitBatch(ctx, raws, true)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Code != 0 || !r.Committed {
			t.Fatalf("ballot tx %d: %+v", i, r)
		}
	}
	// A ballot whose proofs fail is refused by CheckTx's precheck (612):
	// it never reaches a block.
	var bad evoting.Ballot
	good, _ := run.Ballot("bad", 0, false)
	json.Unmarshal(good, &bad)
	bad.Contests[0].Selections[0].Proof, bad.Contests[0].Selections[1].Proof = bad.Contests[0].Selections[1].Proof, bad.Contests[0].Selections[0].Proof
	badRaw, _ := json.Marshal(&bad)
	rawBad, err := run.Voters[3].Sign("", client.Msg(voting.TypeCastBallot, voting.MsgCastBallot{Election: "E1", Ballot: badRaw}))
	if err != nil {
		t.Fatal(err)
	}
	if res, err := d.Client.Submit(ctx, rawBad, true); err == nil && (res.Code != voting.ErrBadBallot.Code || res.Committed) {
		t.Fatalf("a ballot with a bad proof: %+v", res)
	} else if err != nil && !strings.Contains(err.Error(), "612") && !strings.Contains(err.Error(), "does not verify") {
		t.Fatalf("a ballot with a bad proof: %v", err)
	}
	run.Voters[3].Sequence--
	var b1 voting.BallotEntry
	if err := d.Client.Get(ctx, "/v1/voting/elections/E1/ballots/1", &b1); err != nil {
		t.Fatal(err)
	}
	code := fmt.Sprintf("%x", b1.Code)
	genesis := d.Home.GenesisFile()
	d.WaitSigned(d.Height())
	var tr TrackResult
	e.jsonOut(&tr, "election", "track", code, "--trust", genesis)
	if tr.Election != "E1" || tr.Seq != 1 || tr.State != evoting.Cast || !tr.Counted || tr.Phase != "open" {
		t.Fatalf("track: %+v", tr)
	}
	dir := t.TempDir()
	receipt := filepath.Join(dir, "receipt.json")
	e.ok("election", "track", code, "--trust", genesis, "--receipt", receipt)
	if out := e.ok("verify", "state", receipt, "--trust", genesis); !strings.Contains(out, "voting/ballot/E1/") {
		t.Fatalf("the saved receipt does not verify offline as the ballot:\n%s", out)
	}
	snap := filepath.Join(dir, "snap.json")
	// Before the result: the proofs hold, the result is not final.
	if c, out, _ := e.run("election", "verify", "E1", "--trust", genesis, "--save", snap); c != ExitUnverified || !strings.Contains(out, "no result yet") {
		t.Fatalf("verify before the result: exit %d\n%s", c, out)
	}
	if err := WaitBlockTime(ctx, d.Client, run.Msg.End); err != nil {
		t.Fatal(err)
	}
	for _, l := range []int{1, 3} {
		if err := run.Decrypt(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	d.WaitSigned(d.Height())
	rec := filepath.Join(dir, "record.json")
	var checks []electionCheck
	e.jsonOut(&checks, "election", "verify", "E1", "--trust", genesis, "--since", snap, "--record", rec)
	if len(checks) < 18 {
		t.Fatalf("%d checks", len(checks))
	}
	for _, c := range checks {
		if !c.OK {
			t.Fatalf("V%d failed: %+v", c.N, c)
		}
	}
	raw, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	r, err := evoting.LoadRecord(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := evoting.VerifyRecord(r); err != nil {
		t.Fatal(err)
	}
	var counts []uint64
	for _, o := range r.Tally[0].Options {
		counts = append(counts, o.Count)
	}
	if fmt.Sprint(counts) != "[1 2 0 0 1]" || r.Ballots[0].State != evoting.Spoiled {
		t.Fatalf("counts %v, first ballot %s", counts, r.Ballots[0].State)
	}
	// A snapshot whose box differs from the chain's is caught.
	var s BallotBoxSnapshot
	b, _ := os.ReadFile(snap)
	json.Unmarshal(b, &s)
	s.LastCode = strings.Repeat("ab", 32)
	b, _ = json.Marshal(s)
	os.WriteFile(snap, b, 0o644)
	if c, out, _ := e.run("election", "verify", "E1", "--trust", genesis, "--since", snap); c != ExitUnverified || !strings.Contains(out, "the box was changed") {
		t.Fatalf("changed snapshot: exit %d\n%s", c, out)
	}
}

// TestElectionScale casts GOVCHAIN_ELECTION_BALLOTS ballots (5-option
// contest, every proof checked on the chain) on a dev node (one
// validator) and times the acceptance rate and election verify end to
// end; skipped unless the variable is set. The figures for the report.
func TestElectionScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GOVCHAIN_ELECTION_BALLOTS"))
	if n == 0 {
		t.Skip("set GOVCHAIN_ELECTION_BALLOTS")
	}
	d, e := startNode(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Minute)
	defer cancel()
	lasts := 30*time.Second + time.Duration(n)*20*time.Millisecond
	run, err := SetupElection(ctx, d.Client, d.Admin("ec"), d.Admin("cab"), "S1", 3, 2, n, 20*time.Second, lasts, false)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	raws := make([][]byte, n)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += runtime.GOMAXPROCS(0) {
				raws[i], _ = run.SignCast(i, fmt.Sprintf("b%d", i), i%5)
			}
		}(w)
	}
	wg.Wait()
	t.Logf("%d ballots encrypted and signed in %v", n, time.Since(t0))
	if err := WaitBlockTime(ctx, d.Client, run.Msg.Start); err != nil {
		t.Fatal(err)
	}
	t1 := time.Now()
	const batch = 100
	errs := make(chan error, n/batch+1)
	sem := make(chan struct{}, 8)
	for i := 0; i < n; i += batch {
		wg.Add(1)
		sem <- struct{}{}
		go func(part [][]byte) {
			defer wg.Done()
			defer func() { <-sem }()
			res, err := d.Client.SubmitBatch(ctx, part, true)
			if err == nil {
				for _, r := range res {
					if r.Code != 0 || !r.Committed {
						err = fmt.Errorf("ballot tx: %+v", r)
						break
					}
				}
			}
			errs <- err
		}(raws[i:min(n, i+batch)])
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	took := time.Since(t1)
	t.Logf("%d ballots accepted in %v: %.0f ballots/s on one validator", n, took, float64(n)/took.Seconds())
	if err := WaitBlockTime(ctx, d.Client, run.Msg.End); err != nil {
		t.Fatal(err)
	}
	for _, l := range []int{1, 2} {
		if err := run.Decrypt(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	d.WaitSigned(d.Height())
	t2 := time.Now()
	out := e.ok("election", "verify", "S1", "--trust", d.Home.GenesisFile())
	t.Logf("election verify of %d ballots from the node: %v\n%s", n, time.Since(t2), out)
}
