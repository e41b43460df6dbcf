package index

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/x/registry"
)

type mapReader map[string][]byte

func (m mapReader) Get(k []byte) ([]byte, bool) { v, ok := m[string(k)]; return v, ok }

func registryTables() []Table {
	var ts []Table
	for _, t := range registry.New().IndexTables() {
		ts = append(ts, Table{Module: registry.Name, IndexTable: t})
	}
	return ts
}

// fixture: n parcels registered one per tx, two per block; the state at
// every height holds every parcel (a parcel never changes here).
func fixture(n int) ([]apitype.EventMessage, StateAt) {
	st := mapReader{}
	var msgs []apitype.EventMessage
	for i := 0; i < n; i++ {
		num := fmt.Sprintf("P-%07d", i)
		st["parcel/"+num] = codec.MustMarshal(registry.Parcel{Number: num, District: fmt.Sprintf("d%d", i%3), Area: uint64(100 + i),
			Use: "res", Owners: []registry.Owner{{Account: "gc1o", Share: 10000}}, Version: 1})
		msgs = append(msgs, apitype.EventMessage{Type: apitype.EventTx, Height: int64(2 + i/2), LogIndex: uint64(i % 2),
			Time: time.Unix(int64(i), 0), TxHash: fmt.Sprintf("%064x", i), MsgTypes: []string{"registry.register"},
			Events: []ledger.Event{{Type: "registry.registered", Attrs: []ledger.Attribute{{Key: "parcel", Value: num}, {Key: "seq", Value: "1"}}}}})
	}
	return msgs, func(string, int64) module.Reader { return st }
}

// withBlocks puts a block message after each height's tx messages, as
// the stream with blocks=true does.
func withBlocks(msgs []apitype.EventMessage) []apitype.EventMessage {
	var out []apitype.EventMessage
	for i, m := range msgs {
		out = append(out, m)
		if i == len(msgs)-1 || msgs[i+1].Height != m.Height {
			out = append(out, apitype.EventMessage{Type: apitype.EventBlock, Height: m.Height, Time: m.Time, AppHash: "00", NumTxs: 2})
		}
	}
	return out
}

func openSQLite(t *testing.T, path string) *Store {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), db, SQLite, registryTables())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func dump(t *testing.T, s *Store) [][]any {
	t.Helper()
	var out [][]any
	for _, q := range []string{"SELECT * FROM txs ORDER BY height, tx_index", "SELECT * FROM events ORDER BY height, tx_index, event_index",
		"SELECT * FROM registry_parcels ORDER BY number", "SELECT * FROM registry_history ORDER BY parcel, seq", "SELECT * FROM index_cursor"} {
		rows, err := s.DB.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out = append(out, append([]any{q}, vals...))
		}
		rows.Close()
	}
	return out
}

// TestResumeEqualsRebuild applies the stream with interruptions (the store
// closed and reopened at several points, and each resume replaying from
// the cursor's height, as a from_height reconnect does) and checks the
// result equals a one-pass build row for row, with no duplicate.
func TestResumeEqualsRebuild(t *testing.T) {
	ctx := context.Background()
	msgs, state := fixture(40)
	msgs = withBlocks(msgs)
	dir := t.TempDir()

	ref := openSQLite(t, filepath.Join(dir, "ref.db"))
	for _, m := range msgs {
		if _, err := ref.Apply(ctx, m, state); err != nil {
			t.Fatal(err)
		}
	}

	path := filepath.Join(dir, "resumed.db")
	for i, stop := range []int{10, 10, 31, 60} {
		s := openSQLite(t, path)
		h, _, err := s.Cursor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		applied := 0
		for _, m := range msgs[:stop] {
			if m.Height < h { // from_height=h replays the cursor's whole height
				continue
			}
			ok, err := s.Apply(ctx, m, state)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				applied++
			}
		}
		if (applied == 0) != (i == 1) { // the second run has nothing new
			t.Fatalf("resume to %d applied %d", stop, applied)
		}
		s.DB.Close()
	}
	s := openSQLite(t, path)
	if got, want := dump(t, s), dump(t, ref); !reflect.DeepEqual(got, want) {
		t.Fatalf("resumed index differs from a rebuild:\n got %d rows\nwant %d rows", len(got), len(want))
	}
	var n int
	s.DB.QueryRow("SELECT COUNT(*) FROM txs").Scan(&n)
	if n != 40 {
		t.Fatalf("%d txs, want 40", n)
	}
	var key string
	var height int64
	if err := s.DB.QueryRow("SELECT state_key, height FROM registry_parcels WHERE number = 'P-0000005'").Scan(&key, &height); err != nil {
		t.Fatal(err)
	}
	if key != "registry/parcel/P-0000005" || height != 4 {
		t.Fatalf("row provenance %q at %d", key, height)
	}
	s.DB.QueryRow("SELECT COUNT(*) FROM registry_parcels WHERE district = 'd1'").Scan(&n)
	if n != 13 {
		t.Fatalf("%d parcels in d1, want 13", n)
	}
}

// TestFailedTxWritesNoModuleRows: a failed tx is indexed as a tx, but its
// events do not fill module tables.
func TestFailedTxWritesNoModuleRows(t *testing.T) {
	msgs, state := fixture(1)
	msgs[0].Code = 205
	s := openSQLite(t, filepath.Join(t.TempDir(), "x.db"))
	if _, err := s.Apply(context.Background(), msgs[0], state); err != nil {
		t.Fatal(err)
	}
	var n int
	s.DB.QueryRow("SELECT COUNT(*) FROM registry_parcels").Scan(&n)
	if n != 0 {
		t.Fatal("failed tx wrote module rows")
	}
}

// TestGapRefused: a message that skips a height is not written; the
// cursor stays where it was.
func TestGapRefused(t *testing.T) {
	msgs, state := fixture(8)
	s := openSQLite(t, filepath.Join(t.TempDir(), "g.db"))
	ctx := context.Background()
	block := func(h int64) *apitype.EventMessage {
		return &apitype.EventMessage{Type: apitype.EventBlock, Height: h, AppHash: "00"}
	}
	if _, err := s.ApplyBatch(ctx, []*apitype.EventMessage{&msgs[0], &msgs[1], block(2)}, state); err != nil {
		t.Fatal(err)
	}
	// msgs[4] is at height 4: height 3 is missing.
	if _, err := s.ApplyBatch(ctx, []*apitype.EventMessage{&msgs[4]}, state); !errors.Is(err, ErrGap) {
		t.Fatalf("gap: %v", err)
	}
	if _, err := s.ApplyBatch(ctx, []*apitype.EventMessage{block(4)}, state); !errors.Is(err, ErrGap) {
		t.Fatalf("block gap: %v", err)
	}
	if h, err := s.Height(ctx); err != nil || h != 2 {
		t.Fatalf("height %d %v", h, err)
	}
	if _, err := s.ApplyBatch(ctx, []*apitype.EventMessage{&msgs[2], &msgs[3], block(3), &msgs[4]}, state); err != nil {
		t.Fatal(err)
	}
	if h, _, _ := s.Cursor(ctx); h != 4 {
		t.Fatalf("cursor height %d", h)
	}
}
