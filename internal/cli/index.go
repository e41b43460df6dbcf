package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/govchain/govchain/index"
	"github.com/govchain/govchain/node"
)

// RebuildResult is what `govchain index --rebuild` reports.
type RebuildResult struct {
	Database string  `json:"database"`
	Height   int64   `json:"height"`
	Txs      int64   `json:"txs"`
	Seconds  float64 `json:"seconds"`
	TxsPerS  float64 `json:"txs_per_second"`
}

func indexCmd(g *globals) *cobra.Command {
	var dsn string
	var rebuild bool
	var batch int
	var check bool
	cmd := &cobra.Command{
		Use:   "index",
		Short: "Follow a node's event stream into an SQL index (--db sqlite:PATH or postgres://...)",
		Long: `Follow the node's event stream (--node) into an SQL index: blocks, txs, events
and each module's typed tables (docs/index.md). The cursor commits with the
rows, so the command resumes where it stopped, without gaps or duplicates,
after a disconnect, a restart or a kill -9 of either side.

--db sqlite:PATH writes one SQLite file (no server needed); --db
postgres://user@host:port/db?sslmode=disable writes PostgreSQL.

--rebuild drops the index and builds it again from genesis up to the node's
current height, with a progress bar and the speed, then exits. The node must
keep every state version (app.toml keep_recent = 0, the default): each row
is read from the state at its height.

--check re-derives every module table from the node's state tree at the
index height and compares it row for row (exit 1 on a difference).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			tables := index.TablesOf(node.Modules())
			if rebuild {
				if err := index.DropDSN(ctx, dsn); err != nil {
					return err
				}
			}
			s, err := index.OpenDSN(ctx, dsn, tables)
			if err != nil {
				return err
			}
			defer s.DB.Close()
			src := index.HTTPSource{C: g.client()}
			if check {
				h, err := index.Check(ctx, s, src)
				if err != nil {
					return fmt.Errorf("index at height %d disagrees with the node's state: %w", h, err)
				}
				return g.print(map[string]any{"height": h, "agrees": true}, func(w io.Writer) {
					fmt.Fprintf(w, "every module table agrees with the node's state at height %d\n", h)
				})
			}
			if rebuild {
				res, err := g.rebuild(ctx, src, s, batch)
				if err != nil {
					return err
				}
				return g.print(res, func(w io.Writer) {
					fmt.Fprintf(w, "rebuilt %s index to height %d: %d txs in %.1fs (%.0f txs/s)\n", res.Database, res.Height, res.Txs, res.Seconds, res.TxsPerS)
				})
			}
			last := int64(-1)
			err = index.Follow(ctx, src, s, index.FollowOptions{Batch: batch, Progress: func(h, _ int64) {
				if h != last {
					last = h
					fmt.Fprintf(g.stderr, "\rindexed height %d", h)
				}
			}})
			if ctx.Err() != nil {
				return nil
			}
			return err
		},
	}
	cmd.Flags().StringVar(&dsn, "db", "", "index database: sqlite:PATH or postgres://...")
	cmd.Flags().BoolVar(&rebuild, "rebuild", false, "drop the index, rebuild it from genesis to the node's height, and exit")
	cmd.Flags().BoolVar(&check, "check", false, "check every module table against the node's state tree at the index height, and exit")
	cmd.Flags().IntVar(&batch, "batch", 1000, "messages per SQL transaction while catching up")
	cmd.MarkFlagRequired("db")
	return cmd
}

// rebuild follows the node from genesis to its height at the start, with
// a progress bar of heights and the txs/s.
func (g *globals) rebuild(ctx context.Context, src index.Source, s *index.Store, batch int) (RebuildResult, error) {
	target, err := src.Height(ctx)
	if err != nil {
		return RebuildResult{}, g.unreachable(err)
	}
	start := time.Now()
	bar := progressbar.NewOptions64(target, progressbar.OptionSetWriter(g.stderr), progressbar.OptionSetVisibility(g.terminal()),
		progressbar.OptionSetDescription("rebuilding"), progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish())
	var txs int64
	lastLine := time.Now()
	err = index.Follow(ctx, src, s, index.FollowOptions{Until: target, Batch: batch, Progress: func(h, n int64) {
		txs = n
		rate := float64(n) / time.Since(start).Seconds()
		bar.Describe(fmt.Sprintf("rebuilding %d txs, %.0f txs/s", n, rate))
		bar.Set64(h)
		if !g.terminal() && time.Since(lastLine) > 5*time.Second { // a log line now and then without a terminal
			lastLine = time.Now()
			fmt.Fprintf(g.stderr, "rebuilding: height %d/%d, %d txs, %.0f txs/s\n", h, target, n, rate)
		}
	}})
	bar.Finish()
	if err != nil {
		return RebuildResult{}, err
	}
	el := time.Since(start).Seconds()
	return RebuildResult{Database: s.DatabaseName(), Height: target, Txs: txs, Seconds: el, TxsPerS: float64(txs) / el}, nil
}
