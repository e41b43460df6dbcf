package index

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/govchain/govchain/index/pgtest"
)

func startPostgres(t testing.TB) string { return pgtest.Start(t) }

// TestPostgresEqualsSQLite applies the same stream to both databases,
// twice to PostgreSQL (the replay must be a no-op), and compares the
// module tables and cursor.
func TestPostgresEqualsSQLite(t *testing.T) {
	dsn := startPostgres(t)
	ctx := context.Background()
	msgs, state := fixture(30)
	msgs = withBlocks(msgs)
	pg, err := OpenDSN(ctx, dsn, registryTables())
	if err != nil {
		t.Fatal(err)
	}
	defer pg.DB.Close()
	lite := openSQLite(t, filepath.Join(t.TempDir(), "l.db"))
	for pass := 0; pass < 2; pass++ {
		for _, m := range msgs {
			if _, err := pg.Apply(ctx, m, state); err != nil {
				t.Fatal(err)
			}
			if pass == 0 {
				if _, err := lite.Apply(ctx, m, state); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	q := func(s *Store) []string {
		rows, err := s.DB.Query("SELECT number, district, area_centi_m2, owners, height, state_key FROM registry_parcels ORDER BY number")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var n, d, o, k string
			var a, h int64
			if err := rows.Scan(&n, &d, &a, &o, &h, &k); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(n, d, a, o, h, k))
		}
		return out
	}
	if a, b := q(pg), q(lite); len(a) != 30 || !reflect.DeepEqual(a, b) {
		t.Fatalf("postgres %d rows, sqlite %d rows, equal %v", len(a), len(b), reflect.DeepEqual(a, b))
	}
	var n int
	pg.DB.QueryRow("SELECT COUNT(*) FROM txs").Scan(&n)
	if n != 30 {
		t.Fatalf("%d txs in postgres after a replay, want 30", n)
	}
}
