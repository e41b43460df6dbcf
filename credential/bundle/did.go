package bundle

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/govchain/govchain/credential"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/x/credentials"
)

// ErrDIDDocument: the document is not the one the proven record gives.
var ErrDIDDocument = errors.New("bundle: the DID document is not the one the proven state gives")

// DIDResolution is GET /v1/did/{did}?prove=true.
type DIDResolution struct {
	DIDDocument json.RawMessage   `json:"did_document"`
	State       verify.StateProof `json:"state"`
}

// VerifyDID checks a DID resolution offline: the state proof from the
// trusted genesis, the key is the one the DID resolves from, and the
// document is exactly what the proven value gives.
func VerifyDID(did string, data []byte, t *verify.Trust) (*credential.DIDDocument, *verify.Result, error) {
	d, err := credential.ParseDID(did)
	if err != nil {
		return nil, nil, err
	}
	var r DIDResolution
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if r.State.Key != credentials.DIDStateKey(d) || r.State.ChainID != d.Chain {
		return nil, nil, fmt.Errorf("%w: the proof is of %q on %q", ErrProofs, r.State.Key, r.State.ChainID)
	}
	res, err := verify.VerifyStateProof(&r.State, t)
	if err != nil {
		return nil, nil, err
	}
	if r.State.Value == nil {
		return nil, nil, fmt.Errorf("%w: the state proves %q absent", ErrDIDDocument, r.State.Key)
	}
	v, _ := base64.StdEncoding.DecodeString(*r.State.Value)
	doc, err := credentials.DIDDocument(d, v)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrDIDDocument, err)
	}
	want, _ := json.Marshal(doc)
	var a, b any
	if json.Unmarshal(want, &a) != nil || json.Unmarshal(r.DIDDocument, &b) != nil || !jsonEqual(a, b) {
		return nil, nil, ErrDIDDocument
	}
	return doc, res, nil
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
