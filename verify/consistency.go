package verify

import (
	"fmt"
)

// ConsistencyProof proves that the record log at To entries extends the
// log at From entries: both sizes end a height, each with its anchor, and
// the RFC 6962 consistency proof leads from one root to the other.
// FromRoot and ToRoot repeat the anchors' log roots, for readers.
type ConsistencyProof struct {
	Version    int      `json:"version"`
	ChainID    string   `json:"chain_id"`
	From       uint64   `json:"from"`
	To         uint64   `json:"to"`
	FromRoot   string   `json:"from_root"`
	ToRoot     string   `json:"to_root"`
	Proof      []string `json:"proof"`
	FromAnchor Anchor   `json:"from_anchor"`
	ToAnchor   Anchor   `json:"to_anchor"`
}

// ParseConsistency reads a consistency proof file strictly.
func ParseConsistency(b []byte) (*ConsistencyProof, error) {
	var p ConsistencyProof
	return &p, parseStrict(b, "consistency proof", &p)
}

// VerifyConsistency checks a consistency proof completely: both anchors,
// that they speak of the logs of the stated sizes and roots, in height
// order, and the proof between them.
func VerifyConsistency(p *ConsistencyProof, t *Trust) (*Result, error) {
	if p.Version != Version {
		return nil, fmt.Errorf("%w: %d", ErrVersion, p.Version)
	}
	fa, ta := &p.FromAnchor, &p.ToAnchor
	switch {
	case p.From > p.To:
		return nil, fmt.Errorf("%w: from %d is beyond to %d", ErrMalformed, p.From, p.To)
	case fa.LogSize != p.From || ta.LogSize != p.To:
		return nil, fmt.Errorf("%w: sizes %d and %d, the anchors prove logs of %d and %d entries", ErrMismatch, p.From, p.To, fa.LogSize, ta.LogSize)
	case p.FromRoot != fa.LogRoot || p.ToRoot != ta.LogRoot:
		return nil, fmt.Errorf("%w: from_root and to_root must be the anchors' log roots", ErrMismatch)
	case fa.Height > ta.Height:
		return nil, fmt.Errorf("%w: from_anchor at height %d is above to_anchor at %d", ErrHeight, fa.Height, ta.Height)
	}
	from, err1 := decodeHex32(p.FromRoot)
	to, err2 := decodeHex32(p.ToRoot)
	if err1 != nil {
		return nil, err1
	}
	if err2 != nil {
		return nil, err2
	}
	proof, err := decodeHexList(p.Proof)
	if err != nil {
		return nil, err
	}
	if err := t.logHasher().VerifyConsistency(p.From, p.To, proof, from, to); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConsistency, err)
	}
	if _, err := VerifyAnchor(fa, p.ChainID, t); err != nil {
		return nil, fmt.Errorf("from_anchor: %w", err)
	}
	s, err := VerifyAnchor(ta, p.ChainID, t)
	if err != nil {
		return nil, fmt.Errorf("to_anchor: %w", err)
	}
	return &Result{Height: ta.Height, Signed: s, Summary: fmt.Sprintf(
		"the log of %d entries at height %d extends the log of %d entries at height %d of %s (only appended to), signed by %s",
		p.To, ta.Height, p.From, fa.Height, p.ChainID, s.Words())}, nil
}
