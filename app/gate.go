package app

import (
	"runtime"
	"sync"
)

// IngestGate bounds the goroutines that take in new txs (decoding,
// signature checks, CheckTx) so that they leave a core to block execution.
// On two cores, without it, the API's many request goroutines share the CPU
// round-robin with the one consensus goroutine, which then gets a small
// slice of it exactly while a block executes, and the node falls behind its
// load. While a block executes (FinalizeBlock to Commit) the gate admits
// GOMAXPROCS-1 holders (at least one); otherwise GOMAXPROCS.
type IngestGate struct {
	mu        sync.Mutex
	cond      *sync.Cond
	held      int
	executing bool
}

func newIngestGate() *IngestGate {
	g := &IngestGate{}
	g.cond = sync.NewCond(&g.mu)
	return g
}

func (g *IngestGate) limit() int {
	n := runtime.GOMAXPROCS(0)
	if g.executing {
		n--
	}
	return max(n, 1)
}

// Acquire waits for a slot.
func (g *IngestGate) Acquire() {
	g.mu.Lock()
	for g.held >= g.limit() {
		g.cond.Wait()
	}
	g.held++
	g.mu.Unlock()
}

// TryAcquire takes a slot if one is free now.
func (g *IngestGate) TryAcquire() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.held >= g.limit() {
		return false
	}
	g.held++
	return true
}

// Release gives a slot back.
func (g *IngestGate) Release() {
	g.mu.Lock()
	g.held--
	g.mu.Unlock()
	g.cond.Signal()
}

func (g *IngestGate) setExecuting(b bool) {
	g.mu.Lock()
	g.executing = b
	g.mu.Unlock()
	if !b {
		g.cond.Broadcast()
	}
}
