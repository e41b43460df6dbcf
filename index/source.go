package index

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/client"
)

// Source is where the indexer reads committed transactions and state: a
// node's HTTP API (HTTPSource, for `govchain index`) or the node's own
// application in process (node.LocalSource, for `govchain start --index`).
type Source interface {
	// Stream calls fn with the messages of heights from on, in order: one
	// tx message per committed transaction and one block message after
	// each height's txs, then live, until ctx ends, fn fails or the
	// source's stream breaks (the follower reconnects).
	Stream(ctx context.Context, from int64, fn func(*apitype.EventMessage) error) error
	// Get reads a full state key at a committed height.
	Get(ctx context.Context, key string, height int64) ([]byte, bool, error)
	// Height is the node's last committed height.
	Height(ctx context.Context) (int64, error)
}

// HTTPSource reads a node over its API: the event stream
// (/v1/events?blocks=true&from_height=) and /v1/state/{key}?height=. A
// replay longer than the node's stream limit (the node answers 400) is
// walked block by block (/v1/blocks/{h}, /v1/txs/{hash}) until the rest
// fits in a stream.
type HTTPSource struct{ C *client.Client }

// Get implements Source.
func (s HTTPSource) Get(ctx context.Context, key string, height int64) ([]byte, bool, error) {
	st, err := s.C.State(ctx, key, height, false)
	if err != nil {
		return nil, false, err
	}
	if !st.Found || st.Value == nil {
		return nil, false, nil
	}
	v, err := base64.StdEncoding.DecodeString(*st.Value)
	return v, err == nil, err
}

// Height implements Source.
func (s HTTPSource) Height(ctx context.Context) (int64, error) {
	st, err := s.C.Status(ctx)
	if err != nil {
		return 0, err
	}
	return st.LatestHeight, nil
}

// Stream implements Source.
func (s HTTPSource) Stream(ctx context.Context, from int64, fn func(*apitype.EventMessage) error) error {
	sub, err := s.C.Subscribe(ctx, apitype.EventFilter{FromHeight: from, Blocks: true})
	var p *apitype.Problem
	if errors.As(err, &p) && p.Status == http.StatusBadRequest {
		// The replay is too long for one stream: walk history, then stream
		// the rest (a new Stream call from the next height).
		return s.walk(ctx, from, fn)
	}
	if err != nil {
		return err
	}
	defer sub.Close()
	for {
		m, err := sub.Next(ctx)
		if err != nil {
			return err
		}
		if err := fn(m); err != nil {
			return err
		}
	}
}

// walkChunk is how many heights walk reads before it tries a stream again.
const walkChunk = 2000

// walk sends heights from.. (at most walkChunk, never past the node's
// height) from the block and tx endpoints, then returns errResume so the
// follower streams on from the cursor.
func (s HTTPSource) walk(ctx context.Context, from int64, fn func(*apitype.EventMessage) error) error {
	top, err := s.Height(ctx)
	if err != nil {
		return err
	}
	for h := from; h <= top && h < from+walkChunk; h++ {
		b, err := s.C.Block(ctx, strconv.FormatInt(h, 10))
		if err != nil {
			return fmt.Errorf("block %d: %w", h, err)
		}
		t, _ := time.Parse(time.RFC3339Nano, b.Time)
		txs, err := s.fetchTxs(ctx, b.Txs)
		if err != nil {
			return err
		}
		for _, tx := range txs {
			m := &apitype.EventMessage{Type: apitype.EventTx, Height: h, Time: t.UTC(), TxHash: tx.Hash, LogIndex: tx.LogIndex,
				Code: tx.Code, Log: tx.Log, Events: tx.Events}
			for _, msg := range tx.Tx.Msgs {
				m.MsgTypes = append(m.MsgTypes, msg.Type)
			}
			if err := fn(m); err != nil {
				return err
			}
		}
		// The block message carries the app hash of the height's own state
		// (the header's app hash is the previous height's).
		var cm apitype.Commitments
		if err := s.C.Get(ctx, "/v1/commitments/"+strconv.FormatInt(h, 10), &cm); err != nil {
			return fmt.Errorf("commitments %d: %w", h, err)
		}
		if err := fn(&apitype.EventMessage{Type: apitype.EventBlock, Height: h, Time: t.UTC(), AppHash: cm.AppHash, NumTxs: uint64(len(b.Txs))}); err != nil {
			return err
		}
	}
	return errResume
}

// errResume asks the follower to call Stream again at once, from its
// cursor.
var errResume = errors.New("index: resume from the cursor")

// walkFetchers is how many txs the walk fetches at once.
const walkFetchers = 8

// fetchTxs reads a block's txs, walkFetchers at a time, in block order.
func (s HTTPSource) fetchTxs(ctx context.Context, hashes []string) ([]*apitype.Tx, error) {
	out := make([]*apitype.Tx, len(hashes))
	errs := make([]error, len(hashes))
	sem := make(chan struct{}, walkFetchers)
	var wg sync.WaitGroup
	for i, hash := range hashes {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i], errs[i] = s.C.Tx(ctx, hash)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("tx %s: %w", hashes[i], err)
		}
	}
	return out, nil
}
