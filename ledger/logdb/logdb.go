// Package logdb is the stored record log: the RFC 6962 Merkle log of
// package ledger kept in Pebble, which appends the committed transactions'
// entries block by block and makes the roots and inclusion and consistency
// proofs that ledger's pure functions check.
//
// It is the only part of the record log that touches Pebble, so that
// verifiers and the state machine's modules, which import ledger, do not.
// It imports ledger, codec and the merkle library.
package logdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/cockroachdb/pebble"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"

	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/ledger"
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

var errCorruption = errors.New("ledger: corrupt log")

// Log is the record log. Readers may run concurrently with one writer.
type Log struct {
	db *pebble.DB
	h  ledger.Hasher
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
func Open(db *pebble.DB) (*Log, error) { return OpenWithHasher(db, ledger.SHA256) }

// OpenWithHasher loads the log from db, hashed with h.
func OpenWithHasher(db *pebble.DB, h ledger.Hasher) (*Log, error) {
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
		return nil, fmt.Errorf("%w: %w", errCorruption, err)
	}
	if l.rng, err = l.rf.NewRange(0, st.Size, st.Hashes); err != nil {
		return nil, fmt.Errorf("%w: %w", errCorruption, err)
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
	Entry  ledger.Entry
	Detail ledger.Detail
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
		leaf := ledger.LeafBytes(&r.Entry)
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
		return nil, ledger.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	return append([]byte{}, v...), nil
}

// Entry returns the committed entry at index.
func (l *Log) Entry(index uint64) (*ledger.Entry, *ledger.Detail, error) {
	if index >= l.Size() {
		return nil, nil, ledger.ErrNotFound
	}
	lb, err := l.get(idxKey(pfxEntry, index))
	if err != nil {
		return nil, nil, err
	}
	var e ledger.Entry
	if err := codec.Unmarshal(lb, &e); err != nil {
		return nil, nil, fmt.Errorf("%w: entry %d: %w", errCorruption, index, err)
	}
	db, err := l.get(idxKey(pfxDetail, index))
	if err != nil {
		return nil, nil, err
	}
	var d ledger.Detail
	if err := codec.Unmarshal(db, &d); err != nil {
		return nil, nil, fmt.Errorf("%w: detail %d: %w", errCorruption, index, err)
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
		return 0, ledger.ErrNotFound // staged but not yet committed
	}
	return idx, nil
}

func (l *Log) hashes(ids []compact.NodeID) ([][]byte, error) {
	out := make([][]byte, len(ids))
	for i, id := range ids {
		h, err := l.get(nodeKey(id))
		if err != nil {
			return nil, fmt.Errorf("%w: node %d/%d: %w", errCorruption, id.Level, id.Index, err)
		}
		out[i] = h
	}
	return out, nil
}

// RootAt returns the root of the log when it had size entries.
func (l *Log) RootAt(size uint64) ([]byte, error) {
	if size > l.Size() {
		return nil, ledger.ErrBadRange
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
		return nil, ledger.ErrBadRange
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
		return nil, ledger.ErrBadRange
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
