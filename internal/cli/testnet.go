package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/node"
)

func testnetCmd(g *globals) *cobra.Command {
	var o node.TestnetOptions
	var out string
	cmd := &cobra.Command{
		Use:   "testnet",
		Short: "Write a local multi-department network: one home per node",
		Long: `testnet writes --validators homes (one department each, with its admin key in
that home's keys/) and --full-nodes non-validating homes into --out, with a
shared genesis and every node a persistent peer of the others on 127.0.0.1.
Node i listens on --base-port+10i (p2p), +1 (CometBFT RPC) and +2 (API).
Run each with: govchain start --home DIR/nodeK. DIR/testnet.json lists them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErr("--out is required")
			}
			o.Now = time.Now()
			tn, err := node.InitTestnet(out, o)
			if err != nil {
				return err
			}
			return g.print(tn, func(w io.Writer) {
				fmt.Fprintf(w, "wrote %s (%d nodes) to %s\n", tn.ChainID, len(tn.Nodes), out)
				for _, n := range tn.Nodes {
					role := "full node"
					if n.Validator {
						role = "validator of " + n.Department
					}
					fmt.Fprintf(w, "  %-6s %-24s API http://%s  start: govchain start --home %s\n", n.Name, role, n.API, n.Home)
				}
			})
		},
	}
	cmd.Flags().IntVar(&o.Validators, "validators", 4, "validators (one department each)")
	cmd.Flags().IntVar(&o.FullNodes, "full-nodes", 0, "non-validating nodes")
	cmd.Flags().StringVar(&o.ChainID, "chain-id", "govchain-testnet", "chain id")
	cmd.Flags().IntVar(&o.BasePort, "base-port", 27000, "first port")
	cmd.Flags().StringVar(&out, "out", "", "directory to write (must be empty or absent)")
	chainFlags(cmd, &o.ChainOptions)
	return cmd
}
