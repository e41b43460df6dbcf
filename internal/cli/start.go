package cli

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/node"
	"github.com/govchain/govchain/web"
)

func startCmd(g *globals) *cobra.Command {
	var opts node.Options
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run the node (creating a development chain first if --home has none)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkAddrFlags(&opts.HTTP, &opts.P2P, &opts.RPC); err != nil {
				return err
			}
			home := g.homeDir()
			if !home.Exists() {
				fmt.Fprintf(g.stderr, "no chain in %s: creating the development chain %s\n", home, node.DevChainID)
				if err := node.InitDev(home, time.Now(), node.DevOptions{}); err != nil {
					return err
				}
			}
			if opts.IndexDB != "" {
				opts.Index = true
			}
			opts.Log = g.stderr
			opts.Web = web.Handler()
			tuneGC()
			n, err := node.Start(home, opts)
			if err != nil {
				return err
			}
			m := n.App.LastCommitted()
			fmt.Fprintf(g.stderr, "govchain %s running (height %d)\n  web     http://%s/\n  API     http://%s/v1/status\n  metrics http://%s/metrics\n  home    %s\nPress Ctrl-C to stop.\n",
				n.App.ChainID(), max(m.Height, 0), n.HTTPAddr(), n.HTTPAddr(), n.HTTPAddr(), home)
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
			<-sig
			fmt.Fprintln(g.stderr, "stopping...")
			n.Stop()
			fmt.Fprintln(g.stderr, "stopped cleanly")
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.HTTP, "http", "", "API listen address for this run (default from app.toml: 127.0.0.1:8080)")
	cmd.Flags().StringVar(&opts.P2P, "p2p", "", "CometBFT p2p listen address for this run (default from config.toml: tcp://127.0.0.1:26656)")
	cmd.Flags().StringVar(&opts.RPC, "rpc", "", "CometBFT RPC listen address for this run (default from config.toml: tcp://127.0.0.1:26657)")
	cmd.Flags().StringVar(&opts.LogLevel, "log-level", "", "error, info or debug (default from app.toml: error)")
	cmd.Flags().BoolVar(&opts.Index, "index", false, "run the SQL indexer in the node (SQLite in the home, data/index.db; docs/index.md)")
	cmd.Flags().StringVar(&opts.IndexDB, "index-db", "", "with --index: the index database, sqlite:PATH or postgres://... (default SQLite in the home)")
	cmd.Flags().BoolVar(&opts.Noop, "noop", false, "run the no-op application (for govchain bench --cluster --noop only)")
	cmd.Flags().MarkHidden("noop")
	return cmd
}
