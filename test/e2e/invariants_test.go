package e2e

import (
	"context"
	"encoding/hex"
	"fmt"
	"sync"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/ledger"
)

// checkInvariants checks, over the API of the given nodes: the same
// commitments (app hash, state root, log root and size) at every height up
// to a common one; log consistency between early and late sizes; every tx
// reported committed present on every node with the same height and
// result; that no node died that the scenario did not take down; and that
// the log holds at least the txs reported committed.
func checkInvariants(n *testnet, txs []apitype.SubmitResult, nodes []int) {
	n.t.Helper()
	var target int64
	for _, i := range nodes {
		target = max(target, n.height(i))
	}
	for _, i := range nodes {
		n.waitHeight(i, target)
	}
	commitments := sameCommitments(n, nodes, target)
	last := commitments[len(commitments)-1]
	logOnlyGrew(n, nodes[0], []apitype.Commitments{commitments[0], commitments[len(commitments)/2]}, last)
	txsEverywhere(n, nodes, txs)
	noneDied(n)
	if uint64(len(txs)) > last.LogSize {
		n.t.Fatalf("%d txs reported committed, but the log at height %d holds %d", len(txs), target, last.LogSize)
	}
	n.t.Logf("invariants hold on %d nodes: %d heights, %d txs, log size %d", len(nodes), target, len(txs), last.LogSize)
}

// sameCommitments checks that the nodes agree on the commitments of every
// height up to target, and returns them.
func sameCommitments(n *testnet, nodes []int, target int64) []apitype.Commitments {
	n.t.Helper()
	ctx := context.Background()
	var all []apitype.Commitments
	for h := int64(1); h <= target; h++ {
		var ref apitype.Commitments
		for k, i := range nodes {
			var cm apitype.Commitments
			if err := n.client(i).Get(ctx, fmt.Sprintf("/v1/commitments/%d", h), &cm); err != nil {
				n.t.Fatalf("node%d commitments at %d: %v", i, h, err)
			}
			if k == 0 {
				ref = cm
				all = append(all, cm)
			} else if cm != ref {
				n.t.Fatalf("height %d: node%d has %+v, node%d has %+v", h, nodes[0], ref, i, cm)
			}
		}
	}
	return all
}

// logOnlyGrew checks consistency proofs from node i from each earlier
// commitment to the last.
func logOnlyGrew(n *testnet, i int, earlier []apitype.Commitments, last apitype.Commitments) {
	n.t.Helper()
	for _, cm := range earlier {
		var cv apitype.Consistency
		if err := n.client(i).Get(context.Background(), fmt.Sprintf("/v1/log/consistency?from=%d&to=%d", cm.LogSize, last.LogSize), &cv); err != nil {
			n.t.Fatal(err)
		}
		if cv.FromRoot != cm.LogRoot || cv.ToRoot != last.LogRoot {
			n.t.Fatalf("consistency roots differ from the commitments")
		}
		if err := ledger.VerifyConsistency(cv.From, cv.To, unhex(n, cv.Proof...), unhex(n, cv.FromRoot)[0], unhex(n, cv.ToRoot)[0]); err != nil {
			n.t.Fatalf("log consistency %d..%d: %v", cv.From, cv.To, err)
		}
	}
}

// txsEverywhere checks that every tx is on every node with the height and
// result it was reported committed with.
func txsEverywhere(n *testnet, nodes []int, txs []apitype.SubmitResult) {
	n.t.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, len(nodes))
	for _, i := range nodes {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cl := n.client(i)
			for _, r := range txs {
				v, err := cl.Tx(ctx, r.Hash)
				if err != nil {
					errs <- fmt.Errorf("node%d: tx %s (committed at %d) missing: %v", i, r.Hash, r.Height, err)
					return
				}
				if int64(v.Height) != r.Height || v.Code != r.Code {
					errs <- fmt.Errorf("node%d: tx %s at height %d code %d, reported %d code %d", i, r.Hash, v.Height, v.Code, r.Height, r.Code)
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		n.t.Fatal(err)
	}
}

// noneDied checks that every node that exited was taken down by the
// scenario.
func noneDied(n *testnet) {
	n.t.Helper()
	for i, p := range n.nodes {
		p.mu.Lock()
		died := p.cmd != nil && !p.down && p.exitErr != nil
		select {
		case <-p.exited:
			died = died || (p.cmd != nil && !p.down)
		default:
		}
		p.mu.Unlock()
		if died {
			n.t.Fatalf("node%d exited without being taken down:\n%s", i, n.logTail(i))
		}
	}
}

func unhex(n *testnet, ss ...string) [][]byte {
	n.t.Helper()
	var out [][]byte
	for _, s := range ss {
		b, err := hex.DecodeString(s)
		if err != nil {
			n.t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}
