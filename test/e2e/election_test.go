package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/internal/cli"
	"github.com/govchain/govchain/x/voting"
)

// TestElectionCluster runs a whole election on 4 validators (one per
// demo department; ec's admin names the commission, cab's the trustees
// and voters): key ceremony, roll, ballots cast through two different
// nodes with validator 1 killed between them (three of four keep the
// chain going), a re-vote and a challenged ballot, decryption by 2 of 3
// trustees after close; then `govchain election verify` against the
// signed headers passes every check on a surviving node and, once it has
// caught up, on the restarted one, and the result is the expected one.
func TestElectionCluster(t *testing.T) {
	skipShort(t)
	n := newTestnet(t, 4, 0)
	n.startAll(0, 1, 2, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c0, c2 := n.client(0), n.client(2)
	run, err := cli.SetupElection(ctx, c0, n.signer(3), n.signer(2), "E2E", 3, 2, 8, 15*time.Second, 40*time.Second, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.WaitBlockTime(ctx, c0, run.Msg.Start); err != nil {
		t.Fatal(err)
	}
	cast := func(c *client.Client, voters []int, choices []int) {
		t.Helper()
		var raws [][]byte
		for k, i := range voters {
			raw, err := run.SignCast(i, fmt.Sprintf("v%d-%d", i, k), choices[k])
			if err != nil {
				t.Fatal(err)
			}
			raws = append(raws, raw)
		}
		res, err := c.SubmitBatch(ctx, raws, true)
		if err != nil {
			t.Fatal(err)
		}
		for k, r := range res {
			if r.Code != 0 || !r.Committed {
				t.Fatalf("ballot of voter %d: %+v", voters[k], r)
			}
		}
	}
	// First half through node 0.
	cast(c0, []int{0, 1, 2, 3}, []int{0, 1, 1, 2})
	n.kill(1)
	t.Log("validator 1 killed during casting")
	// Second half, a re-vote by voter 0 and a challenged ballot, through node 2.
	cast(c2, []int{4, 5, 6, 7, 0}, []int{4, 4, 1, 3, 3})
	spoiled, err := run.Ballot("challenge-1", 2, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Exec(ctx, run.Voters[5], client.Msg(voting.TypeSpoilBallot, voting.MsgSpoilBallot{Election: "E2E", Ballot: spoiled})); err != nil {
		t.Fatal(err)
	}
	if err := cli.WaitBlockTime(ctx, c2, run.Msg.End); err != nil {
		t.Fatal(err)
	}
	run.C = n.client(3)
	for _, l := range []int{2, 3} {
		if err := run.Decrypt(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	// The decryptions were confirmed by node 3; node 2 may be a block
	// behind it.
	n.waitHeight(2, n.height(3))
	var e voting.Election
	if err := c2.Get(ctx, client.Path("voting", "elections", "E2E"), &e); err != nil {
		t.Fatal(err)
	}
	// voter 0 re-voted 0 -> 3: a=0 b=3 c=1 d=2 e=2.
	if fmt.Sprint(e.Result) != "[0 3 1 2 2]" || e.Ballots != 10 || e.Counted != 8 || e.Spoiled != 1 {
		t.Fatalf("result %v, %d ballots, %d counted, %d spoiled", e.Result, e.Ballots, e.Counted, e.Spoiled)
	}
	genesis := filepath.Join(n.nodes[0].Home, "config", "genesis.json")
	verifyOn := func(i int) {
		t.Helper()
		h := n.height(i)
		n.waitHeight(i, h+1) // the state read is signed
		out, err := exec.Command(binary, "election", "verify", "E2E", "--trust", genesis, "--node", n.nodes[i].API, "-o", "json").CombinedOutput()
		if err != nil {
			t.Fatalf("verify on node %d: %v\n%s", i, err, out)
		}
		var checks []struct {
			N     int    `json:"n"`
			Check string `json:"check"`
			OK    bool   `json:"ok"`
		}
		if err := json.Unmarshal(out, &checks); err != nil || len(checks) < 18 {
			t.Fatalf("verify output: %v\n%s", err, out)
		}
		for _, c := range checks {
			if !c.OK {
				t.Fatalf("node %d: V%d %s failed\n%s", i, c.N, c.Check, out)
			}
		}
		t.Logf("node %d: all %d checks of election verify pass", i, len(checks))
	}
	verifyOn(2)
	n.startAll(1)
	n.waitHeight(1, n.height(2))
	verifyOn(1)
}
