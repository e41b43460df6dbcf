package welfare_test

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/x/welfare"
)

// The property of issue 15: for random programs, enrollees, attestations,
// expiries and statuses, and runs repeated, interrupted (closed midway and
// reopened), opened by two officers and advanced by either, with failed
// payments retried, every eligible citizen is paid exactly what each
// program owes them for each period, once; nobody else is paid; and the
// budget line's totals equal the sum of the payments.
func TestPropertyExactlyOnce(t *testing.T) {
	for seed := int64(1); seed <= 40; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { propertyRun(t, seed) })
	}
}

func propertyRun(t *testing.T, seed int64) {
	rng := rand.New(rand.NewSource(seed))
	w := newWorld(t)
	const budget = 1 << 40
	addLine(w.World, "L-1", "cab", budget)
	type prog struct {
		id     string
		amount uint64
		reqs   []welfare.Requirement
	}
	all := []welfare.Requirement{{Kind: "residency", Department: "ps", ValidityDays: 365}, {Kind: "low_income", Department: "cab", ValidityDays: 30}}
	var progs []prog
	for i := 0; i < 1+rng.Intn(3); i++ {
		p := prog{id: fmt.Sprintf("P-%d", i), amount: uint64(1 + rng.Intn(100000))}
		for _, r := range all {
			if rng.Intn(3) > 0 {
				p.reqs = append(p.reqs, r)
			}
		}
		w.ok("officer", welfare.TypeCreateProgram, welfare.MsgCreateProgram{ID: p.id, Name: "n", BenefitType: "cash", Frequency: "monthly",
			Amount: p.amount, BudgetLine: "L-1", Requirements: p.reqs, StartPeriod: "2026-09"})
		progs = append(progs, p)
	}
	t0 := w.Time()
	// eligible[program][citizen address]
	eligible := map[string]map[string]bool{}
	valid := map[string]bool{} // address/kind
	nc := rng.Intn(15)
	for c := 0; c < nc; c++ {
		name := fmt.Sprintf("c%d", c)
		addr := w.Citizen(name, "cab")
		// Attestations are about the citizen: every program requiring a
		// kind from the same department reads the same one.
		for _, r := range all {
			signer := map[string]string{"ps": "police", "cab": "civil"}[r.Department]
			at := welfare.MsgAttest{Program: progs[0].id, Beneficiary: addr, Kind: r.Kind, Digest: digest(name)}
			for _, p := range progs {
				for _, pr := range p.reqs {
					if pr.Kind == r.Kind {
						at.Program = p.id
					}
				}
			}
			if at.Program == progs[0].id && !slices.Contains(progs[0].reqs, r) {
				continue // no program requires it
			}
			switch rng.Intn(4) {
			case 0: // never attested
			case 1: // expires before the runs
				at.ValidUntil = t0.Unix() + 30
				w.ok(signer, welfare.TypeAttest, at)
			default:
				w.ok(signer, welfare.TypeAttest, at)
				valid[addr+"/"+r.Kind] = true
			}
		}
		for _, p := range progs {
			if eligible[p.id] == nil {
				eligible[p.id] = map[string]bool{}
			}
			if rng.Intn(4) == 0 {
				continue // not enrolled
			}
			if rng.Intn(2) == 0 {
				w.ok(name, welfare.TypeEnrol, welfare.MsgEnrol{Program: p.id})
			} else {
				w.ok("officer2", welfare.TypeEnrol, welfare.MsgEnrol{Program: p.id, Beneficiary: addr})
			}
			ok := true
			for _, r := range p.reqs {
				ok = ok && valid[addr+"/"+r.Kind]
			}
			switch rng.Intn(6) {
			case 0:
				w.ok("officer", welfare.TypeSetStatus, welfare.MsgSetStatus{Program: p.id, Beneficiary: addr, Status: "suspended", Reason: "r"})
				ok = false
			case 1:
				w.ok("officer", welfare.TypeSetStatus, welfare.MsgSetStatus{Program: p.id, Beneficiary: addr, Status: "deceased", Reason: "r"})
				ok = false
			}
			eligible[p.id][addr] = ok
		}
	}
	w.SetTime(t0.Add(time.Hour))
	periods := []string{"2026-09", "2026-10", "2026-11"}
	officers := []string{"officer", "officer2"}
	openRuns := map[string]uint64{} // program/period -> run id
	done := map[string]bool{}
	next := uint64(0)
	for steps := 0; steps < 200; steps++ {
		p := progs[rng.Intn(len(progs))]
		period := periods[rng.Intn(len(periods))]
		k := p.id + "/" + period
		off := officers[rng.Intn(2)]
		id, open := openRuns[k]
		switch a := rng.Intn(5); {
		case !open && a < 3:
			w.ok(off, welfare.TypeOpenRun, welfare.MsgOpenRun{Program: p.id, Period: period})
			next++
			if r := w.run(next); r.Status == welfare.RunOpen {
				openRuns[k] = next
			} else {
				done[k] = true
			}
		case open && a < 3:
			w.ok(off, welfare.TypeAdvanceRun, welfare.MsgRunRef{ID: id})
			if w.run(id).Status != welfare.RunOpen {
				if w.run(id).Status != welfare.RunCompleted {
					t.Fatalf("run %d: %+v", id, w.run(id))
				}
				delete(openRuns, k)
				done[k] = true
			}
		case open && a == 3: // interrupted
			w.ok(off, welfare.TypeCloseRun, welfare.MsgRunRef{ID: id})
			delete(openRuns, k)
		case open:
			w.refused(welfare.ErrRunInProgress.Code, off, welfare.TypeOpenRun, welfare.MsgOpenRun{Program: p.id, Period: period})
		default: // a failed bank transfer, then its retry
			for addr, ok := range eligible[p.id] {
				if ok && rng.Intn(3) == 0 {
					if _, err := welfare.GetPayment(w.View(welfare.Name), p.id, period, addr); err == nil {
						ref := welfare.MsgPaymentRef{Program: p.id, Period: period, Beneficiary: addr, Reason: "bank"}
						w.ok(off, welfare.TypePaymentFailed, ref)
						w.ok(officers[rng.Intn(2)], welfare.TypeRetryPayment, ref)
					}
				}
			}
		}
		if rng.Intn(4) == 0 {
			w.NextBlock()
		}
	}
	// Finish every program-period.
	for _, p := range progs {
		for _, period := range periods {
			k := p.id + "/" + period
			id, open := openRuns[k]
			if !open && !done[k] {
				w.ok("officer", welfare.TypeOpenRun, welfare.MsgOpenRun{Program: p.id, Period: period})
				next++
				id, open = next, w.run(next).Status == welfare.RunOpen
			}
			for open {
				w.ok("officer2", welfare.TypeAdvanceRun, welfare.MsgRunRef{ID: id})
				open = w.run(id).Status == welfare.RunOpen
			}
		}
	}
	// The property.
	var total, count uint64
	want := 0
	for _, p := range progs {
		for _, period := range periods {
			for addr, ok := range eligible[p.id] {
				pm, err := welfare.GetPayment(w.View(welfare.Name), p.id, period, addr)
				switch {
				case ok && err != nil:
					t.Fatalf("%s %s %s owed, not paid: %v", p.id, period, addr, err)
				case !ok && err == nil:
					t.Fatalf("%s %s %s paid, not owed: %+v", p.id, period, addr, pm)
				case ok:
					want++
					if pm.Amount != p.amount || pm.Status != welfare.PayPaid {
						t.Fatalf("%+v, owed %d", pm, p.amount)
					}
				}
			}
		}
	}
	for _, k := range w.Keys("welfare/pay/") {
		pm := moduletest.Get[welfare.Payment](w.World, welfare.Name, strings.TrimPrefix(k, "welfare/"))
		total += pm.Amount
		count++
	}
	if int(count) != want {
		t.Fatalf("%d payments, %d owed", count, want)
	}
	l := getLine(w.World, "L-1")
	if l.Paid != total || l.Payments != count || l.Committed != 0 || l.Available != budget-total {
		t.Fatalf("line %+v, payments %d totalling %d", l, count, total)
	}
	if n := len(w.Keys("fiscal/payid/")); n != int(count) {
		t.Fatalf("%d budget payments, %d welfare payments", n, count)
	}
}
