package index

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
)

// startPostgres inits a cluster in a temp dir on a free port, starts it
// and stops it at the end; it skips when the binaries are absent.
func startPostgres(t testing.TB) string {
	t.Helper()
	bin := ""
	for _, dir := range []string{"", "/usr/lib/postgresql/15/bin/"} {
		if p, err := exec.LookPath(dir + "initdb"); err == nil {
			bin = filepath.Dir(p) + "/"
			break
		}
	}
	if bin == "" {
		t.Skip("PostgreSQL binaries (initdb, pg_ctl) not found: PostgreSQL tests skipped")
	}
	// initdb refuses to run as root: then run the server as the
	// "postgres" user (the Debian package creates it) in a directory it owns.
	dir, err := os.MkdirTemp("", "govchain-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	cmd := func(name string, args ...string) *exec.Cmd { return exec.Command(name, args...) }
	if os.Geteuid() == 0 {
		if exec.Command("id", "postgres").Run() != nil {
			t.Skip("running as root without a postgres user: PostgreSQL tests skipped")
		}
		if out, err := exec.Command("chown", "postgres", dir).CombinedOutput(); err != nil {
			t.Fatalf("chown: %v %s", err, out)
		}
		cmd = func(name string, args ...string) *exec.Cmd {
			return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	if out, err := cmd(bin+"initdb", "-D", dir+"/data", "-U", "postgres", "-A", "trust").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", port, dir)
	if out, err := cmd(bin+"pg_ctl", "-D", dir+"/data", "-o", opts, "-w", "-l", dir+"/log", "start").CombinedOutput(); err != nil {
		log, _ := os.ReadFile(dir + "/log")
		t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	t.Cleanup(func() { cmd(bin+"pg_ctl", "-D", dir+"/data", "-m", "immediate", "stop").Run() })
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
}

// TestPostgresEqualsSQLite applies the same stream to both databases,
// twice to PostgreSQL (the replay must be a no-op), and compares the
// module tables and cursor.
func TestPostgresEqualsSQLite(t *testing.T) {
	dsn := startPostgres(t)
	ctx := context.Background()
	msgs, state := fixture(30)
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
