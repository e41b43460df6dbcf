package app

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/cockroachdb/pebble"

	"github.com/govchain/govchain/store/treedb"
)

// A database whose state tree was written in format 1 (a 33-byte root
// record) is refused when the app opens, not at its first block or query.
func TestNewRefusesOldTreeFormat(t *testing.T) {
	h := newHarness(t)
	h.block()
	height := h.app.committed.Height
	h.app.Close()
	root := binary.BigEndian.AppendUint64([]byte("s/r/"), uint64(height))
	if err := h.db.Set(root, make([]byte, 33), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if _, err := New(h.db, Options{Modules: testModules()}); !errors.Is(err, treedb.ErrOldFormat) {
		t.Fatalf("opening a format-1 database: %v", err)
	}
}
