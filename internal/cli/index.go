package cli

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/index"
	"github.com/govchain/govchain/node"
)

func indexCmd(g *globals) *cobra.Command {
	var dsn string
	cmd := &cobra.Command{
		Use:   "index",
		Short: "Follow a node's event stream into an SQL index (--db sqlite:PATH)",
		Long: `Follow the node's event stream (--node) into an SQL index: txs, events and
each module's typed tables. The cursor commits with the rows, so the command
resumes where it stopped, without gaps or duplicates. Only sqlite:PATH so far.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			s, err := index.OpenDSN(ctx, dsn, index.TablesOf(node.Modules()))
			if err != nil {
				return err
			}
			defer s.DB.Close()
			last := int64(0)
			err = index.Follow(ctx, g.client(), s, func(h int64) {
				if h != last {
					last = h
					fmt.Fprintf(g.stderr, "\rindexed height %d", h)
				}
			})
			if ctx.Err() != nil {
				return nil
			}
			return err
		},
	}
	cmd.Flags().StringVar(&dsn, "db", "", "index database: sqlite:PATH")
	cmd.MarkFlagRequired("db")
	return cmd
}
