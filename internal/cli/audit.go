package cli

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/verify"
)

// ExitAlert means the auditor found an inconsistency.
const ExitAlert = 6

// auditState is what the auditor trusts, persisted between runs.
type auditState struct {
	ChainID string `json:"chain_id"`
	Height  int64  `json:"height"`
	AppHash string `json:"app_hash"`
	LogSize uint64 `json:"log_size"`
	LogRoot string `json:"log_root"`
	// LightBlock is the trusted signed header of Height+1 (CometBFT JSON).
	LightBlock json.RawMessage `json:"light_block,omitempty"`
}

// alert is an inconsistency with its evidence.
type alert struct {
	Kind     string `json:"kind"` // fork, rewritten_history, bad_headers
	Node     string `json:"node"`
	Detail   string `json:"detail"`
	Evidence any    `json:"evidence,omitempty"`
}

type auditor struct {
	g      *globals
	nodes  []string
	trust  *verify.Trust // genesis
	path   string
	st     auditState
	alerts []alert
	seen   map[int64]map[string]string // height -> app hash -> first node that served it
	out    io.Writer
}

func auditCmd(g *globals) *cobra.Command {
	var nodes []string
	var trustFile, stateFile string
	var interval time.Duration
	var once bool
	cmd := &cobra.Command{
		Use:   "audit --node URL [--node URL...] --trust genesis.json",
		Short: "Follow nodes and check that their history only grows and that they agree",
		Long: `audit follows one or more nodes. For each new height it verifies the signed
headers from what it trusted before (CometBFT light client, starting from
genesis), checks that the new record log is consistent with the last one it
accepted (an RFC 6962 consistency proof), and that every node serves the same
app hash for the same height. It keeps what it trusts in --state, so it
resumes after a restart. Any fork, rewritten history or unverifiable header is
reported as ALERT with its evidence (and, with --once, exit code 6).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(nodes) == 0 || trustFile == "" {
				return usageErr("give at least one --node and --trust genesis.json")
			}
			trust, err := verify.TrustGenesis(trustFile)
			if err != nil {
				return err
			}
			if stateFile == "" {
				stateFile = filepath.Join(g.home, "audit-"+trust.ChainID+".json")
			}
			a := &auditor{g: g, nodes: nodes, trust: trust, path: stateFile, seen: map[int64]map[string]string{}, out: g.stdout}
			if err := a.load(); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			for {
				a.round(ctx)
				if once {
					if len(a.alerts) > 0 {
						return &exitError{ExitAlert, fmt.Errorf("%d alert(s)", len(a.alerts))}
					}
					return nil
				}
				select {
				case <-ctx.Done():
					return nil
				case <-time.After(interval):
				}
			}
		},
	}
	cmd.Flags().StringSliceVar(&nodes, "node", nil, "API address of a node to follow (repeatable)")
	cmd.Flags().StringVar(&trustFile, "trust", "", "the chain's genesis.json")
	cmd.Flags().StringVar(&stateFile, "state", "", "where to keep what the auditor trusts (default <home>/audit-<chain>.json)")
	cmd.Flags().DurationVar(&interval, "interval", 2*time.Second, "how often to poll")
	cmd.Flags().BoolVar(&once, "once", false, "one pass over the nodes, then exit (6 on any alert)")
	return cmd
}

func (a *auditor) load() error {
	b, err := os.ReadFile(a.path)
	if errors.Is(err, os.ErrNotExist) {
		a.st = auditState{ChainID: a.trust.ChainID, Height: -1}
		return nil
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &a.st); err != nil {
		return fmt.Errorf("audit state %s: %w", a.path, err)
	}
	if a.st.ChainID != a.trust.ChainID {
		return fmt.Errorf("audit state %s is for %s, not %s", a.path, a.st.ChainID, a.trust.ChainID)
	}
	return nil
}

func (a *auditor) save() error {
	b, _ := json.MarshalIndent(a.st, "", "  ")
	tmp := a.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, a.path)
}

func (a *auditor) raise(al alert) {
	a.alerts = append(a.alerts, al)
	b, _ := json.Marshal(al)
	fmt.Fprintf(a.g.stderr, "ALERT %s from %s: %s\nevidence: %s\n", al.Kind, al.Node, al.Detail, b)
}

// round checks every node once.
func (a *auditor) round(ctx context.Context) {
	for _, n := range a.nodes {
		if err := a.check(ctx, n); err != nil {
			fmt.Fprintf(a.g.stderr, "audit: %s: %v\n", n, err)
		}
	}
}

// check advances the trusted state with what node n serves.
func (a *auditor) check(ctx context.Context, n string) error {
	c := client.New(n)
	st, err := c.Status(ctx)
	if err != nil {
		return err
	}
	if st.ChainID != a.trust.ChainID {
		a.raise(alert{Kind: "bad_headers", Node: n, Detail: fmt.Sprintf("serves chain %q, not %q", st.ChainID, a.trust.ChainID)})
		return nil
	}
	h := st.LatestHeight - 1 // the newest height whose app hash is signed
	if h < 1 {
		return nil
	}
	var an verify.Anchor
	if err := c.Get(ctx, fmt.Sprintf("/v1/anchor/%d", h), &an); err != nil {
		return err
	}
	// Headers verify from what we trusted (genesis at first).
	trust := a.trust
	if a.st.LightBlock != nil && h > a.st.Height {
		lb, err := verify.DecodeLightBlock(a.st.LightBlock)
		if err != nil {
			return fmt.Errorf("audit state: %w", err)
		}
		trust = &verify.Trust{ChainID: a.trust.ChainID, Suite: a.trust.Suite, Block: lb}
	}
	if _, err := verify.VerifyAnchor(&an, a.trust.ChainID, trust); err != nil {
		a.raise(alert{Kind: "bad_headers", Node: n, Detail: err.Error(), Evidence: an})
		return nil
	}
	// Same height, same app hash on every node.
	if a.seen[h] == nil {
		a.seen[h] = map[string]string{}
	}
	a.seen[h][an.AppHash] = n
	if len(a.seen[h]) > 1 {
		a.raise(alert{Kind: "fork", Node: n, Detail: fmt.Sprintf("height %d has %d different signed app hashes", h, len(a.seen[h])), Evidence: a.seen[h]})
		return nil
	}
	if h <= a.st.Height {
		return nil
	}
	// The log only grew since the last accepted state.
	if a.st.Height >= 0 {
		var cv apitype.Consistency
		if err := c.Get(ctx, fmt.Sprintf("/v1/log/consistency?from=%d&to=%d", a.st.LogSize, an.LogSize), &cv); err != nil {
			return err
		}
		err := errors.New("the node's proof is for other roots")
		if cv.FromRoot == a.st.LogRoot && cv.ToRoot == an.LogRoot {
			err = ledger.VerifyConsistency(a.st.LogSize, an.LogSize, mustHexList(cv.Proof), mustHex(a.st.LogRoot), mustHex(an.LogRoot))
		}
		if err != nil {
			a.raise(alert{Kind: "rewritten_history", Node: n,
				Detail:   fmt.Sprintf("log at height %d (%d entries) is not an extension of the log accepted at height %d (%d entries): %v", h, an.LogSize, a.st.Height, a.st.LogSize, err),
				Evidence: map[string]any{"accepted": a.st, "served": an, "consistency": cv}})
			return nil
		}
	}
	a.st.Height, a.st.AppHash, a.st.LogSize, a.st.LogRoot = h, an.AppHash, an.LogSize, an.LogRoot
	for old := range a.seen { // keep the agreement check's memory bounded
		if old < h-1000 {
			delete(a.seen, old)
		}
	}
	a.st.LightBlock = an.Headers[len(an.Headers)-1]
	if err := a.save(); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "height %d: app hash %s, log %d entries, consistent with what was accepted before; headers verified (%s)\n",
		h, an.AppHash[:16], an.LogSize, n)
	return nil
}

func mustHex(s string) []byte {
	b, _ := hex.DecodeString(s)
	return b
}

func mustHexList(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = mustHex(s)
	}
	return out
}
