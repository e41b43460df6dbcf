package api

import (
	"net/http"
	"strconv"
	"strings"
)

// read holds the query parameters of a read, parsed in one place.
type read struct {
	height int64 // -1: latest
	prove  bool
	limit  int
	after  string
}

const (
	defaultLimit = 100
	maxLimit     = 1000
	// maxProven bounds a proven page: every item carries its own proof and
	// anchor (so that it can be checked alone), about 9 KB each on a
	// one-validator chain, more with more validators (docs/api.md).
	maxProven = 20
	// provenHeaderBudget bounds the anchor headers a proven page repeats:
	// an anchor holds a light block per validator-set change, so on a chain
	// with a long history of changes a page holds fewer items (at least
	// one) and says next.
	provenHeaderBudget = 1 << 20
)

// parseRead reads ?height=, ?prove=, ?limit= and ?after=. Without height,
// proofs default to the newest height whose app hash is already signed
// (the one below the latest), other reads to the latest.
func (s *Server) parseRead(r *http.Request) (read, error) {
	q := r.URL.Query()
	rd := read{height: -1, limit: defaultLimit, after: q.Get("after")}
	switch q.Get("prove") {
	case "", "false":
	case "true":
		rd.prove = true
	default:
		return rd, badRequest("prove must be true or false")
	}
	if hs := q.Get("height"); hs != "" {
		h, err := strconv.ParseInt(hs, 10, 64)
		if err != nil || h < 0 {
			return rd, badRequest("height must be a non-negative integer")
		}
		rd.height = h
	} else if rd.prove {
		if last := s.app.LastCommitted().Height; last >= 1 {
			rd.height = last - 1
		}
	}
	if ls := q.Get("limit"); ls != "" {
		n, err := strconv.Atoi(ls)
		if err != nil || n < 1 || n > maxLimit {
			return rd, badRequest("limit must be 1 to %d", maxLimit)
		}
		rd.limit = n
	}
	if rd.prove && rd.limit > maxProven {
		if q.Get("limit") != "" {
			return rd, badRequest("limit must be 1 to %d with prove=true", maxProven)
		}
		rd.limit = maxProven
	}
	if len(rd.after) > 256 || strings.ContainsRune(rd.after, 0) {
		return rd, badRequest("after must be a cursor from a previous page")
	}
	return rd, nil
}

// positiveHeight parses a path height (> 0).
func positiveHeight(s string) (int64, error) {
	h, err := strconv.ParseInt(s, 10, 64)
	if err != nil || h <= 0 {
		return 0, badRequest("height must be a positive integer")
	}
	return h, nil
}

// height parses a path height (>= 0).
func height(s string) (int64, error) {
	h, err := strconv.ParseInt(s, 10, 64)
	if err != nil || h < 0 {
		return 0, badRequest("height must be a non-negative integer")
	}
	return h, nil
}

// uintQuery parses a required non-negative integer query parameter.
func uintQuery(r *http.Request, name string) (uint64, error) {
	v, err := strconv.ParseUint(r.URL.Query().Get(name), 10, 64)
	if err != nil {
		return 0, badRequest("%s must be a non-negative integer", name)
	}
	return v, nil
}
