package e2e

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/node/nodetest"
	"github.com/govchain/govchain/x/identity"
)

// The honest load is `govchain bench`'s default: 64 registrars sign 20,000
// create-citizen txs, submitted by 32 workers in batches of 100, each
// batch waiting for its commit.
const (
	floodHonestAccounts = 64
	floodHonestTxs      = 20_000
	floodWorkers        = 32
	floodBatch          = 100
	floodGappers        = 5     // citizens that never send their sequence 0
	floodBursters       = 2     // citizens that send 1,000 valid txs a block
	floodGapped         = 9_999 // what each gapper sends, again and again
	floodAttackBatch    = 1_000 // the API's largest batch
	floodMax503Blocks   = 3     // the longest an honest batch may get 503 for
)

// TestMempoolFlood reproduces issue 12's first attack on a real node under
// bench-sized load: five citizens of the honest registrars' own department
// send sequences 1 to 9,999 (never 0) over and over, as in the issue, and
// two more send bursts of 1,000 valid txs every block, while the honest
// load runs. Every honest tx
// must commit, and none may be refused by a full mempool (503) for longer
// than a few blocks. Afterwards the parked gapped txs expire. The honest
// latency under attack is logged, not asserted.
func TestMempoolFlood(t *testing.T) {
	skipShort(t)
	d := nodetest.StartDev(t)
	ctx := context.Background()
	c := d.Client
	admin := d.Admin("cab")
	var setup [][]byte
	account := func(roles []string, citizen bool) *client.Signer {
		k, err := crypto.GenerateKey(crypto.AlgEd25519, nil)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := admin.Sign("", client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Roles: roles, Citizen: citizen}))
		if err != nil {
			t.Fatal(err)
		}
		setup = append(setup, raw)
		return &client.Signer{Key: k, Address: k.Address(), ChainID: admin.ChainID}
	}
	honest := make([]*client.Signer, floodHonestAccounts)
	for i := range honest {
		honest[i] = account([]string{identity.RoleRegistrar}, false)
	}
	attackers := make([]*client.Signer, floodGappers+floodBursters)
	for i := range attackers {
		attackers[i] = account(nil, true)
	}
	res, err := c.SubmitBatch(ctx, setup, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if !r.Committed || r.Code != 0 {
			t.Fatalf("setup: %+v", r)
		}
	}

	// Everything is signed before the clock starts, as bench does.
	perAccount := make([][][]byte, len(honest)) // tx j is account j%64's
	for j := 0; j < floodHonestTxs; j++ {
		k, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
		s := honest[j%len(honest)]
		raw, err := s.Sign("", client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Citizen: true}))
		if err != nil {
			t.Fatal(err)
		}
		perAccount[j%len(honest)] = append(perAccount[j%len(honest)], raw)
	}
	batches := make([][][][]byte, floodWorkers) // per worker, its batches in order
	for i, txs := range perAccount {
		w := i % floodWorkers
		for s := 0; s < len(txs); s += floodBatch {
			batches[w] = append(batches[w], txs[s:min(s+floodBatch, len(txs))])
		}
	}
	rotate := func(s *client.Signer) []byte {
		raw, err := s.Sign("", client.Msg(identity.TypeRotateKey, identity.MsgRotateKey{Algorithm: s.Key.Algorithm, PublicKey: s.Key.PublicKey()}))
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	gapped := make([][][]byte, floodGappers)
	for g := range gapped {
		attackers[g].Sequence = 1
		for j := 0; j < floodGapped; j++ {
			gapped[g] = append(gapped[g], rotate(attackers[g]))
		}
	}

	var st floodStats
	stop := make(chan struct{})
	var attack sync.WaitGroup
	for i, s := range attackers {
		attack.Add(1)
		go func() {
			defer attack.Done()
			for round := 0; ; round++ {
				select {
				case <-stop:
					return
				default:
				}
				var sent [][]byte
				if i < floodGappers {
					sent = gapped[i]
				} else { // a burst from the committed sequence on
					fresh, err := c.NewSigner(ctx, s.Key, "")
					if err != nil {
						st.fail("burster: %v", err)
						return
					}
					for j := 0; j < floodAttackBatch; j++ {
						sent = append(sent, rotate(fresh))
					}
				}
				for k := 0; k < len(sent); k += floodAttackBatch {
					res, err := c.SubmitBatch(ctx, sent[k:min(k+floodAttackBatch, len(sent))], false)
					if err != nil {
						st.fail("attacker: %v", err)
						return
					}
					st.attacked(res, d.Node.MempoolSize())
				}
				if err := d.Node.WaitHeight(ctx, d.Height()+1); err != nil {
					st.fail("attacker: %v", err)
					return
				}
			}
		}()
	}

	var honestWG sync.WaitGroup
	start, startHeight := time.Now(), d.Height()
	for w := range batches {
		honestWG.Add(1)
		go func() {
			defer honestWG.Done()
			for _, b := range batches[w] {
				t0 := time.Now()
				first503 := int64(-1)
				for {
					res, err := c.SubmitBatch(ctx, b, true)
					if err != nil {
						st.fail("honest batch: %v", err)
						return
					}
					full := false
					for _, r := range res {
						if r.Status == http.StatusServiceUnavailable {
							full = true
						}
					}
					ok := st.honest(res, full)
					if !full {
						if ok {
							st.latency(time.Since(t0), len(b))
						}
						break
					}
					// Resend the batch after the next block: what the
					// mempool holds comes back as accepted, the rest is
					// checked again.
					h := d.Height()
					if first503 < 0 {
						first503 = h
					}
					st.streak(h - first503)
					if h-first503 > 10*floodMax503Blocks {
						st.fail("an honest batch got 503 for %d blocks: giving up", h-first503)
						return
					}
					if err := d.Node.WaitHeight(ctx, h+1); err != nil {
						st.fail("honest: %v", err)
						return
					}
				}
			}
		}()
	}
	honestWG.Wait()
	elapsed, blocks := time.Since(start), d.Height()-startHeight
	close(stop)
	attack.Wait()

	// The gapped txs parked in the mempool expire within the TTL; the
	// bursts commit. Count blocks, not seconds.
	ttl := app.DefaultMempoolLimits().TTLBlocks
	for i := int64(0); i <= ttl+2 && d.Node.MempoolSize() > 0; i++ {
		d.WaitHeight(d.Height() + 1)
	}

	st.mu.Lock()
	defer st.mu.Unlock()
	p50, p99 := st.percentile(0.50), st.percentile(0.99)
	t.Logf("honest under attack: %d txs committed in %.1f s over %d blocks (%.0f tx/s); submit-to-commit p50 %d ms, p99 %d ms; %d txs got 503, longest 503 streak %d blocks",
		st.committed, elapsed.Seconds(), blocks, float64(st.committed)/elapsed.Seconds(), p50.Milliseconds(), p99.Milliseconds(), st.got503, st.longest503)
	t.Logf("attack: %d txs sent, refusals by code %v, %d admitted; mempool peak %d of 50,000", st.attackSent, st.attackCodes, st.attackAdmitted, st.peakMempool)
	for _, e := range st.errs {
		t.Error(e)
	}
	if st.committed != floodHonestTxs {
		t.Errorf("%d of %d honest txs committed", st.committed, floodHonestTxs)
	}
	if st.longest503 > floodMax503Blocks {
		t.Errorf("an honest batch got 503 for %d blocks (at most %d)", st.longest503, floodMax503Blocks)
	}
	if st.attackCodes[app.ErrSequenceGap.Code] == 0 || st.attackCodes[app.ErrAccountPending.Code] == 0 || st.attackAdmitted == 0 {
		t.Errorf("the attack did not run as meant: codes %v, %d admitted", st.attackCodes, st.attackAdmitted)
	}
	if n := d.Node.MempoolSize(); n != 0 {
		t.Errorf("%d txs still in the mempool %d blocks after the attack: the gapped ones should have expired", n, ttl+2)
	}
}

// floodStats gathers what the workers and attackers saw.
type floodStats struct {
	mu             sync.Mutex
	latencies      []time.Duration // one per honest tx
	committed      int
	got503         int
	longest503     int64
	attackSent     int
	attackAdmitted int
	attackCodes    map[uint32]int
	peakMempool    int
	errs           []string
}

func (s *floodStats) fail(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.errs) < 10 {
		s.errs = append(s.errs, fmt.Sprintf(format, args...))
	}
}

// honest records a batch's results; with full (a 503 in it) the batch is
// sent again, so only 503s and the gap refusals they cause are expected.
// It reports whether the batch is fine.
func (s *floodStats) honest(res []apitype.SubmitResult, full bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := true
	for _, r := range res {
		switch {
		case r.Status == http.StatusServiceUnavailable:
			s.got503++
		case full && !r.Committed:
			// behind a 503 in the same batch: sent again
		case r.Committed && r.Code == 0:
			if !full {
				s.committed++
			}
		default:
			ok = false
			if len(s.errs) < 10 {
				s.errs = append(s.errs, fmt.Sprintf("honest tx refused or failed: %+v", r))
			}
		}
	}
	return ok
}

func (s *floodStats) latency(d time.Duration, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.latencies = append(s.latencies, d)
	}
}

func (s *floodStats) streak(blocks int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.longest503 = max(s.longest503, blocks)
}

func (s *floodStats) attacked(res []apitype.SubmitResult, mempool int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.attackCodes == nil {
		s.attackCodes = map[uint32]int{}
	}
	s.attackSent += len(res)
	for _, r := range res {
		if r.Code == 0 {
			s.attackAdmitted++
		} else {
			s.attackCodes[r.Code]++
		}
	}
	s.peakMempool = max(s.peakMempool, mempool)
}

// percentile of the honest latencies; call with mu held.
func (s *floodStats) percentile(p float64) time.Duration {
	if len(s.latencies) == 0 {
		return 0
	}
	sort.Slice(s.latencies, func(i, j int) bool { return s.latencies[i] < s.latencies[j] })
	return s.latencies[int(p*float64(len(s.latencies)-1))]
}
