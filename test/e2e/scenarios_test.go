package e2e

import "testing"

// scenarios is the table TestClusterScenarios runs. Each starts a fresh
// testnet (validators, one department each, then full nodes), starts the
// load once its first nodes are up, applies its steps in order, stops the
// load and checks the invariants on every node.
var scenarios = []scenario{
	{
		// A validator killed with SIGKILL while the load goes on: the others
		// keep committing; restarted, it catches up.
		name: "kill-and-restart-validator", validators: 4, load: 4,
		steps: []step{txs(300), kill(3), advance(0, 3), txs(200), start(3), catchUp(3), txs(100)},
	},
	{
		// A paused validator (SIGSTOP) does not stop the others; after
		// SIGCONT it catches up.
		name: "pause-validator", validators: 4, load: 4,
		steps: []step{txs(200), pause(2), advance(0, 3), resume(2), txs(100)},
	},
	{
		// With 2 of 4 validators down there is no quorum: commits stop,
		// nothing unsafe happens; when one returns, commits resume.
		name: "halt-without-quorum", validators: 4, load: 4,
		steps: []step{txs(200), kill(2), kill(3), halted(0, 1), start(2), advance(0, 2), start(3), txs(100)},
	},
	{
		// A full node started from genesis later catches up to the same
		// state; stopped cleanly (SIGTERM) and started again, it resumes.
		name: "full-node-catches-up", validators: 4, fullNodes: 1, start: []int{0, 1, 2, 3}, load: 4,
		steps: []step{txs(400), start(4), catchUp(4), restart(4)},
	},
	{
		// Every node killed at once: the chain resumes where it was, and a
		// new load commits.
		name: "restart-all", validators: 4, load: 4,
		steps: []step{txs(300), stopLoad(), killAndRestartAll(), startLoad(2), txs(100)},
	},
	{
		// Consortium change under load: a new department with its validator
		// is added and another department removed through m-of-n proposals;
		// the new validator then signs blocks and the removed one no longer
		// does, and receipts from before and after the changes verify from
		// genesis.
		name: "validator-change", validators: 4, fullNodes: 1, load: 3,
		steps: []step{txs(100),
			addDepartment(0, 4, 1, 2), removeDepartment(1, 3, 0, 2), advance(0, 6), signers(4, 3),
			txs(20), receipts(4), txs(50)},
	},
	{
		// A tx for another chain is refused by every node; a node whose
		// database is gone refuses to start, and recovers by re-syncing from
		// its peers.
		name: "wrong-chain-and-damaged-node", validators: 4,
		steps: []step{wrongChainRefused(), startLoad(3), txs(200),
			kill(3), removeDB(3), refusesToStart(3, "re-sync from peers"), emptyData(3), start(3), catchUp(3), txs(100)},
	},
}

// TestClusterScenarios runs every scenario on a testnet of real processes.
func TestClusterScenarios(t *testing.T) {
	skipShort(t)
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { runScenario(t, sc) })
	}
}
