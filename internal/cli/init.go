package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/node"
)

// chainFlags are the cryptographic choices of a new chain.
func chainFlags(cmd *cobra.Command, co *node.ChainOptions) {
	cmd.Flags().StringVar(&co.HashSuite, "hash-suite", "sha256", "hash suite of the chain, fixed in genesis: sha256 or sm3 (docs/crypto.md)")
	cmd.Flags().StringVar(&co.AdminAlgo, "algo", "ed25519", "algorithm of the founding admins' keys: ed25519 or sm2")
}

// checkChainFlags refuses an unknown hash suite or key algorithm before
// anything is written.
func checkChainFlags(co node.ChainOptions) error {
	if _, err := crypto.SuiteByName(co.HashSuite); err != nil {
		return usageErr("--hash-suite: %v", err)
	}
	if co.AdminAlgo != "" {
		if _, err := crypto.GenerateKey(co.AdminAlgo, nil); err != nil {
			return usageErr("--algo: %v", err)
		}
	}
	return nil
}

// checkAddrFlags checks the listen address flags --http, --p2p and --rpc
// (empty: not given) and puts the CometBFT ones in their full form.
func checkAddrFlags(http, p2p, rpc *string) error {
	if *http != "" {
		if err := node.CheckHTTPAddr(*http); err != nil {
			return usageErr("--http %v", err)
		}
	}
	for _, f := range []struct {
		name string
		addr *string
		p2p  bool
	}{{"--p2p", p2p, true}, {"--rpc", rpc, false}} {
		if *f.addr == "" {
			continue
		}
		full, err := node.CometListenAddr(*f.addr, f.p2p)
		if err != nil {
			return usageErr("%s %v", f.name, err)
		}
		*f.addr = full
	}
	return nil
}

func initCmd(g *globals) *cobra.Command {
	var o node.DevOptions
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create a single-validator development chain in --home",
		Long: `init creates a development chain: one validator, chain-id govchain-dev, and a demo
consortium (Ministry of Finance, Natural Resources Bureau, Civil Affairs Bureau,
Election Commission), each with an admin key under <home>/keys (mode 0600).
It refuses to overwrite an existing home, and a failed init leaves nothing
behind (the home is built beside it and renamed into place).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkAddrFlags(&o.HTTP, &o.P2P, &o.RPC); err != nil {
				return err
			}
			if err := checkChainFlags(o.ChainOptions); err != nil {
				return err
			}
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
