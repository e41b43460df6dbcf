package e2e

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/node"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/x/identity"
)

// cluster is a testnet of real govchain processes.
type cluster struct {
	t     *testing.T
	dir   string
	net   node.Testnet
	procs []*clusterProc
}

type clusterProc struct {
	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{}
	exitErr error
	killed  bool // by the scenario
	paused  bool
	log     *os.File
}

// freeBase finds a base port with 10 free ports per node above it.
func freeBase(t *testing.T, nodes int) int {
	for try := 0; try < 50; try++ {
		base := 20000 + rand.Intn(35000)/10*10
		ok := true
		for i := 0; i < nodes*10 && ok; i++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", base+i))
			if err != nil {
				ok = false
				break
			}
			l.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free port range")
	return 0
}

func newCluster(t *testing.T, validators, fullNodes int) *cluster {
	t.Helper()
	dir, err := os.MkdirTemp("", "govchain-cluster-")
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, dir: dir}
	t.Cleanup(func() {
		for i := range c.procs {
			c.kill(i)
		}
		if !t.Failed() {
			os.RemoveAll(dir)
		} else {
			t.Logf("cluster kept in %s", dir)
		}
	})
	base := freeBase(t, validators+fullNodes)
	out, err := exec.Command(binary, "testnet", "--validators", fmt.Sprint(validators), "--full-nodes", fmt.Sprint(fullNodes),
		"--base-port", fmt.Sprint(base), "--out", filepath.Join(dir, "net"), "-o", "json").CombinedOutput()
	if err != nil {
		t.Fatalf("testnet: %v\n%s", err, out)
	}
	if err := json.Unmarshal(out, &c.net); err != nil {
		t.Fatalf("testnet output: %v\n%s", err, out)
	}
	c.procs = make([]*clusterProc, len(c.net.Nodes))
	for i := range c.procs {
		c.procs[i] = &clusterProc{}
	}
	return c
}

func (c *cluster) client(i int) *client.Client { return client.New(c.net.Nodes[i].API) }

// start launches node i (without waiting for it).
func (c *cluster) start(i int) {
	c.t.Helper()
	p := c.procs[i]
	f, err := os.OpenFile(filepath.Join(c.net.Nodes[i].Home, "node.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		c.t.Fatal(err)
	}
	cmd := exec.Command(binary, "start", "--home", c.net.Nodes[i].Home)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	p.mu.Lock()
	p.cmd, p.log, p.killed, p.paused, p.exited, p.exitErr = cmd, f, false, false, make(chan struct{}), nil
	exited := p.exited
	p.mu.Unlock()
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		p.exitErr = err
		p.mu.Unlock()
		close(exited)
	}()
}

func (c *cluster) startAll(nodes ...int) {
	for _, i := range nodes {
		c.start(i)
	}
	for _, i := range nodes {
		c.waitHeight(i, 1, 60*time.Second)
	}
}

func (c *cluster) running(i int) bool {
	p := c.procs[i]
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || p.killed || p.paused {
		return false
	}
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL to node i.
func (c *cluster) kill(i int) {
	p := c.procs[i]
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	if cmd == nil {
		p.mu.Unlock()
		return
	}
	p.killed = true
	p.mu.Unlock()
	cmd.Process.Signal(syscall.SIGCONT) // a paused process must run to die
	cmd.Process.Signal(syscall.SIGKILL)
	<-exited
	p.log.Close()
}

func (c *cluster) pause(i int) {
	p := c.procs[i]
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused = true
	p.cmd.Process.Signal(syscall.SIGSTOP)
}

func (c *cluster) resume(i int) {
	p := c.procs[i]
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused = false
	p.cmd.Process.Signal(syscall.SIGCONT)
}

func (c *cluster) height(i int) int64 {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := c.client(i).Status(ctx)
	if err != nil {
		return -1
	}
	return st.LatestHeight
}

func (c *cluster) waitHeight(i int, h int64, timeout time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if c.height(i) >= h {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b, _ := os.ReadFile(filepath.Join(c.net.Nodes[i].Home, "node.log"))
	c.t.Fatalf("node%d did not reach height %d (at %d):\n%s", i, h, c.height(i), tail(string(b), 3000))
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// adminKey reads the admin key of validator i's department.
func (c *cluster) adminKey(i int) *crypto.PrivateKey {
	n := c.net.Nodes[i]
	k, _, err := crypto.ReadKeyFile(node.Home(n.Home).KeyFile(node.AdminKeyName(n.Department)))
	if err != nil {
		c.t.Fatal(err)
	}
	return k
}

// load submits create-citizen txs from several registrar accounts to the
// running nodes in turn, recording every tx reported committed.
type load struct {
	c    *cluster
	mu   sync.Mutex
	done map[string]apitype.SubmitResult
	stop chan struct{}
	wg   sync.WaitGroup
}

func (c *cluster) startLoad(workers int) *load {
	c.t.Helper()
	ctx := context.Background()
	cl := c.client(0)
	as, err := cl.NewSigner(ctx, c.adminKey(0), "")
	if err != nil {
		c.t.Fatal(err)
	}
	l := &load{c: c, done: map[string]apitype.SubmitResult{}, stop: make(chan struct{})}
	var keys []*crypto.PrivateKey
	var setup [][]byte
	for w := 0; w < workers; w++ {
		k, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
		keys = append(keys, k)
		raw, _ := as.Sign("", client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Roles: []string{identity.RoleRegistrar}}))
		setup = append(setup, raw)
	}
	res, err := cl.SubmitBatch(ctx, setup, true)
	if err != nil || res[len(res)-1].Code != 0 {
		c.t.Fatalf("load setup: %v %+v", err, res)
	}
	for w, k := range keys {
		l.wg.Add(1)
		go l.worker(w, k)
	}
	return l
}

func (l *load) worker(w int, k *crypto.PrivateKey) {
	defer l.wg.Done()
	var s *client.Signer
	for n := w; ; n++ {
		select {
		case <-l.stop:
			return
		default:
		}
		i := n % len(l.c.net.Nodes)
		if !l.c.running(i) {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		cl := l.c.client(i)
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
		if s == nil {
			var err error
			if s, err = cl.NewSigner(ctx, k, ""); err != nil {
				cancel()
				s = nil
				time.Sleep(100 * time.Millisecond)
				continue
			}
		}
		var batch [][]byte
		for j := 0; j < 10; j++ {
			ck, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
			raw, _ := s.Sign("", client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: ck.Algorithm, PublicKey: ck.PublicKey(), Citizen: true}))
			batch = append(batch, raw)
		}
		res, err := cl.SubmitBatch(ctx, batch, true)
		cancel()
		if err != nil {
			s = nil // resynchronise the sequence from a node
			continue
		}
		l.mu.Lock()
		for _, r := range res {
			if r.Committed {
				l.done[r.Hash] = r
			} else {
				s = nil
			}
		}
		l.mu.Unlock()
	}
}

func (l *load) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.done)
}

func (l *load) stopNow() {
	close(l.stop)
	l.wg.Wait()
}

// checkInvariants checks, over the API of the given nodes: the same
// commitments (app hash, state root, log root and size) at every height up
// to a common one; every tx reported committed present on every node with
// the same height and result; log consistency between early and late sizes;
// and that no node died that the scenario did not kill.
func (c *cluster) checkInvariants(l *load, nodes []int) {
	c.t.Helper()
	ctx := context.Background()
	var target int64
	for _, i := range nodes {
		target = max(target, c.height(i))
	}
	for _, i := range nodes {
		c.waitHeight(i, target, 90*time.Second)
	}
	var first []apitype.Commitments
	for h := int64(1); h <= target; h++ {
		var ref apitype.Commitments
		for k, i := range nodes {
			var cm apitype.Commitments
			if err := c.client(i).Get(ctx, fmt.Sprintf("/v1/commitments/%d", h), &cm); err != nil {
				c.t.Fatalf("node%d commitments at %d: %v", i, h, err)
			}
			if k == 0 {
				ref = cm
				first = append(first, cm)
			} else if cm != ref {
				c.t.Fatalf("height %d: node%d has %+v, node%d has %+v", h, nodes[0], ref, i, cm)
			}
		}
	}
	// The log only grew: consistency proofs from several earlier sizes.
	last := first[len(first)-1]
	for _, cm := range []apitype.Commitments{first[0], first[len(first)/2]} {
		var cv apitype.Consistency
		if err := c.client(nodes[0]).Get(ctx, fmt.Sprintf("/v1/log/consistency?from=%d&to=%d", cm.LogSize, last.LogSize), &cv); err != nil {
			c.t.Fatal(err)
		}
		if cv.FromRoot != cm.LogRoot || cv.ToRoot != last.LogRoot {
			c.t.Fatalf("consistency roots differ from the commitments")
		}
		if err := ledger.VerifyConsistency(cv.From, cv.To, unhexAll(c.t, cv.Proof), unhexAll(c.t, []string{cv.FromRoot})[0], unhexAll(c.t, []string{cv.ToRoot})[0]); err != nil {
			c.t.Fatalf("log consistency %d..%d: %v", cv.From, cv.To, err)
		}
	}
	// Every committed tx is on every node with the same outcome.
	l.mu.Lock()
	var txs []apitype.SubmitResult
	for _, r := range l.done {
		txs = append(txs, r)
	}
	l.mu.Unlock()
	var wg sync.WaitGroup
	errs := make(chan error, len(nodes))
	for _, i := range nodes {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cl := c.client(i)
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
		c.t.Fatal(err)
	}
	for i, p := range c.procs {
		p.mu.Lock()
		died := p.cmd != nil && !p.killed && p.exitErr != nil
		select {
		case <-p.exited:
			died = died || (p.cmd != nil && !p.killed)
		default:
		}
		p.mu.Unlock()
		if died {
			b, _ := os.ReadFile(filepath.Join(c.net.Nodes[i].Home, "node.log"))
			c.t.Fatalf("node%d exited without being killed:\n%s", i, tail(string(b), 3000))
		}
	}
	if uint64(len(txs)) > last.LogSize {
		c.t.Fatalf("%d txs reported committed, but the log at height %d holds %d", len(txs), target, last.LogSize)
	}
	c.t.Logf("invariants hold on %d nodes: %d heights, %d txs, log size %d", len(nodes), target, len(txs), last.LogSize)
}

func unhexAll(t *testing.T, ss []string) [][]byte {
	var out [][]byte
	for _, s := range ss {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func (l *load) waitFor(n int, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) && l.count() < n {
		time.Sleep(100 * time.Millisecond)
	}
	if l.count() < n {
		l.c.t.Fatalf("only %d txs committed, waited for %d", l.count(), n)
	}
}

func all(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func skipShort(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster of processes")
	}
}

// 4 validators under load; one is killed with SIGKILL while the load goes
// on, then restarted: it catches up and every node agrees.
func TestClusterKillAndRestartValidator(t *testing.T) {
	skipShort(t)
	c := newCluster(t, 4, 0)
	c.startAll(all(4)...)
	l := c.startLoad(4)
	l.waitFor(300, 60*time.Second)
	c.kill(3)
	h := c.height(0)
	c.waitHeight(0, h+3, 60*time.Second) // the other three keep committing
	n := l.count()
	l.waitFor(n+200, 60*time.Second)
	c.start(3)
	c.waitHeight(3, c.height(0), 90*time.Second)
	l.waitFor(l.count()+100, 60*time.Second)
	l.stopNow()
	c.checkInvariants(l, all(4))
}

// A paused validator (SIGSTOP) does not stop the others; after SIGCONT it
// catches up.
func TestClusterPauseValidator(t *testing.T) {
	skipShort(t)
	c := newCluster(t, 4, 0)
	c.startAll(all(4)...)
	l := c.startLoad(4)
	l.waitFor(200, 60*time.Second)
	c.pause(2)
	h := c.height(0)
	c.waitHeight(0, h+3, 60*time.Second)
	c.resume(2)
	l.waitFor(l.count()+100, 60*time.Second)
	l.stopNow()
	c.checkInvariants(l, all(4))
}

// With 2 of 4 validators down there is no quorum: commits stop, nothing
// unsafe happens; when one returns, commits resume.
func TestClusterHaltWithoutQuorum(t *testing.T) {
	skipShort(t)
	c := newCluster(t, 4, 0)
	c.startAll(all(4)...)
	l := c.startLoad(4)
	l.waitFor(200, 60*time.Second)
	c.kill(2)
	c.kill(3)
	time.Sleep(2 * time.Second) // a block already being committed may land
	h0 := c.height(0)
	time.Sleep(4 * time.Second)
	if h1, h1b := c.height(0), c.height(1); h1 != h0 || h1b > h0 {
		t.Fatalf("committed without a quorum: height %d -> %d (node1 %d)", h0, h1, h1b)
	}
	c.start(2)
	c.waitHeight(0, h0+2, 90*time.Second)
	c.start(3)
	l.waitFor(l.count()+100, 90*time.Second)
	l.stopNow()
	c.checkInvariants(l, all(4))
}

// A full node started from genesis later catches up to the same state.
func TestClusterFullNodeCatchesUp(t *testing.T) {
	skipShort(t)
	c := newCluster(t, 4, 1)
	c.startAll(0, 1, 2, 3)
	l := c.startLoad(4)
	l.waitFor(400, 60*time.Second)
	c.start(4)
	c.waitHeight(4, c.height(0), 90*time.Second)
	l.stopNow()
	c.checkInvariants(l, all(5))
}

// Every node restarted at once (SIGKILL): the chain resumes where it was.
func TestClusterRestartAll(t *testing.T) {
	skipShort(t)
	c := newCluster(t, 4, 0)
	c.startAll(all(4)...)
	l := c.startLoad(4)
	l.waitFor(300, 60*time.Second)
	l.stopNow()
	h := c.height(0)
	for i := 0; i < 4; i++ {
		c.kill(i)
	}
	c.startAll(all(4)...)
	c.waitHeight(0, h+2, 90*time.Second)
	l2 := c.startLoad(2)
	l2.waitFor(100, 60*time.Second)
	l2.stopNow()
	for k, v := range l.done {
		l2.done[k] = v
	}
	c.checkInvariants(l2, all(4))
}

// Consortium change under load: a new department with its validator is
// added and another department removed through m-of-n proposals; the new
// validator then signs blocks and the removed one no longer does.
func TestClusterValidatorChange(t *testing.T) {
	skipShort(t)
	c := newCluster(t, 4, 1)
	c.startAll(all(5)...)
	l := c.startLoad(3)
	l.waitFor(100, 60*time.Second)
	ctx := context.Background()
	exec := func(i int, a identity.Action, approvers ...int) {
		t.Helper()
		cl := c.client(i)
		s, err := cl.NewSigner(ctx, c.adminKey(i), "")
		if err != nil {
			t.Fatal(err)
		}
		r, err := cl.Exec(ctx, s, client.Msg(identity.TypePropose, identity.MsgPropose{Action: a}))
		if err != nil {
			t.Fatal(err)
		}
		ps, err := client.ListAll[identity.Proposal](ctx, cl, client.Path("identity", "proposals"), 0)
		if err != nil {
			t.Fatal(err)
		}
		id := ps[len(ps)-1].ID
		last := cl // read the outcome from the node that saw the last approval commit
		for _, j := range approvers {
			cj := c.client(j)
			sj, err := cj.NewSigner(ctx, c.adminKey(j), "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := cj.Exec(ctx, sj, client.Msg(identity.TypeApprove, identity.MsgApprove{ID: id})); err != nil {
				t.Fatal(err)
			}
			last = cj
		}
		p, err := client.Query[identity.Proposal](ctx, last, client.Path("identity", "proposals", fmt.Sprint(id)))
		if err != nil || p.Status != identity.StatusExecuted {
			t.Fatalf("proposal %d (%s, after %v): %+v %v", id, a.Kind, r.Hash, p, err)
		}
	}
	newAdmin, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
	exec(0, identity.Action{Kind: identity.KindAddDepartment, Department: "moh", Name: "Ministry of Health",
		Algorithm: newAdmin.Algorithm, PublicKey: newAdmin.PublicKey(), ValidatorKey: c.net.Nodes[4].ValidatorKey, Power: 10}, 1, 2)
	exec(1, identity.Action{Kind: identity.KindRemoveDepartment, Department: c.net.Nodes[3].Department}, 0, 2)
	h := c.height(0)
	c.waitHeight(0, h+6, 60*time.Second)
	addr := func(i int) string {
		st, err := c.client(i).Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return strings.ToLower(st.Node.Validator)
	}
	added, removed := addr(4), addr(3)
	top := c.height(0)
	signedByAdded := false
	for hh := top - 2; hh <= top; hh++ {
		b, err := c.client(0).Block(ctx, fmt.Sprint(hh))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range b.Signers {
			if s == removed {
				t.Fatalf("block %d carries a signature of the removed validator", hh)
			}
			if s == added {
				signedByAdded = true
			}
		}
	}
	if !signedByAdded {
		t.Fatal("the new department's validator signs no recent block")
	}
	// Receipts from before and after the changes verify offline from
	// genesis, following the validator-set changes.
	trust, err := verify.TrustGenesis(node.Home(c.net.Nodes[0].Home).GenesisFile())
	if err != nil {
		t.Fatal(err)
	}
	l.waitFor(l.count()+20, 60*time.Second)
	l.mu.Lock()
	var early, late apitype.SubmitResult
	for _, r := range l.done {
		if early.Hash == "" || r.Height < early.Height {
			early = r
		}
		if r.Height > late.Height {
			late = r
		}
	}
	l.mu.Unlock()
	for _, r := range []apitype.SubmitResult{early, late} {
		var rc verify.Receipt
		for i := 0; ; i++ {
			err := c.client(4).Get(ctx, "/v1/txs/"+r.Hash+"/receipt", &rc)
			if err == nil {
				break
			}
			if i > 50 {
				t.Fatal(err)
			}
			time.Sleep(200 * time.Millisecond)
		}
		res, err := verify.VerifyReceipt(&rc, trust)
		if err != nil {
			t.Fatalf("receipt at height %d (%d headers): %v", r.Height, len(rc.Anchor.Headers), err)
		}
		t.Logf("%s (%d headers)", res.Summary, len(rc.Anchor.Headers))
	}
	l.waitFor(l.count()+50, 60*time.Second)
	l.stopNow()
	c.checkInvariants(l, all(5))
}

// A tx for another chain is refused by every node; a node whose database
// is gone refuses to start, and recovers by re-syncing from its peers.
func TestClusterWrongChainAndDamagedNode(t *testing.T) {
	skipShort(t)
	c := newCluster(t, 4, 0)
	c.startAll(all(4)...)
	ctx := context.Background()
	k := c.adminKey(0)
	s := &client.Signer{Key: k, Address: k.Address(), ChainID: "govchain-other"}
	raw, _ := s.Sign("", client.Msg(identity.TypeDisableAccount, identity.MsgDisableAccount{Account: k.Address()}))
	for i := 0; i < 4; i++ {
		_, err := c.client(i).Submit(ctx, raw, false)
		var p *apitype.Problem
		if !errors.As(err, &p) || p.Code != 3 {
			t.Fatalf("node%d accepted a tx of another chain: %v", i, err)
		}
	}
	l := c.startLoad(3)
	l.waitFor(200, 60*time.Second)

	c.kill(3)
	home := node.Home(c.net.Nodes[3].Home)
	if err := os.RemoveAll(home.DBDir()); err != nil {
		t.Fatal(err)
	}
	c.start(3)
	select {
	case <-c.procs[3].exited:
	case <-time.After(30 * time.Second):
		t.Fatal("node with a missing database kept running")
	}
	c.procs[3].mu.Lock()
	c.procs[3].killed = true
	c.procs[3].mu.Unlock()
	b, _ := os.ReadFile(filepath.Join(string(home), "node.log"))
	if !strings.Contains(string(b), "re-sync from peers") {
		t.Fatalf("no clear message:\n%s", tail(string(b), 2000))
	}
	// Recovery (docs/operations.md): empty data/ but keep the signing state.
	dataDir := filepath.Join(string(home), "data")
	entries, _ := os.ReadDir(dataDir)
	for _, e := range entries {
		if e.Name() != "priv_validator_state.json" {
			os.RemoveAll(filepath.Join(dataDir, e.Name()))
		}
	}
	c.start(3)
	c.waitHeight(3, c.height(0), 90*time.Second)
	l.waitFor(l.count()+100, 60*time.Second)
	l.stopNow()
	c.checkInvariants(l, all(4))
}

// govchain bench --cluster runs a real multi-process testnet and reports
// the cluster and single-validator figures side by side.
func TestBenchCluster(t *testing.T) {
	skipShort(t)
	out, err := exec.Command(binary, "bench", "--cluster", "4", "--txs", "600", "--accounts", "6", "--concurrency", "3", "--batch", "50", "--noop=false", "-o", "json").Output()
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	var r struct {
		Validators   int     `json:"validators"`
		Committed    int     `json:"committed"`
		Failed       int     `json:"failed"`
		PerSec       float64 `json:"committed_tx_per_s"`
		SinglePerSec float64 `json:"single_validator_committed_tx_per_s"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if r.Validators != 4 || r.Committed != 600 || r.Failed != 0 || r.PerSec <= 0 || r.SinglePerSec <= 0 {
		t.Fatalf("bench --cluster: %+v", r)
	}
}
