package cli

import (
	"context"
	"time"

	"github.com/govchain/govchain/node"
)

// benchIndexed runs the same load on a fresh node with the embedded SQL
// index and puts its figures beside res's.
func (g *globals) benchIndexed(ctx context.Context, o benchOpts, res *BenchResult) error {
	io := o
	io.withIndex = true
	ires, err := g.benchOwn(ctx, io, false)
	if err != nil {
		return err
	}
	res.IndexedPerSec, res.IndexedP50ms, res.IndexedP99ms, res.IndexCatchupSecs = ires.CommittedPerSec, ires.P50ms, ires.P99ms, ires.IndexCatchupSecs
	return nil
}

// indexCatchup waits, after the load, for the embedded index to hold the
// node's height, and records how long that took.
func (g *globals) indexCatchup(ctx context.Context, n *node.Node, res *BenchResult) {
	s := n.IndexStore()
	if s == nil {
		return
	}
	start := time.Now()
	target := n.App.LastCommitted().Height
	for ctx.Err() == nil {
		if h, err := s.Height(ctx); err == nil && h >= target {
			break
		}
		time.Sleep(10 * time.Millisecond) // polling a database outside any test
	}
	res.IndexCatchupSecs = time.Since(start).Seconds()
}
