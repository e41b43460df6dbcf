package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/node"
)

// testnet is a network of govchain processes on loopback ports: the homes
// `govchain testnet` (or `govchain init`) wrote, and the processes running
// on them.
type testnet struct {
	t     *testing.T
	dir   string
	nodes []*proc

	mu      sync.Mutex
	started chan struct{} // closed and replaced whenever a node starts
}

// proc is one node: its home and addresses and, once started, its process.
type proc struct {
	node.TestnetNode
	api *client.Client // one per node, so its connections are reused
	// args are extra flags of govchain start (e.g. --index).
	args []string

	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{}
	exitErr error
	down    bool // killed, stopped, or refused to start, as the scenario expects
	paused  bool
	log     *os.File
}

// newTestnet writes a testnet of validators and full nodes with
// `govchain testnet`; nothing runs yet.
func newTestnet(t *testing.T, validators, fullNodes int) *testnet {
	t.Helper()
	n := newNet(t)
	out, err := exec.Command(binary, "testnet", "--validators", fmt.Sprint(validators), "--full-nodes", fmt.Sprint(fullNodes),
		"--base-port", fmt.Sprint(freeBase(t, validators+fullNodes)), "--out", filepath.Join(n.dir, "net"), "-o", "json").CombinedOutput()
	if err != nil {
		t.Fatalf("testnet: %v\n%s", err, out)
	}
	var tn node.Testnet
	if err := json.Unmarshal(out, &tn); err != nil {
		t.Fatalf("testnet output: %v\n%s", err, out)
	}
	for _, tnn := range tn.Nodes {
		n.nodes = append(n.nodes, &proc{TestnetNode: tnn, api: client.New(tnn.API)})
	}
	return n
}

// newDevNet writes the single-validator development chain of `govchain
// init` as a testnet of one node.
func newDevNet(t *testing.T) *testnet {
	t.Helper()
	n := newNet(t)
	p := &proc{TestnetNode: node.TestnetNode{Name: "node0", Home: filepath.Join(n.dir, "home"), Validator: true,
		Department: node.DemoDepartments[0].ID, API: fmt.Sprintf("127.0.0.1:%d", freePort(t)), RPC: fmt.Sprintf("127.0.0.1:%d", freePort(t))}}
	out, err := exec.Command(binary, "init", "--home", p.Home,
		"--p2p", fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t)), "--rpc", "tcp://"+p.RPC, "--http", p.API).CombinedOutput()
	if err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	p.api = client.New(p.API)
	n.nodes = []*proc{p}
	return n
}

// newNet makes the directory of a testnet; every process is killed when
// the test ends, and the directory kept if it failed.
func newNet(t *testing.T) *testnet {
	dir, err := os.MkdirTemp("", "govchain-e2e-net-")
	if err != nil {
		t.Fatal(err)
	}
	n := &testnet{t: t, dir: dir, started: make(chan struct{})}
	t.Cleanup(func() {
		for i := range n.nodes {
			n.kill(i)
		}
		if t.Failed() {
			t.Logf("testnet kept in %s", dir)
		} else {
			os.RemoveAll(dir)
		}
	})
	return n
}

// freeBase finds a base port with 10 free ports per node above it, below
// the kernel's ephemeral range and apart from every port given in this run
// (see freePort).
func freeBase(t *testing.T, nodes int) int {
	portsMu.Lock()
	defer portsMu.Unlock()
	span := node.EphemeralPortsFrom() - 20000 - nodes*10
	for try := 0; try < 200 && span > 0; try++ {
		base := 20000 + rand.Intn(span)/10*10
		ok := true
		for i := 0; i < nodes*10 && ok; i++ {
			if portsGiven[base+i] {
				ok = false
				break
			}
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", base+i))
			if err != nil {
				ok = false
				break
			}
			l.Close()
		}
		if ok {
			for i := 0; i < nodes*10; i++ {
				portsGiven[base+i] = true
			}
			return base
		}
	}
	t.Fatal("no free port range below the ephemeral range")
	return 0
}

// freePort finds a free port below the kernel's ephemeral range, and
// never the same one twice in a run. A port from that range (what port 0
// gives) can be taken, once its node is killed, by any outgoing connection
// as its local port, and the node restarted on it then cannot listen.
func freePort(t *testing.T) int {
	portsMu.Lock()
	defer portsMu.Unlock()
	hi := node.EphemeralPortsFrom()
	for try := 0; try < 1000; try++ {
		p := 20000 + rand.Intn(hi-20000)
		if portsGiven[p] {
			continue
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			continue
		}
		l.Close()
		portsGiven[p] = true
		return p
	}
	t.Fatal("no free port below the ephemeral range")
	return 0
}

var (
	portsMu    sync.Mutex
	portsGiven = map[int]bool{}
)

func (n *testnet) all() []int {
	out := make([]int, len(n.nodes))
	for i := range out {
		out[i] = i
	}
	return out
}

func (n *testnet) client(i int) *client.Client { return n.nodes[i].api }

// start launches node i without waiting for it.
func (n *testnet) start(i int) {
	n.t.Helper()
	p := n.nodes[i]
	f, err := os.OpenFile(filepath.Join(p.Home, "node.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		n.t.Fatal(err)
	}
	cmd := exec.Command(binary, append([]string{"start", "--home", p.Home}, p.args...)...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		n.t.Fatal(err)
	}
	p.mu.Lock()
	p.cmd, p.log, p.down, p.paused, p.exited, p.exitErr = cmd, f, false, false, make(chan struct{}), nil
	exited := p.exited
	p.mu.Unlock()
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		p.exitErr = err
		p.mu.Unlock()
		close(exited)
	}()
	n.mu.Lock()
	close(n.started)
	n.started = make(chan struct{})
	n.mu.Unlock()
}

// startAll launches the nodes and waits until each has committed height 1.
func (n *testnet) startAll(nodes ...int) {
	n.t.Helper()
	for _, i := range nodes {
		n.start(i)
	}
	for _, i := range nodes {
		n.waitHeight(i, 1)
	}
}

// running reports whether node i runs and is not paused.
func (n *testnet) running(i int) bool {
	p := n.nodes[i]
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || p.down || p.paused {
		return false
	}
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// nextRunning returns the first running node from node k (mod the number
// of nodes) on, waiting for one to start if none runs; false once stop is
// closed.
func (n *testnet) nextRunning(k int, stop <-chan struct{}) (int, bool) {
	for {
		select {
		case <-stop:
			return 0, false
		default:
		}
		n.mu.Lock()
		started := n.started
		n.mu.Unlock()
		for j := range n.nodes {
			if i := (k + j) % len(n.nodes); n.running(i) {
				return i, true
			}
		}
		select {
		case <-started:
		case <-stop:
			return 0, false
		}
	}
}

// kill sends SIGKILL to node i: no shutdown code runs.
func (n *testnet) kill(i int) { n.signalDown(i, syscall.SIGKILL) }

// stop sends SIGTERM to node i and waits for it to shut down cleanly.
func (n *testnet) stop(i int) {
	n.t.Helper()
	n.signalDown(i, syscall.SIGTERM)
	p := n.nodes[i]
	p.mu.Lock()
	err := p.exitErr
	p.mu.Unlock()
	if err != nil {
		n.t.Fatalf("%s stopped with %v:\n%s", p.Name, err, n.logTail(i))
	}
}

func (n *testnet) signalDown(i int, sig syscall.Signal) {
	p := n.nodes[i]
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	if cmd == nil {
		p.mu.Unlock()
		return
	}
	p.down = true
	p.mu.Unlock()
	cmd.Process.Signal(syscall.SIGCONT) // a paused process must run to die
	cmd.Process.Signal(sig)
	<-exited
	p.log.Close()
}

// pause stops node i with SIGSTOP; resume continues it.
func (n *testnet) pause(i int)  { n.setPaused(i, true, syscall.SIGSTOP) }
func (n *testnet) resume(i int) { n.setPaused(i, false, syscall.SIGCONT) }

func (n *testnet) setPaused(i int, paused bool, sig syscall.Signal) {
	p := n.nodes[i]
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused = paused
	p.cmd.Process.Signal(sig)
}

// height is node i's last committed height from its API (-1 if it does
// not answer).
func (n *testnet) height(i int) int64 {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := n.client(i).Status(ctx)
	if err != nil {
		return -1
	}
	return st.LatestHeight
}

// adminKey reads the admin key of validator i's department.
func (n *testnet) adminKey(i int) *crypto.PrivateKey {
	n.t.Helper()
	p := n.nodes[i]
	k, _, err := crypto.ReadKeyFile(node.Home(p.Home).KeyFile(node.AdminKeyName(p.Department)))
	if err != nil {
		n.t.Fatal(err)
	}
	return k
}

// signer is a signer for validator i's department admin, its sequence read
// from node i.
func (n *testnet) signer(i int) *client.Signer {
	n.t.Helper()
	s, err := n.client(i).NewSigner(context.Background(), n.adminKey(i), "")
	if err != nil {
		n.t.Fatal(err)
	}
	return s
}

// logTail is the end of node i's log, for failure messages.
func (n *testnet) logTail(i int) string {
	b, _ := os.ReadFile(filepath.Join(n.nodes[i].Home, "node.log"))
	const max = 3000
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return string(b)
}
