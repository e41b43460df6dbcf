package voting

import (
	"crypto/sha256"
	"sync"

	"encoding/json"
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/evoting"
)

// verifiedMax bounds the set of verified ballots (32 bytes each).
const verifiedMax = 200_000

// verifiedSet remembers ballots whose proofs verified, so that a ballot
// CheckTx verified is not verified again in FinalizeBlock. It is safe
// because the key covers everything the verification depends on (the
// kind, the manifest hash, the joint key and the ballot's bytes) and it
// holds only successes: a hit gives the result a fresh verification would.
// When full it is cleared (the cost is a second verification, never a
// different outcome).
type verifiedSet struct {
	mu sync.Mutex
	m  map[[32]byte]struct{}
	n  int
}

func newVerifiedSet(n int) *verifiedSet { return &verifiedSet{m: map[[32]byte]struct{}{}, n: n} }

func (s *verifiedSet) has(k [32]byte) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.m[k]
	return ok
}

func (s *verifiedSet) add(k [32]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= s.n {
		clear(s.m)
	}
	s.m[k] = struct{}{}
}

func verifiedKey(kind string, e *Election, raw []byte) [32]byte {
	mh := e.Manifest().Hash()
	h := sha256.New()
	h.Write([]byte("govchain/voting/verified/" + kind + "\x00"))
	h.Write(mh[:])
	h.Write(e.JointKey)
	h.Write(raw)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// precheckCast verifies a cast ballot's proofs in CheckTx against the
// check state's election and remembers success. It refuses only a ballot
// whose proofs fail (or that does not decode), which execution would
// refuse whatever happens in between; every state-dependent check
// (window, roll, re-voting) is left to execution.
func (m *Module) precheckCast(state module.Reader, body []byte) error {
	var msg MsgCastBallot
	if err := codec.Unmarshal(body, &msg); err != nil {
		return nil // execution reports it
	}
	e, K, b, ok := precheckLoad(state, msg.Election, msg.Ballot)
	if !ok {
		return nil
	}
	if b == nil {
		return ErrBadBallot.Wrapf("decoding")
	}
	if len(b.Reveal) != 0 {
		return ErrRevealOnCast
	}
	return m.verifyCast(e, K, msg.Ballot, b)
}

func (m *Module) precheckSpoil(state module.Reader, body []byte) error {
	var msg MsgSpoilBallot
	if err := codec.Unmarshal(body, &msg); err != nil {
		return nil
	}
	e, K, b, ok := precheckLoad(state, msg.Election, msg.Ballot)
	if !ok {
		return nil
	}
	if b == nil {
		return ErrBadBallot.Wrapf("decoding")
	}
	return m.verifySpoiled(e, K, msg.Ballot, b)
}

// precheckLoad reads the election and its joint key; ok is false when
// there is nothing a precheck can decide yet (no election or key). b is
// nil when the ballot does not decode.
func precheckLoad(state module.Reader, id string, raw []byte) (*Election, *evoting.Point, *evoting.Ballot, bool) {
	e, err := GetElection(state, id)
	if err != nil || len(e.JointKey) == 0 || len(e.Disqualified) != 0 {
		return nil, nil, nil, false
	}
	K, err := evoting.DecodePoint(e.JointKey)
	if err != nil {
		return nil, nil, nil, false
	}
	var b evoting.Ballot
	if json.Unmarshal(raw, &b) != nil {
		return e, K, nil, true
	}
	return e, K, &b, true
}
