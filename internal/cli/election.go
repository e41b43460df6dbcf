package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/evoting"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/x/modules"
	"github.com/govchain/govchain/x/voting"
)

// electionCheck is one numbered check of election verify.
type electionCheck struct {
	N        int    `json:"n"`
	Category string `json:"category"`
	Check    string `json:"check"`
	OK       bool   `json:"ok"`
	Detail   string `json:"detail,omitempty"`
}

func electionCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "election", Short: "Verify an election's record from the chain"}
	var trustGenesis string
	vcmd := &cobra.Command{
		Use:   "verify ELECTION",
		Short: "Fetch an election's record with state proofs, check them against signed headers, and run evoting.VerifyRecord",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if trustGenesis == "" {
				return usageErr("give --trust genesis.json")
			}
			trust, err := verify.TrustGenesis(trustGenesis)
			if err != nil {
				return err
			}
			checks, err := verifyElection(cmd.Context(), g.client(), trust, args[0])
			if err != nil {
				return err
			}
			failed := false
			for _, c := range checks {
				failed = failed || !c.OK
			}
			perr := g.print(checks, func(w io.Writer) {
				for _, c := range checks {
					mark := "ok  "
					if !c.OK {
						mark = "FAIL"
					}
					fmt.Fprintf(w, "V%d %s [%s] %s %s\n", c.N, mark, c.Category, c.Check, c.Detail)
				}
			})
			if failed {
				return &exitError{ExitUnverified, fmt.Errorf("NOT VERIFIED")}
			}
			return perr
		},
	}
	vcmd.Flags().StringVar(&trustGenesis, "trust", "", "the chain's genesis.json")
	cmd.AddCommand(vcmd)
	return cmd
}

// provenRecord reads path with ?prove=true at height and verifies its
// state proof for the state key want; it decodes the record into out.
func provenRecord(ctx context.Context, c *client.Client, trust *verify.Trust, path string, height int64, want string, out any) (int64, error) {
	var raw json.RawMessage
	if err := c.Get(ctx, path+client.ReadOptions{Height: height}.Query(true), &raw); err != nil {
		return 0, err
	}
	p, err := verify.ParseRecord(raw)
	if err != nil {
		return 0, err
	}
	if p.Proof.Key != want {
		return 0, fmt.Errorf("proof is of key %q, not %q", p.Proof.Key, want)
	}
	res, err := verify.VerifyRecord(p, trust, modules.DecodeRecord)
	if err != nil {
		return 0, err
	}
	return res.Height, json.Unmarshal(res.Record, out)
}

func verifyElection(ctx context.Context, c *client.Client, trust *verify.Trust, id string) ([]electionCheck, error) {
	var checks []electionCheck
	add := func(cat, what string, err error) bool {
		ch := electionCheck{N: len(checks) + 1, Category: cat, Check: what, OK: err == nil}
		if err != nil {
			ch.Detail = err.Error()
		}
		checks = append(checks, ch)
		return err == nil
	}
	var e voting.Election
	h, err := provenRecord(ctx, c, trust, client.Path("voting", "elections", id), 0, "voting/election/"+id, &e)
	if !add("chain", "election record proven against a signed header", err) {
		return checks, nil
	}
	// Every ballot seq 0..ballots-1 proven at the same height: the count is
	// proven in the election record, so the list is complete.
	var ballots []voting.BallotEntry
	var berr error
	for seq := uint64(0); seq < e.Ballots && berr == nil; seq++ {
		var b voting.BallotEntry
		key := fmt.Sprintf("voting/ballot/%s/%020d", id, seq)
		_, berr = provenRecord(ctx, c, trust, client.Path("voting", "elections", id, "ballots")+"/"+strconv.FormatUint(seq, 10), h, key, &b)
		if berr == nil && b.Seq != seq {
			berr = fmt.Errorf("ballot %d has seq %d", seq, b.Seq)
		}
		ballots = append(ballots, b)
	}
	if !add("chain", fmt.Sprintf("%d ballots proven at height %d", e.Ballots, h), berr) {
		return checks, nil
	}
	r, err := voting.Record(&e, ballots)
	if !add("record", "evoting record built from the chain state", err) {
		return checks, nil
	}
	if !add("record", "result is final (k decryptions posted)", func() error {
		if e.Result == nil {
			return fmt.Errorf("no result yet")
		}
		return nil
	}()) {
		return checks, nil
	}
	add("evoting", "evoting.VerifyRecord (manifest, ceremony, joint key, tracking codes, ballot proofs, aggregate, decryptions, counts)", evoting.VerifyRecord(r))
	return checks, nil
}
