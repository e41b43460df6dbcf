package module

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/govchain/govchain/ledger"
)

// Index tables (issue 18): a module declares, next to its queries, the
// typed SQL tables the indexer (package index) fills for it. The
// declaration is SQL-neutral: x/* never imports a database package; the
// indexer maps ColumnType to each database's type and writes the rows.
//
// Every row the indexer writes also carries two columns it adds itself,
// "height" (the block whose state the row was read from) and "state_key"
// (the state key of the record the row came from), so the API can return
// the state proof of any row (/v1/state/{key}?prove=true at that height)
// and a citizen never has to trust the index.

// ColumnType is an SQL-neutral column type.
type ColumnType int

// Column types. Int is a signed 64-bit integer (money is integer fen);
// Text is UTF-8; Bool is a boolean; Bytes is a binary string.
const (
	Text ColumnType = iota + 1
	Int
	Bool
	Bytes
)

func (t ColumnType) String() string {
	switch t {
	case Text:
		return "text"
	case Int:
		return "int"
	case Bool:
		return "bool"
	case Bytes:
		return "bytes"
	}
	return fmt.Sprintf("ColumnType(%d)", int(t))
}

// Column is one column of an index table.
type Column struct {
	Name string
	Type ColumnType
	// Key marks the columns of the table's primary key (with the
	// indexer's own height-independent identity: a later version of a
	// record replaces the row with the same key).
	Key bool
	// Indexed asks for a secondary index (a filter or sort column).
	Indexed bool
	Doc     string
}

// Row is one row of an index table: values by column name, of Go types
// string, int64, bool or []byte matching the column's type. StateKey is
// the state key the row was read from ("" for a row derived only from an
// event, as a transfer history entry whose proof is its tx's).
type Row struct {
	StateKey string
	Values   map[string]any
}

// IndexEvent is what a table's Rows function sees: one event of a
// committed transaction, and a Reader over the state at that height (the
// indexer reads the node's API at ?height= to serve it).
type IndexEvent struct {
	Height int64
	// Time is the block time of Height (for time buckets such as
	// "ballots cast per hour"; never the wall clock).
	Time     time.Time
	TxHash   string
	LogIndex uint64
	Event    ledger.Event
	State    Reader
}

// Attr returns the value of an event attribute ("" when absent).
func (e IndexEvent) Attr(key string) string {
	for _, a := range e.Event.Attrs {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}

// IndexTable declares one typed table of a module. Its SQL name is
// "<module>_<Name>". Rows is pure: from an event of one of Events' types
// and the state at its height to the rows to upsert (by Key columns).
type IndexTable struct {
	Name    string
	Doc     string
	Columns []Column
	Events  []string
	Rows    func(IndexEvent) ([]Row, error)
}

// Indexer is implemented by a module that declares index tables.
type Indexer interface {
	IndexTables() []IndexTable
}

var identRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,40}$`)

// reserved column names the indexer adds to every table.
var reservedColumns = map[string]bool{"height": true, "state_key": true}

// sqlReserved are words SQLite or PostgreSQL reserve: not table or column
// names (the indexer does not quote identifiers).
var sqlReserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric both case cast check collate column
		constraint create current_date current_role current_time current_timestamp current_user default deferrable desc
		distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral
		leading limit localtime localtimestamp not null offset on only or order placing primary references returning
		select session_user some symmetric table then to trailing true union unique user using variadic when where window with
		index key abort action add after attach autoincrement before begin by cascade commit conflict cross database
		deferred delete detach drop each escape exclusive exists explain fail full glob if ignore immediate indexed inner
		insert instead is isnull join left like match natural no notnull of outer plan pragma query raise recursive regexp
		reindex release rename replace restrict right rollback row savepoint set temp temporary transaction trigger update
		vacuum values view virtual`) {
		sqlReserved[w] = true
	}
}

// Validate checks a table declaration: SQL-safe names, known types, at
// least one key column, no reserved or duplicate column, a Rows function.
func (t IndexTable) Validate() error {
	if !identRE.MatchString(t.Name) || sqlReserved[t.Name] {
		return fmt.Errorf("index table %q: name must match %s", t.Name, identRE)
	}
	if t.Rows == nil || len(t.Events) == 0 {
		return fmt.Errorf("index table %q: needs Events and Rows", t.Name)
	}
	seen := map[string]bool{}
	keys := 0
	for _, c := range t.Columns {
		if !identRE.MatchString(c.Name) || reservedColumns[c.Name] || sqlReserved[c.Name] || seen[c.Name] {
			return fmt.Errorf("index table %q: bad, reserved or duplicate column %q", t.Name, c.Name)
		}
		if c.Type < Text || c.Type > Bytes {
			return fmt.Errorf("index table %q: column %q: unknown type %v", t.Name, c.Name, c.Type)
		}
		seen[c.Name] = true
		if c.Key {
			keys++
		}
	}
	if keys == 0 {
		return fmt.Errorf("index table %q: no key column", t.Name)
	}
	return nil
}

// CheckRow checks that a row has exactly the table's columns with values
// of their types (the indexer calls it before writing).
func (t IndexTable) CheckRow(r Row) error {
	if len(r.Values) != len(t.Columns) {
		return fmt.Errorf("index table %q: row has %d values, want %d", t.Name, len(r.Values), len(t.Columns))
	}
	for _, c := range t.Columns {
		v, ok := r.Values[c.Name]
		if !ok {
			return fmt.Errorf("index table %q: row lacks column %q", t.Name, c.Name)
		}
		good := false
		switch c.Type {
		case Text:
			_, good = v.(string)
		case Int:
			_, good = v.(int64)
		case Bool:
			_, good = v.(bool)
		case Bytes:
			_, good = v.([]byte)
		}
		if !good {
			return fmt.Errorf("index table %q: column %q: value %T is not %v", t.Name, c.Name, v, c.Type)
		}
	}
	return nil
}
