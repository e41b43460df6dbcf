package fiscal_test

import (
	"testing"

	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/x/fiscal"
)

// Every fiscal message body, from arbitrary bytes: the handler never
// panics, and a refusal carries a code and a message. (app's
// FuzzMessageBodies runs over its own test modules, which do not include
// fiscal.)
func FuzzFiscalBodies(f *testing.F) {
	types := []string{fiscal.TypeAppropriate, fiscal.TypeAdjust, fiscal.TypeCommit, fiscal.TypeUncommit, fiscal.TypePay, fiscal.TypeCloseLine}
	seeds := []any{appropriation("L-1", "cab", 1000), fiscal.MsgAdjust{Line: "L-1", Delta: -5, Reason: "r"},
		fiscal.MsgCommit{Line: "L-1", Amount: 10, Ref: "a/b"}, fiscal.MsgUncommit{Line: "L-1", Amount: 1, Ref: "a/b"},
		fiscal.MsgPay{Line: "L-1", Amount: 1, Payee: org, Ref: "a/b", PayID: "x"}, fiscal.MsgCloseLine{Line: "L-1", Reason: "r"}}
	for i, s := range seeds {
		f.Add(uint8(i), codec.MustMarshal(s))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		w := newWorld(t)
		w.ok("budget", fiscal.TypeAppropriate, appropriation("L-1", "cab", 1000))
		w.ok("spender", fiscal.TypeCommit, fiscal.MsgCommit{Line: "L-1", Amount: 100, Ref: "a/b"})
		typ := types[int(which)%len(types)]
		signer := "spender"
		if typ == fiscal.TypeAppropriate || typ == fiscal.TypeAdjust || typ == fiscal.TypeCloseLine {
			signer = "budget"
		}
		r := w.Exec(signer, typ, body)
		if r.Panic != "" {
			t.Fatalf("%s", r)
		}
		if r.Err != nil && r.Err.Error() == "" {
			t.Fatalf("%s: refused without a message", r)
		}
	})
}
