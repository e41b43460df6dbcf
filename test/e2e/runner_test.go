package e2e

import (
	"fmt"
	"testing"

	"github.com/govchain/govchain/api/apitype"
)

// scenario is one e2e run: a testnet, the load on it, and the steps
// applied to it in order. The runner then stops the load and checks the
// invariants on every node.
type scenario struct {
	name       string
	validators int
	fullNodes  int
	// start lists the nodes started at first (nil: all); the others wait
	// for a start step.
	start []int
	// load is the number of load workers started once the first nodes are
	// up (0: none until a startLoad step).
	load  int
	steps []step
}

// step is one phase of a scenario: a perturbation, a wait or a check.
type step struct {
	name string
	run  func(r *runner)
}

// loadBatch is the number of txs per request of a scenario's load.
const loadBatch = 10

// runner applies a scenario to its testnet.
type runner struct {
	t     *testing.T
	net   *testnet
	loads []*load // every load started, the last one running
}

// runScenario sets up and starts the testnet, starts the load, runs the
// steps, and checks the invariants on every node.
func runScenario(t *testing.T, sc scenario) {
	n := newTestnet(t, sc.validators, sc.fullNodes)
	r := &runner{t: t, net: n}
	t.Cleanup(r.stopLoad) // before the nodes are killed
	start := sc.start
	if start == nil {
		start = n.all()
	}
	n.startAll(start...)
	if sc.load > 0 {
		r.startLoad(sc.load)
	}
	for i, s := range sc.steps {
		t.Logf("step %d/%d: %s", i+1, len(sc.steps), s.name)
		s.run(r)
	}
	r.stopLoad()
	checkInvariants(n, r.committed(), n.all())
}

func (r *runner) startLoad(workers int) {
	r.t.Helper()
	r.loads = append(r.loads, r.net.startLoad(workers, loadBatch))
}

// stopLoad stops every load.
func (r *runner) stopLoad() {
	for _, l := range r.loads {
		l.stopNow()
	}
}

// count is the number of txs the loads have seen committed.
func (r *runner) count() int {
	total := 0
	for _, l := range r.loads {
		total += l.count()
	}
	return total
}

// committed lists every tx the loads have seen committed.
func (r *runner) committed() []apitype.SubmitResult {
	var out []apitype.SubmitResult
	for _, l := range r.loads {
		out = append(out, l.committed()...)
	}
	return out
}

// The steps that drive the load and wait for the chain.

// startLoad starts a load of workers; it runs until stopLoad or the end.
func startLoad(workers int) step {
	return step{fmt.Sprintf("start a load of %d workers", workers), func(r *runner) { r.startLoad(workers) }}
}

func stopLoad() step {
	return step{"stop the load", func(r *runner) { r.stopLoad() }}
}

// txs waits until k more txs have committed.
func txs(k int) step {
	return step{fmt.Sprintf("wait for %d more committed txs", k), func(r *runner) { r.net.waitTxs(r.count()+k, r.count) }}
}

// advance waits until node i commits k more blocks.
func advance(i int, k int64) step {
	return step{fmt.Sprintf("wait for node%d to commit %d more blocks", i, k), func(r *runner) {
		r.net.waitHeight(i, r.net.height(i)+k)
	}}
}

// catchUp waits until node i reaches the height node 0 has now.
func catchUp(i int) step {
	return step{fmt.Sprintf("wait for node%d to catch up with node0", i), func(r *runner) {
		r.net.waitHeight(i, r.net.height(0))
	}}
}
