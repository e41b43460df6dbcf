package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/evoting"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/x/modules"
	"github.com/govchain/govchain/x/voting"
)

// electionCheck is one numbered check of election verify: the chain's
// (proofs against signed headers, snapshots) and then evoting.Report's.
type electionCheck struct {
	N        int                `json:"n"`
	Category string             `json:"category"`
	Check    string             `json:"check"`
	OK       bool               `json:"ok"`
	Skipped  string             `json:"skipped,omitempty"`
	Failures []*evoting.Failure `json:"failures,omitempty"`
}

// BallotBoxSnapshot is what `election verify --save` keeps of the ballot
// box: a later verify --since proves the box at that time is a prefix of
// the box now (nothing removed or changed) and the record log only grew.
type BallotBoxSnapshot struct {
	ChainID  string `json:"chain_id"`
	Election string `json:"election"`
	Height   int64  `json:"height"`
	LogSize  uint64 `json:"log_size"`
	LogRoot  string `json:"log_root"`
	Ballots  uint64 `json:"ballots"`
	LastCode string `json:"last_code"` // hex; empty for an empty box
}

func electionCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "election", Short: "Verify an election's record from the chain; track a ballot"}
	var trustGenesis, save, since, recordOut string
	var proveEach bool
	vcmd := &cobra.Command{
		Use:   "verify ELECTION",
		Short: "Fetch an election's whole record with state proofs, check them against signed headers, and run the evoting verifier's numbered checks",
		Long: `Fetch the election and every ballot with state proofs at one height, check each
proof against the validators' signatures (--trust genesis.json), build the
evoting record (docs/evoting.md) and run every numbered check of the
universal verifier, reporting each failure with its place.

--save FILE keeps a snapshot of the ballot box; --since FILE proves that
the box then is a prefix of the box now (nothing removed or changed: the
ballot at the snapshot's last position carries the snapshot's tracking
code, and codes chain every earlier ballot) and that the record log only
grew in between (its consistency proof). --record FILE writes the proven
record (JSON, docs/evoting.md) for independent verifiers.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if trustGenesis == "" {
				return usageErr("give --trust genesis.json")
			}
			trust, err := verify.TrustGenesis(trustGenesis)
			if err != nil {
				return err
			}
			var prev *BallotBoxSnapshot
			if since != "" {
				b, err := os.ReadFile(since)
				if err != nil {
					return err
				}
				prev = new(BallotBoxSnapshot)
				if err := json.Unmarshal(b, prev); err != nil {
					return fmt.Errorf("snapshot %s: %w", since, err)
				}
			}
			out, err := verifyElection(cmd.Context(), g.client(), trust, args[0], prev, proveEach)
			if err != nil {
				return err
			}
			if save != "" && out.snapshot != nil {
				b, _ := json.MarshalIndent(out.snapshot, "", "  ")
				if err := os.WriteFile(save, append(b, '\n'), 0o644); err != nil {
					return err
				}
			}
			if recordOut != "" && out.record != nil {
				b, _ := json.MarshalIndent(out.record, "", " ")
				if err := os.WriteFile(recordOut, append(b, '\n'), 0o644); err != nil {
					return err
				}
			}
			failed := false
			for _, c := range out.checks {
				failed = failed || !c.OK
			}
			perr := g.print(out.checks, func(w io.Writer) { printChecks(w, out.checks) })
			if failed {
				return &exitError{ExitUnverified, fmt.Errorf("NOT VERIFIED")}
			}
			return perr
		},
	}
	vcmd.Flags().StringVar(&trustGenesis, "trust", "", "the chain's genesis.json")
	vcmd.Flags().StringVar(&save, "save", "", "write a snapshot of the ballot box to this file")
	vcmd.Flags().StringVar(&since, "since", "", "prove the ballot box extends this saved snapshot")
	vcmd.Flags().BoolVar(&proveEach, "prove-each", false, "prove every ballot against a signed header (slow: one proof per ballot) instead of anchoring them by their tracking-code chain")
	vcmd.Flags().StringVar(&recordOut, "record", "", "write the proven election record (docs/evoting.md) to this file")
	cmd.AddCommand(vcmd, trackCmd(g))
	return cmd
}

func printChecks(w io.Writer, checks []electionCheck) {
	for _, c := range checks {
		mark := "ok  "
		switch {
		case c.Skipped != "":
			mark = "SKIP"
		case !c.OK:
			mark = "FAIL"
		}
		fmt.Fprintf(w, "V%-2d %s [%s] %s\n", c.N, mark, c.Category, c.Check)
		if c.Skipped != "" {
			fmt.Fprintf(w, "       %s\n", c.Skipped)
		}
		for _, f := range c.Failures {
			fmt.Fprintf(w, "       at %s: %s\n", f.Place, f.Msg)
		}
	}
}

// provenAt is a record proven against a signed header, with the anchor's
// log size and root.
type provenAt struct {
	Raw     json.RawMessage // the proven record as read ({record, proof})
	Height  int64
	LogSize uint64
	LogRoot string
	Summary string
}

// provenRecord reads path with ?prove=true at height (0: the latest) and
// verifies its state proof for the state key want; it decodes the record
// into out.
func provenRecord(ctx context.Context, c *client.Client, trust *verify.Trust, path string, height int64, want string, out any) (provenAt, error) {
	var raw json.RawMessage
	if err := c.Get(ctx, path+client.ReadOptions{Height: height}.Query(true), &raw); err != nil {
		return provenAt{}, err
	}
	p, err := verify.ParseRecord(raw)
	if err != nil {
		return provenAt{}, err
	}
	if p.Proof.Key != want {
		return provenAt{}, fmt.Errorf("proof is of key %q, not %q", p.Proof.Key, want)
	}
	res, err := verify.VerifyRecord(p, trust, modules.DecodeRecord)
	if err != nil {
		return provenAt{}, err
	}
	a := p.Proof.Anchor
	return provenAt{Raw: raw, Height: res.Height, LogSize: a.LogSize, LogRoot: a.LogRoot, Summary: res.Summary}, json.Unmarshal(res.Record, out)
}

type electionOutcome struct {
	checks   []electionCheck
	snapshot *BallotBoxSnapshot
	record   *evoting.Record
}

func verifyElection(ctx context.Context, c *client.Client, trust *verify.Trust, id string, since *BallotBoxSnapshot, proveEach bool) (*electionOutcome, error) {
	out := &electionOutcome{}
	add := func(cat, what string, err error) bool {
		ch := electionCheck{N: len(out.checks) + 1, Category: cat, Check: what, OK: err == nil}
		if err != nil {
			ch.Failures = []*evoting.Failure{{Place: "chain", Err: err, Msg: err.Error()}}
		}
		out.checks = append(out.checks, ch)
		return err == nil
	}
	var e voting.Election
	at, err := provenRecord(ctx, c, trust, client.Path("voting", "elections", id), 0, "voting/election/"+id, &e)
	if !add("chain", "election record proven against a signed header", err) {
		return out, nil
	}
	h := at.Height
	var ballots []voting.BallotEntry
	var decoded []*evoting.Ballot
	if proveEach {
		// Every ballot seq 0..ballots-1 proven at the same height: the
		// count is proven in the election record, so the list is complete.
		var berr error
		for seq := uint64(0); seq < e.Ballots && berr == nil; seq++ {
			var b voting.BallotEntry
			key := fmt.Sprintf("voting/ballot/%s/%020d", id, seq)
			_, berr = provenRecord(ctx, c, trust, client.Path("voting", "elections", id, "ballots", strconv.FormatUint(seq, 10)), h, key, &b)
			if berr == nil && b.Seq != seq {
				berr = fmt.Errorf("ballot %d has seq %d", seq, b.Seq)
			}
			if berr != nil {
				berr = fmt.Errorf("ballot %d: %w", seq, berr)
			}
			ballots = append(ballots, b)
		}
		if !add("chain", fmt.Sprintf("%d ballots each proven at height %d", e.Ballots, h), berr) {
			return out, nil
		}
	} else {
		// The ballots read in pages at the proven height, and anchored by
		// their tracking-code chain: each code hashes the previous code and
		// the ballot's content, and the last is the proven election's, so
		// no ballot can be left out, added or changed (what the chain does
		// not cover, proofs and states, the record checks catch: docs/evoting.md).
		var err error
		ballots, err = listBallots(ctx, c, id, h)
		if !add("chain", fmt.Sprintf("%d ballots read at height %d", e.Ballots, h), err) {
			return out, nil
		}
		if decoded, err = decodeBallots(ballots); err != nil {
			add("record", "every ballot decodes", err)
			return out, nil
		}
		if !add("chain", "the ballots' tracking-code chain ends at the proven election's last code, with the proven count", anchorBallots(&e, ballots, decoded)) {
			return out, nil
		}
		add("chain", "a sample of ballots each proven against a signed header", sampleProofs(ctx, c, trust, id, h, ballots))
	}
	st, err := c.Status(ctx)
	if err != nil {
		return nil, err
	}
	out.snapshot = &BallotBoxSnapshot{ChainID: st.ChainID, Election: id, Height: h, LogSize: at.LogSize, LogRoot: at.LogRoot,
		Ballots: e.Ballots, LastCode: hex.EncodeToString(e.LastCode)}
	if since != nil {
		add("snapshot", fmt.Sprintf("the ballot box of height %d (%d ballots) is a prefix of the box now, unchanged", since.Height, since.Ballots), boxExtends(since, id, ballots))
		add("snapshot", fmt.Sprintf("the record log at height %d (%d entries) only grew since", since.Height, since.LogSize), logExtends(ctx, c, trust, since, at))
	}
	if decoded == nil {
		if decoded, err = decodeBallots(ballots); err != nil {
			add("record", "every ballot decodes", err)
			return out, nil
		}
	}
	r, err := voting.RecordOf(&e, ballots, decoded)
	if !add("record", "evoting record built from the chain state", err) {
		return out, nil
	}
	out.record = r
	add("record", "result is final (k decryptions posted)", func() error {
		if e.Result == nil {
			return fmt.Errorf("no result yet (phase %s)", e.Phase(blockTimeOf(ctx, c)))
		}
		return nil
	}())
	base := len(out.checks)
	for _, ch := range evoting.Report(r) {
		out.checks = append(out.checks, electionCheck{N: base + ch.N, Category: ch.Category, Check: ch.Name, OK: ch.OK(), Skipped: ch.Skipped, Failures: ch.Failures})
	}
	return out, nil
}

// listBallots reads an election's ballots at height, in pages.
func listBallots(ctx context.Context, c *client.Client, id string, height int64) ([]voting.BallotEntry, error) {
	var out []voting.BallotEntry
	o := client.ReadOptions{Height: height, Limit: 1000}
	for {
		p, err := client.List[voting.BallotEntry](ctx, c, client.Path("voting", "elections", id, "ballots"), o)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if p.Next == "" {
			return out, nil
		}
		o.After = p.Next
	}
}

// anchorBallots checks that ballots are the proven election's: seq 0..n-1
// with n the proven count, each ballot's code its entry's and the chain
// of codes over their contents, ending at the proven last code.
func anchorBallots(e *voting.Election, ballots []voting.BallotEntry, decoded []*evoting.Ballot) error {
	if uint64(len(ballots)) != e.Ballots {
		return fmt.Errorf("%d ballots read, the proven election has %d", len(ballots), e.Ballots)
	}
	var prev []byte
	for i, be := range ballots {
		if be.Seq != uint64(i) {
			return fmt.Errorf("ballot %d has seq %d", i, be.Seq)
		}
		b := decoded[i]
		if !ballotHashable(b) || !bytes.Equal(b.PrevCode, prev) || !bytes.Equal(b.Code, be.Code) || !bytes.Equal(evoting.TrackingCode(prev, b), be.Code) {
			return fmt.Errorf("ballot %d: %w", i, evoting.ErrTrackingCode)
		}
		prev = be.Code
	}
	if !bytes.Equal(prev, e.LastCode) {
		return fmt.Errorf("the chain ends at %x, the proven last code is %x", prev, e.LastCode)
	}
	return nil
}

// decodeBallots decodes the entries' ballots on all cores; the first
// failure by position is returned.
func decodeBallots(ballots []voting.BallotEntry) ([]*evoting.Ballot, error) {
	out := make([]*evoting.Ballot, len(ballots))
	errs := make([]error, len(ballots))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(ballots); i += workers {
				var b evoting.Ballot
				if errs[i] = json.Unmarshal(ballots[i].Ballot, &b); errs[i] == nil {
					out[i] = &b
				}
			}
		}(w)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("ballot %d: %w", i, err)
		}
	}
	return out, nil
}

// ballotHashable: every ciphertext present (TrackingCode encodes them).
func ballotHashable(b *evoting.Ballot) bool {
	for _, c := range b.Contests {
		for _, s := range c.Selections {
			if s.Ciphertext.A == nil || s.Ciphertext.B == nil {
				return false
			}
		}
	}
	return true
}

// sampleProofs proves up to 8 ballots spread over the box individually
// (defence in depth: the node's proofs and its list agree).
func sampleProofs(ctx context.Context, c *client.Client, trust *verify.Trust, id string, h int64, ballots []voting.BallotEntry) error {
	n := len(ballots)
	for k := 0; k < min(8, n); k++ {
		seq := uint64(k * n / min(8, n))
		var b voting.BallotEntry
		key := fmt.Sprintf("voting/ballot/%s/%020d", id, seq)
		if _, err := provenRecord(ctx, c, trust, client.Path("voting", "elections", id, "ballots", strconv.FormatUint(seq, 10)), h, key, &b); err != nil {
			return fmt.Errorf("ballot %d: %w", seq, err)
		}
		if !bytes.Equal(b.Code, ballots[seq].Code) || !bytes.Equal(b.Ballot, ballots[seq].Ballot) || b.Counted != ballots[seq].Counted {
			return fmt.Errorf("ballot %d: the proven ballot differs from the listed one", seq)
		}
	}
	return nil
}

func blockTimeOf(ctx context.Context, c *client.Client) int64 {
	t, err := latestTime(ctx, c)
	if err != nil {
		return 0
	}
	return t.Unix()
}

// boxExtends checks that the snapshot's box is a prefix of ballots: as
// many or more ballots, and the one at the snapshot's last position has
// the snapshot's tracking code. Codes chain each ballot's content to the
// previous code, so every earlier ballot is unchanged too (the record's
// check of the chain runs on the whole box).
func boxExtends(s *BallotBoxSnapshot, id string, ballots []voting.BallotEntry) error {
	if s.Election != id {
		return fmt.Errorf("the snapshot is of election %q", s.Election)
	}
	if uint64(len(ballots)) < s.Ballots {
		return fmt.Errorf("%d ballots now, %d at the snapshot: ballots were removed", len(ballots), s.Ballots)
	}
	if s.Ballots == 0 {
		return nil
	}
	want, err := hex.DecodeString(s.LastCode)
	if err != nil {
		return fmt.Errorf("snapshot last_code: %w", err)
	}
	if got := ballots[s.Ballots-1].Code; !bytes.Equal(got, want) {
		return fmt.Errorf("ballot %d has code %x, the snapshot %x: the box was changed", s.Ballots-1, got, want)
	}
	return nil
}

// logExtends fetches and verifies the record log's consistency proof from
// the snapshot's log to the log at the height now proven.
func logExtends(ctx context.Context, c *client.Client, trust *verify.Trust, s *BallotBoxSnapshot, now provenAt) error {
	var raw json.RawMessage
	if err := c.Get(ctx, fmt.Sprintf("/v1/log/consistency?from=%d&to=%d&prove=true", s.LogSize, now.LogSize), &raw); err != nil {
		return err
	}
	p, err := verify.ParseConsistency(raw)
	if err != nil {
		return err
	}
	if p.FromRoot != s.LogRoot {
		return fmt.Errorf("the log of %d entries has root %s, the snapshot %s", s.LogSize, p.FromRoot, s.LogRoot)
	}
	if p.ToRoot != now.LogRoot {
		return fmt.Errorf("the proof ends at root %s, the proven state's log root is %s", p.ToRoot, now.LogRoot)
	}
	_, err = verify.VerifyConsistency(p, trust)
	return err
}

// TrackResult is what `election track` shows a voter.
type TrackResult struct {
	Election string `json:"election"`
	Seq      uint64 `json:"seq"`
	Code     string `json:"tracking_code"`
	State    string `json:"state"` // cast (counted), replaced, spoiled
	Counted  bool   `json:"counted"`
	Included int64  `json:"included_at_height"`
	Ballots  uint64 `json:"ballots_in_box"`
	Phase    string `json:"phase"`
	// Proof says which signed header the receipt is proven against.
	Proof string `json:"proof"`
	// receipt is the proven ballot record ({record, proof}): saved with
	// --receipt, `govchain verify state FILE --trust genesis.json` checks
	// it offline.
	receipt json.RawMessage
}

func trackCmd(g *globals) *cobra.Command {
	var trustGenesis, receipt string
	cmd := &cobra.Command{
		Use:   "track CODE",
		Short: "Show a voter their ballot in the record, by tracking code, proven against signed headers",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if trustGenesis == "" {
				return usageErr("give --trust genesis.json")
			}
			trust, err := verify.TrustGenesis(trustGenesis)
			if err != nil {
				return err
			}
			r, err := trackBallot(cmd.Context(), g.client(), trust, args[0])
			if err != nil {
				return &exitError{ExitUnverified, err}
			}
			if receipt != "" {
				if err := os.WriteFile(receipt, append(r.receipt, '\n'), 0o644); err != nil {
					return err
				}
			}
			return g.print(r, func(w io.Writer) {
				fmt.Fprintf(w, "election:  %s\nballot:    %d of %d (included at height %d)\nstate:     %s\ncounted:   %v\nphase:     %s\nproof:     %s\n",
					r.Election, r.Seq, r.Ballots, r.Included, r.State, r.Counted, r.Phase, r.Proof)
			})
		},
	}
	cmd.Flags().StringVar(&trustGenesis, "trust", "", "the chain's genesis.json")
	cmd.Flags().StringVar(&receipt, "receipt", "", "save the proven ballot to this file (check it offline: govchain verify state FILE --trust genesis.json)")
	return cmd
}

// trackBallot finds a ballot by its code and proves, at one height, the
// code's entry, the ballot (with that code) and the election it is in.
func trackBallot(ctx context.Context, c *client.Client, trust *verify.Trust, code string) (*TrackResult, error) {
	if b, err := hex.DecodeString(code); err != nil || len(b) != 32 {
		return nil, fmt.Errorf("a tracking code is 64 hex digits")
	}
	var ref voting.CodeRef
	at, err := provenRecord(ctx, c, trust, client.Path("voting", "codes", code), 0, "voting/code/"+code, &ref)
	if err != nil {
		return nil, fmt.Errorf("code %s: %w", code, err)
	}
	var be voting.BallotEntry
	key := fmt.Sprintf("voting/ballot/%s/%020d", ref.Election, ref.Seq)
	bat, err := provenRecord(ctx, c, trust, client.Path("voting", "elections", ref.Election, "ballots", strconv.FormatUint(ref.Seq, 10)), at.Height, key, &be)
	if err != nil {
		return nil, fmt.Errorf("ballot %d: %w", ref.Seq, err)
	}
	if hex.EncodeToString(be.Code) != code {
		return nil, fmt.Errorf("ballot %d has code %x", ref.Seq, be.Code)
	}
	var e voting.Election
	eat, err := provenRecord(ctx, c, trust, client.Path("voting", "elections", ref.Election), at.Height, "voting/election/"+ref.Election, &e)
	if err != nil {
		return nil, fmt.Errorf("election %s: %w", ref.Election, err)
	}
	var b evoting.Ballot
	if err := json.Unmarshal(be.Ballot, &b); err != nil {
		return nil, err
	}
	state := b.State
	if state == evoting.Cast && !be.Counted {
		state = evoting.Replaced
	}
	return &TrackResult{Election: ref.Election, Seq: ref.Seq, Code: code, State: state, Counted: be.Counted, Included: be.Height,
		Ballots: e.Ballots, Phase: e.Phase(blockTimeOf(ctx, c)), Proof: eat.Summary, receipt: bat.Raw}, nil
}
