package index

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/client"
)

// nodeReader reads a module's state at a height from the node's API
// (/v1/state/{module}/{key}?height=H). Reader has no error result, so the
// first error is kept and Apply's caller checks it.
type nodeReader struct {
	ctx    context.Context
	c      *client.Client
	prefix string
	height int64
	err    *error
}

func (r nodeReader) Get(key []byte) ([]byte, bool) {
	st, err := r.c.State(r.ctx, r.prefix+string(key), r.height, false)
	if err == nil && st.Found && st.Value != nil {
		v, derr := base64.StdEncoding.DecodeString(*st.Value)
		if derr == nil {
			return v, true
		}
		err = derr
	}
	if err != nil && *r.err == nil {
		*r.err = err
	}
	return nil, false
}

// Follow indexes the node's event stream from the store's cursor until ctx
// ends, reconnecting (with from_height at the cursor's height, skipping
// what is already applied) after every disconnect.
func Follow(ctx context.Context, c *client.Client, s *Store, progress func(height int64)) error {
	for ctx.Err() == nil {
		err := followOnce(ctx, c, s, progress)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var ae applyError
		if errors.As(err, &ae) {
			return err // a state the index cannot read: not a network hiccup
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	return ctx.Err()
}

type applyError struct{ error }

func followOnce(ctx context.Context, c *client.Client, s *Store, progress func(int64)) error {
	h, _, err := s.Cursor(ctx)
	if err != nil {
		return applyError{err}
	}
	from := h
	if from < 1 {
		from = 1
	}
	sub, err := c.Subscribe(ctx, apiFilter(from))
	if err != nil {
		return err
	}
	defer sub.Close()
	for {
		m, err := sub.Next(ctx)
		if err != nil {
			return err
		}
		var rerr error
		state := func(mod string, height int64) module.Reader {
			return nodeReader{ctx: ctx, c: c, prefix: mod + "/", height: height, err: &rerr}
		}
		if _, err := s.Apply(ctx, *m, state); err != nil {
			if rerr != nil {
				return fmt.Errorf("reading state at height %d: %w", m.Height, rerr)
			}
			return applyError{err}
		}
		if progress != nil {
			progress(m.Height)
		}
	}
}

func apiFilter(from int64) apitype.EventFilter {
	return apitype.EventFilter{FromHeight: from, Blocks: true}
}
