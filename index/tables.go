package index

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/govchain/govchain/app/module"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL
	_ "modernc.org/sqlite"             // the embedded default driver
)

// TablesOf collects the index tables the modules declare (a module
// implementing module.Indexer).
func TablesOf(mods []module.Module) []Table {
	var ts []Table
	for _, m := range mods {
		if ix, ok := m.(module.Indexer); ok {
			for _, t := range ix.IndexTables() {
				ts = append(ts, Table{Module: m.Name(), IndexTable: t})
			}
		}
	}
	return ts
}

// OpenDSN opens "sqlite:PATH" (WAL, synchronous=NORMAL: a committed
// transaction survives a kill -9 of the process; a power loss may lose
// the last transactions, which the cursor then replays), or a PostgreSQL
// URL "postgres://..." (pgx's database/sql driver).
func OpenDSN(ctx context.Context, dsn string, tables []Table) (*Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		s, err := Open(ctx, db, Postgres, tables)
		if err != nil {
			db.Close()
		}
		return s, err
	}
	path, ok := strings.CutPrefix(dsn, "sqlite:")
	if !ok {
		return nil, fmt.Errorf("index database %q: want sqlite:PATH or postgres://...", dsn)
	}
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	s, err := Open(ctx, db, SQLite, tables)
	if err != nil {
		db.Close()
	}
	return s, err
}

// DropDSN removes every table of the index at dsn (for a rebuild from
// genesis), whatever module tables it was built with.
func DropDSN(ctx context.Context, dsn string) error {
	s, err := OpenDSN(ctx, dsn, nil)
	if err != nil {
		return err
	}
	defer s.DB.Close()
	return s.Drop(ctx)
}
