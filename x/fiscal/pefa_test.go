package fiscal_test

import (
	"os"
	"strings"
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/fiscal"
)

// PEFA's own worked shape: two functions budgeted 600 and 400 (O = 1000),
// paid 700 and 200 (A = 900). PI-1 = 90.00% (B). Scaled budgets 540 and
// 360; variance (160 + 160) / 900 = 35.55% (D). One economic class: 0%.
func TestPEFA(t *testing.T) {
	w := newWorld(t)
	w.ok("budget", fiscal.TypeAppropriate, fiscal.MsgAppropriate{Line: "A", Year: 2026, Department: "cab", Function: "205", Economic: "501", FundSource: "general", Amount: 600})
	w.ok("budget", fiscal.TypeAppropriate, fiscal.MsgAppropriate{Line: "B", Year: 2026, Department: "cab", Function: "21001", Economic: "50101", FundSource: "general", Amount: 400})
	w.ok("budget", fiscal.TypeAdjust, fiscal.MsgAdjust{Line: "A", Delta: 100, Reason: "supplementary"})
	for _, p := range []struct {
		line string
		amt  uint64
	}{{"A", 700}, {"B", 200}} {
		w.ok("spender", fiscal.TypeCommit, fiscal.MsgCommit{Line: p.line, Amount: p.amt, Ref: "r"})
		w.ok("spender", fiscal.TypePay, fiscal.MsgPay{Line: p.line, Amount: p.amt, Payee: org, Ref: "r", PayID: p.line})
	}
	y, _ := fiscal.GetYear(w.View(fiscal.Name), 2026)
	y.Present(module.ReadView{})
	want := fiscal.PEFA{PI1AggregateOutturnBP: 9000, PI2FunctionalVarianceBP: 3555, PI2EconomicVarianceBP: 0,
		PI1Score: "B", PI2FunctionalScore: "D", PI2EconomicScore: "A"}
	if *y.PEFA != want {
		t.Fatalf("%+v, want %+v", *y.PEFA, want)
	}
	empty, _ := fiscal.GetYear(w.View(fiscal.Name), 2030)
	empty.Present(module.ReadView{})
	if empty.PEFA.PI1AggregateOutturnBP != -1 || empty.PEFA.PI2FunctionalVarianceBP != -1 || empty.PEFA.PI1Score != "" {
		t.Fatalf("empty year: %+v", empty.PEFA)
	}
}

// docs/fiscal.md lists every class of the mapping tables as the code has
// it.
func TestDocsMappingTables(t *testing.T) {
	b, err := os.ReadFile("../../docs/fiscal.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, c := range fiscal.FunctionClasses {
		if row := "| `" + c.Code + "` | " + c.Name + " | `" + c.COFOG + "` " + c.COFOGName + " |"; !strings.Contains(doc, row) {
			t.Errorf("docs/fiscal.md lacks %s", row)
		}
	}
	for _, c := range fiscal.EconomicClasses {
		if row := "| `" + c.Code + "` | " + c.Name + " | `" + c.GFSM + "` " + c.GFSMName + " |"; !strings.Contains(doc, row) {
			t.Errorf("docs/fiscal.md lacks %s", row)
		}
	}
}
