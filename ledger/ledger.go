// Package ledger defines govchain's record log: every committed
// transaction, with its result code and the hash of its events, is a leaf of
// an RFC 6962 Merkle tree (github.com/transparency-dev/merkle). This package
// holds what a verifier needs: the hash structure over a pluggable 256-bit
// hash, the entry and its canonical encoding, the inclusion and consistency
// proof checks, and the app hash.
//
// It is pure: no storage, no clock. It imports codec and the merkle library,
// nothing else of govchain's, and never Pebble; the stored log that appends
// entries and makes proofs is ledger/logdb.
package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"

	"github.com/transparency-dev/merkle"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"

	"github.com/govchain/govchain/codec"
)

// Errors of the stored log (ledger/logdb), here so that its users can match
// them without importing it.
var (
	ErrNotFound = errors.New("ledger: not found")
	ErrBadRange = errors.New("ledger: index or size out of range")
)

// RootMismatchError is what VerifyInclusion and VerifyConsistency return
// when a proof leads to another root (match it with errors.As).
type RootMismatchError = proof.RootMismatchError

// Hasher is the log's hash function in the RFC 6962 structure:
// leaf = H(0x00 || leaf bytes), node = H(0x01 || left || right), empty root
// = H(""). It implements merkle.LogHasher for any 256-bit hash (SHA-256 by
// default, SM3 on chains whose genesis names it): the library's rfc6962
// hasher takes only hashes registered in Go's crypto package, which SM3 is
// not. The same H makes the events hash and the app hash.
type Hasher struct {
	Name string
	sum  func([]byte) [32]byte
}

// SHA256 is the default Hasher; it equals the library's rfc6962.DefaultHasher.
var SHA256 = Hasher{Name: "sha256", sum: sha256.Sum256}

// NewHasher makes a Hasher from a 256-bit hash function.
func NewHasher(name string, sum func([]byte) [32]byte) Hasher { return Hasher{Name: name, sum: sum} }

var _ merkle.LogHasher = Hasher{}

// EmptyRoot is H("").
func (h Hasher) EmptyRoot() []byte { s := h.sum(nil); return s[:] }

// HashLeaf is H(0x00 || leaf).
func (h Hasher) HashLeaf(leaf []byte) []byte {
	s := h.sum(append([]byte{rfc6962.RFC6962LeafHashPrefix}, leaf...))
	return s[:]
}

// HashChildren is H(0x01 || l || r).
func (h Hasher) HashChildren(l, r []byte) []byte {
	b := make([]byte, 0, 1+len(l)+len(r))
	b = append(b, rfc6962.RFC6962NodeHashPrefix)
	b = append(append(b, l...), r...)
	s := h.sum(b)
	return s[:]
}

// Size is 32.
func (h Hasher) Size() int { return 32 }

// Entry is one leaf of the log.
type Entry struct {
	TxHash     []byte `cbor:"1,keyasint" json:"tx_hash"`
	Height     uint64 `cbor:"2,keyasint" json:"height"`
	Code       uint32 `cbor:"3,keyasint,omitempty" json:"code"`
	EventsHash []byte `cbor:"4,keyasint" json:"events_hash"`
}

// Detail is what the log keeps beside a leaf for readers: the tx itself, its
// position in its block, the result message and events.
type Detail struct {
	Tx      []byte  `cbor:"1,keyasint"`
	TxIndex uint32  `cbor:"2,keyasint,omitempty"`
	Log     string  `cbor:"3,keyasint,omitempty"`
	Events  []Event `cbor:"4,keyasint,omitempty"`
}

// Event is a typed record of what a transaction did.
type Event struct {
	Type  string      `cbor:"1,keyasint" json:"type"`
	Attrs []Attribute `cbor:"2,keyasint,omitempty" json:"attributes,omitempty"`
}

// Attribute is one key/value of an event.
type Attribute struct {
	Key   string `cbor:"1,keyasint" json:"key"`
	Value string `cbor:"2,keyasint" json:"value"`
}

// EventsHash commits to a list of events: SHA-256 of their canonical CBOR
// encoding (an empty list encodes as 0x80).
func EventsHash(evs []Event) []byte { return SHA256.EventsHash(evs) }

// EventsHash commits to a list of events: H of their canonical CBOR
// encoding.
func (h Hasher) EventsHash(evs []Event) []byte {
	if evs == nil {
		evs = []Event{}
	}
	sum := h.sum(codec.MustMarshal(evs))
	return sum[:]
}

// LeafBytes is the canonical encoding of an entry: what the leaf hash covers.
func LeafBytes(e *Entry) []byte { return codec.MustMarshal(e) }

// LeafHash is the RFC 6962 leaf hash of an entry (SHA-256).
func LeafHash(e *Entry) []byte { return SHA256.LeafHash(e) }

// LeafHash is the RFC 6962 leaf hash of an entry.
func (h Hasher) LeafHash(e *Entry) []byte { return h.HashLeaf(LeafBytes(e)) }

// VerifyInclusion checks an inclusion proof of entry e at index in a
// SHA-256 log of size with root.
func VerifyInclusion(e *Entry, index, size uint64, p [][]byte, root []byte) error {
	return SHA256.VerifyInclusion(e, index, size, p, root)
}

// VerifyConsistency checks that root2 (size2) extends root1 (size1) in a
// SHA-256 log.
func VerifyConsistency(size1, size2 uint64, p [][]byte, root1, root2 []byte) error {
	return SHA256.VerifyConsistency(size1, size2, p, root1, root2)
}

// VerifyInclusion checks an inclusion proof of entry e at index in a log of
// size with root.
func (h Hasher) VerifyInclusion(e *Entry, index, size uint64, p [][]byte, root []byte) error {
	return proof.VerifyInclusion(h, index, size, h.LeafHash(e), p, root)
}

// VerifyConsistency checks that root2 (size2) extends root1 (size1).
func (h Hasher) VerifyConsistency(size1, size2 uint64, p [][]byte, root1, root2 []byte) error {
	return proof.VerifyConsistency(h, size1, size2, p, root1, root2)
}

// AppHash is what the validators sign (in the next block's header):
// SHA-256("govchain/apphash/v1" || state root || log root || log size as
// 8 bytes big-endian).
func AppHash(stateRoot, logRoot []byte, logSize uint64) []byte {
	return SHA256.AppHash(stateRoot, logRoot, logSize)
}

// AppHash is H("govchain/apphash/v1" || state root || log root || log size
// as 8 bytes big-endian).
func (h Hasher) AppHash(stateRoot, logRoot []byte, logSize uint64) []byte {
	b := make([]byte, 0, 19+len(stateRoot)+len(logRoot)+8)
	b = append(b, "govchain/apphash/v1"...)
	b = append(append(b, stateRoot...), logRoot...)
	b = binary.BigEndian.AppendUint64(b, logSize)
	s := h.sum(b)
	return s[:]
}
