// Package pgtest starts a throwaway PostgreSQL cluster for tests: initdb
// in a temp dir, pg_ctl start on a free loopback port, stop at the end. It
// skips the test when the PostgreSQL binaries are absent (.ci/run installs
// them from the distribution's packages).
package pgtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Start inits a cluster in a temp dir on a free port, starts it
// and stops it at the end; it skips when the binaries are absent.
func Start(t testing.TB) string {
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
