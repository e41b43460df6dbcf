package procurement_test

import (
	"fmt"
	"testing"

	"github.com/govchain/govchain/x/procurement"
)

// BenchmarkTender runs a whole tender through the module test kit (the
// application's authorization, decoding and state overlay, without
// consensus or signatures): publication, 50 sealed bids committed and
// revealed, 5 evaluators declaring and scoring 2 criteria, award,
// contract, acceptance and payment: 115 transactions.
func BenchmarkTender(b *testing.B) {
	const bidders, evaluators = 50, 5
	w := newWorld(b)
	var names []string
	for i := 0; i < bidders; i++ {
		names = append(names, fmt.Sprintf("b%d", i))
		w.Citizen(names[i], "cab")
	}
	w.members = nil
	for i := 0; i < evaluators; i++ {
		w.members = append(w.members, w.Official(fmt.Sprintf("ev%d", i), "mof", procurement.RoleEvaluator))
	}
	for _, n := range names {
		w.approve(n)
	}
	crit := []procurement.Criterion{{Name: "quality", Weight: 30}, {Name: "service", Weight: 10}}
	b.ResetTimer()
	txs := 0
	for i := 0; i < b.N; i++ {
		tn := w.publish(10_000_000, 60, crit...)
		for j, n := range names {
			w.bid(n, tn, uint64(5_000_000+j*1000))
		}
		w.at(tn, toDeadline)
		for j, n := range names {
			w.reveal(n, tn, uint64(5_000_000+j*1000))
		}
		w.at(tn, toRevealEnd)
		rows := map[string][]uint32{}
		for j, n := range names {
			rows[w.Addr(n)] = []uint32{uint32(50 + j%50), uint32(90 - j%40)}
		}
		for e := 0; e < evaluators; e++ {
			name := fmt.Sprintf("ev%d", e)
			w.ok(name, procurement.TypeDeclare, procurement.MsgDeclare{Tender: tn.ID})
			w.ok(name, procurement.TypeScore, w.scores(name, tn, rows))
		}
		w.ok("officer", procurement.TypeAward, procurement.MsgTenderRef{Tender: tn.ID})
		award := w.tender(tn.ID).Award
		w.at(tn, toRevealEnd+window)
		w.ok("officer", procurement.TypeSignContract, procurement.MsgSignContract{Tender: tn.ID,
			Milestones: []procurement.MsgMilestone{{Deliverable: "all", Due: tn.Published + 10_000, Amount: award.Amount}}})
		w.ok("officer", procurement.TypeDecideMilestone, procurement.MsgDecideMilestone{Tender: tn.ID, Accept: true})
		w.ok("officer", procurement.TypePayMilestone, procurement.MsgPayMilestone{Tender: tn.ID, Amount: award.Amount})
		txs += 1 + 2*bidders + 2*evaluators + 4
	}
	b.ReportMetric(float64(txs)/b.Elapsed().Seconds(), "tx/s")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tenders/s")
}
