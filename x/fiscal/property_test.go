package fiscal_test

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/x/fiscal"
)

// Random appropriations, adjustments, commitments, uncommits and payments
// (many of them refused), checked against a model of the rule: each
// message succeeds exactly when the model says, each refusal leaves no
// state change, and at the end every line's totals equal the sums of its
// commitments, payments and adjustments, and every rollup the sum of its
// lines.
func TestPropertyTotals(t *testing.T) {
	for seed := int64(1); seed <= 8; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { propertyRun(t, seed) })
	}
}

type modelLine struct {
	dept                      string
	adjusted, committed, paid uint64
	open                      map[string]uint64
}

func propertyRun(t *testing.T, seed int64) {
	w := newWorld(t)
	w.t = t
	rng := rand.New(rand.NewSource(seed))
	spenders := map[string]string{"cab": "spender", "nrb": "nrb-spender"}
	functions := []string{"2080201", "20502", "220", "2130101"}
	economics := []string{"50901", "302", "30201", "501"}
	lines := map[string]*modelLine{}
	var ids []string
	paid := map[string]bool{}
	refs := []string{"welfare/p-1/2026-01", "procurement/ocds-gc-1/award", "invoice/7"}
	for i := 0; i < 300; i++ {
		switch op := rng.Intn(10); {
		case op == 0 || len(ids) == 0:
			id := fmt.Sprintf("L-%d", len(ids))
			dept := []string{"cab", "nrb"}[rng.Intn(2)]
			amt := uint64(rng.Intn(100_000) + 1)
			w.ok("budget", fiscal.TypeAppropriate, fiscal.MsgAppropriate{Line: id, Year: uint32(2025 + rng.Intn(2)), Department: dept,
				Function: functions[rng.Intn(len(functions))], Economic: economics[rng.Intn(len(economics))], FundSource: fiscal.FundSources[rng.Intn(4)], Amount: amt})
			lines[id] = &modelLine{dept: dept, adjusted: amt, open: map[string]uint64{}}
			ids = append(ids, id)
		case op == 1:
			id := ids[rng.Intn(len(ids))]
			l := lines[id]
			delta := int64(rng.Intn(40_000)) - 20_000
			if delta == 0 {
				continue
			}
			msg := fiscal.MsgAdjust{Line: id, Delta: delta, Reason: "review"}
			if delta < 0 && uint64(-delta) > l.adjusted-l.committed-l.paid {
				w.refused(fiscal.ErrBelowSpent.Code, "budget", fiscal.TypeAdjust, msg)
				continue
			}
			w.ok("budget", fiscal.TypeAdjust, msg)
			l.adjusted = uint64(int64(l.adjusted) + delta)
		case op <= 4:
			id := ids[rng.Intn(len(ids))]
			l := lines[id]
			ref := refs[rng.Intn(len(refs))]
			amt := uint64(rng.Intn(30_000) + 1)
			msg := fiscal.MsgCommit{Line: id, Amount: amt, Ref: ref, Payee: org}
			signer := spenders[[]string{"cab", "nrb"}[rng.Intn(2)]]
			switch {
			case signer != spenders[l.dept]:
				w.refused(fiscal.ErrWrongDepartment.Code, signer, fiscal.TypeCommit, msg)
			case amt > l.adjusted-l.committed-l.paid:
				w.refused(fiscal.ErrInsufficient.Code, signer, fiscal.TypeCommit, msg)
			default:
				w.ok(signer, fiscal.TypeCommit, msg)
				l.committed += amt
				l.open[ref] += amt
			}
		case op <= 5:
			id := ids[rng.Intn(len(ids))]
			l := lines[id]
			ref := refs[rng.Intn(len(refs))]
			amt := uint64(rng.Intn(10_000) + 1)
			msg := fiscal.MsgUncommit{Line: id, Amount: amt, Ref: ref}
			_, known := l.open[ref]
			switch {
			case !known:
				w.refused(fiscal.ErrUnknownCommit.Code, spenders[l.dept], fiscal.TypeUncommit, msg)
			case amt > l.open[ref]:
				w.refused(fiscal.ErrExceedsCommit.Code, spenders[l.dept], fiscal.TypeUncommit, msg)
			default:
				w.ok(spenders[l.dept], fiscal.TypeUncommit, msg)
				l.committed -= amt
				l.open[ref] -= amt
			}
		default:
			id := ids[rng.Intn(len(ids))]
			l := lines[id]
			ref := refs[rng.Intn(len(refs))]
			amt := uint64(rng.Intn(20_000) + 1)
			payID := fmt.Sprintf("%s/%d", ref, rng.Intn(40))
			msg := fiscal.MsgPay{Line: id, Amount: amt, Payee: w.Addr("clerk"), Ref: ref, PayID: payID}
			_, known := l.open[ref]
			switch {
			case paid[payID]:
				w.refused(fiscal.ErrDuplicatePayID.Code, spenders[l.dept], fiscal.TypePay, msg)
			case !known:
				w.refused(fiscal.ErrUnknownCommit.Code, spenders[l.dept], fiscal.TypePay, msg)
			case amt > l.open[ref]:
				w.refused(fiscal.ErrExceedsCommit.Code, spenders[l.dept], fiscal.TypePay, msg)
			default:
				w.ok(spenders[l.dept], fiscal.TypePay, msg)
				l.committed -= amt
				l.paid += amt
				l.open[ref] -= amt
				paid[payID] = true
			}
		}
		if i%7 == 0 {
			w.NextBlock()
		}
	}
	checkSums(t, w, ids, lines)
}

func checkSums(t *testing.T, w *world, ids []string, model map[string]*modelLine) {
	t.Helper()
	view := w.View(fiscal.Name)
	type rk struct {
		year       uint32
		kind, code string
	}
	rollups := map[rk]fiscal.Totals{}
	years := map[uint32]fiscal.Totals{}
	sum := func(a *fiscal.Totals, b fiscal.Totals) {
		a.Original += b.Original
		a.Adjusted += b.Adjusted
		a.Committed += b.Committed
		a.Paid += b.Paid
		a.Available += b.Available
		a.Lines += b.Lines
	}
	for _, id := range ids {
		l := w.line(id)
		m := model[id]
		if l.Adjusted != m.adjusted || l.Committed != m.committed || l.Paid != m.paid || l.Available != m.adjusted-m.committed-m.paid {
			t.Fatalf("%s: %+v, model %+v", id, l.Totals, m)
		}
		// Line totals are the sums of its own records.
		var open, paidSum uint64
		for _, k := range w.Keys("fiscal/commit/" + id + "/") {
			c := moduletest.Get[fiscal.Commitment](w.World, fiscal.Name, strings.TrimPrefix(k, "fiscal/"))
			if c.Open != c.Committed-c.Released-c.Paid {
				t.Fatalf("%s: %+v", k, c)
			}
			open += c.Open
		}
		for _, k := range w.Keys("fiscal/linepay/" + id + "/") {
			p, err := fiscal.GetPayment(view, strings.TrimPrefix(k, "fiscal/linepay/"+id+"/"))
			if err != nil {
				t.Fatal(err)
			}
			paidSum += p.Amount
		}
		adjusted := l.Original
		for s := uint64(0); s < l.Adjustments; s++ {
			a := moduletest.Get[fiscal.Adjustment](w.World, fiscal.Name, fmt.Sprintf("adj/%s/%020d", id, s))
			if a.Before != adjusted {
				t.Fatalf("%s adjustment %d: before %d, want %d", id, s, a.Before, adjusted)
			}
			adjusted = uint64(int64(adjusted) + a.Delta)
		}
		if open != l.Committed || paidSum != l.Paid || adjusted != l.Adjusted {
			t.Fatalf("%s: committed %d vs Σ open %d, paid %d vs Σ payments %d, adjusted %d vs original+Σ deltas %d", id, l.Committed, open, l.Paid, paidSum, l.Adjusted, adjusted)
		}
		fn, _ := fiscal.FunctionClassOf(l.Function)
		ec, _ := fiscal.EconomicClassOf(l.Economic)
		for _, r := range []rk{{l.Year, fiscal.KindDepartment, l.Department}, {l.Year, fiscal.KindFunction, fn.Code}, {l.Year, fiscal.KindEconomic, ec.Code}} {
			v := rollups[r]
			sum(&v, l.Totals)
			rollups[r] = v
		}
		y := years[l.Year]
		sum(&y, l.Totals)
		years[l.Year] = y
	}
	for r, want := range rollups {
		got, err := fiscal.GetRollup(view, r.year, r.kind, r.code)
		if err != nil || got.Totals != want {
			t.Fatalf("rollup %+v: %+v, Σ lines %+v (%v)", r, got.Totals, want, err)
		}
	}
	for year, want := range years {
		got, _ := fiscal.GetYear(view, year)
		if got.Totals != want {
			t.Fatalf("year %d: %+v, Σ lines %+v", year, got.Totals, want)
		}
		var o, p uint64
		for _, c := range got.Functions {
			o, p = o+c.Original, p+c.Paid
		}
		if o != want.Original || p != want.Paid {
			t.Fatalf("year %d function classes sum to %d/%d", year, o, p)
		}
	}
}
