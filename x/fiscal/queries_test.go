package fiscal_test

import (
	"strings"
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/fiscal"
)

// Each query names the records the handlers wrote: record queries a key
// that holds a record of the declared type, lists a prefix with entries
// whose targets hold records.
func TestQueriesReadWhatHandlersWrite(t *testing.T) {
	w := newWorld(t)
	w.ok("budget", fiscal.TypeAppropriate, appropriation("L-1", "cab", 1000))
	w.ok("budget", fiscal.TypeAdjust, fiscal.MsgAdjust{Line: "L-1", Delta: 5, Reason: "r"})
	w.ok("spender", fiscal.TypeCommit, fiscal.MsgCommit{Line: "L-1", Amount: 100, Ref: "welfare/p-1/2026-11"})
	w.ok("spender", fiscal.TypePay, fiscal.MsgPay{Line: "L-1", Amount: 40, Payee: org, Ref: "welfare/p-1/2026-11", PayID: "welfare/p-1/2026-11/x"})
	args := module.Args{"id": "L-1", "year": "2026", "department": "cab", "class": "208", "ref": fiscal.EncodeRef("welfare/p-1/2026-11")}
	byName := map[string]module.Query{}
	for _, q := range fiscal.New().Queries() {
		byName[q.Name] = q
	}
	view := w.View(fiscal.Name)
	for _, q := range fiscal.New().Queries() {
		a := module.Args{}
		for _, p := range q.Params {
			a[p.Name] = args[p.Name]
		}
		if q.Name == "payment" {
			a["id"] = fiscal.EncodeRef("welfare/p-1/2026-11/x")
		}
		if q.Name == "economic" {
			a["class"] = "509"
		}
		switch {
		case q.Key != nil:
			k, _ := q.Key(a)
			raw, ok := view.Get([]byte(k))
			if !ok {
				t.Errorf("%s: no record at %s", q.Name, k)
				continue
			}
			if _, err := q.Decode(raw); err != nil {
				t.Errorf("%s: %v", q.Name, err)
			}
		case q.Prefix != nil:
			p, _ := q.Prefix(a)
			keys := w.Keys("fiscal/" + p)
			if len(keys) == 0 {
				t.Errorf("%s: nothing under %s", q.Name, p)
			}
			for _, k := range keys {
				rk := strings.TrimPrefix(k, "fiscal/")
				if q.Target != nil {
					rk = q.Target(strings.TrimPrefix(rk, p))
				}
				raw, ok := view.Get([]byte(rk))
				if !ok {
					t.Errorf("%s: %s names no record", q.Name, rk)
					continue
				}
				if _, err := q.Decode(raw); err != nil {
					t.Errorf("%s: %s: %v", q.Name, rk, err)
				}
			}
		}
	}
	// A year beyond uint32 names no record (not 2026's).
	k, _ := byName["year"].Key(module.Args{"year": "4294969322"})
	if _, ok := view.Get([]byte(k)); ok {
		t.Fatalf("year 4294969322 read %s", k)
	}
}
