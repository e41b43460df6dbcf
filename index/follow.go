package index

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app/module"
)

// FollowOptions tune Follow.
type FollowOptions struct {
	// Until stops Follow once the index holds this height completely (0:
	// follow until ctx ends). A rebuild sets it to the node's height.
	Until int64
	// Batch is how many messages may share one SQL transaction while
	// catching up (default 1000); once live, each height commits alone.
	Batch int
	// Progress, if set, is called after each commit with the index's
	// complete height and the txs applied since Follow started.
	Progress func(height int64, txs int64)
	// Retry is the pause before reconnecting after a broken stream
	// (default 1s).
	Retry time.Duration
}

// errDone ends a stream once FollowOptions.Until is reached.
var errDone = errors.New("index: reached the target height")

// applyError is a failure to write or to derive rows: not a network
// hiccup, so Follow stops.
type applyError struct{ error }

func (e applyError) Unwrap() error { return e.error }

// Follow indexes the source's stream from the store's cursor until ctx
// ends (or opts.Until is reached), reconnecting from the cursor after
// every disconnect: what is at or before the cursor is skipped, so
// nothing is lost or written twice.
func Follow(ctx context.Context, src Source, s *Store, opts FollowOptions) error {
	if opts.Batch <= 0 {
		opts.Batch = 1000
	}
	if opts.Retry <= 0 {
		opts.Retry = time.Second
	}
	f := &follower{src: src, s: s, opts: opts}
	for ctx.Err() == nil {
		err := f.once(ctx)
		switch {
		case errors.Is(err, errDone):
			return nil
		case errors.Is(err, errResume):
			continue
		case ctx.Err() != nil:
			return ctx.Err()
		}
		var ae applyError
		if errors.As(err, &ae) {
			return err
		}
		select {
		case <-ctx.Done():
		case <-time.After(opts.Retry):
		}
	}
	return ctx.Err()
}

type follower struct {
	src  Source
	s    *Store
	opts FollowOptions
	txs  int64
}

func (f *follower) once(ctx context.Context) error {
	from, err := f.s.resumeFrom(ctx)
	if err != nil {
		return applyError{err}
	}
	if f.opts.Until > 0 && from > f.opts.Until {
		return errDone
	}
	live, err := f.src.Height(ctx)
	if err != nil {
		return err
	}
	var batch []*apitype.EventMessage
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		var rerr error
		cache := map[readKey]readVal{} // one batch's reads: many events read the same record at one height
		state := func(mod string, height int64) module.Reader {
			return sourceReader{ctx: ctx, src: f.src, prefix: mod + "/", height: height, err: &rerr, cache: cache}
		}
		n, err := f.s.ApplyBatch(ctx, batch, state)
		if err != nil {
			batch = batch[:0]
			if rerr != nil {
				return fmt.Errorf("reading state: %w", rerr)
			}
			if errors.Is(err, ErrGap) || ctx.Err() != nil {
				return err // reconnect from the cursor
			}
			return applyError{err}
		}
		for _, m := range batch {
			if m.Type == apitype.EventTx {
				f.txs++
			}
		}
		_ = n
		batch = batch[:0]
		h, err := f.s.Height(ctx)
		if err != nil {
			return applyError{err}
		}
		if f.opts.Progress != nil {
			f.opts.Progress(h, f.txs)
		}
		if f.opts.Until > 0 && h >= f.opts.Until {
			return errDone
		}
		return nil
	}
	err = f.src.Stream(ctx, from, func(m *apitype.EventMessage) error {
		batch = append(batch, m)
		if (m.Type == apitype.EventBlock && (len(batch) >= f.opts.Batch || m.Height >= live || m.Height >= f.opts.Until && f.opts.Until > 0)) ||
			len(batch) >= 4*f.opts.Batch {
			return flush()
		}
		return nil
	})
	if ferr := flush(); ferr != nil && (err == nil || errors.Is(err, errResume)) {
		err = ferr
	}
	return err
}

// sourceReader is a module's state at a height, read from the source.
// module.Reader has no error result, so the first error is kept for the
// follower (a missing record is then not mistaken for an absent one).
type sourceReader struct {
	ctx    context.Context
	src    Source
	prefix string
	height int64
	err    *error
	cache  map[readKey]readVal // nil: no cache
}

type readKey struct {
	key    string
	height int64
}

type readVal struct {
	v  []byte
	ok bool
}

func (r sourceReader) Get(key []byte) ([]byte, bool) {
	k := readKey{r.prefix + string(key), r.height}
	if c, hit := r.cache[k]; hit {
		return c.v, c.ok
	}
	v, ok, err := r.src.Get(r.ctx, k.key, r.height)
	if err != nil {
		if *r.err == nil {
			*r.err = err
		}
		return nil, false
	}
	if r.cache != nil {
		r.cache[k] = readVal{v, ok}
	}
	return v, ok
}
