package voting

import (
	"testing"
	"time"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/ledger"
)

type indexMapReader map[string][]byte

func (m indexMapReader) Get(k []byte) ([]byte, bool) { v, ok := m[string(k)]; return v, ok }

func TestIndexTables(t *testing.T) {
	st := indexMapReader{}
	tables := map[string]module.IndexTable{}
	for _, tb := range New().IndexTables() {
		if err := tb.Validate(); err != nil {
			t.Fatal(err)
		}
		tables[tb.Name] = tb
	}
	cast := module.IndexEvent{Height: 12, Time: time.Date(2026, 11, 3, 14, 59, 59, 0, time.UTC), State: st,
		Event: ledger.Event{Type: "voting.ballot_cast", Attrs: []ledger.Attribute{{Key: "election", Value: "e1"}, {Key: "seq", Value: "4"}}}}
	for name, tb := range tables {
		if _, err := tb.Rows(cast); err == nil {
			t.Fatalf("%s: a row from a missing record", name)
		}
	}
	st[electionKey("e1")] = codec.MustMarshal(Election{ID: "e1", Trustees: []string{"a", "b", "c"}, Threshold: 2, RollCount: 10, Ballots: 5, Counted: 4})
	st[ballotKey("e1", 4)] = codec.MustMarshal(BallotEntry{Seq: 4, Voter: "gc1v", Code: []byte{0xab}, Height: 12, Counted: true})
	want := map[string]string{"elections": "voting/election/e1", "ballots": "voting/ballot/e1/00000000000000000004"}
	for name, tb := range tables {
		rows, err := tb.Rows(cast)
		if err != nil || len(rows) != 1 {
			t.Fatal(name, rows, err)
		}
		if err := tb.CheckRow(rows[0]); err != nil {
			t.Fatal(err)
		}
		if rows[0].StateKey != want[name] {
			t.Fatalf("%s: state key %s", name, rows[0].StateKey)
		}
		if name == "ballots" && (rows[0].Values["cast_hour"] != "2026-11-03T14" || rows[0].Values["tracking_code"] != "ab") {
			t.Fatalf("ballot row %v", rows[0].Values)
		}
		if name == "elections" && (rows[0].Values["ballots"] != int64(5) || rows[0].Values["trustees"] != int64(3)) {
			t.Fatalf("election row %v", rows[0].Values)
		}
	}
}
