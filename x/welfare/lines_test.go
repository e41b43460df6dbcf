package welfare_test

import (
	"fmt"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/x/fiscal/budget"
)

// testLines is a stand-in for x/fiscal's budget lines until the merge: a
// small ledger in state (under "fiscal/", written through ctx.InModule as
// x/fiscal does) that enforces budget.Lines' documented rules: a line
// exists and belongs to the signer's department; a commitment never
// exceeds the available balance; a payment never exceeds what its ref
// committed and has not paid; a payID pays once; a refusal changes
// nothing. The lead switches the integration tests to x/fiscal after
// merging.
type testLines struct{}

var _ budget.Lines = testLines{}

// Stand-in fiscal codes (x/fiscal's own are 400-499; these are only
// registered in this test binary, which does not link x/fiscal).
var (
	errLine      = module.Register("fiscal", 490, "test ledger: unknown line or department may not spend from it")
	errAvailable = module.Register("fiscal", 491, "test ledger: available balance too low")
	errCommitted = module.Register("fiscal", 492, "test ledger: exceeds the ref's commitment")
	errPayID     = module.Register("fiscal", 493, "test ledger: payID already paid")
)

// ledgerLine is a line of the test ledger.
type ledgerLine struct {
	Department string `cbor:"1,keyasint"`
	Available  uint64 `cbor:"2,keyasint"`
	Committed  uint64 `cbor:"3,keyasint"` // committed, not yet paid
	Paid       uint64 `cbor:"4,keyasint"`
	Payments   uint64 `cbor:"5,keyasint"`
}

type ledgerRef struct {
	Committed uint64 `cbor:"1,keyasint"`
	Paid      uint64 `cbor:"2,keyasint"`
}

func (testLines) line(ctx *module.Context, id string) (*ledgerLine, error) {
	var l ledgerLine
	ok, err := module.GetRecord(ctx.Store(), "line/"+id, &l)
	if err != nil {
		return nil, err
	}
	if !ok || l.Department != ctx.Signer.Department {
		return nil, errLine.Wrapf("%q", id)
	}
	return &l, nil
}

func (tl testLines) Commit(ctx *module.Context, line string, amount uint64, ref string) error {
	return ctx.InModule("fiscal", func() error {
		l, err := tl.line(ctx, line)
		if err != nil {
			return err
		}
		if amount > l.Available {
			return errAvailable.Wrapf("%d > %d", amount, l.Available)
		}
		var r ledgerRef
		if _, err := module.GetRecord(ctx.Store(), "ref/"+line+"/"+ref, &r); err != nil {
			return err
		}
		l.Available -= amount
		l.Committed += amount
		r.Committed += amount
		module.SetRecord(ctx.Store(), "line/"+line, l)
		module.SetRecord(ctx.Store(), "ref/"+line+"/"+ref, &r)
		return nil
	})
}

func (tl testLines) Uncommit(ctx *module.Context, line string, amount uint64, ref string) error {
	return ctx.InModule("fiscal", func() error {
		l, err := tl.line(ctx, line)
		if err != nil {
			return err
		}
		var r ledgerRef
		if _, err := module.GetRecord(ctx.Store(), "ref/"+line+"/"+ref, &r); err != nil {
			return err
		}
		if amount > r.Committed-r.Paid {
			return errCommitted.Wrapf("uncommit %d > %d", amount, r.Committed-r.Paid)
		}
		l.Available += amount
		l.Committed -= amount
		r.Committed -= amount
		module.SetRecord(ctx.Store(), "line/"+line, l)
		module.SetRecord(ctx.Store(), "ref/"+line+"/"+ref, &r)
		return nil
	})
}

func (tl testLines) Pay(ctx *module.Context, line string, amount uint64, payee, ref, payID, purpose string) error {
	return ctx.InModule("fiscal", func() error {
		l, err := tl.line(ctx, line)
		if err != nil {
			return err
		}
		if _, ok := ctx.Store().Get([]byte("payid/" + payID)); ok {
			return errPayID.Wrapf("%q", payID)
		}
		var r ledgerRef
		if _, err := module.GetRecord(ctx.Store(), "ref/"+line+"/"+ref, &r); err != nil {
			return err
		}
		if amount > r.Committed-r.Paid {
			return errCommitted.Wrapf("pay %d > %d", amount, r.Committed-r.Paid)
		}
		r.Paid += amount
		l.Committed -= amount
		l.Paid += amount
		l.Payments++
		module.SetRecord(ctx.Store(), "line/"+line, l)
		module.SetRecord(ctx.Store(), "ref/"+line+"/"+ref, &r)
		ctx.Store().Set([]byte("payid/"+payID), []byte(fmt.Sprintf("%s %d %s", payee, amount, purpose)))
		return nil
	})
}

// addLine creates a line of the test ledger directly in state.
func addLine(w *moduletest.World, id, dept string, amount uint64) {
	w.State().Set([]byte("fiscal/line/"+id), codec.MustMarshal(&ledgerLine{Department: dept, Available: amount}))
}

func getLine(w *moduletest.World, id string) *ledgerLine {
	return moduletest.Get[ledgerLine](w, "fiscal", "line/"+id)
}
