package app

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/vfs"
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/x/fiscal"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/registry"
	"github.com/govchain/govchain/x/welfare"
)

// TestWelfareRunSize measures a welfare disbursement run through the
// application (FinalizeBlock + Commit on Pebble, in memory): N citizens
// enrolled in a program requiring one attestation, then open_run and
// advance_run txs, RUN_PER_BLOCK advances per block, until the run
// completes. N comes from GOVCHAIN_WELFARE_N (skipped when unset; the
// issue's figure is 100000). Without x/fiscal (not yet merged) the run
// makes no budget calls.
func TestWelfareRunSize(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GOVCHAIN_WELFARE_N"))
	if n == 0 {
		t.Skip("GOVCHAIN_WELFARE_N unset")
	}
	perBlock := 1 // a run advances at most once a block
	if v, _ := strconv.Atoi(os.Getenv("GOVCHAIN_WELFARE_RUN_PER_BLOCK")); v > 0 {
		perBlock = v
	}
	h := &harness{t: t, fs: vfs.NewMem(), dir: "db", keys: map[string]*crypto.PrivateKey{}}
	for _, d := range depts {
		h.keys[d] = seedKey(t, d+"-admin")
	}
	h.valKey = seedKey(t, "validator").PublicKey()
	db, err := pebble.Open(h.dir, &pebble.Options{FS: h.fs})
	if err != nil {
		t.Fatal(err)
	}
	h.db = db
	lines := fiscal.New() // the run pays through the real budget lines, as the chain's module list wires it
	h.app, err = New(db, Options{Modules: []module.Module{identity.New(), registry.New(), lines, welfare.New(welfare.WithBudget(lines))}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { h.app.Close(); db.Close() }()
	if _, err := h.app.InitChain(context.Background(), &abci.RequestInitChain{ChainId: testChain, Time: time.Unix(1_700_000_000, 0),
		Validators: []abci.ValidatorUpdate{abci.Ed25519ValidatorUpdate(h.valKey, 10)}, AppStateBytes: genesisState(t, h.valKey)}); err != nil {
		t.Fatal(err)
	}
	officer := h.createOfficial("cab", "officer", welfare.RoleOfficer)
	h.createOfficial("cab", "attester", welfare.RoleAttester)
	const regs = 20
	for i := 0; i < regs; i++ {
		h.createOfficial("cab", fmt.Sprint("reg", i), identity.RoleRegistrar)
	}
	_ = officer
	h.createOfficial("mof", "budget", fiscal.RoleBudgetOffice)
	h.mustOK("budget", msg(t, fiscal.TypeAppropriate, fiscal.MsgAppropriate{Line: "dibao-2023", Year: 2023, Department: "cab", Function: "2080201",
		Economic: "50901", FundSource: "general", Amount: uint64(3*n+1000) * 80000})) // the runs below
	h.mustOK("officer", msg(t, welfare.TypeCreateProgram, welfare.MsgCreateProgram{ID: "dibao", Name: "Minimum living allowance",
		BenefitType: "cash", Frequency: "monthly", Amount: 80000, BudgetLine: "dibao-2023",
		Requirements: []welfare.Requirement{{Kind: "low_income", Department: "cab", ValidityDays: 365}}}))

	seqs := map[string]uint64{}
	signed := func(signer string, msgs []tx.Msg) []byte {
		k := h.key(signer)
		if _, ok := seqs[signer]; !ok {
			a, err := h.app.Account(k.Address())
			if err != nil {
				t.Fatal(err)
			}
			seqs[signer] = a.Sequence
		}
		raw, err := tx.Sign(&tx.Tx{Body: tx.Body{ChainID: testChain, Signer: k.Address(), Sequence: seqs[signer], Msgs: msgs}}, k)
		if err != nil {
			t.Fatal(err)
		}
		seqs[signer]++
		return raw
	}
	run := func(what string, txs [][]byte, perBlock int) (time.Duration, int) {
		start, blocks := time.Now(), 0
		for i := 0; i < len(txs); i += perBlock {
			res := h.block(txs[i:min(i+perBlock, len(txs))]...)
			blocks++
			for _, r := range res {
				if r.Code != 0 {
					t.Fatalf("%s: code %d: %s", what, r.Code, r.Log)
				}
			}
		}
		return time.Since(start), blocks
	}
	addrs := make([]string, n)
	for i := range addrs {
		addrs[i] = seedKey(t, fmt.Sprint("citizen", i)).Address()
	}
	// Setup: accounts, enrolments, attestations, 16 messages a tx.
	var create, enrol, attest [][]byte
	for i := 0; i < n; i += tx.MaxMsgs {
		var cm, em, am []tx.Msg
		for j := i; j < min(i+tx.MaxMsgs, n); j++ {
			k := seedKey(t, fmt.Sprint("citizen", j))
			cm = append(cm, msg(t, identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Citizen: true}))
			em = append(em, msg(t, welfare.TypeEnrol, welfare.MsgEnrol{Program: "dibao", Beneficiary: addrs[j]}))
			d, _ := welfare.Disclosure(fmt.Sprint("salt", j), "low_income", true)
			am = append(am, msg(t, welfare.TypeAttest, welfare.MsgAttest{Program: "dibao", Beneficiary: addrs[j], Kind: "low_income", Digest: welfare.DisclosureDigest(d)}))
		}
		create = append(create, signed(fmt.Sprint("reg", (i/tx.MaxMsgs)%regs), cm))
		enrol = append(enrol, signed("officer", em))
		attest = append(attest, signed("attester", am))
	}
	d1, b1 := run("create", create, 500)
	d2, b2 := run("enrol", enrol, 500)
	d3, b3 := run("attest", attest, 500)
	t.Logf("setup: %d citizens in %v (%d blocks), enrolled in %v (%d), attested in %v (%d)", n, d1, b1, d2, b2, d3, b3)

	month := welfare.PeriodOf(time.Unix(1_700_000_000+h.height+1, 0))
	h.mustOK("officer", msg(t, welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "dibao", Period: month}))
	seqs["officer"]++
	advances := (n + welfare.MaxPerAdvance - 1) / welfare.MaxPerAdvance
	var adv [][]byte
	for i := 0; i < advances; i++ {
		adv = append(adv, signed("officer", []tx.Msg{msg(t, welfare.TypeAdvanceRun, welfare.MsgRunRef{ID: 1})}))
	}
	// Normal traffic alongside: fill create_account txs (one citizen
	// each) in every block, measured alone first (GOVCHAIN_WELFARE_FILL).
	fill, _ := strconv.Atoi(os.Getenv("GOVCHAIN_WELFARE_FILL"))
	next := n
	filler := func(k int) [][]byte {
		var out [][]byte
		for i := 0; i < k; i++ {
			c := seedKey(t, fmt.Sprint("citizen", next))
			out = append(out, signed(fmt.Sprint("reg", next%regs), []tx.Msg{msg(t, identity.TypeCreateAccount,
				identity.MsgCreateAccount{Algorithm: c.Algorithm, PublicKey: c.PublicKey(), Citizen: true})}))
			next++
		}
		return out
	}
	if fill > 0 {
		var base time.Duration
		for i := 0; i < 5; i++ {
			txs := filler(fill)
			d, _ := run("fill", txs, len(txs))
			base += d
		}
		t.Logf("normal traffic alone: %d txs a block in %v a block, %.0f tx/s", fill, base/5, float64(5*fill)/base.Seconds())
	}
	start, b4 := time.Now(), 0
	for i := 0; i < len(adv); i += perBlock {
		txs := append(filler(fill), adv[i:min(i+perBlock, len(adv))]...)
		run("advance", txs, len(txs))
		b4++
	}
	d4 := time.Since(start)
	if fill > 0 {
		t.Logf("normal traffic during the run: %d txs a block beside %d advances, %v a block, %.0f tx/s of it", fill, perBlock, d4/time.Duration(b4), float64(fill*b4)/d4.Seconds())
	}
	r, err := welfare.GetRun(h.app.latest(welfare.Name+"/"), 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != welfare.RunCompleted || r.Payments != uint64(n) {
		t.Fatalf("run %+v", r)
	}
	t.Logf("run: %d payments of %d fen in %v: %d advance_run txs in %d blocks (%d a block), %v a block, %.0f payments/s",
		r.Payments, r.Amount, d4, advances, b4, perBlock, d4/time.Duration(b4), float64(n)/d4.Seconds())
	// A second run of the same period pays nobody.
	h.mustOK("officer", msg(t, welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "dibao", Period: month}))
}

// A run interrupted by a restart of the node resumes from its cursor in
// committed state: 2100 enrollees, one advance, the database closed and
// opened again, then the rest; every enrollee is paid once.
func TestWelfareRunResumesAfterRestart(t *testing.T) {
	const n = 2100
	mods := func() []module.Module { return []module.Module{identity.New(), registry.New(), welfare.New()} }
	h := &harness{t: t, fs: vfs.NewMem(), dir: "db", keys: map[string]*crypto.PrivateKey{}}
	for _, d := range depts {
		h.keys[d] = seedKey(t, d+"-admin")
	}
	h.valKey = seedKey(t, "validator").PublicKey()
	open := func() {
		db, err := pebble.Open(h.dir, &pebble.Options{FS: h.fs})
		if err != nil {
			t.Fatal(err)
		}
		h.db = db
		if h.app, err = New(db, Options{Modules: mods()}); err != nil {
			t.Fatal(err)
		}
	}
	open()
	defer func() { h.app.Close(); h.db.Close() }()
	if _, err := h.app.InitChain(context.Background(), &abci.RequestInitChain{ChainId: testChain, Time: time.Unix(1_700_000_000, 0),
		Validators: []abci.ValidatorUpdate{abci.Ed25519ValidatorUpdate(h.valKey, 10)}, AppStateBytes: genesisState(t, h.valKey)}); err != nil {
		t.Fatal(err)
	}
	h.createOfficial("cab", "officer", welfare.RoleOfficer)
	h.createOfficial("cab", "reg", identity.RoleRegistrar)
	h.mustOK("officer", msg(t, welfare.TypeCreateProgram, welfare.MsgCreateProgram{ID: "dibao", Name: "n", BenefitType: "cash", Frequency: "monthly", Amount: 100}))
	var create, enrol [][]byte
	seq := map[string]uint64{"reg": 0, "officer": 1}
	sign := func(signer string, msgs []tx.Msg) []byte {
		k := h.key(signer)
		raw, err := tx.Sign(&tx.Tx{Body: tx.Body{ChainID: testChain, Signer: k.Address(), Sequence: seq[signer], Msgs: msgs}}, k)
		if err != nil {
			t.Fatal(err)
		}
		seq[signer]++
		return raw
	}
	for i := 0; i < n; i += tx.MaxMsgs {
		var cm, em []tx.Msg
		for j := i; j < min(i+tx.MaxMsgs, n); j++ {
			k := seedKey(t, fmt.Sprint("citizen", j))
			cm = append(cm, msg(t, identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Citizen: true}))
			em = append(em, msg(t, welfare.TypeEnrol, welfare.MsgEnrol{Program: "dibao", Beneficiary: k.Address()}))
		}
		create, enrol = append(create, sign("reg", cm)), append(enrol, sign("officer", em))
	}
	for _, txs := range [][][]byte{create, enrol} {
		for _, r := range h.block(txs...) {
			if r.Code != 0 {
				t.Fatalf("setup: %d %s", r.Code, r.Log)
			}
		}
	}
	month := welfare.PeriodOf(time.Unix(1_700_000_000+h.height+1, 0))
	h.mustOK("officer", msg(t, welfare.TypeOpenRun, welfare.MsgOpenRun{Program: "dibao", Period: month}))
	advance := msg(t, welfare.TypeAdvanceRun, welfare.MsgRunRef{ID: 1})
	h.mustOK("officer", advance)
	h.app.Close()
	if err := h.db.Close(); err != nil {
		t.Fatal(err)
	}
	open() // the restart
	run := func() *welfare.Run {
		r, err := welfare.GetRun(h.app.latest(welfare.Name+"/"), 1)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := run(); r.Cursor != welfare.MaxPerAdvance || r.Payments != welfare.MaxPerAdvance {
		t.Fatalf("after the restart: %+v", r)
	}
	h.mustOK("officer", advance)
	h.mustOK("officer", advance)
	if r := run(); r.Status != welfare.RunCompleted || r.Payments != n || r.Paid != 100*n || r.AlreadyPaid != 0 {
		t.Fatalf("%+v", r)
	}
	h.expect(welfare.ErrRunNotOpen.Code, "officer", advance)
}
