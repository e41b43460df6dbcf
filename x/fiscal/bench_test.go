package fiscal_test

import (
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/store"
	"github.com/govchain/govchain/store/treedb"
	"github.com/govchain/govchain/x/fiscal"
	"github.com/govchain/govchain/x/identity"
)

// Sizes of the benchmark chain: lines over 40 departments, each committed
// and partly paid, and one welfare line paid to benchLinePayees citizens
// (as a disbursement run would, through budget.Lines).
const (
	benchLines       = 10_000
	benchDepts       = 40
	benchLinePayees  = 100_000
	benchWelfareLine = "W-1"
)

var benchState struct {
	once    sync.Once
	tree    *treedb.Tree
	version uint64
	keys    int
	build   time.Duration
	dir     string
	db      *pebble.DB
}

// TestMain removes the benchmarks' database, shared by them all.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchState.db != nil {
		benchState.db.Close()
		os.RemoveAll(benchState.dir)
	}
	os.Exit(code)
}

// benchTree builds the state with the module's handlers (moduletest), then
// loads it into the authenticated state tree on disk (Pebble), as a node
// holds it: queries read and prove from there.
func benchTree(b *testing.B) (*treedb.Tree, uint64) {
	benchState.once.Do(func() {
		start := time.Now()
		w := moduletest.New(b, identity.New(), fiscal.New())
		depts := []string{}
		for i := 0; i < benchDepts; i++ {
			d := fmt.Sprintf("d%02d", i)
			depts = append(depts, d)
			w.Department(d)
		}
		w.Department("mof")
		w.Official("budget", "mof", fiscal.RoleBudgetOffice)
		for _, d := range depts {
			w.Official("spender-"+d, d, fiscal.RoleSpender)
		}
		functions := []string{"2080201", "20502", "220", "2130101", "21001", "2010101", "20401", "21201"}
		economics := []string{"50901", "302", "30201", "501", "50201", "50501"}
		for i := 0; i < benchLines; i++ {
			d := depts[i%benchDepts]
			id := fmt.Sprintf("L-%05d", i)
			w.ExpectOK(b, "budget", fiscal.TypeAppropriate, fiscal.MsgAppropriate{Line: id, Year: 2026, Department: d,
				Function: functions[i%len(functions)], Economic: economics[i%len(economics)], FundSource: fiscal.FundGeneral, Amount: 1_000_000})
			w.ExpectOK(b, "spender-"+d, fiscal.TypeCommit, fiscal.MsgCommit{Line: id, Amount: 600_000, Ref: "invoice/" + id, Payee: org})
			w.ExpectOK(b, "spender-"+d, fiscal.TypePay, fiscal.MsgPay{Line: id, Amount: uint64(100_000 + i%7*50_000), Payee: org, Ref: "invoice/" + id, PayID: "p/" + id})
		}
		w.ExpectOK(b, "budget", fiscal.TypeAppropriate, fiscal.MsgAppropriate{Line: benchWelfareLine, Year: 2026, Department: "d00",
			Function: "2080201", Economic: "50901", FundSource: fiscal.FundGeneral, Amount: benchLinePayees * 50_000})
		lines := fiscal.New()
		ctx := func() *module.Context {
			return module.NewContext(moduletest.ChainID, w.Height(), w.Time(), module.Signer{Department: "d00"}, w.State()).WithModule("welfare")
		}
		ref := "welfare/prog-1/2026-11"
		if err := lines.Commit(ctx(), benchWelfareLine, benchLinePayees*50_000, ref); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < benchLinePayees; i++ {
			payee := fmt.Sprintf("%040x", i)
			if err := lines.Pay(ctx(), benchWelfareLine, 50_000, payee, ref, ref+"/"+payee, "benefit"); err != nil {
				b.Fatal(err)
			}
		}
		dir, err := os.MkdirTemp("", "fiscal-bench")
		if err != nil {
			b.Fatal(err)
		}
		db, err := pebble.Open(dir, &pebble.Options{Cache: pebble.NewCache(256 << 20)})
		if err != nil {
			b.Fatal(err)
		}
		benchState.dir, benchState.db = dir, db
		tr := treedb.NewTree(db)
		keys := w.Keys("")
		var v uint64
		for i := 0; i < len(keys); v++ {
			var chs []store.Change
			for j := 0; j < 20_000 && i < len(keys); j, i = j+1, i+1 {
				val, _ := w.State().Get([]byte(keys[i]))
				chs = append(chs, store.Change{Key: []byte(keys[i]), Value: val})
			}
			batch := db.NewBatch()
			if _, err := tr.Apply(batch, v, chs); err != nil {
				b.Fatal(err)
			}
			if err := batch.Commit(pebble.NoSync); err != nil {
				b.Fatal(err)
			}
			tr.Committed(v)
		}
		benchState.tree, benchState.version, benchState.keys, benchState.build = tr, v-1, len(keys), time.Since(start)
	})
	b.Logf("state: %d keys (%d lines; %d payments, %d of them on one line), built in %v", benchState.keys, benchLines+1, benchLinePayees+benchLines, benchLinePayees, benchState.build)
	return benchState.tree, benchState.version
}

func benchRead[T any](b *testing.B, key string, check func(*T)) {
	tr, v := benchTree(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		raw, ok, err := tr.Get([]byte(key), v)
		if err != nil || !ok {
			b.Fatalf("%s: %v %v", key, ok, err)
		}
		var r T
		if err := codec.Unmarshal(raw, &r); err != nil {
			b.Fatal(err)
		}
		if pr, ok := any(&r).(module.Presenter); ok {
			pr.Present(module.ReadView{})
		}
		if i == 0 {
			check(&r)
		}
	}
}

// The year's budget-vs-spent with PEFA PI-1 and PI-2, as the year query
// answers it: one read, one decode, the indicators in integers.
func BenchmarkQueryYear(b *testing.B) {
	benchRead(b, "fiscal/year/2026", func(y *fiscal.Year) {
		if y.Lines != benchLines+1 || y.PEFA.PI1AggregateOutturnBP <= 0 {
			b.Fatalf("%+v %+v", y.Totals, y.PEFA)
		}
	})
}

func BenchmarkQueryDepartment(b *testing.B) {
	benchRead(b, "fiscal/sum/2026/department/d07", func(r *fiscal.Rollup) {
		if r.Lines != benchLines/benchDepts {
			b.Fatalf("%+v", r)
		}
	})
}

// The welfare line after 100,000 payments: its totals are one record.
func BenchmarkQueryLine(b *testing.B) {
	benchRead(b, "fiscal/line/"+benchWelfareLine, func(l *fiscal.Line) {
		if l.Paid != benchLinePayees*50_000 {
			b.Fatalf("%+v", l.Totals)
		}
	})
}

// A provable answer: the year record with its state proof.
func BenchmarkProveYear(b *testing.B) {
	tr, v := benchTree(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := tr.Prove([]byte("fiscal/year/2026"), v); err != nil {
			b.Fatal(err)
		}
	}
}

// The handler work of one payment through budget.Lines (as a welfare run
// makes it): reads and writes of the line, commitment, rollups, year and
// payment with its indexes, on the test kit's in-memory state (no tree).
func BenchmarkLinesPay(b *testing.B) {
	w := moduletest.New(b, identity.New(), fiscal.New())
	w.Department("mof")
	w.Department("cab")
	w.Official("budget", "mof", fiscal.RoleBudgetOffice)
	w.ExpectOK(b, "budget", fiscal.TypeAppropriate, fiscal.MsgAppropriate{Line: "W-1", Year: 2026, Department: "cab",
		Function: "2080201", Economic: "50901", FundSource: fiscal.FundGeneral, Amount: uint64(b.N+1) * 100})
	lines := fiscal.New()
	ctx := func() *module.Context {
		return module.NewContext(moduletest.ChainID, w.Height(), w.Time(), module.Signer{Department: "cab"}, w.State()).WithModule("welfare")
	}
	ref := "welfare/prog-1/2026-11"
	if err := lines.Commit(ctx(), "W-1", uint64(b.N+1)*100, ref); err != nil {
		b.Fatal(err)
	}
	payees := make([]string, b.N)
	for i := range payees {
		payees[i] = fmt.Sprintf("%040x", i)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := lines.Pay(ctx(), "W-1", 100, payees[i], ref, ref+"/"+payees[i], "benefit"); err != nil {
			b.Fatal(err)
		}
	}
}
