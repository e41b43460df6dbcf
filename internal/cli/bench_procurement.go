package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/x/procurement"
)

// Shape of a bench tender: the 50 sealed bids and 5 evaluators.
const (
	benchBidders    = 50
	benchEvaluators = 5
	benchTenderTxs  = 1 + 2*benchBidders + 2*benchEvaluators + 4
)

// benchProcurement runs whole tenders: officers publish (phase 1), 50
// suppliers commit sealed bids to every tender (2), reveal them after the
// deadline (3), 5 evaluators declare and score every tender after the
// reveal end (4), and each officer awards, signs the contract, accepts and
// pays its only milestone (5; the objection window is 0). Deadlines are in
// block time, so the bench waits for the chain's clock between phases 2, 3
// and 4; tx/s counts the phases' own time, tenders/s the whole run's.
func (g *globals) benchProcurement(ctx context.Context, c *client.Client, o benchOpts, loadKey func(string) (*crypto.PrivateKey, error)) (BenchResult, error) {
	start := time.Now()
	tenders := max(1, o.txs/benchTenderTxs)
	officers, err := createBenchAccounts(ctx, c, o, loadKey, "officer", procurement.RoleOfficer, procurement.RoleMarket)
	if err != nil {
		return BenchResult{}, err
	}
	evo := o
	evo.accounts = benchEvaluators
	evaluators, err := createBenchAccounts(ctx, c, evo, loadKey, "evaluator", procurement.RoleEvaluator)
	if err != nil {
		return BenchResult{}, err
	}
	so := o
	so.accounts = benchBidders
	suppliers, err := createBenchAccounts(ctx, c, so, loadKey, "supplier")
	if err != nil {
		return BenchResult{}, err
	}
	// Setup: suppliers register, the first officer approves them.
	var setup [][]byte
	for i, s := range suppliers {
		raw, err := s.Sign("", client.Msg(procurement.TypeRegisterSupplier, procurement.MsgRegisterSupplier{Name: fmt.Sprintf("Bench supplier %d", i), Scheme: "CN-USCC", Identifier: s.Address[:18]}))
		if err != nil {
			return BenchResult{}, err
		}
		setup = append(setup, raw)
	}
	if err := submitSetup(ctx, c, setup); err != nil {
		return BenchResult{}, err
	}
	setup = nil
	for _, s := range suppliers {
		raw, err := officers[0].Sign("", client.Msg(procurement.TypeApproveSupplier, procurement.MsgSupplierRef{Supplier: s.Address}))
		if err != nil {
			return BenchResult{}, err
		}
		setup = append(setup, raw)
	}
	if err := submitSetup(ctx, c, setup); err != nil {
		return BenchResult{}, err
	}
	var committee []string
	for _, e := range evaluators {
		committee = append(committee, e.Address)
	}
	st, err := c.Status(ctx)
	if err != nil {
		return BenchResult{}, err
	}
	now, err := time.Parse(time.RFC3339Nano, st.LatestTime)
	if err != nil {
		return BenchResult{}, fmt.Errorf("bench: status time %q: %w", st.LatestTime, err)
	}
	// Room for the commits and the reveals, at a pessimistic 200 tx/s,
	// plus an idle chain's empty-block interval (10 s): block time only
	// moves with blocks.
	room := int64(30 + tenders*benchBidders/200)
	deadline := now.Unix() + room
	revealEnd := deadline + room
	salt := fmt.Sprint(time.Now().UnixNano() % 1_000_000_000)
	title := func(i int) string { return fmt.Sprintf("bench %s tender %d", salt, i) }

	var results []BenchResult
	txBytes := 0
	run := func(perAccount [][][]byte) error {
		st, err := c.Status(ctx)
		if err != nil {
			return err
		}
		for _, txs := range perAccount {
			for _, raw := range txs {
				txBytes = max(txBytes, len(raw))
			}
		}
		r, err := g.submitAll(ctx, c, o, perAccount, txBytes, st.LatestHeight, "")
		if err != nil {
			return err
		}
		if r.Failed > 0 {
			// Say why: resubmit the first account's first tx (refused again
			// for the same reason, or for its spent sequence).
			why := ""
			for _, txs := range perAccount {
				if len(txs) > 0 {
					if res, err := c.Submit(ctx, txs[0], true); err == nil {
						why = fmt.Sprintf(" (first: code %d %s)", res.Code, res.Log)
					}
					break
				}
			}
			return fmt.Errorf("bench: %d of %d procurement txs failed%s", r.Failed, r.Txs, why)
		}
		results = append(results, r)
		return nil
	}
	sign := func(s *client.Signer, typ string, body any) []byte {
		raw, err2 := s.Sign("", client.Msg(typ, body))
		if err2 != nil {
			err = err2
		}
		return raw
	}

	// Phase 1: publish.
	p1 := make([][][]byte, len(officers))
	for i := 0; i < tenders; i++ {
		k := i % len(officers)
		p1[k] = append(p1[k], sign(officers[k], procurement.TypePublishTender, procurement.MsgPublishTender{
			Title: title(i), Items: []procurement.Item{{Description: "bench item", Quantity: 1}}, Ceiling: 100_000_000, Method: "open",
			Deadline: deadline, Opening: deadline, RevealEnd: revealEnd, PriceWeight: 60,
			Criteria: []procurement.Criterion{{Name: "quality", Weight: 30}, {Name: "service", Weight: 10}}, Committee: committee}))
	}
	if err != nil {
		return BenchResult{}, err
	}
	if err := run(p1); err != nil {
		return BenchResult{}, err
	}
	// The ids of this run's tenders (a fresh chain numbers them from 1).
	ids := make([]uint64, tenders)
	owner := make([]int, tenders)
	found := 0
	for id := uint64(1); found < tenders; id++ {
		var t procurement.Tender
		if err := c.Get(ctx, fmt.Sprintf("/v1/procurement/tenders/%d", id), &t); err != nil {
			return BenchResult{}, fmt.Errorf("bench: tender %d: %w", id, err)
		}
		var i int
		if _, err := fmt.Sscanf(strings.TrimPrefix(t.Title, "bench "+salt+" tender "), "%d", &i); err == nil && strings.HasPrefix(t.Title, "bench "+salt+" ") {
			ids[i], owner[i] = id, i%len(officers)
			found++
		}
	}
	amount := func(i, j int) uint64 { return uint64(50_000_000 + (i*7+j*13)%1000*1000) }
	docHash := func(j int) []byte { h := make([]byte, 32); h[0] = byte(j); return h }
	bidSalt := func(j int) []byte { return []byte(fmt.Sprintf("bench-salt-%08d", j)) }

	// Phase 2: commits.
	p2 := make([][][]byte, len(suppliers))
	for i, id := range ids {
		for j, s := range suppliers {
			p2[j] = append(p2[j], sign(s, procurement.TypeCommitBid, procurement.MsgCommitBid{Tender: id,
				Hash: procurement.BidHash(id, s.Address, amount(i, j), docHash(j), bidSalt(j))}))
		}
	}
	if err != nil {
		return BenchResult{}, err
	}
	if err := run(p2); err != nil {
		return BenchResult{}, err
	}
	if err := waitChainTime(ctx, c, deadline); err != nil {
		return BenchResult{}, err
	}
	// Phase 3: reveals.
	p3 := make([][][]byte, len(suppliers))
	for i, id := range ids {
		for j, s := range suppliers {
			p3[j] = append(p3[j], sign(s, procurement.TypeRevealBid, procurement.MsgRevealBid{Tender: id, Amount: amount(i, j), Document: docHash(j), Salt: bidSalt(j)}))
		}
	}
	if err := run(p3); err != nil {
		return BenchResult{}, err
	}
	if err := waitChainTime(ctx, c, revealEnd); err != nil {
		return BenchResult{}, err
	}
	// Phase 4: declarations and scores, rows in each tender's bidder order.
	p4 := make([][][]byte, len(evaluators))
	for _, id := range ids {
		var t procurement.Tender
		if err := c.Get(ctx, fmt.Sprintf("/v1/procurement/tenders/%d", id), &t); err != nil {
			return BenchResult{}, err
		}
		points := make([][]uint32, len(t.Bids))
		for b := range t.Bids {
			points[b] = []uint32{uint32(50 + b%50), uint32(90 - b%40)}
		}
		for e, ev := range evaluators {
			p4[e] = append(p4[e], sign(ev, procurement.TypeDeclare, procurement.MsgDeclare{Tender: id}),
				sign(ev, procurement.TypeScore, procurement.MsgScore{Tender: id, Bids: t.Bids, Points: points}))
		}
	}
	if err := run(p4); err != nil {
		return BenchResult{}, err
	}
	// Phase 5: award, contract, acceptance, payment. The milestone is the
	// lowest bid, never above any award.
	p5 := make([][][]byte, len(officers))
	for i, id := range ids {
		k := owner[i]
		low := amount(i, 0)
		for j := range suppliers {
			low = min(low, amount(i, j))
		}
		p5[k] = append(p5[k],
			sign(officers[k], procurement.TypeAward, procurement.MsgTenderRef{Tender: id}),
			sign(officers[k], procurement.TypeSignContract, procurement.MsgSignContract{Tender: id,
				Milestones: []procurement.MsgMilestone{{Deliverable: "all", Due: revealEnd + 3600, Amount: low}}}),
			sign(officers[k], procurement.TypeDecideMilestone, procurement.MsgDecideMilestone{Tender: id, Accept: true}),
			sign(officers[k], procurement.TypePayMilestone, procurement.MsgPayMilestone{Tender: id, Amount: low}))
	}
	if err != nil {
		return BenchResult{}, err
	}
	if err := run(p5); err != nil {
		return BenchResult{}, err
	}
	var c0 procurement.Contract
	if err := c.Get(ctx, fmt.Sprintf("/v1/procurement/contracts/%d", ids[0]), &c0); err != nil || c0.Milestones[0].Paid == 0 {
		return BenchResult{}, fmt.Errorf("bench: tender %d was not paid (%v)", ids[0], err)
	}
	elapsed := time.Since(start).Seconds()
	res := BenchResult{TxBytes: txBytes, Machine: machine()}
	for _, r := range results {
		res.Txs += r.Txs
		res.Committed += r.Committed
		res.Failed += r.Failed
		res.Seconds += r.Seconds
		res.Blocks += r.Blocks
		res.P50ms, res.P99ms = max(res.P50ms, r.P50ms), max(res.P99ms, r.P99ms)
	}
	res.CommittedPerSec = float64(res.Committed) / res.Seconds
	res.Workload = fmt.Sprintf("procurement: %d tenders of %d bids and %d evaluators, publish to payment; %.2f tenders/s over the whole %.0f s run (waits for deadlines included), %.2f tenders/s over the phases' %.1f s",
		tenders, benchBidders, benchEvaluators, float64(tenders)/elapsed, elapsed, float64(tenders)/res.Seconds, res.Seconds)
	return res, nil
}

// waitChainTime waits until a block's header time reaches unix.
func waitChainTime(ctx context.Context, c *client.Client, unix int64) error {
	limit := time.Now().Add(10 * time.Minute)
	for time.Now().Before(limit) {
		st, err := c.Status(ctx)
		if err == nil {
			if t, err := time.Parse(time.RFC3339Nano, st.LatestTime); err == nil && t.Unix() >= unix {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("bench: the chain's clock did not reach %d", unix)
}
