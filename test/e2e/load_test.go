package e2e

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/x/identity"
)

// load submits batches of create-citizen txs from several registrar
// accounts to the running nodes in turn, each batch waiting for its
// commit, and records every tx reported committed.
type load struct {
	net   *testnet
	batch int
	keys  []*crypto.PrivateKey // the registrars, one per worker

	mu   sync.Mutex
	done map[string]apitype.SubmitResult

	stop chan struct{}
	wg   sync.WaitGroup
}

// requestTimeout bounds one batch: a node that cannot commit (paused, or
// without a quorum) is given up and the next one tried.
const requestTimeout = 8 * time.Second

// retryPause paces a worker after a request that got no answer, so that a
// node that refuses connections is not hammered (it is not a wait for a
// state: the worker moves on to the next node).
const retryPause = 100 * time.Millisecond

// startLoad has node 0's department admin create one registrar per worker,
// then starts the workers.
func (n *testnet) startLoad(workers, batch int) *load {
	n.t.Helper()
	ctx := context.Background()
	as := n.signer(0)
	l := &load{net: n, batch: batch, done: map[string]apitype.SubmitResult{}, stop: make(chan struct{})}
	var setup [][]byte
	for w := 0; w < workers; w++ {
		k, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
		l.keys = append(l.keys, k)
		raw, _ := as.Sign("", client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Roles: []string{identity.RoleRegistrar}}))
		setup = append(setup, raw)
	}
	res, err := n.client(0).SubmitBatch(ctx, setup, true)
	if err != nil || res[len(res)-1].Code != 0 {
		n.t.Fatalf("load setup: %v %+v", err, res)
	}
	for w, k := range l.keys {
		l.wg.Add(1)
		go l.worker(w, k)
	}
	return l
}

func (l *load) worker(w int, k *crypto.PrivateKey) {
	defer l.wg.Done()
	var s *client.Signer
	for n := w; ; n++ {
		i, ok := l.net.nextRunning(n, l.stop)
		if !ok {
			return
		}
		switch err := l.submit(l.net.client(i), k, &s); {
		case err == errNotCommitted:
			s = nil // resynchronise the sequence from a node
		case err != nil:
			s = nil
			select {
			case <-l.stop:
				return
			case <-time.After(retryPause):
			}
		}
	}
}

var errNotCommitted = errors.New("e2e: part of the batch did not commit")

// submit sends one batch signed by *s (created from k if nil) and records
// what committed: errNotCommitted if not all of it did, another error if
// the node did not answer.
func (l *load) submit(cl *client.Client, k *crypto.PrivateKey, s **client.Signer) error {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	if *s == nil {
		var err error
		if *s, err = cl.NewSigner(ctx, k, ""); err != nil {
			return err
		}
	}
	var batch [][]byte
	for j := 0; j < l.batch; j++ {
		ck, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
		raw, _ := (*s).Sign("", client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: ck.Algorithm, PublicKey: ck.PublicKey(), Citizen: true}))
		batch = append(batch, raw)
	}
	res, err := cl.SubmitBatch(ctx, batch, true)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	err = nil
	for _, r := range res {
		if r.Committed {
			l.done[r.Hash] = r
		} else {
			err = errNotCommitted
		}
	}
	return err
}

// count is the number of txs reported committed so far.
func (l *load) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.done)
}

// committed lists the txs reported committed so far.
func (l *load) committed() []apitype.SubmitResult {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]apitype.SubmitResult, 0, len(l.done))
	for _, r := range l.done {
		out = append(out, r)
	}
	return out
}

// stopNow stops the workers and waits for their requests to end; it is
// safe to call twice.
func (l *load) stopNow() {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	l.wg.Wait()
}
