package reftree

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"

	"github.com/govchain/govchain/store"
)

// VectorFile is the format of store/testdata/vectors*.json: a tree and
// proofs an independent verifier must accept (and tampered ones it must
// reject). docs/proofs.md.
type VectorFile struct {
	Comment string            `json:"comment"`
	Entries map[string]string `json:"entries"` // key -> value (text)
	Root    string            `json:"root"`
	Proofs  []ProofVector     `json:"proofs"`
}

// ProofVector is one proof case.
type ProofVector struct {
	Key      string   `json:"key"`
	Value    *string  `json:"value"` // null: proves absence
	Siblings []string `json:"siblings"`
	Leaf     *struct {
		KeyHash   string `json:"key_hash"`
		ValueHash string `json:"value_hash"`
	} `json:"leaf"`
	Valid bool `json:"valid"`
}

// Hex encodes a hash.
func Hex(h store.Hash) string { return hex.EncodeToString(h[:]) }

// NewProofVector renders a proof of key with its value (nil when absent).
func NewProofVector(key string, value []byte, p *store.Proof) ProofVector {
	pv := ProofVector{Key: key}
	if value != nil {
		s := string(value)
		pv.Value = &s
	}
	for _, s := range p.Siblings {
		pv.Siblings = append(pv.Siblings, Hex(s))
	}
	if p.Leaf != nil {
		pv.Leaf = &struct {
			KeyHash   string `json:"key_hash"`
			ValueHash string `json:"value_hash"`
		}{Hex(p.Leaf.KeyHash), Hex(p.Leaf.ValueHash)}
	}
	return pv
}

// Proof decodes the vector's proof.
func (pv *ProofVector) Proof() (*store.Proof, error) {
	p := &store.Proof{}
	for _, s := range pv.Siblings {
		h, err := DecodeHash(s)
		if err != nil {
			return nil, err
		}
		p.Siblings = append(p.Siblings, h)
	}
	if pv.Leaf != nil {
		k, err := DecodeHash(pv.Leaf.KeyHash)
		if err != nil {
			return nil, err
		}
		v, err := DecodeHash(pv.Leaf.ValueHash)
		if err != nil {
			return nil, err
		}
		p.Leaf = &store.ProofLeaf{KeyHash: k, ValueHash: v}
	}
	return p, nil
}

// DecodeHash decodes a 32-byte hex hash.
func DecodeHash(s string) (store.Hash, error) {
	var h store.Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("reftree: %q is not a 32-byte hex hash", s)
	}
	copy(h[:], b)
	return h, nil
}

// ReadVectors reads a vector file.
func ReadVectors(path string) (*VectorFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var vf VectorFile
	if err := json.Unmarshal(b, &vf); err != nil {
		return nil, err
	}
	return &vf, nil
}

// WriteVectors writes a vector file as the tests expect to read it.
func WriteVectors(path string, vf *VectorFile) error {
	b, err := json.MarshalIndent(vf, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
