package app

import (
	"runtime"
	"testing"
)

// The ingest gate admits GOMAXPROCS holders, one fewer while a block
// executes (at least one), and wakes waiters when a slot frees or the
// block is done.
func TestIngestGate(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	g := newIngestGate()
	g.Acquire()
	if !g.TryAcquire() {
		t.Fatal("second slot of two refused while idle")
	}
	if g.TryAcquire() {
		t.Fatal("third slot granted on two cores")
	}
	g.Release()
	g.setExecuting(true)
	if g.TryAcquire() {
		t.Fatal("second slot granted while a block executes")
	}
	done := make(chan struct{})
	go func() { g.Acquire(); close(done) }()
	g.setExecuting(false) // the block is done: the waiter gets the second slot
	<-done
	g.Release()
	g.Release()

	runtime.GOMAXPROCS(1)
	g.setExecuting(true)
	if !g.TryAcquire() {
		t.Fatal("one core: the only slot refused while a block executes")
	}
	done = make(chan struct{})
	go func() { g.Acquire(); close(done) }()
	g.Release() // the waiter gets the freed slot
	<-done
	g.Release()
	g.setExecuting(false)
}
