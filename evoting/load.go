package evoting

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
)

// ErrDecode is a record (or part of one) that is not valid JSON of the
// record's schema (testdata/record.schema.json): unknown fields, wrong
// types, non-canonical points or scalars.
var ErrDecode = errors.New("does not decode")

// rawRecord splits a record into its parts so that a decoding failure is
// reported with the part it is in.
type rawRecord struct {
	Manifest    json.RawMessage   `json:"manifest"`
	Commitments []json.RawMessage `json:"commitments"`
	JointKey    json.RawMessage   `json:"joint_key"`
	Ballots     []json.RawMessage `json:"ballots"`
	Tally       []json.RawMessage `json:"tally"`
}

func strictDecode(b []byte, out any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(out); err != nil {
		return fmt.Errorf("%w: %v", ErrDecode, err)
	}
	if d.More() {
		return fmt.Errorf("%w: data after the value", ErrDecode)
	}
	return nil
}

// LoadRecord decodes a record strictly (no unknown fields, canonical
// encodings) and checks the manifest's shape rules, so that a malformed
// record fails at load with its place ("ballot 17 (b17)", "trustee 2",
// "manifest", "tally 1") rather than later or not at all. Every error is a
// *VerifyError.
func LoadRecord(data []byte) (*Record, error) {
	var raw rawRecord
	if err := strictDecode(data, &raw); err != nil {
		return nil, &VerifyError{"record", err}
	}
	r := &Record{}
	if raw.Manifest == nil {
		return nil, &VerifyError{"manifest", fmt.Errorf("%w: missing", ErrDecode)}
	}
	if err := strictDecode(raw.Manifest, &r.Manifest); err != nil {
		return nil, &VerifyError{"manifest", err}
	}
	if err := r.Manifest.Check(); err != nil {
		return nil, &VerifyError{"manifest", err}
	}
	for i, c := range raw.Commitments {
		var cm Commitment
		if err := strictDecode(c, &cm); err != nil {
			return nil, &VerifyError{fmt.Sprintf("trustee %d", i+1), err}
		}
		r.Commitments = append(r.Commitments, &cm)
	}
	if raw.JointKey != nil && !bytes.Equal(raw.JointKey, []byte("null")) {
		r.JointKey = new(Point)
		if err := strictDecode(raw.JointKey, r.JointKey); err != nil {
			return nil, &VerifyError{"joint key", err}
		}
	}
	// Ballots decode in parallel (point decoding is most of the work); the
	// first failure by position is reported.
	r.Ballots = make([]*Ballot, len(raw.Ballots))
	errs := make([]error, len(raw.Ballots))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(raw.Ballots); i += workers {
				var bl Ballot
				if errs[i] = strictDecode(raw.Ballots[i], &bl); errs[i] == nil {
					r.Ballots[i] = &bl
				}
			}
		}(w)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, &VerifyError{fmt.Sprintf("ballot %d", i), err}
		}
	}
	if raw.Ballots == nil {
		r.Ballots = nil
	}
	for i, t := range raw.Tally {
		var ct ContestTally
		if err := strictDecode(t, &ct); err != nil {
			return nil, &VerifyError{fmt.Sprintf("tally %d", i), err}
		}
		r.Tally = append(r.Tally, ct)
	}
	return r, nil
}
