package reflog

import (
	"encoding/hex"
	"encoding/json"
	"os"

	"github.com/govchain/govchain/ledger"
)

// Vectors is the format of ledger/testdata/vectors*.json (docs/proofs.md).
type Vectors struct {
	Comment     string              `json:"comment"`
	Events      []EventsVector      `json:"events"`
	Leaves      []LeafVector        `json:"leaves"`
	Roots       []string            `json:"roots"` // roots[n] is the root of the first n leaves
	Inclusion   []InclusionVector   `json:"inclusion"`
	Consistency []ConsistencyVector `json:"consistency"`
	AppHash     AppHashVector       `json:"app_hash"`
}

// EventsVector is a tx's events, their canonical CBOR and events hash.
type EventsVector struct {
	Comment    string         `json:"comment"`
	Events     []ledger.Event `json:"events"`
	CBOR       string         `json:"cbor"`
	EventsHash string         `json:"events_hash"`
}

// LeafVector is an entry, its canonical bytes and leaf hash.
type LeafVector struct {
	Entry     Entry  `json:"entry"`
	LeafBytes string `json:"leaf_bytes"`
	LeafHash  string `json:"leaf_hash"`
}

// Entry is a log entry with its hashes in hex, as the proof files write it.
type Entry struct {
	TxHash     string `json:"tx_hash"`
	Height     uint64 `json:"height"`
	Code       uint32 `json:"code"`
	EventsHash string `json:"events_hash"`
}

// HexEntry writes e with hex hashes.
func HexEntry(e ledger.Entry) Entry {
	return Entry{TxHash: hex.EncodeToString(e.TxHash), Height: e.Height, Code: e.Code, EventsHash: hex.EncodeToString(e.EventsHash)}
}

// Ledger reads the entry back.
func (e Entry) Ledger() ledger.Entry {
	return ledger.Entry{TxHash: MustHex(e.TxHash), Height: e.Height, Code: e.Code, EventsHash: MustHex(e.EventsHash)}
}

// InclusionVector proves leaf Index in a log of Size.
type InclusionVector struct {
	Index uint64   `json:"index"`
	Size  uint64   `json:"size"`
	Proof []string `json:"proof"`
}

// ConsistencyVector proves the log of Size2 extends the one of Size1.
type ConsistencyVector struct {
	Size1 uint64   `json:"size1"`
	Size2 uint64   `json:"size2"`
	Proof []string `json:"proof"`
}

// AppHashVector is one app hash computation.
type AppHashVector struct {
	StateRoot string `json:"state_root"`
	LogRoot   string `json:"log_root"`
	LogSize   uint64 `json:"log_size"`
	AppHash   string `json:"app_hash"`
}

// ReadVectors reads a vector file.
func ReadVectors(path string) (*Vectors, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var v Vectors
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// WriteVectors writes a vector file as the tests expect to read it.
func WriteVectors(path string, v *Vectors) error {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(out, '\n'), 0o644)
}

// Hexes encodes hashes in hex (an empty list as [], not null).
func Hexes(bs [][]byte) []string {
	out := []string{}
	for _, b := range bs {
		out = append(out, hex.EncodeToString(b))
	}
	return out
}

// MustHex decodes hex or panics.
func MustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// Unhexes decodes a list of hex hashes.
func Unhexes(ss []string) [][]byte {
	var out [][]byte
	for _, s := range ss {
		out = append(out, MustHex(s))
	}
	return out
}
