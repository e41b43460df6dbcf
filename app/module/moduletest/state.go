package moduletest

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// State is an in-memory key-value state (a module.KV over full keys,
// "<module>/<key>"). Everything that leaves it (Keys, Snapshot) is in key
// order, so nothing a test sees depends on map order.
type State struct {
	kv map[string][]byte
}

// NewState returns an empty state.
func NewState() *State { return &State{kv: map[string][]byte{}} }

// Get returns a copy of the value at key; ok is false when absent.
func (s *State) Get(key []byte) ([]byte, bool) {
	v, ok := s.kv[string(key)]
	if !ok {
		return nil, false
	}
	return append([]byte{}, v...), true
}

// Set stores a copy of value (nil stores an empty value, as the
// application's store does).
func (s *State) Set(key, value []byte) { s.kv[string(key)] = append([]byte{}, value...) }

// Delete removes key.
func (s *State) Delete(key []byte) { delete(s.kv, string(key)) }

// Len is the number of keys.
func (s *State) Len() int { return len(s.kv) }

// Keys lists the keys under prefix, sorted.
func (s *State) Keys(prefix string) []string {
	var out []string
	for k := range s.kv {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Snapshot copies the whole state, in key order.
func (s *State) Snapshot() Snapshot {
	keys := s.Keys("")
	snap := Snapshot{keys: keys, vals: make([][]byte, len(keys))}
	for i, k := range keys {
		snap.vals[i] = append([]byte{}, s.kv[k]...)
	}
	return snap
}

// Snapshot is a copy of a whole state at one moment.
type Snapshot struct {
	keys []string
	vals [][]byte
}

// Len is the number of keys.
func (s Snapshot) Len() int { return len(s.keys) }

// Equal reports whether two snapshots hold the same keys with the same
// bytes.
func (s Snapshot) Equal(o Snapshot) bool { return len(s.Diff(o)) == 0 }

// Diff lists, in key order, how after differs from s: "+ key" added,
// "- key" removed, "~ key" changed.
func (s Snapshot) Diff(after Snapshot) []string {
	var out []string
	i, j := 0, 0
	for i < len(s.keys) || j < len(after.keys) {
		switch {
		case j == len(after.keys) || (i < len(s.keys) && s.keys[i] < after.keys[j]):
			out = append(out, "- "+s.keys[i])
			i++
		case i == len(s.keys) || after.keys[j] < s.keys[i]:
			out = append(out, "+ "+after.keys[j])
			j++
		default:
			if !bytes.Equal(s.vals[i], after.vals[j]) {
				out = append(out, "~ "+s.keys[i])
			}
			i++
			j++
		}
	}
	return out
}

// describeDiff renders a diff for a failure message, at most 20 lines.
func describeDiff(d []string) string {
	if len(d) > 20 {
		return strings.Join(d[:20], "\n") + fmt.Sprintf("\n... and %d more", len(d)-20)
	}
	return strings.Join(d, "\n")
}

// overlay holds one transaction's writes over the state; they land only
// through apply.
type overlay struct {
	base   *State
	writes map[string][]byte // nil value: deleted
}

func newOverlay(base *State) *overlay { return &overlay{base: base, writes: map[string][]byte{}} }

func (o *overlay) Get(key []byte) ([]byte, bool) {
	if v, ok := o.writes[string(key)]; ok {
		if v == nil {
			return nil, false
		}
		return append([]byte{}, v...), true
	}
	return o.base.Get(key)
}

func (o *overlay) Set(key, value []byte) { o.writes[string(key)] = append([]byte{}, value...) }

func (o *overlay) Delete(key []byte) { o.writes[string(key)] = nil }

// apply writes the overlay into its state, in key order.
func (o *overlay) apply() {
	keys := make([]string, 0, len(o.writes))
	for k := range o.writes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if v := o.writes[k]; v == nil {
			o.base.Delete([]byte(k))
		} else {
			o.base.Set([]byte(k), v)
		}
	}
}

// prefixed views the keys under prefix of a KV.
type prefixed struct {
	kv interface {
		Get([]byte) ([]byte, bool)
		Set(k, v []byte)
		Delete([]byte)
	}
	prefix string
}

func (p prefixed) key(k []byte) []byte         { return append([]byte(p.prefix), k...) }
func (p prefixed) Get(k []byte) ([]byte, bool) { return p.kv.Get(p.key(k)) }
func (p prefixed) Set(k, v []byte)             { p.kv.Set(p.key(k), v) }
func (p prefixed) Delete(k []byte)             { p.kv.Delete(p.key(k)) }
