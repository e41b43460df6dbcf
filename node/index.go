package node

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/govchain/govchain/api"
	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/index"
	"github.com/govchain/govchain/tx"
)

// The embedded SQL index (`govchain start --index`, issue 18): the
// indexer runs in the node's process, reads the application directly
// (LocalSource: no HTTP, no stream limits) and writes SQLite in the home
// (data/index.db) or the PostgreSQL database of --index-db. The API serves
// its reads (/v1/index/...) and reports its lag (/v1/status, /metrics).

// IndexFile is the embedded index's SQLite database in a home.
func (h Home) IndexFile() string { return h.path("data", "index.db") }

// embeddedIndex is the running indexer of a node.
type embeddedIndex struct {
	store  *index.Store
	cancel context.CancelFunc
	done   chan struct{}
}

// IndexStore is the embedded index's store (nil without --index).
func (n *Node) IndexStore() *index.Store {
	if n.index == nil {
		return nil
	}
	return n.index.store
}

// startIndex opens the index database (dsn "" = SQLite in the home) and
// follows the application from the index's cursor until Stop.
func (n *Node) startIndex(dsn string) error {
	if dsn == "" {
		dsn = "sqlite:" + n.Home.IndexFile()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := index.OpenDSN(ctx, dsn, index.TablesOf(n.App.Modules()))
	if err != nil {
		cancel()
		return fmt.Errorf("node: index database: %w", err)
	}
	ix := &embeddedIndex{store: s, cancel: cancel, done: make(chan struct{})}
	n.index = ix
	n.api.SetIndex(s, func() int64 { return n.App.LastCommitted().Height })
	go func() {
		defer close(ix.done)
		err := index.Follow(ctx, LocalSource{n}, s, index.FollowOptions{Retry: 200 * time.Millisecond})
		if err != nil && ctx.Err() == nil {
			n.logf("index: stopped: %v", err)
		}
	}()
	return nil
}

// stopIndex ends the indexer (its last SQL transaction commits or rolls
// back whole) before the application's database closes.
func (n *Node) stopIndex() {
	if n.index == nil {
		return
	}
	n.index.cancel()
	<-n.index.done
	n.index.store.DB.Close()
}

// LocalSource is an index.Source over the node's own application.
type LocalSource struct{ N *Node }

// Get implements index.Source.
func (s LocalSource) Get(_ context.Context, key string, height int64) ([]byte, bool, error) {
	return s.N.App.Get([]byte(key), height)
}

// Height implements index.Source.
func (s LocalSource) Height(context.Context) (int64, error) {
	return s.N.App.LastCommitted().Height, nil
}

// Stream implements index.Source: the log entries and metadata of each
// committed height, then waiting for the next commit.
func (s LocalSource) Stream(ctx context.Context, from int64, fn func(*apitype.EventMessage) error) error {
	a := s.N.App
	for {
		top := a.LastCommitted().Height
		for ; from <= top; from++ {
			if err := s.height(a, from, fn); err != nil {
				return err
			}
		}
		if err := s.N.WaitHeight(ctx, from); err != nil {
			return err
		}
	}
}

// height sends one height's tx messages and its block message, built as
// the API's event stream builds them.
func (s LocalSource) height(a *app.App, h int64, fn func(*apitype.EventMessage) error) error {
	prev, err := a.MetaAt(h - 1)
	if errors.Is(err, app.ErrNoHeight) && h == 1 {
		prev, err = app.Meta{}, nil
	}
	if err != nil {
		return err
	}
	m, err := a.MetaAt(h)
	if err != nil {
		return err
	}
	t := time.Unix(0, m.Time).UTC()
	for idx := prev.LogSize; idx < m.LogSize; idx++ {
		e, d, err := a.Log().Entry(idx)
		if err != nil {
			return fmt.Errorf("log entry %d: %w", idx, err)
		}
		msg := &apitype.EventMessage{Type: apitype.EventTx, Height: int64(e.Height), Time: t, TxHash: hex.EncodeToString(e.TxHash),
			LogIndex: idx, Code: e.Code, Log: d.Log, Events: d.Events}
		if tt, err := tx.Decode(d.Tx); err == nil {
			for _, mm := range tt.Body.Msgs {
				msg.MsgTypes = append(msg.MsgTypes, mm.Type)
			}
		}
		if err := fn(msg); err != nil {
			return err
		}
	}
	return fn(&apitype.EventMessage{Type: apitype.EventBlock, Height: h, Time: t, AppHash: hex.EncodeToString(m.AppHash), NumTxs: m.LogSize - prev.LogSize})
}

var _ api.Index = (*index.Store)(nil)
