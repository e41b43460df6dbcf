package apitype

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/ledger"
)

func TestParseEventFilter(t *testing.T) {
	attr := func(k, v string) ledger.Attribute { return ledger.Attribute{Key: k, Value: v} }
	good := map[string]EventFilter{
		"":                {},
		"module=registry": {Module: "registry"},
		"type=registry.transferred&type=registry.registered&type=registry.transferred": {Types: []string{"registry.transferred", "registry.registered"}},
		"attr=parcel:BJ-001&attr=seq:2":          {Attrs: []ledger.Attribute{attr("parcel", "BJ-001"), attr("seq", "2")}},
		"attr=note:a:b":                          {Attrs: []ledger.Attribute{attr("note", "a:b")}},
		"attr=result:":                           {Attrs: []ledger.Attribute{attr("result", "")}},
		"attr=place:" + url.QueryEscape("东城 1号"): {Attrs: []ledger.Attribute{attr("place", "东城 1号")}},
		"code=any":                               {},
		"code=ok":                                {Code: CodeOK},
		"code=failed&blocks=true":                {Code: CodeFailed, Blocks: true},
		"blocks=false&from_height=42":            {FromHeight: 42},
	}
	for q, want := range good {
		v, err := url.ParseQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseEventFilter(v)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %+v %v, want %+v", q, got, err, want)
		}
	}
	bad := []string{
		"modul=registry", "module=", "module=a.b", "module=a&module=b", "module=" + strings.Repeat("a", 129),
		"type=", "type=a%20b", "type=a/b", "type=" + strings.Repeat("a.", 65),
		"attr=", "attr=nocolon", "attr=:value", "attr=k%00:v", "attr=k:%0A", "attr=k:" + strings.Repeat("v", 257),
		"attr=k:%ff", "code=maybe", "code=ok&code=failed", "blocks=1", "blocks=",
		"from_height=0", "from_height=-3", "from_height=1e3", "from_height=", "from_height=99999999999999999999",
		"type=" + strings.Repeat("&type=a", 17),
	}
	for _, q := range bad {
		v, _ := url.ParseQuery(q)
		if f, err := ParseEventFilter(v); err == nil {
			t.Errorf("%q accepted as %+v", q, f)
		}
	}
}

// Any query either is refused or parses to a filter that its own Query
// reads back to.
func FuzzParseEventFilter(f *testing.F) {
	for _, s := range []string{"", "module=registry&type=registry.transferred&attr=parcel:BJ-001&code=ok&blocks=true&from_height=7",
		"attr=a:b&attr=c:d:e&type=x.y&type=x.y", "code=any&blocks=false", "attr=k:", "module=a&module=a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		ef, err := ParseEventFilter(q)
		if err != nil {
			return
		}
		again, err := ParseEventFilter(ef.Query())
		if err != nil || !reflect.DeepEqual(again, ef) {
			t.Fatalf("%q: %+v reads back as %+v (%v)", raw, ef, again, err)
		}
		ef.Match(&EventMessage{Type: EventTx, Events: []ledger.Event{{Type: "a.b", Attrs: []ledger.Attribute{{Key: "k", Value: ""}}}}})
	})
}

func TestEventFilterMatch(t *testing.T) {
	transfer := &EventMessage{Type: EventTx, Code: 0, MsgTypes: []string{"registry.confirm_payment"}, Events: []ledger.Event{
		{Type: "registry.payment_confirmed", Attrs: []ledger.Attribute{{Key: "id", Value: "1"}}},
		{Type: "registry.transferred", Attrs: []ledger.Attribute{{Key: "parcel", Value: "BJ-001"}, {Key: "seq", Value: "2"}}},
	}}
	failed := &EventMessage{Type: EventTx, Code: 203, MsgTypes: []string{"registry.open_transfer"}}
	block := &EventMessage{Type: EventBlock}
	a := func(k, v string) ledger.Attribute { return ledger.Attribute{Key: k, Value: v} }
	for _, c := range []struct {
		name             string
		f                EventFilter
		transfer, failed bool
		block            bool
	}{
		{"none", EventFilter{}, true, true, false},
		{"blocks", EventFilter{Blocks: true}, true, true, true},
		{"module by event", EventFilter{Module: "registry"}, true, true, false},
		{"other module", EventFilter{Module: "identity"}, false, false, false},
		{"module is a prefix before the dot", EventFilter{Module: "reg"}, false, false, false},
		{"type", EventFilter{Types: []string{"registry.transferred"}}, true, false, false},
		{"any of types", EventFilter{Types: []string{"x.y", "registry.payment_confirmed"}}, true, false, false},
		{"attr", EventFilter{Attrs: []ledger.Attribute{a("parcel", "BJ-001")}}, true, false, false},
		{"attrs in one event", EventFilter{Attrs: []ledger.Attribute{a("parcel", "BJ-001"), a("seq", "2")}}, true, false, false},
		{"attrs across events", EventFilter{Attrs: []ledger.Attribute{a("parcel", "BJ-001"), a("id", "1")}}, false, false, false},
		{"attr of another type", EventFilter{Types: []string{"registry.payment_confirmed"}, Attrs: []ledger.Attribute{a("parcel", "BJ-001")}}, false, false, false},
		{"attr value differs", EventFilter{Attrs: []ledger.Attribute{a("parcel", "BJ-002")}}, false, false, false},
		{"ok", EventFilter{Code: CodeOK}, true, false, false},
		{"failed", EventFilter{Code: CodeFailed, Module: "registry"}, false, true, false},
	} {
		if got := c.f.Match(transfer); got != c.transfer {
			t.Errorf("%s: transfer %v", c.name, got)
		}
		if got := c.f.Match(failed); got != c.failed {
			t.Errorf("%s: failed tx %v", c.name, got)
		}
		if got := c.f.Match(block); got != c.block {
			t.Errorf("%s: block %v", c.name, got)
		}
	}
}

// The two message shapes on the wire.
func TestEventMessageJSON(t *testing.T) {
	tm := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	b, _ := json.Marshal(EventMessage{Type: EventTx, Height: 7, Time: tm, TxHash: "ab", LogIndex: 0})
	if want := `{"type":"tx","height":7,"time":"2025-01-02T03:04:05.000000006Z","tx_hash":"ab","log_index":0,"code":0,"events":[],"msg_types":[]}`; string(b) != want {
		t.Errorf("tx message\n%s\nwant\n%s", b, want)
	}
	b, _ = json.Marshal(EventMessage{Type: EventBlock, Height: 7, Time: tm, AppHash: "cd", NumTxs: 0})
	if want := `{"type":"block","height":7,"time":"2025-01-02T03:04:05.000000006Z","app_hash":"cd","num_txs":0}`; string(b) != want {
		t.Errorf("block message\n%s\nwant\n%s", b, want)
	}
	var m EventMessage
	if err := json.Unmarshal(b, &m); err != nil || m.Type != EventBlock || m.AppHash != "cd" || !m.Time.Equal(tm) {
		t.Errorf("read back %+v %v", m, err)
	}
}
