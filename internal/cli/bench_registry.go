package cli

import (
	"context"
	"fmt"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/x/registry"
)

// benchRegistry runs the registry workload: actors that hold the
// registrar, bank and tax roles register parcels they own and offer them to
// the next actor (phase A: register_parcel, open_transfer); then each
// transfer's conditions are met in any order (phase B: accept_transfer by
// the buyer, confirm_payment and confirm_tax by the seller's side), the
// last of which executes the transfer. Transfer ids are read between the
// phases (outside the timing). Throughput counts both phases' txs over both
// phases' time; latency is the larger of the two phases' figures.
func (g *globals) benchRegistry(ctx context.Context, c *client.Client, o benchOpts, loadKey func(string) (*crypto.PrivateKey, error)) (BenchResult, error) {
	actors, err := createBenchAccounts(ctx, c, o, loadKey, "actor", registry.RoleRegistrar, registry.RoleBank, registry.RoleTax)
	if err != nil {
		return BenchResult{}, err
	}
	salt := actors[0].Address[:8] // parcel numbers unique per run
	if _, err := c.Exec(ctx, actors[0], client.Msg(registry.TypeSetTaxRate, registry.MsgSetTaxRate{Rate: 300})); err != nil {
		return BenchResult{}, err
	}
	perActor := max(1, o.txs/5/len(actors))
	const price, tax = 10000, 300
	number := func(i, j int) string { return fmt.Sprintf("B%s-%d-%d", salt, i, j) }

	// Phase A: register and open.
	phaseA := make([][][]byte, len(actors))
	txBytes := 0
	for i, a := range actors {
		buyer := actors[(i+1)%len(actors)].Address
		for j := 0; j < perActor; j++ {
			for _, m := range []any{
				registry.MsgRegisterParcel{Number: number(i, j), District: "Bench", Area: 10000, Use: "residential",
					Owners: []registry.Owner{{Account: a.Address, Share: registry.FullShare}}},
				registry.MsgOpenTransfer{Parcel: number(i, j), Buyers: []registry.Owner{{Account: buyer, Share: registry.FullShare}}, Price: price},
			} {
				typ := registry.TypeRegisterParcel
				if _, ok := m.(registry.MsgOpenTransfer); ok {
					typ = registry.TypeOpenTransfer
				}
				raw, err := a.Sign("", client.Msg(typ, m))
				if err != nil {
					return BenchResult{}, err
				}
				phaseA[i] = append(phaseA[i], raw)
				txBytes = max(txBytes, len(raw))
			}
		}
	}
	st, err := c.Status(ctx)
	if err != nil {
		return BenchResult{}, err
	}
	ra, err := g.submitAll(ctx, c, o, phaseA, txBytes, st.LatestHeight, "")
	if err != nil {
		return BenchResult{}, err
	}

	// Between the phases: the transfer id of every parcel.
	phaseB := make([][][]byte, len(actors))
	for i, a := range actors {
		buyer := actors[(i+1)%len(actors)]
		for j := 0; j < perActor; j++ {
			var p registry.Parcel
			if err := c.Get(ctx, "/v1/registry/parcels/"+number(i, j), &p); err != nil {
				return BenchResult{}, err
			}
			if len(p.Pending) != 1 {
				return BenchResult{}, fmt.Errorf("bench: parcel %s has %d pending transfers", p.Number, len(p.Pending))
			}
			id := p.Pending[0]
			for _, s := range []struct {
				signer *client.Signer
				typ    string
				body   any
			}{
				{a, registry.TypeConfirmPayment, registry.MsgTransferRef{ID: id}},
				{a, registry.TypeConfirmTax, registry.MsgConfirmTax{ID: id, Amount: tax}},
				{buyer, registry.TypeAcceptTransfer, registry.MsgTransferRef{ID: id}},
			} {
				raw, err := s.signer.Sign("", client.Msg(s.typ, s.body))
				if err != nil {
					return BenchResult{}, err
				}
				k := i
				if s.signer == buyer {
					k = (i + 1) % len(actors)
				}
				phaseB[k] = append(phaseB[k], raw)
			}
		}
	}
	st, err = c.Status(ctx)
	if err != nil {
		return BenchResult{}, err
	}
	rb, err := g.submitAll(ctx, c, o, phaseB, txBytes, st.LatestHeight, "")
	if err != nil {
		return BenchResult{}, err
	}
	// Every transfer executed?
	var p registry.Parcel
	if err := c.Get(ctx, "/v1/registry/parcels/"+number(0, 0), &p); err != nil {
		return BenchResult{}, err
	}
	if p.Owners[0].Account != actors[1%len(actors)].Address {
		return BenchResult{}, fmt.Errorf("bench: a transfer did not execute")
	}
	return BenchResult{
		Workload: "registry: register_parcel + open_transfer, then accept/confirm_payment/confirm_tax (executes)",
		Txs:      ra.Txs + rb.Txs, Committed: ra.Committed + rb.Committed, Failed: ra.Failed + rb.Failed,
		Seconds: ra.Seconds + rb.Seconds, CommittedPerSec: float64(ra.Committed+rb.Committed) / (ra.Seconds + rb.Seconds),
		P50ms: max(ra.P50ms, rb.P50ms), P99ms: max(ra.P99ms, rb.P99ms), Blocks: ra.Blocks + rb.Blocks, TxBytes: txBytes, Machine: machine(),
	}, nil
}

// submitSetup submits txs in batches and waits for each to commit with code 0.
func submitSetup(ctx context.Context, c *client.Client, raws [][]byte) error {
	for i := 0; i < len(raws); i += 1000 {
		res, err := c.SubmitBatch(ctx, raws[i:min(i+1000, len(raws))], true)
		if err != nil {
			return fmt.Errorf("bench setup: %w", err)
		}
		for _, r := range res {
			if r.Code != 0 || !r.Committed {
				return fmt.Errorf("bench setup: code %d %s", r.Code, r.Log)
			}
		}
	}
	return nil
}
