package procurement_test

import (
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/procurement"
)

// lines is a budget.Lines of one line kept in memory (x/fiscal keeps its
// own in state; this stands in for it). Refusals use ErrInvalidField so as
// not to claim fiscal's codes.
type lines struct {
	available uint64
	committed map[string]uint64
	paid      []uint64
}

func (l *lines) Commit(ctx *module.Context, line string, amount uint64, ref string) error {
	if line != "L1" || amount > l.available {
		return module.ErrInvalidField.Wrapf("line %s: no headroom", line)
	}
	l.available -= amount
	l.committed[ref] += amount
	return nil
}

func (l *lines) Uncommit(ctx *module.Context, line string, amount uint64, ref string) error {
	if amount > l.committed[ref] {
		return module.ErrInvalidField.Wrapf("uncommit above commitment")
	}
	l.committed[ref] -= amount
	l.available += amount
	return nil
}

func (l *lines) Pay(ctx *module.Context, line string, amount uint64, payee, ref, payID, purpose string) error {
	if amount > l.committed[ref] {
		return module.ErrInvalidField.Wrapf("pay above commitment")
	}
	l.committed[ref] -= amount
	l.paid = append(l.paid, amount)
	return nil
}

// The ceiling is reserved at publication (a tender above its line's
// headroom is refused), the rest released at award and at signing, and
// milestones are paid from the reservation.
func TestBudgetLine(t *testing.T) {
	l := &lines{available: 1500, committed: map[string]uint64{}}
	w := newWorld(t, procurement.WithBudget(l))
	w.approve("s1")
	m := w.tenderMsg(2000, 100)
	m.BudgetLine = "L1"
	w.refused(module.ErrInvalidField.Code, "officer", procurement.TypePublishTender, m)
	m.Ceiling = 1000
	w.ok("officer", procurement.TypePublishTender, m)
	tn := w.tender(1)
	ref := "procurement/" + tn.OCID
	if l.available != 500 || l.committed[ref] != 1000 || tn.Reserved != 1000 {
		t.Fatalf("%+v %+v", l, tn)
	}
	w.bid("s1", tn, 800)
	w.at(tn, toDeadline)
	w.reveal("s1", tn, 800)
	w.at(tn, toRevealEnd)
	w.ok("officer", procurement.TypeAward, procurement.MsgTenderRef{Tender: tn.ID})
	if l.available != 700 || l.committed[ref] != 800 {
		t.Fatalf("after award %+v", l)
	}
	w.at(tn, toRevealEnd+window)
	w.ok("officer", procurement.TypeSignContract, procurement.MsgSignContract{Tender: tn.ID,
		Milestones: []procurement.MsgMilestone{{Deliverable: "all", Due: tn.Published + 1000, Amount: 750}}})
	if l.available != 750 || l.committed[ref] != 750 {
		t.Fatalf("after contract %+v", l)
	}
	w.ok("officer", procurement.TypeDecideMilestone, procurement.MsgDecideMilestone{Tender: tn.ID, Accept: true})
	w.ok("officer", procurement.TypePayMilestone, procurement.MsgPayMilestone{Tender: tn.ID, Amount: 750})
	if l.committed[ref] != 0 || len(l.paid) != 1 || w.tender(tn.ID).Reserved != 0 {
		t.Fatalf("after payment %+v", l)
	}
}
