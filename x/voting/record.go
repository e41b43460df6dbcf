package voting

import (
	"encoding/json"
	"fmt"

	"github.com/govchain/govchain/evoting"
)

// Record builds the evoting record (docs/evoting.md) of an election from
// its state record and its ballots in recorded order: ballots a re-vote
// replaced are in state "replaced"; the tally carries the first k
// decryptions by trustee index, as the chain combined them.
func Record(e *Election, ballots []BallotEntry) (*evoting.Record, error) {
	decoded := make([]*evoting.Ballot, len(ballots))
	for i, be := range ballots {
		var b evoting.Ballot
		if err := json.Unmarshal(be.Ballot, &b); err != nil {
			return nil, fmt.Errorf("voting: ballot %d: %w", i, err)
		}
		decoded[i] = &b
	}
	return RecordOf(e, ballots, decoded)
}

// RecordOf is Record with the entries' ballots already decoded (decoded[i]
// from ballots[i].Ballot; a verifier decodes them in parallel). It sets
// the state of replaced ballots in decoded.
func RecordOf(e *Election, ballots []BallotEntry, decoded []*evoting.Ballot) (*evoting.Record, error) {
	if len(decoded) != len(ballots) {
		return nil, fmt.Errorf("voting: %d decoded ballots for %d entries", len(decoded), len(ballots))
	}
	r := &evoting.Record{Manifest: *e.Manifest()}
	cs, err := e.commitments()
	if err != nil {
		return nil, err
	}
	r.Commitments = cs
	if len(e.JointKey) != 0 {
		if r.JointKey, err = evoting.DecodePoint(e.JointKey); err != nil {
			return nil, fmt.Errorf("voting: joint key: %w", err)
		}
	}
	for i, be := range ballots {
		if be.Seq != uint64(i) {
			return nil, fmt.Errorf("voting: ballot %d has seq %d", i, be.Seq)
		}
		b := decoded[i]
		if !be.Counted && b.State == evoting.Cast {
			b.State = evoting.Replaced
		}
		r.Ballots = append(r.Ballots, b)
	}
	if e.Result == nil {
		return r, nil
	}
	var parts [][]evoting.Partial
	for _, raw := range e.Decryptions {
		if len(raw) == 0 || len(parts) == int(e.Threshold) {
			continue
		}
		var pl []evoting.Partial
		if err := json.Unmarshal(raw, &pl); err != nil {
			return nil, fmt.Errorf("voting: decryption: %w", err)
		}
		parts = append(parts, pl)
	}
	i := 0
	for _, c := range e.Contests {
		ct := evoting.ContestTally{ContestID: c.ID}
		for range c.Options {
			agg, err := evoting.DecodeCiphertext(e.Aggregate[i])
			if err != nil {
				return nil, fmt.Errorf("voting: aggregate: %w", err)
			}
			ot := evoting.OptionTally{Ciphertext: agg, Count: e.Result[i]}
			for _, pl := range parts {
				ot.Partials = append(ot.Partials, pl[i])
			}
			ct.Options = append(ct.Options, ot)
			i++
		}
		r.Tally = append(r.Tally, ct)
	}
	return r, nil
}
