// Package ledger is govchain's record log: every committed transaction, with
// its result code and the hash of its events, appended as a leaf of an
// RFC 6962 Merkle tree (github.com/transparency-dev/merkle). It gives
// inclusion proofs (this transaction is in the log) and consistency proofs
// (the log only grew), and the log root that goes into the app hash.
//
// The log is kept in Pebble under the "l/" prefix. It imports codec and the
// merkle library, nothing else of govchain's.
package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/cockroachdb/pebble"
	"github.com/transparency-dev/merkle"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"

	"github.com/govchain/govchain/codec"
)

// Pebble key layout:
//
//	l/e/<index>          -> leaf bytes (canonical CBOR of Entry)
//	l/d/<index>          -> Detail (the tx bytes and its events, not hashed into the leaf)
//	l/t/<tx hash>        -> index of the tx's first appearance
//	l/n/<level><index>   -> hash of a perfect subtree
//	l/c                  -> size and the compact range hashes (the log's right border)
const (
	pfxEntry  = "l/e/"
	pfxDetail = "l/d/"
	pfxTx     = "l/t/"
	pfxNode   = "l/n/"
	keyRange  = "l/c"
)

var (
	ErrNotFound   = errors.New("ledger: not found")
	ErrBadRange   = errors.New("ledger: index or size out of range")
	errCorruption = errors.New("ledger: corrupt log")
)

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

// Log is the record log. Readers may run concurrently with one writer.
type Log struct {
	db *pebble.DB
	h  Hasher
	rf *compact.RangeFactory

	mu   sync.RWMutex
	rng  *compact.Range // committed
	next *compact.Range // staged by Append, published by Commit
}

type rangeState struct {
	Size   uint64   `cbor:"1,keyasint,omitempty"`
	Hashes [][]byte `cbor:"2,keyasint,omitempty"`
}

// Open loads the SHA-256 log from db.
func Open(db *pebble.DB) (*Log, error) { return OpenWithHasher(db, SHA256) }

// OpenWithHasher loads the log from db, hashed with h.
func OpenWithHasher(db *pebble.DB, h Hasher) (*Log, error) {
	l := &Log{db: db, h: h, rf: &compact.RangeFactory{Hash: h.HashChildren}}
	b, closer, err := db.Get([]byte(keyRange))
	if errors.Is(err, pebble.ErrNotFound) {
		l.rng = l.rf.NewEmptyRange(0)
		return l, nil
	}
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	var st rangeState
	if err := codec.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%w: %v", errCorruption, err)
	}
	if l.rng, err = l.rf.NewRange(0, st.Size, st.Hashes); err != nil {
		return nil, fmt.Errorf("%w: %v", errCorruption, err)
	}
	return l, nil
}

// Size is the number of committed entries.
func (l *Log) Size() uint64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.rng.End()
}

// Root returns the committed size and root.
func (l *Log) Root() (uint64, []byte, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	r, err := l.rootOf(l.rng)
	return l.rng.End(), r, err
}

func (l *Log) rootOf(r *compact.Range) ([]byte, error) {
	if r.End() == 0 {
		return l.h.EmptyRoot(), nil
	}
	return r.GetRootHash(nil)
}

func nodeKey(id compact.NodeID) []byte {
	k := make([]byte, 0, len(pfxNode)+9)
	k = append(k, pfxNode...)
	k = append(k, byte(id.Level))
	return binary.BigEndian.AppendUint64(k, id.Index)
}

func idxKey(p string, i uint64) []byte { return binary.BigEndian.AppendUint64([]byte(p), i) }

// Record is an entry with its detail, as Append takes them.
type Record struct {
	Entry  Entry
	Detail Detail
}

// Append stages records after the committed log into b and returns the new
// size and root. Only the last Append before Commit counts; a later Append
// starts again from the committed log.
func (l *Log) Append(b *pebble.Batch, recs []Record) (uint64, []byte, error) {
	l.mu.RLock()
	next, err := l.rf.NewRange(0, l.rng.End(), append([][]byte{}, l.rng.Hashes()...))
	l.mu.RUnlock()
	if err != nil {
		return 0, nil, err
	}
	visit := func(id compact.NodeID, h []byte) {
		b.Set(nodeKey(id), h, nil)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		idx := next.End()
		leaf := LeafBytes(&r.Entry)
		b.Set(idxKey(pfxEntry, idx), leaf, nil)
		b.Set(idxKey(pfxDetail, idx), codec.MustMarshal(&r.Detail), nil)
		tk := append([]byte(pfxTx), r.Entry.TxHash...)
		if !seen[string(tk)] {
			if _, c, err := l.db.Get(tk); errors.Is(err, pebble.ErrNotFound) {
				b.Set(tk, binary.BigEndian.AppendUint64(nil, idx), nil)
			} else if err != nil {
				return 0, nil, err
			} else {
				c.Close()
			}
			seen[string(tk)] = true
		}
		if err := next.Append(l.h.HashLeaf(leaf), visit); err != nil {
			return 0, nil, err
		}
	}
	b.Set([]byte(keyRange), codec.MustMarshal(&rangeState{Size: next.End(), Hashes: next.Hashes()}), nil)
	root, err := l.rootOf(next)
	if err != nil {
		return 0, nil, err
	}
	l.mu.Lock()
	l.next = next
	l.mu.Unlock()
	return next.End(), root, nil
}

// Commit publishes what the last Append staged; call it after the batch has
// been written.
func (l *Log) Commit() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.next != nil {
		l.rng, l.next = l.next, nil
	}
}

func (l *Log) get(k []byte) ([]byte, error) {
	v, closer, err := l.db.Get(k)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	return append([]byte{}, v...), nil
}

// Entry returns the committed entry at index.
func (l *Log) Entry(index uint64) (*Entry, *Detail, error) {
	if index >= l.Size() {
		return nil, nil, ErrNotFound
	}
	lb, err := l.get(idxKey(pfxEntry, index))
	if err != nil {
		return nil, nil, err
	}
	var e Entry
	if err := codec.Unmarshal(lb, &e); err != nil {
		return nil, nil, fmt.Errorf("%w: entry %d: %v", errCorruption, index, err)
	}
	db, err := l.get(idxKey(pfxDetail, index))
	if err != nil {
		return nil, nil, err
	}
	var d Detail
	if err := codec.Unmarshal(db, &d); err != nil {
		return nil, nil, fmt.Errorf("%w: detail %d: %v", errCorruption, index, err)
	}
	return &e, &d, nil
}

// Find returns the log index of the first appearance of a tx hash.
func (l *Log) Find(txHash []byte) (uint64, error) {
	v, err := l.get(append([]byte(pfxTx), txHash...))
	if err != nil {
		return 0, err
	}
	if len(v) != 8 {
		return 0, errCorruption
	}
	idx := binary.BigEndian.Uint64(v)
	if idx >= l.Size() {
		return 0, ErrNotFound // staged but not yet committed
	}
	return idx, nil
}

func (l *Log) hashes(ids []compact.NodeID) ([][]byte, error) {
	out := make([][]byte, len(ids))
	for i, id := range ids {
		h, err := l.get(nodeKey(id))
		if err != nil {
			return nil, fmt.Errorf("%w: node %d/%d: %v", errCorruption, id.Level, id.Index, err)
		}
		out[i] = h
	}
	return out, nil
}

// RootAt returns the root of the log when it had size entries.
func (l *Log) RootAt(size uint64) ([]byte, error) {
	if size > l.Size() {
		return nil, ErrBadRange
	}
	if size == 0 {
		return l.h.EmptyRoot(), nil
	}
	hs, err := l.hashes(compact.RangeNodes(0, size, nil))
	if err != nil {
		return nil, err
	}
	r, err := l.rf.NewRange(0, size, hs)
	if err != nil {
		return nil, err
	}
	return r.GetRootHash(nil)
}

// InclusionProof proves entry index is in the log of the given size.
func (l *Log) InclusionProof(index, size uint64) ([][]byte, error) {
	if index >= size || size > l.Size() {
		return nil, ErrBadRange
	}
	n, err := proof.Inclusion(index, size)
	if err != nil {
		return nil, err
	}
	hs, err := l.hashes(n.IDs)
	if err != nil {
		return nil, err
	}
	return n.Rehash(hs, l.h.HashChildren)
}

// ConsistencyProof proves the log of size2 extends the log of size1.
func (l *Log) ConsistencyProof(size1, size2 uint64) ([][]byte, error) {
	if size1 > size2 || size2 > l.Size() {
		return nil, ErrBadRange
	}
	n, err := proof.Consistency(size1, size2)
	if err != nil {
		return nil, err
	}
	hs, err := l.hashes(n.IDs)
	if err != nil {
		return nil, err
	}
	return n.Rehash(hs, l.h.HashChildren)
}

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
