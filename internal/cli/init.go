package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/node"
)

// chainFlags are the cryptographic choices of a new chain.
func chainFlags(cmd *cobra.Command, co *node.ChainOptions) {
	cmd.Flags().StringVar(&co.HashSuite, "hash-suite", "sha256", "hash suite of the chain, fixed in genesis: sha256 or sm3 (docs/crypto.md)")
	cmd.Flags().StringVar(&co.AdminAlgo, "algo", "ed25519", "algorithm of the founding admins' keys: ed25519 or sm2")
}

func initCmd(g *globals) *cobra.Command {
	var o node.DevOptions
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create a single-validator development chain in --home",
		Long: `init creates a development chain: one validator, chain-id govchain-dev, and a demo
consortium (Ministry of Finance, Natural Resources Bureau, Civil Affairs Bureau,
Election Commission), each with an admin key under <home>/keys (mode 0600).
It refuses to overwrite an existing home.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			home := g.homeDir()
			if err := node.InitDev(home, time.Now(), o); err != nil {
				return err
			}
			return g.print(map[string]string{"home": string(home), "chain_id": node.DevChainID}, func(w io.Writer) {
				fmt.Fprintf(w, "created %s in %s\n", node.DevChainID, home)
				for _, d := range node.DemoDepartments {
					fmt.Fprintf(w, "  department %-4s %s: key %s\n", d.ID, d.Name, home.KeyFile(node.AdminKeyName(d.ID)))
				}
			})
		},
	}
	cmd.Flags().StringVar(&o.P2P, "p2p", "", "CometBFT p2p listen address (default tcp://127.0.0.1:26656)")
	cmd.Flags().StringVar(&o.RPC, "rpc", "", "CometBFT RPC listen address (default tcp://127.0.0.1:26657)")
	cmd.Flags().StringVar(&o.HTTP, "http", "", "API listen address written to app.toml (default 127.0.0.1:8080)")
	chainFlags(cmd, &o.ChainOptions)
	return cmd
}
