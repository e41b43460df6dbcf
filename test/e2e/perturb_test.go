package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/node"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/x/identity"
)

// Process faults.

// kill sends SIGKILL to node i: no shutdown code runs.
func kill(i int) step {
	return step{fmt.Sprintf("kill node%d (SIGKILL)", i), func(r *runner) { r.net.kill(i) }}
}

// start launches node i without waiting for it.
func start(i int) step {
	return step{fmt.Sprintf("start node%d", i), func(r *runner) { r.net.start(i) }}
}

// restart stops node i with SIGTERM, checks it exits cleanly, starts it
// again and waits until it has caught up with node 0.
func restart(i int) step {
	return step{fmt.Sprintf("restart node%d (SIGTERM, start, catch up)", i), func(r *runner) {
		r.net.stop(i)
		r.net.start(i)
		r.net.waitHeight(i, r.net.height(0))
	}}
}

// pause stops node i with SIGSTOP; resume continues it (SIGCONT).
func pause(i int) step {
	return step{fmt.Sprintf("pause node%d (SIGSTOP)", i), func(r *runner) { r.net.pause(i) }}
}

func resume(i int) step {
	return step{fmt.Sprintf("resume node%d (SIGCONT)", i), func(r *runner) { r.net.resume(i) }}
}

// killAndRestartAll kills every node at once and starts them all again:
// the chain resumes where it was and commits two more blocks.
func killAndRestartAll() step {
	return step{"kill every node (SIGKILL) and start them again", func(r *runner) {
		h := r.net.height(0)
		for i := range r.net.nodes {
			r.net.kill(i)
		}
		r.net.startAll(r.net.all()...)
		r.net.waitHeight(0, h+2)
	}}
}

// Damaged data.

// removeDB deletes stopped node i's govchain database, keeping CometBFT's
// block store.
func removeDB(i int) step {
	return step{fmt.Sprintf("remove node%d's database", i), func(r *runner) {
		if err := os.RemoveAll(node.Home(r.net.nodes[i].Home).DBDir()); err != nil {
			r.t.Fatal(err)
		}
	}}
}

// refusesToStart starts node i and expects it to exit by itself, saying
// why in its log.
func refusesToStart(i int, why string) step {
	return step{fmt.Sprintf("node%d refuses to start (%q)", i, why), func(r *runner) {
		n := r.net
		n.start(i)
		p := n.nodes[i]
		select {
		case <-p.exited:
		case <-time.After(30 * time.Second):
			r.t.Fatalf("node%d kept running", i)
		}
		p.mu.Lock()
		p.down = true
		p.mu.Unlock()
		if b, _ := os.ReadFile(filepath.Join(p.Home, "node.log")); !strings.Contains(string(b), why) {
			r.t.Fatalf("node%d's log does not say %q:\n%s", i, why, n.logTail(i))
		}
	}}
}

// emptyData is the recovery of docs/operations.md for stopped node i:
// empty data/ but keep the validator's signing state.
func emptyData(i int) step {
	return step{fmt.Sprintf("empty node%d's data directory but its signing state", i), func(r *runner) {
		dataDir := filepath.Join(r.net.nodes[i].Home, "data")
		entries, err := os.ReadDir(dataDir)
		if err != nil {
			r.t.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() != "priv_validator_state.json" {
				os.RemoveAll(filepath.Join(dataDir, e.Name()))
			}
		}
	}}
}

// Checks made along the way.

// wrongChainRefused submits a tx signed for another chain to every node:
// each refuses it with code 3.
func wrongChainRefused() step {
	return step{"every node refuses a tx of another chain", func(r *runner) {
		k := r.net.adminKey(0)
		s := &client.Signer{Key: k, Address: k.Address(), ChainID: "govchain-other"}
		raw, _ := s.Sign("", client.Msg(identity.TypeDisableAccount, identity.MsgDisableAccount{Account: k.Address()}))
		for i := range r.net.nodes {
			_, err := r.net.client(i).Submit(context.Background(), raw, false)
			var p *apitype.Problem
			if !errors.As(err, &p) || p.Code != 3 {
				r.t.Fatalf("node%d accepted a tx of another chain: %v", i, err)
			}
		}
	}}
}

// halted checks that the live validators, too few for a quorum, stop
// committing. It waits (over CometBFT's RPC) until each live node's
// consensus is stuck at the height after its last commit: every live
// validator has voted in the current step and the votes hold no two-thirds
// quorum, so no timeout starts and nothing more can happen. A healthy
// network passes through such a state for milliseconds, while votes are on
// their way, so the same state must hold for stuckFor. Then no live node
// may have committed that height.
func halted(live ...int) step {
	return step{fmt.Sprintf("nodes %v, short of a quorum, stop committing", live), func(r *runner) {
		n := r.net
		var at int64
		var last string
		var since time.Time
		n.waitFor(fmt.Sprintf("nodes %v to be stuck without a quorum at one height for %s", live, stuckFor), func() bool {
			at = 0
			var states []string
			for _, i := range live {
				h, state, ok := n.stuck(i, live)
				if !ok || (at != 0 && h != at) {
					last = ""
					return false
				}
				at = h
				states = append(states, state)
			}
			if s := strings.Join(states, "; "); s != last {
				last, since = s, time.Now()
				return false
			}
			return time.Since(since) >= stuckFor
		}, func() string { return last })
		for _, i := range live {
			if h := n.height(i); h != at-1 {
				n.t.Fatalf("node%d committed height %d without a quorum (stuck at %d)", i, h, at)
			}
		}
		n.t.Logf("halted at height %d: %s", at-1, last)
	}}
}

// stuckFor is how long a stuck consensus state must last to count: longer
// than a healthy network takes to commit a block (half a second).
const stuckFor = time.Second

// Consortium changes by m-of-n proposals.

// propose has validator proposer's department propose the action made by
// action, the departments of approvers approve it, and checks it executed.
func propose(what string, proposer int, action func(n *testnet) identity.Action, approvers ...int) step {
	return step{fmt.Sprintf("%s: node%d's department proposes, %v approve", what, proposer, approvers), func(r *runner) {
		n, t, ctx := r.net, r.t, context.Background()
		a := action(n)
		cl := n.client(proposer)
		res, err := cl.Exec(ctx, n.signer(proposer), client.Msg(identity.TypePropose, identity.MsgPropose{Action: a}))
		if err != nil {
			t.Fatal(err)
		}
		ps, err := client.ListAll[identity.Proposal](ctx, cl, client.Path("identity", "proposals"), 0)
		if err != nil || len(ps) == 0 {
			t.Fatal(ps, err)
		}
		id := ps[len(ps)-1].ID
		last := cl // read the outcome from the node that saw the last approval commit
		for _, j := range approvers {
			cj := n.client(j)
			if _, err := cj.Exec(ctx, n.signer(j), client.Msg(identity.TypeApprove, identity.MsgApprove{ID: id})); err != nil {
				t.Fatal(err)
			}
			last = cj
		}
		p, err := client.Query[identity.Proposal](ctx, last, client.Path("identity", "proposals", fmt.Sprint(id)))
		if err != nil || p.Status != identity.StatusExecuted {
			t.Fatalf("proposal %d (%s, after %v): %+v %v", id, a.Kind, res.Hash, p, err)
		}
	}}
}

// addDepartment proposes a new department whose validator is node v.
func addDepartment(proposer, v int, approvers ...int) step {
	return propose(fmt.Sprintf("add a department with node%d as validator", v), proposer, func(n *testnet) identity.Action {
		admin, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
		a := identity.Action{Kind: identity.KindAddDepartment, Department: "moh", Name: "Ministry of Health",
			Algorithm: admin.Algorithm, PublicKey: admin.PublicKey(), ValidatorKey: n.nodes[v].ValidatorKey, Power: 10}
		// The proof of possession, signed with the node's own key file.
		vk, err := node.ReadValidatorKey(node.Home(n.nodes[v].Home).PrivValidatorKeyFile())
		if err == nil {
			err = a.ProvePossession(n.signer(proposer).ChainID, 0, vk.Sign)
		}
		if err != nil {
			n.t.Fatal(err)
		}
		return a
	}, approvers...)
}

// removeDepartment proposes removing the department of validator v.
func removeDepartment(proposer, v int, approvers ...int) step {
	return propose(fmt.Sprintf("remove node%d's department", v), proposer, func(n *testnet) identity.Action {
		return identity.Action{Kind: identity.KindRemoveDepartment, Department: n.nodes[v].Department}
	}, approvers...)
}

// signers checks node 0's last three blocks: the validator of node added
// signs at least one, the validator of node removed none.
func signers(added, removed int) step {
	return step{fmt.Sprintf("node%d's validator signs recent blocks, node%d's does not", added, removed), func(r *runner) {
		n, ctx := r.net, context.Background()
		addr := func(i int) string {
			st, err := n.client(i).Status(ctx)
			if err != nil {
				r.t.Fatal(err)
			}
			return strings.ToLower(st.Node.Validator)
		}
		in, out := addr(added), addr(removed)
		top := n.height(0)
		signed := false
		for h := top - 2; h <= top; h++ {
			b, err := n.client(0).Block(ctx, fmt.Sprint(h))
			if err != nil {
				r.t.Fatal(err)
			}
			for _, s := range b.Signers {
				if s == out {
					r.t.Fatalf("block %d carries a signature of the removed validator", h)
				}
				signed = signed || s == in
			}
		}
		if !signed {
			r.t.Fatal("the new department's validator signs no recent block")
		}
	}}
}

// receipts fetches from node via the receipts of the earliest and the
// latest committed tx and verifies them offline from genesis, following
// the validator-set changes between.
func receipts(via int) step {
	return step{fmt.Sprintf("receipts from node%d of the first and last txs verify from genesis", via), func(r *runner) {
		n, ctx := r.net, context.Background()
		trust, err := verify.TrustGenesis(node.Home(n.nodes[0].Home).GenesisFile())
		if err != nil {
			r.t.Fatal(err)
		}
		var early, late apitype.SubmitResult
		for _, c := range r.committed() {
			if early.Hash == "" || c.Height < early.Height {
				early = c
			}
			if c.Height > late.Height {
				late = c
			}
		}
		for _, c := range []apitype.SubmitResult{early, late} {
			n.waitHeight(via, c.Height+1) // the header that signs the tx's height
			var rc verify.Receipt
			if err := n.client(via).Get(ctx, "/v1/txs/"+c.Hash+"/receipt", &rc); err != nil {
				r.t.Fatalf("receipt of %s at height %d: %v", c.Hash, c.Height, err)
			}
			res, err := verify.VerifyReceipt(&rc, trust)
			if err != nil {
				r.t.Fatalf("receipt at height %d (%d headers): %v", c.Height, len(rc.Anchor.Headers), err)
			}
			r.t.Logf("%s (%d headers)", res.Summary, len(rc.Anchor.Headers))
		}
	}}
}
