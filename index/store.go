// Package index is govchain's SQL index of committed transactions (issue
// 18): blocks, txs, events and each module's typed tables (declared by the
// module as module.IndexTable), written through database/sql to SQLite
// (modernc.org/sqlite, the embedded default, no cgo) or PostgreSQL.
//
// Durability: the cursor (height, tx index) of the last applied message is
// written in the same SQL transaction as that message's rows (a tx's
// events are all in that transaction), so after a crash of either side the
// indexer resumes from the cursor with no gap and no duplicate (a message
// at or before the cursor is skipped, one that skips a height is refused).
//
// Migrations: a minimal versioned runner (schema_version table, numbered
// steps applied in one transaction each) rather than goose: module tables
// are generated from the modules' Go declarations, not SQL files, and the
// runner is twenty lines.
//
// It reads a node through a Source (HTTPSource over the API for `govchain
// index`; node.LocalSource in process for `govchain start --index`),
// serves the read side the API mounts at /v1/index/... (query.go), and
// checks itself against the state tree (Check). It imports no node, api
// server or CometBFT package. docs/index.md describes it all.
package index

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app/module"
)

// Dialect is the SQL flavour of the database.
type Dialect int

// Dialects.
const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) colType(t module.ColumnType) string {
	switch t {
	case module.Int:
		return "BIGINT"
	case module.Bool:
		return "BOOLEAN"
	case module.Bytes:
		if d == Postgres {
			return "BYTEA"
		}
		return "BLOB"
	}
	return "TEXT"
}

// ph returns the i-th (1-based) placeholder.
func (d Dialect) ph(i int) string {
	if d == Postgres {
		return fmt.Sprintf("$%d", i)
	}
	return "?"
}

// Table is a module's index table with its SQL name.
type Table struct {
	Module string
	module.IndexTable
}

// SQLName is the table's name in the database.
func (t Table) SQLName() string { return t.Module + "_" + t.Name }

// Store writes the index.
type Store struct {
	DB      *sql.DB
	Dialect Dialect
	Tables  []Table
	byEvent map[string][]Table

	sqlTx, sqlEvent, sqlBlock string
	sqlUpsert                 map[string]string // by table
}

// migrations are the core schema's versioned steps.
var migrations = []string{
	`CREATE TABLE index_cursor (id INTEGER PRIMARY KEY, height BIGINT NOT NULL, tx_index BIGINT NOT NULL);
	 INSERT INTO index_cursor (id, height, tx_index) VALUES (1, 0, -1);
	 CREATE TABLE txs (height BIGINT NOT NULL, tx_index BIGINT NOT NULL, hash TEXT NOT NULL, code BIGINT NOT NULL,
	   msg_types TEXT NOT NULL, time TEXT NOT NULL, PRIMARY KEY (height, tx_index));
	 CREATE INDEX txs_hash ON txs (hash);
	 CREATE TABLE events (height BIGINT NOT NULL, tx_index BIGINT NOT NULL, event_index BIGINT NOT NULL,
	   type TEXT NOT NULL, attributes TEXT NOT NULL, PRIMARY KEY (height, tx_index, event_index));
	 CREATE INDEX events_type ON events (type);`,
	// 2: blocks (a height is complete once its block is written) and the
	// column signature of each module table, to detect a changed
	// declaration (which needs a rebuild).
	`CREATE TABLE blocks (height BIGINT PRIMARY KEY, time TEXT NOT NULL, app_hash TEXT NOT NULL, num_txs BIGINT NOT NULL);
	 CREATE INDEX txs_time ON txs (time);
	 CREATE TABLE index_tables (name TEXT PRIMARY KEY, signature TEXT NOT NULL);`,
}

// Open migrates the core schema and creates the modules' tables.
func Open(ctx context.Context, db *sql.DB, d Dialect, tables []Table) (*Store, error) {
	p := d.ph
	s := &Store{DB: db, Dialect: d, Tables: tables, byEvent: map[string][]Table{}, sqlUpsert: map[string]string{},
		sqlTx:    fmt.Sprintf(`INSERT INTO txs (height, tx_index, hash, code, msg_types, time) VALUES (%s,%s,%s,%s,%s,%s)`, p(1), p(2), p(3), p(4), p(5), p(6)),
		sqlEvent: fmt.Sprintf(`INSERT INTO events (height, tx_index, event_index, type, attributes) VALUES (%s,%s,%s,%s,%s)`, p(1), p(2), p(3), p(4), p(5)),
		sqlBlock: fmt.Sprintf(`INSERT INTO blocks (height, time, app_hash, num_txs) VALUES (%s,%s,%s,%s)`, p(1), p(2), p(3), p(4))}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)`); err != nil {
		return nil, err
	}
	var v int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return nil, err
	}
	for ; v < len(migrations); v++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		for _, stmt := range strings.Split(migrations[v], ";") {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return nil, fmt.Errorf("migration %d: %w", v+1, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (`+d.ph(1)+`)`, v+1); err != nil {
			tx.Rollback()
			return nil, err
		}
		if err := tx.Commit(); err != nil {
			return nil, err
		}
	}
	for _, t := range tables {
		if err := t.Validate(); err != nil {
			return nil, err
		}
		cols := []string{}
		keys := []string{}
		for _, c := range t.Columns {
			cols = append(cols, c.Name+" "+d.colType(c.Type)+" NOT NULL")
			if c.Key {
				keys = append(keys, c.Name)
			}
		}
		cols = append(cols, "height BIGINT NOT NULL", "state_key TEXT NOT NULL", "PRIMARY KEY ("+strings.Join(keys, ", ")+")")
		if err := checkSignature(ctx, db, d, t); err != nil {
			return nil, err
		}
		if _, err := db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS "+t.SQLName()+" ("+strings.Join(cols, ", ")+")"); err != nil {
			return nil, err
		}
		for _, c := range t.Columns {
			if c.Indexed {
				if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s_%s ON %s (%s)", t.SQLName(), c.Name, t.SQLName(), c.Name)); err != nil {
					return nil, err
				}
			}
		}
		for _, e := range t.Events {
			s.byEvent[e] = append(s.byEvent[e], t)
		}
		s.sqlUpsert[t.SQLName()] = d.upsertSQL(t)
	}
	return s, nil
}

// ErrSchemaChanged is Open's error for a module table whose declaration
// differs from the one the database was built with: rebuild the index.
var ErrSchemaChanged = errors.New("index: a module table's declaration changed: rebuild the index (govchain index --rebuild)")

// checkSignature records a module table's column signature the first time
// and refuses a database built with another declaration.
func checkSignature(ctx context.Context, db *sql.DB, d Dialect, t Table) error {
	var parts []string
	for _, c := range t.Columns {
		parts = append(parts, fmt.Sprintf("%s:%v:%t:%t", c.Name, c.Type, c.Key, c.Indexed))
	}
	sig := strings.Join(parts, ",")
	var have string
	err := db.QueryRowContext(ctx, `SELECT signature FROM index_tables WHERE name = `+d.ph(1), t.SQLName()).Scan(&have)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = db.ExecContext(ctx, `INSERT INTO index_tables (name, signature) VALUES (`+d.ph(1)+`, `+d.ph(2)+`)`, t.SQLName(), sig)
		return err
	case err != nil:
		return err
	case have != sig:
		return fmt.Errorf("%w: %s was %q, now %q", ErrSchemaChanged, t.SQLName(), have, sig)
	}
	return nil
}

// Drop removes every table of the index (for a rebuild from genesis); the
// store must be opened again.
func (s *Store) Drop(ctx context.Context) error {
	names := []string{}
	for _, t := range s.Tables {
		names = append(names, t.SQLName())
	}
	// and the module tables of an older declaration
	if rows, err := s.DB.QueryContext(ctx, `SELECT name FROM index_tables ORDER BY name`); err == nil {
		for rows.Next() {
			var n string
			if rows.Scan(&n) == nil && identOK(n) {
				names = append(names, n)
			}
		}
		rows.Close()
	}
	names = append(names, "txs", "events", "blocks", "index_cursor", "index_tables", "schema_version")
	for _, n := range names {
		if _, err := s.DB.ExecContext(ctx, "DROP TABLE IF EXISTS "+n); err != nil {
			return err
		}
	}
	return nil
}

func identOK(n string) bool {
	for _, r := range n {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return n != ""
}

// ErrGap is ApplyBatch's refusal of a message that does not follow the
// cursor: the follower reconnects from the cursor instead of writing it.
var ErrGap = errors.New("index: a gap in the stream")

// blockDone is the cursor's tx index once a height's block message is
// applied: the height is complete.
const blockDone int64 = 1 << 62

// Cursor returns the last applied message's height and tx index (0, -1
// when empty; tx index blockDone once the height's block is applied).
func (s *Store) Cursor(ctx context.Context) (height, txIndex int64, err error) {
	err = s.DB.QueryRowContext(ctx, `SELECT height, tx_index FROM index_cursor WHERE id = 1`).Scan(&height, &txIndex)
	return
}

// Height is the last height the index holds completely (0 when empty).
func (s *Store) Height(ctx context.Context) (int64, error) {
	h, ti, err := s.Cursor(ctx)
	if err != nil {
		return 0, err
	}
	if ti == blockDone {
		return h, nil
	}
	return max(h-1, 0), nil
}

// resumeFrom is the height a stream resumes from: the cursor's height
// while incomplete (its applied txs are skipped), the next one once done.
func (s *Store) resumeFrom(ctx context.Context) (int64, error) {
	h, ti, err := s.Cursor(ctx)
	if err != nil {
		return 0, err
	}
	if ti == blockDone {
		h++
	}
	return max(h, 1), nil
}

// StateAt returns a module's state at a height (the indexer reads the
// node; tests serve a map).
type StateAt func(module string, height int64) module.Reader

// Apply writes one message (Applybatch of one).
func (s *Store) Apply(ctx context.Context, m apitype.EventMessage, state StateAt) (applied bool, err error) {
	n, err := s.ApplyBatch(ctx, []*apitype.EventMessage{&m}, state)
	return n > 0, err
}

// ApplyBatch writes messages in order, in one SQL transaction with the
// cursor: a tx message writes its tx, events and module rows; a block
// message writes the block and completes its height. A message at or
// before the cursor is skipped; applied counts the others.
func (s *Store) ApplyBatch(ctx context.Context, msgs []*apitype.EventMessage, state StateAt) (applied int, err error) {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			applied = 0
		}
	}()
	var h, ti int64
	if err = tx.QueryRowContext(ctx, `SELECT height, tx_index FROM index_cursor WHERE id = 1`).Scan(&h, &ti); err != nil {
		return 0, err
	}
	p := s.Dialect.ph
	st := &stmts{tx: tx, m: map[string]*sql.Stmt{}}
	defer st.close()
	for _, m := range msgs {
		// A message beyond the next height (or a tx of the next height
		// while the cursor's is incomplete) means one went missing.
		if h > 0 && (m.Height > h+1 || (m.Height == h+1 && ti != blockDone)) {
			return 0, fmt.Errorf("%w: %s message of height %d after height %d (tx index %d)", ErrGap, m.Type, m.Height, h, ti)
		}
		switch m.Type {
		case apitype.EventTx:
			idx := int64(m.LogIndex)
			if m.Height < h || (m.Height == h && idx <= ti) {
				continue
			}
			if err = s.applyTx(ctx, st, m, state); err != nil {
				return 0, err
			}
			h, ti = m.Height, idx
		case apitype.EventBlock:
			if m.Height < h || (m.Height == h && ti == blockDone) {
				continue
			}
			if err = st.exec(ctx, s.sqlBlock, m.Height, formatTime(m.Time), m.AppHash, int64(m.NumTxs)); err != nil {
				return 0, err
			}
			h, ti = m.Height, blockDone
		default:
			continue
		}
		applied++
	}
	if applied == 0 {
		return 0, tx.Rollback()
	}
	if _, err = tx.ExecContext(ctx, fmt.Sprintf(`UPDATE index_cursor SET height = %s, tx_index = %s WHERE id = 1`, p(1), p(2)), h, ti); err != nil {
		return 0, err
	}
	return applied, tx.Commit()
}

// stmts prepares each statement once per SQL transaction (a batch runs the
// same few statements thousands of times; parsing them each time was a
// large part of the cost).
type stmts struct {
	tx *sql.Tx
	m  map[string]*sql.Stmt
}

func (st *stmts) exec(ctx context.Context, q string, args ...any) error {
	ps, ok := st.m[q]
	if !ok {
		var err error
		if ps, err = st.tx.PrepareContext(ctx, q); err != nil {
			return err
		}
		st.m[q] = ps
	}
	_, err := ps.ExecContext(ctx, args...)
	return err
}

func (st *stmts) close() {
	for _, ps := range st.m {
		ps.Close()
	}
}

func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

func (s *Store) applyTx(ctx context.Context, st *stmts, m *apitype.EventMessage, state StateAt) error {
	idx := int64(m.LogIndex)
	if err := st.exec(ctx, s.sqlTx, m.Height, idx, m.TxHash, int64(m.Code), strings.Join(m.MsgTypes, ","), formatTime(m.Time)); err != nil {
		return err
	}
	for i, e := range m.Events {
		attrs, _ := json.Marshal(e.Attrs)
		if err := st.exec(ctx, s.sqlEvent, m.Height, idx, int64(i), e.Type, string(attrs)); err != nil {
			return err
		}
		if m.Code != 0 {
			continue // a failed tx changed no module state
		}
		for _, t := range s.byEvent[e.Type] {
			rows, rerr := t.Rows(module.IndexEvent{Height: m.Height, Time: m.Time.UTC(), TxHash: m.TxHash, LogIndex: m.LogIndex, Event: e, State: state(t.Module, m.Height)})
			if rerr != nil {
				return fmt.Errorf("%s at height %d: %w", t.SQLName(), m.Height, rerr)
			}
			for _, r := range rows {
				if err := s.upsert(ctx, st, t, r, m.Height); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
func (s *Store) upsert(ctx context.Context, st *stmts, t Table, r module.Row, height int64) error {
	if err := t.CheckRow(r); err != nil {
		return err
	}
	args := make([]any, 0, len(t.Columns)+2)
	for _, c := range t.Columns {
		args = append(args, r.Values[c.Name])
	}
	return st.exec(ctx, s.sqlUpsert[t.SQLName()], append(args, height, r.StateKey)...)
}

// upsertSQL is a table's INSERT ... ON CONFLICT DO UPDATE.
func (d Dialect) upsertSQL(t Table) string {
	names, phs, sets, keys := []string{}, []string{}, []string{}, []string{}
	for i, c := range t.Columns {
		names = append(names, c.Name)
		phs = append(phs, d.ph(i+1))
		if c.Key {
			keys = append(keys, c.Name)
		} else {
			sets = append(sets, c.Name+" = excluded."+c.Name)
		}
	}
	n := len(t.Columns)
	names = append(names, "height", "state_key")
	phs = append(phs, d.ph(n+1), d.ph(n+2))
	sets = append(sets, "height = excluded.height", "state_key = excluded.state_key")
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO UPDATE SET %s", t.SQLName(),
		strings.Join(names, ", "), strings.Join(phs, ", "), strings.Join(keys, ", "), strings.Join(sets, ", "))
}
