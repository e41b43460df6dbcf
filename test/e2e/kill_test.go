package e2e

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/x/identity"
)

// TestKillUnderLoad kills the only validator of a dev chain (govchain
// init) with SIGKILL in the middle of a load, restarts it, and checks that
// every tx reported committed is still there, at the same height with the
// same result, that the app hashes observed before the kill are unchanged,
// and that the chain keeps going.
func TestKillUnderLoad(t *testing.T) {
	skipShort(t)
	n := newDevNet(t)
	n.startAll(0)
	l := n.startLoad(8, 20)
	appHashes := sampleAppHashes(n, 0)

	// Let the load run until a good number of txs have committed (or a
	// minute has passed), then kill.
	n.pollUntil(func() bool { return l.count() >= 2000 }, 60*time.Second)
	n.kill(0)
	l.stopNow()
	before := appHashes.stop()
	txs := l.committed()
	if len(txs) < 500 {
		t.Fatalf("only %d txs committed before the kill", len(txs))
	}
	t.Logf("killed with SIGKILL after %d txs reported committed, %d heights observed", len(txs), len(before))

	n.startAll(0)
	checkInvariants(n, txs, []int{0})
	// The chain keeps going: a new tx from a load account commits.
	ctx, c := context.Background(), n.client(0)
	s, err := c.NewSigner(ctx, l.keys[0], "")
	if err != nil {
		t.Fatal(err)
	}
	ck, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
	if _, err := c.Exec(ctx, s, client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: ck.Algorithm, PublicKey: ck.PublicKey(), Citizen: true})); err != nil {
		t.Fatal(err)
	}
	// The app hash after height h is in the header of block h+1 (which the
	// tx above brings, if the node had not committed it before the kill).
	var top int64
	for h := range before {
		top = max(top, h)
	}
	n.waitHeight(0, top+1)
	checked := 0
	for h, want := range before {
		if h < 1 {
			continue
		}
		b, err := n.client(0).Block(ctx, fmt.Sprint(h+1))
		if err != nil {
			t.Fatal(err)
		}
		if b.AppHash != want {
			t.Fatalf("app hash after height %d: %s after restart, %s before", h, b.AppHash, want)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no app hash compared")
	}
	t.Logf("after restart: all %d committed txs present, %d app hashes unchanged", len(txs), checked)
}

// appHashSampler records the app hash node i reports in /v1/status at each
// height it sees, every 50 ms.
type appHashSampler struct {
	mu     sync.Mutex
	hashes map[int64]string
	done   chan struct{}
	wg     sync.WaitGroup
}

func sampleAppHashes(n *testnet, i int) *appHashSampler {
	s := &appHashSampler{hashes: map[int64]string{}, done: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-tick.C:
			}
			if st, err := n.client(i).Status(context.Background()); err == nil {
				s.mu.Lock()
				s.hashes[st.LatestHeight] = st.AppHash
				s.mu.Unlock()
			}
		}
	}()
	return s
}

// stop ends the sampling and returns the app hash of each height seen.
func (s *appHashSampler) stop() map[int64]string {
	close(s.done)
	s.wg.Wait()
	return s.hashes
}
