package api

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/store"
	"github.com/govchain/govchain/verify"
)

func (s *Server) state(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.parseRead(r)
	if err != nil {
		return err
	}
	v, err := s.stateView(r.PathValue("key"), rd.height, rd.prove, nil)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// stateView reads a full state key at height (latest when < 0), with a
// proof anchored to signed headers when prove is set. The items of a
// proven page share anchors (nil: none to share).
func (s *Server) stateView(key string, height int64, prove bool, anchors *pageAnchors) (*apitype.State, error) {
	if err := store.CheckKey([]byte(key)); err != nil {
		return nil, badRequest("%v", err)
	}
	v := &apitype.State{ChainID: s.app.ChainID(), Key: key}
	if !prove {
		h, err := s.app.Resolve(height)
		if err != nil {
			return nil, stateError(err)
		}
		val, ok, err := s.app.Get([]byte(key), h)
		if err != nil {
			return nil, stateError(err)
		}
		v.Height, v.Found = h, ok
		if ok {
			b := base64.StdEncoding.EncodeToString(val)
			v.Value = &b
		}
		return v, nil
	}
	val, p, m, err := s.app.Prove([]byte(key), height)
	if err != nil {
		return nil, stateError(err)
	}
	sp := verify.NewStoreProof(p)
	v.Version, v.Height, v.Found, v.Proof = verify.Version, m.Height, val != nil, &sp
	if val != nil {
		b := base64.StdEncoding.EncodeToString(val)
		v.Value = &b
	}
	v.StateRoot, v.LogRoot, v.LogSize, v.AppHash = hex.EncodeToString(m.StateRoot), hex.EncodeToString(m.LogRoot), m.LogSize, hex.EncodeToString(m.AppHash)
	if v.Anchor, err = anchors.get(s, m); errors.Is(err, errHeaderPending) {
		v.HeaderPending = true
	} else if err != nil {
		return nil, err
	}
	return v, nil
}

var errHeaderPending = errors.New("api: the signing header is not committed yet")

// headerPending answers a proof request whose signing header (height h+1)
// is not committed yet.
func headerPending(w http.ResponseWriter, h int64) error {
	w.Header().Set("Retry-After", "1")
	return problem(http.StatusConflict, "the header signing height %d is not committed yet; retry in a second", h)
}

// anchor binds height m to the signed header m+1, with the light blocks
// from height 1 through every validator-set change (docs/proofs.md). Once
// built, a height's anchor never changes, so recent ones are kept: a page
// of proven records shares one.
func (s *Server) anchor(m app.Meta) (*verify.Anchor, error) {
	if a := s.anchors.get(m.Height); a != nil {
		return a, nil
	}
	a, err := s.buildAnchor(m)
	if err == nil {
		s.anchors.put(m.Height, a)
	}
	return a, err
}

// anchorCache keeps the anchors of recent heights.
type anchorCache struct {
	mu sync.Mutex
	m  map[int64]*verify.Anchor
}

const anchorCacheMax = 64

func (c *anchorCache) get(h int64) *verify.Anchor {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[h]
}

func (c *anchorCache) put(h int64, a *verify.Anchor) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= anchorCacheMax {
		c.m = map[int64]*verify.Anchor{}
	}
	c.m[h] = a
}

func (s *Server) buildAnchor(m app.Meta) (*verify.Anchor, error) {
	top := m.Height + 1
	if top > s.chain.LatestBlockHeight() {
		return nil, errHeaderPending
	}
	changes, err := s.app.ValidatorChanges(top)
	if err != nil {
		return nil, err
	}
	first := s.chain.InitialHeight()
	if top < first {
		return nil, errHeaderPending
	}
	heights := []int64{first}
	for _, h := range changes {
		if h > heights[len(heights)-1] && h < top {
			heights = append(heights, h)
		}
	}
	if top > first {
		heights = append(heights, top)
	}
	a := &verify.Anchor{HashSuite: s.app.HashSuite().Name, Height: m.Height, AppHash: hex.EncodeToString(m.AppHash), StateRoot: hex.EncodeToString(m.StateRoot),
		LogRoot: hex.EncodeToString(m.LogRoot), LogSize: m.LogSize}
	for _, h := range heights {
		lb, err := s.chain.LightBlock(h)
		if err != nil {
			// The height is committed (top <= latest), so this is a missing
			// commit of the newest block or a storage failure.
			if h == top {
				return nil, errHeaderPending
			}
			return nil, fmt.Errorf("api: light block %d: %w", h, err)
		}
		raw, err := verify.EncodeLightBlock(lb)
		if err != nil {
			return nil, err
		}
		a.Headers = append(a.Headers, raw)
	}
	// The header of the state's own block proves its time (records with
	// fields derived at read time depend on it).
	if m.Height >= first {
		h := s.chain.Header(m.Height)
		if h == nil {
			return nil, fmt.Errorf("api: header %d is missing", m.Height)
		}
		if a.StateHeader, err = verify.EncodeHeader(h); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// pageAnchors keeps the anchor of one height for the items of one proven
// page: they are all read at the same height, and an anchor costs a light
// block per validator-set change (the server's cache keeps recent heights
// across requests; this one also holds an anchor too new to cache).
type pageAnchors struct {
	height int64
	a      *verify.Anchor
}

func (c *pageAnchors) get(s *Server, m app.Meta) (*verify.Anchor, error) {
	if c == nil {
		return s.anchor(m)
	}
	if c.a != nil && c.height == m.Height {
		return c.a, nil
	}
	a, err := s.anchor(m)
	if err != nil {
		return nil, err
	}
	c.height, c.a = m.Height, a
	return a, nil
}

func stateError(err error) error {
	switch {
	case errors.Is(err, app.ErrNoHeight), errors.Is(err, store.ErrNoVersion):
		return notFound("%v", err)
	case errors.Is(err, store.ErrPruned):
		return problem(http.StatusGone, "%v", err)
	}
	return err
}

// metaOfPath reads the commitments of the path's {height}.
func (s *Server) metaOfPath(r *http.Request) (app.Meta, error) {
	h, err := height(r.PathValue("height"))
	if err != nil {
		return app.Meta{}, err
	}
	m, err := s.app.MetaAt(h)
	if err != nil {
		return app.Meta{}, stateError(err)
	}
	return m, nil
}

func (s *Server) commitments(w http.ResponseWriter, r *http.Request) error {
	m, err := s.metaOfPath(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, apitype.Commitments{Height: m.Height, AppHash: hex.EncodeToString(m.AppHash),
		StateRoot: hex.EncodeToString(m.StateRoot), LogRoot: hex.EncodeToString(m.LogRoot), LogSize: m.LogSize})
}

func (s *Server) anchorOf(w http.ResponseWriter, r *http.Request) error {
	m, err := s.metaOfPath(r)
	if err != nil {
		return err
	}
	a, err := s.anchor(m)
	if errors.Is(err, errHeaderPending) {
		return headerPending(w, m.Height)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a)
}

func (s *Server) logProof(w http.ResponseWriter, r *http.Request) error {
	idx, err := uintQuery(r, "index")
	if err != nil {
		return err
	}
	var height int64
	if r.URL.Query().Has("size") && r.URL.Query().Has("height") {
		return badRequest("give size or height, not both")
	}
	if r.URL.Query().Get("size") != "" {
		size, err := uintQuery(r, "size")
		if err != nil {
			return err
		}
		if height, err = s.heightOfLogSize(size); err != nil {
			return err
		}
	} else {
		rd, err := s.parseRead(r)
		if err != nil {
			return err
		}
		if rd.height < 0 && r.URL.Query().Get("height") == "" {
			if last := s.app.LastCommitted().Height; last >= 1 {
				rd.height = last - 1
			}
		}
		height = rd.height
	}
	if height < 0 {
		return notFound("no height is signed yet")
	}
	m, err := s.app.MetaAt(height)
	if err != nil {
		return stateError(err)
	}
	if idx >= m.LogSize {
		return notFound("the log at height %d has %d entries", height, m.LogSize)
	}
	e, _, err := s.app.Log().Entry(idx)
	if err != nil {
		return err
	}
	p, err := s.app.Log().InclusionProof(idx, m.LogSize)
	if err != nil {
		return err
	}
	lp := verify.LogProof{Version: verify.Version, ChainID: s.app.ChainID(), Index: idx, Entry: verify.NewEntry(e), InclusionProof: hexList(p)}
	a, err := s.anchor(m)
	if errors.Is(err, errHeaderPending) {
		return headerPending(w, height)
	}
	if err != nil {
		return err
	}
	lp.Anchor = *a
	return writeJSON(w, http.StatusOK, lp)
}

// heightOfLogSize finds the height after which the log had exactly size
// entries: only such sizes have a root the validators signed.
func (s *Server) heightOfLogSize(size uint64) (int64, error) {
	lo, hi := int64(0), s.app.LastCommitted().Height
	for lo < hi { // first height whose log size is >= size
		mid := lo + (hi-lo)/2
		m, err := s.app.MetaAt(mid)
		if err != nil {
			return 0, stateError(err)
		}
		if m.LogSize < size {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	m, err := s.app.MetaAt(lo)
	if err != nil {
		return 0, stateError(err)
	}
	if m.LogSize != size {
		return 0, notFound("no height ends with a log of %d entries (the next is height %d with %d); ask by height", size, lo, m.LogSize)
	}
	return lo, nil
}

func hexList(bs [][]byte) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = hex.EncodeToString(b)
	}
	return out
}

func (s *Server) logConsistency(w http.ResponseWriter, r *http.Request) error {
	from, err := uintQuery(r, "from")
	if err != nil {
		return err
	}
	to, err := uintQuery(r, "to")
	if err != nil {
		return err
	}
	var prove bool
	switch r.URL.Query().Get("prove") {
	case "", "false":
	case "true":
		prove = true
	default:
		return badRequest("prove must be true or false")
	}
	if from > to || to > s.app.Log().Size() {
		return notFound("sizes %d..%d: the log has %d entries", from, to, s.app.Log().Size())
	}
	p, err := s.app.Log().ConsistencyProof(from, to)
	if err != nil {
		return err
	}
	r1, err := s.app.Log().RootAt(from)
	if err != nil {
		return err
	}
	r2, err := s.app.Log().RootAt(to)
	if err != nil {
		return err
	}
	c := apitype.Consistency{From: from, To: to, FromRoot: hex.EncodeToString(r1), ToRoot: hex.EncodeToString(r2), Proof: hexList(p)}
	if prove {
		c.Version, c.ChainID = verify.Version, s.app.ChainID()
		for _, x := range []struct {
			size uint64
			a    **verify.Anchor
		}{{from, &c.FromAnchor}, {to, &c.ToAnchor}} {
			h, err := s.heightOfLogSize(x.size)
			if err != nil {
				return err
			}
			m, err := s.app.MetaAt(h)
			if err != nil {
				return stateError(err)
			}
			if *x.a, err = s.anchor(m); errors.Is(err, errHeaderPending) {
				return headerPending(w, h)
			} else if err != nil {
				return err
			}
		}
	}
	return writeJSON(w, http.StatusOK, c)
}
