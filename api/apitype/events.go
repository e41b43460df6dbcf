package apitype

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govchain/govchain/ledger"
)

// The event stream, GET /v1/events (docs/api-events.md): a websocket that
// sends one JSON message per committed transaction matching the
// subscriber's filter, and optionally one per block. This file holds what
// the server and the SDK share: the message and the filter.

// Kinds of EventMessage.
const (
	EventTx    = "tx"
	EventBlock = "block"
)

// EventMessage is one message of the event stream. A "tx" message is a
// committed transaction, failed or not, with the events it emitted; a
// "block" message (only with blocks=true) follows the tx messages of its
// height, so it marks that height as complete.
type EventMessage struct {
	Type   string    `json:"type"`
	Height int64     `json:"height"`
	Time   time.Time `json:"time"`

	// Tx messages.
	TxHash   string         `json:"tx_hash,omitempty"`
	LogIndex uint64         `json:"log_index"`
	Code     uint32         `json:"code"`
	Log      string         `json:"log,omitempty"`
	Events   []ledger.Event `json:"events,omitempty"`
	MsgTypes []string       `json:"msg_types,omitempty"`

	// Block messages.
	AppHash string `json:"app_hash,omitempty"`
	NumTxs  uint64 `json:"num_txs,omitempty"`
}

// eventTxJSON and eventBlockJSON are the two shapes on the wire: a tx
// message always carries log_index, code, events and msg_types (zero and
// empty are meaningful there); a block message carries none of them.
type eventTxJSON struct {
	Type     string         `json:"type"`
	Height   int64          `json:"height"`
	Time     time.Time      `json:"time"`
	TxHash   string         `json:"tx_hash"`
	LogIndex uint64         `json:"log_index"`
	Code     uint32         `json:"code"`
	Log      string         `json:"log,omitempty"`
	Events   []ledger.Event `json:"events"`
	MsgTypes []string       `json:"msg_types"`
}

type eventBlockJSON struct {
	Type    string    `json:"type"`
	Height  int64     `json:"height"`
	Time    time.Time `json:"time"`
	AppHash string    `json:"app_hash"`
	NumTxs  uint64    `json:"num_txs"`
}

// MarshalJSON writes the shape of the message's type.
func (m EventMessage) MarshalJSON() ([]byte, error) {
	if m.Type == EventBlock {
		return json.Marshal(eventBlockJSON{Type: m.Type, Height: m.Height, Time: m.Time, AppHash: m.AppHash, NumTxs: m.NumTxs})
	}
	evs, types := m.Events, m.MsgTypes
	if evs == nil {
		evs = []ledger.Event{}
	}
	if types == nil {
		types = []string{}
	}
	return json.Marshal(eventTxJSON{Type: m.Type, Height: m.Height, Time: m.Time, TxHash: m.TxHash, LogIndex: m.LogIndex,
		Code: m.Code, Log: m.Log, Events: evs, MsgTypes: types})
}

// Event stream codes filters (the code query parameter).
const (
	CodeAny    = ""       // every transaction (also spelled "any")
	CodeOK     = "ok"     // code 0 only
	CodeFailed = "failed" // non-zero codes only
)

// Limits of a filter.
const (
	maxFilterValues = 16  // type= and attr= each
	maxFilterText   = 128 // a module, event type or attribute key
	maxAttrValue    = 256
)

// EventFilter selects what an event stream sends, as the query parameters
// of GET /v1/events. Every parameter given must match (and); the zero
// filter sends every committed transaction from now on.
type EventFilter struct {
	// Module keeps txs with an event type or a message type in this module
	// ("registry" keeps "registry.*").
	Module string
	// Types keeps txs with an event of one of these exact types.
	Types []string
	// Attrs keeps txs with one event that has all of these attributes (and,
	// with Types, is of one of those types).
	Attrs []ledger.Attribute
	// Code is CodeAny, CodeOK or CodeFailed.
	Code string
	// Blocks adds a block message after the tx messages of each height.
	Blocks bool
	// FromHeight, when positive, first replays committed history from this
	// height, then continues live without a gap or a duplicate. Zero
	// starts with the next committed block.
	FromHeight int64
}

// eventParams are the query parameters of GET /v1/events.
var eventParams = []string{"module", "type", "attr", "code", "blocks", "from_height"}

// ParseEventFilter reads an EventFilter from query parameters, refusing
// unknown, repeated or malformed ones.
func ParseEventFilter(q url.Values) (EventFilter, error) {
	var f EventFilter
	for k, vs := range q {
		if !slices.Contains(eventParams, k) {
			return f, fmt.Errorf("unknown parameter %q (known: %s)", k, strings.Join(eventParams, ", "))
		}
		if len(vs) > 1 && k != "type" && k != "attr" {
			return f, fmt.Errorf("parameter %s given %d times", k, len(vs))
		}
		if len(vs) > maxFilterValues {
			return f, fmt.Errorf("at most %d %s parameters", maxFilterValues, k)
		}
	}
	if v, ok := q["module"]; ok {
		if err := checkName("module", v[0], false); err != nil {
			return f, err
		}
		f.Module = v[0]
	}
	for _, t := range q["type"] {
		if err := checkName("type", t, true); err != nil {
			return f, err
		}
		if !slices.Contains(f.Types, t) {
			f.Types = append(f.Types, t)
		}
	}
	for _, a := range q["attr"] {
		k, v, ok := strings.Cut(a, ":")
		if !ok || k == "" {
			return f, fmt.Errorf("attr %q: want key:value", a)
		}
		if len(k) > maxFilterText || !printable(k) {
			return f, fmt.Errorf("attr key %q: at most %d printable characters", k, maxFilterText)
		}
		if len(v) > maxAttrValue || !printable(v) {
			return f, fmt.Errorf("attr value of %q: at most %d printable characters", k, maxAttrValue)
		}
		at := ledger.Attribute{Key: k, Value: v}
		if !slices.Contains(f.Attrs, at) {
			f.Attrs = append(f.Attrs, at)
		}
	}
	switch c := q.Get("code"); c {
	case "", "any":
	case CodeOK, CodeFailed:
		f.Code = c
	default:
		return f, fmt.Errorf("code must be ok, failed or any, not %q", c)
	}
	if _, ok := q["blocks"]; ok {
		switch q.Get("blocks") {
		case "true":
			f.Blocks = true
		case "false":
		default:
			return f, fmt.Errorf("blocks must be true or false")
		}
	}
	if _, ok := q["from_height"]; ok {
		h, err := strconv.ParseInt(q.Get("from_height"), 10, 64)
		if err != nil || h < 1 {
			return f, fmt.Errorf("from_height must be a positive integer")
		}
		f.FromHeight = h
	}
	return f, nil
}

// checkName checks a module name (letters, digits, _) or an event type
// (such names joined by dots).
func checkName(param, s string, dotted bool) error {
	ok := s != "" && len(s) <= maxFilterText
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || dotted && c == '.'
	}
	if !ok {
		what := "a module name: letters, digits and _"
		if dotted {
			what = "an event type such as registry.transferred"
		}
		return fmt.Errorf("%s %q: want %s, at most %d characters", param, s, what, maxFilterText)
	}
	return nil
}

func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0xfffd {
			return false
		}
	}
	return true
}

// Query is the filter as query parameters (ParseEventFilter reads it back).
func (f EventFilter) Query() url.Values {
	q := url.Values{}
	if f.Module != "" {
		q.Set("module", f.Module)
	}
	for _, t := range f.Types {
		q.Add("type", t)
	}
	for _, a := range f.Attrs {
		q.Add("attr", a.Key+":"+a.Value)
	}
	if f.Code != CodeAny {
		q.Set("code", f.Code)
	}
	if f.Blocks {
		q.Set("blocks", "true")
	}
	if f.FromHeight > 0 {
		q.Set("from_height", strconv.FormatInt(f.FromHeight, 10))
	}
	return q
}

// Match reports whether the filter keeps a message. Block messages match
// when the filter asks for blocks.
func (f *EventFilter) Match(m *EventMessage) bool {
	if m.Type == EventBlock {
		return f.Blocks
	}
	switch {
	case f.Code == CodeOK && m.Code != 0, f.Code == CodeFailed && m.Code == 0:
		return false
	}
	if f.Module != "" && !f.matchModule(m) {
		return false
	}
	if len(f.Types) == 0 && len(f.Attrs) == 0 {
		return true
	}
	for i := range m.Events {
		if f.matchEvent(&m.Events[i]) {
			return true
		}
	}
	return false
}

func (f *EventFilter) matchModule(m *EventMessage) bool {
	prefix := f.Module + "."
	for _, e := range m.Events {
		if strings.HasPrefix(e.Type, prefix) {
			return true
		}
	}
	for _, t := range m.MsgTypes {
		if strings.HasPrefix(t, prefix) {
			return true
		}
	}
	return false
}

// matchEvent: the event is of one of the types (if any) and has every
// attribute asked for.
func (f *EventFilter) matchEvent(e *ledger.Event) bool {
	if len(f.Types) > 0 && !slices.Contains(f.Types, e.Type) {
		return false
	}
	for _, want := range f.Attrs {
		if !slices.Contains(e.Attrs, want) {
			return false
		}
	}
	return true
}
