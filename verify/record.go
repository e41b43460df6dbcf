package verify

import (
	"encoding/json"
	"fmt"
	"time"
)

// RecordProof is a module record read with ?prove=true
// (GET /v1/<module>/<path>?prove=true, `govchain query <module> <query>
// --prove -o json`): the record as the API shows it and the state proof of
// its key. The record is refused unless it is exactly what decoding the
// proven value gives (docs/proofs.md, "Module records").
type RecordProof struct {
	Record json.RawMessage `json:"record"`
	Proof  StateProof      `json:"proof"`
}

// ParseRecord reads a proven module record file strictly.
func ParseRecord(b []byte) (*RecordProof, error) {
	var p RecordProof
	if err := parseStrict(b, "proven record", &p); err != nil {
		return nil, err
	}
	if len(p.Record) == 0 {
		return nil, fmt.Errorf("%w: proven record without a record", ErrMalformed)
	}
	return &p, nil
}

// RecordView is what a record shown at a height may depend on: that height
// and its block time, both proven by the anchor.
type RecordView struct {
	Height int64
	Time   time.Time
}

// Decoded is a proven value decoded as one kind of record.
type Decoded struct {
	Kind   string          // e.g. "registry.Parcel"
	Record json.RawMessage // as the API shows it
}

// RecordDecoder decodes a proven value at key as every kind of record it
// could be (each decoding canonical: the value re-encodes to the same
// bytes), with the fields derived at read time computed from view. The
// chain's modules declare their records; the CLI builds the decoder from
// them (verify knows no module).
type RecordDecoder func(key string, value []byte, view RecordView) []Decoded

// VerifyRecord checks the state proof, then that the record is the proven
// value decoded: the same JSON value, field for field, as one of the
// decodings of the value.
func VerifyRecord(p *RecordProof, t *Trust, decode RecordDecoder) (*Result, error) {
	v, res, err := verifyState(&p.Proof, t)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, fmt.Errorf("%w: the proof shows the key %q absent", ErrRecord, p.Proof.Key)
	}
	ds := decode(p.Proof.Key, v, RecordView{Height: p.Proof.Height, Time: res.Signed.StateTime})
	if len(ds) == 0 {
		return nil, fmt.Errorf("%w: the value of %q is no record the chain's modules declare", ErrRecord, p.Proof.Key)
	}
	var first error
	for _, d := range ds {
		if err := sameJSON(p.Record, d.Record, "record"); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		res.Record, res.RecordType = d.Record, d.Kind
		res.Summary = fmt.Sprintf("%s at %q is the record shown, at height %d of %s, signed by %s", d.Kind, p.Proof.Key, p.Proof.Height, p.Proof.ChainID, res.Signed.Words())
		return res, nil
	}
	return nil, fmt.Errorf("%w: %w", ErrRecord, first)
}
