// Package e2e runs real govchain processes (built once per test run) on
// loopback ports, drives load through the HTTP API with the Go SDK, applies
// faults (SIGKILL) and checks invariants over the API only.
package e2e

import (
	"context"
	"errors"
	"fmt"
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
	"github.com/govchain/govchain/x/identity"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "govchain-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "govchain")
	out, err := exec.Command("go", "build", "-o", binary, "../../cmd/govchain").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building govchain: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// proc is one govchain process.
type proc struct {
	t    *testing.T
	home string
	http string
	cmd  *exec.Cmd
	log  *os.File
}

func initHome(t *testing.T) *proc {
	p := &proc{t: t, home: filepath.Join(t.TempDir(), "home"), http: fmt.Sprintf("127.0.0.1:%d", freePort(t))}
	out, err := exec.Command(binary, "init", "--home", p.home,
		"--p2p", fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t)), "--rpc", fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t)),
		"--http", p.http).CombinedOutput()
	if err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	return p
}

func (p *proc) start() *client.Client {
	p.t.Helper()
	f, err := os.OpenFile(filepath.Join(p.home, "node.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		p.t.Fatal(err)
	}
	p.log = f
	p.cmd = exec.Command(binary, "start", "--home", p.home)
	p.cmd.Stdout, p.cmd.Stderr = f, f
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(func() { p.kill() })
	c := client.New(p.http)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if st, err := c.Status(context.Background()); err == nil && st.LatestHeight >= 1 {
			return c
		}
		time.Sleep(100 * time.Millisecond)
	}
	b, _ := os.ReadFile(filepath.Join(p.home, "node.log"))
	p.t.Fatalf("node did not come up:\n%s", b)
	return nil
}

// kill sends SIGKILL: no shutdown code runs.
func (p *proc) kill() {
	if p.cmd != nil && p.cmd.Process != nil && p.cmd.ProcessState == nil {
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.cmd.Wait()
	}
	if p.log != nil {
		p.log.Close()
	}
}

type committed struct {
	hash   string
	height int64
}

// TestKillUnderLoad kills the only validator with SIGKILL in the middle of
// a load, restarts it, and checks that every tx reported committed is still
// there, at the same height with the same result, and that the app hashes
// recorded before the kill are unchanged.
func TestKillUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	p := initHome(t)
	c := p.start()
	ctx := context.Background()
	admin, _, err := crypto.ReadKeyFile(node.Home(p.home).KeyFile(node.AdminKeyName("cab")))
	if err != nil {
		t.Fatal(err)
	}
	as, err := c.NewSigner(ctx, admin, "")
	if err != nil {
		t.Fatal(err)
	}
	const workers = 8
	var regs []*crypto.PrivateKey
	var setup [][]byte
	for i := 0; i < workers; i++ {
		k, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
		regs = append(regs, k)
		raw, _ := as.Sign("", client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Roles: []string{identity.RoleRegistrar}}))
		setup = append(setup, raw)
	}
	if res, err := c.SubmitBatch(ctx, setup, true); err != nil || res[workers-1].Code != 0 {
		t.Fatalf("setup: %v %+v", err, res)
	}

	var mu sync.Mutex
	var done []committed
	appHashes := map[int64]string{} // height -> app hash reported by /v1/status
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(k *crypto.PrivateKey) {
			defer wg.Done()
			s, err := c.NewSigner(ctx, k, "")
			if err != nil {
				return
			}
			for {
				select {
				case <-stop:
					return
				default:
				}
				var batch [][]byte
				for j := 0; j < 20; j++ {
					ck, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
					raw, _ := s.Sign("", client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: ck.Algorithm, PublicKey: ck.PublicKey(), Citizen: true}))
					batch = append(batch, raw)
				}
				res, err := c.SubmitBatch(ctx, batch, true)
				if err != nil {
					return // the node is gone
				}
				mu.Lock()
				for _, r := range res {
					if r.Committed && r.Code == 0 {
						done = append(done, committed{r.Hash, r.Height})
					}
				}
				mu.Unlock()
			}
		}(regs[w])
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			if st, err := c.Status(ctx); err == nil {
				mu.Lock()
				appHashes[st.LatestHeight] = st.AppHash
				mu.Unlock()
			}
		}
	}()
	// Let the load run until a good number of txs have committed, then kill.
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(done)
		mu.Unlock()
		if n >= 2000 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.kill()
	close(stop)
	wg.Wait()
	if len(done) < 500 {
		t.Fatalf("only %d txs committed before the kill", len(done))
	}
	t.Logf("killed with SIGKILL after %d txs reported committed, %d heights observed", len(done), len(appHashes))

	c = p.start()
	for _, d := range done {
		v, err := c.Tx(ctx, d.hash)
		if err != nil {
			t.Fatalf("tx %s reported committed at %d is gone after restart: %v", d.hash, d.height, err)
		}
		if int64(v.Height) != d.height || v.Code != 0 {
			t.Fatalf("tx %s: height %d code %d after restart, was height %d", d.hash, v.Height, v.Code, d.height)
		}
	}
	// The app hash after height h is in the header of block h+1.
	checked := 0
	for h, want := range appHashes {
		if h < 1 {
			continue
		}
		var b *client.Client = c
		blk, err := waitBlock(ctx, b, h+1)
		if err != nil {
			t.Fatal(err)
		}
		if blk != want {
			t.Fatalf("app hash after height %d: %s after restart, %s before", h, blk, want)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no app hash compared")
	}
	// The chain keeps going: a new tx from a load account commits.
	s, err := c.NewSigner(ctx, regs[0], "")
	if err != nil {
		t.Fatal(err)
	}
	ck, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
	if _, err := c.Exec(ctx, s, client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: ck.Algorithm, PublicKey: ck.PublicKey(), Citizen: true})); err != nil {
		t.Fatal(err)
	}
	t.Logf("after restart: all %d committed txs present, %d app hashes unchanged", len(done), checked)
}

func waitBlock(ctx context.Context, c *client.Client, h int64) (string, error) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		b, err := c.Block(ctx, fmt.Sprint(h))
		if err == nil {
			return b.AppHash, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "", errors.New("block did not appear")
}
