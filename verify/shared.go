package verify

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// VerifyStateProofsShared checks state proofs read at one height, whose
// anchors are identical, verifying the anchor's headers once (a
// credential presentation bundle carries several such proofs). It returns
// each proven value (nil: absent) and the result of the anchor. Every
// proof must be valid exactly as VerifyStateProof would find it.
func VerifyStateProofsShared(ps []StateProof, t *Trust) ([][]byte, *Result, error) {
	if len(ps) == 0 {
		return nil, nil, fmt.Errorf("%w: no proofs", ErrMalformed)
	}
	first, err := json.Marshal(ps[0].Anchor)
	if err != nil {
		return nil, nil, err
	}
	vals := make([][]byte, len(ps))
	for i := range ps {
		if i > 0 {
			a, err := json.Marshal(ps[i].Anchor)
			if err != nil || !bytes.Equal(a, first) || ps[i].ChainID != ps[0].ChainID {
				return nil, nil, fmt.Errorf("%w: proof %d has another anchor or chain id", ErrMismatch, i)
			}
		}
		if vals[i], _, err = checkStateProof(&ps[i], t); err != nil {
			return nil, nil, fmt.Errorf("proof of %q: %w", ps[i].Key, err)
		}
	}
	s, err := VerifyAnchor(&ps[0].Anchor, ps[0].ChainID, t)
	if err != nil {
		return nil, nil, err
	}
	return vals, &Result{Height: ps[0].Anchor.Height, Signed: s, Summary: fmt.Sprintf(
		"%d keys at height %d of %s, signed by %s", len(ps), ps[0].Anchor.Height, ps[0].ChainID, s.Words())}, nil
}
