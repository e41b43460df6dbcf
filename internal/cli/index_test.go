package cli

import (
	"context"
	"encoding/base64"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/index"
	"github.com/govchain/govchain/node"
	"github.com/govchain/govchain/x/identity"
)

// TestIndexFollowsNode indexes a dev node's stream into SQLite, then checks
// the identity accounts table against the state tree at the index height
// (each row's state key read back at the row's height), and that a second
// run over the same database (a restart) adds no duplicate.
func TestIndexFollowsNode(t *testing.T) {
	d, e := startNode(t)
	e.ok("keys", "new", "alice")
	e.ok("keys", "new", "bob")
	e.ok("tx", "identity", "create-account", "--from", "cab-admin", "--key", "alice", "--citizen")
	e.ok("tx", "identity", "create-account", "--from", "mof-admin", "--key", "bob", "--role", "auditor")
	target := d.Height()

	c := client.New(d.URL)
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "index.db")
	run := func() *index.Store {
		s, err := index.OpenDSN(context.Background(), dsn, index.TablesOf(node.Modules()))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- index.Follow(ctx, index.HTTPSource{C: c}, s, index.FollowOptions{}) }()
		deadline := time.After(60 * time.Second)
		for {
			var n int
			s.DB.QueryRow("SELECT COUNT(*) FROM txs WHERE height <= ?", target).Scan(&n)
			if n >= 2 {
				break
			}
			select {
			case err := <-done:
				t.Fatalf("indexer stopped: %v", err)
			case <-deadline:
				t.Fatal("index did not reach the node's height")
			case <-time.After(50 * time.Millisecond): // polling the index; the node is idle
			}
		}
		cancel()
		<-done
		return s
	}
	s := run()
	s.DB.Close()
	s = run()
	defer s.DB.Close()

	var n int
	s.DB.QueryRow("SELECT COUNT(*) FROM txs").Scan(&n)
	if n != 2 {
		t.Fatalf("%d txs indexed after a restart, want 2", n)
	}
	rows, err := s.DB.Query("SELECT address, department, citizen, height, state_key FROM identity_accounts ORDER BY address")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	count := 0
	for rows.Next() {
		var addr, dept, key string
		var citizen bool
		var h int64
		if err := rows.Scan(&addr, &dept, &citizen, &h, &key); err != nil {
			t.Fatal(err)
		}
		count++
		st, err := c.State(context.Background(), key, h, true)
		if err != nil || !st.Found || st.Proof == nil {
			t.Fatalf("state of %s at %d: %+v %v", key, h, st, err)
		}
		var a identity.Account
		raw, _ := base64.StdEncoding.DecodeString(*st.Value)
		if err := codec.Unmarshal(raw, &a); err != nil {
			t.Fatal(err)
		}
		if got, want := []any{addr, dept, citizen}, []any{a.Address, a.Department, a.Citizen}; !reflect.DeepEqual(got, want) {
			t.Errorf("index row %v, state %v", got, want)
		}
	}
	if count != 2 {
		t.Fatalf("%d account rows, want 2", count)
	}
}
