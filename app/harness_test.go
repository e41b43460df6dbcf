package app

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/vfs"
	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/tx"
	"github.com/govchain/govchain/x/identity"
)

const testChain = "govchain-test"

var depts = []string{"mof", "nrb", "cab", "ec"}

// harness drives an App through the real ABCI calls, as CometBFT would.
type harness struct {
	t      testing.TB
	fs     vfs.FS
	dir    string
	db     *pebble.DB
	app    *App
	height int64
	keys   map[string]*crypto.PrivateKey // by name
	valKey []byte
	blocks []*abci.RequestFinalizeBlock
	last   *abci.ResponseFinalizeBlock
	limits MempoolLimits   // the app's mempool limits (zero: defaults)
	mods   []module.Module // the app's modules (nil: testModules)
	// lastCommit is the decided last commit the next blocks carry (who
	// signed the previous block).
	lastCommit abci.CommitInfo
}

// signedBy makes the next blocks carry these validators' signatures of
// the previous block in their decided last commit.
func (h *harness) signedBy(pubKeys ...[]byte) {
	h.lastCommit = abci.CommitInfo{}
	for _, pk := range pubKeys {
		h.lastCommit.Votes = append(h.lastCommit.Votes, abci.VoteInfo{Validator: abci.Validator{Address: module.ValidatorAddress(pk), Power: 1}, BlockIdFlag: cmtproto.BlockIDFlagCommit})
	}
}

func seedKey(t testing.TB, name string) *crypto.PrivateKey {
	seed := crypto.Hash("test-key", []byte(name))
	k, err := crypto.KeyFromSeed(crypto.AlgEd25519, seed[:])
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func genesisState(t testing.TB, valKey []byte) []byte {
	g := identity.Genesis{Threshold: 3, ProposalTTL: 100}
	for i, d := range depts {
		gd := identity.GenesisDepartment{ID: d, Name: "Dept " + d}
		k := seedKey(t, d+"-admin")
		gd.Admins = []identity.GenesisAccount{{Algorithm: k.Algorithm, PublicKey: k.PublicKey()}}
		if i == 0 {
			gd.Validator = &identity.Validator{PublicKey: valKey, Power: 10}
		}
		g.Departments = append(g.Departments, gd)
	}
	b, err := json.Marshal(map[string]any{"identity": g})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newHarness(t testing.TB) *harness { return newHarnessWith(t, MempoolLimits{}) }

// newHarnessWith starts a harness whose app has these mempool limits.
func newHarnessWith(t testing.TB, limits MempoolLimits) *harness {
	return newHarnessOf(t, limits, nil)
}

// newHarnessOf starts a harness whose app runs these modules (nil:
// testModules).
func newHarnessOf(t testing.TB, limits MempoolLimits, mods []module.Module) *harness {
	h := &harness{t: t, fs: vfs.NewMem(), dir: "db", keys: map[string]*crypto.PrivateKey{}, limits: limits, mods: mods}
	for _, d := range depts {
		h.keys[d] = seedKey(t, d+"-admin")
	}
	h.valKey = seedKey(t, "validator").PublicKey()
	h.open()
	_, err := h.app.InitChain(context.Background(), &abci.RequestInitChain{
		ChainId: testChain, Time: time.Unix(1_700_000_000, 0),
		Validators:    []abci.ValidatorUpdate{abci.Ed25519ValidatorUpdate(h.valKey, 10)},
		AppStateBytes: genesisState(t, h.valKey),
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *harness) open() {
	db, err := pebble.Open(h.dir, &pebble.Options{FS: h.fs})
	if err != nil {
		h.t.Fatal(err)
	}
	mods := h.mods
	if mods == nil {
		mods = testModules()
	}
	a, err := New(db, Options{Logf: h.t.Logf, Modules: mods, Mempool: h.limits})
	if err != nil {
		h.t.Fatal(err)
	}
	h.db, h.app = db, a
	h.t.Cleanup(func() {
		if h.db == db {
			a.Close()
			db.Close()
			h.db = nil
		}
	})
}

// reopen simulates a restart: the database is closed and opened again.
func (h *harness) reopen() {
	h.app.Close()
	if err := h.db.Close(); err != nil {
		h.t.Fatal(err)
	}
	h.open()
}

func (h *harness) key(name string) *crypto.PrivateKey {
	k, ok := h.keys[name]
	if !ok {
		k = seedKey(h.t, name)
		h.keys[name] = k
	}
	return k
}

// sign builds a tx from signer with the sequence committed state expects.
func (h *harness) sign(signer string, msgs ...tx.Msg) []byte {
	k := h.key(signer)
	seq := uint64(0)
	if a, err := h.app.Account(k.Address()); err == nil {
		seq = a.Sequence
	}
	t := &tx.Tx{Body: tx.Body{ChainID: testChain, Signer: k.Address(), Sequence: seq, Msgs: msgs}}
	raw, err := tx.Sign(t, k)
	if err != nil {
		h.t.Fatal(err)
	}
	return raw
}

func msg(t testing.TB, typ string, body any) tx.Msg {
	m, err := tx.NewMsg(typ, body)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (h *harness) checkTx(raw []byte) *abci.ResponseCheckTx {
	r, err := h.app.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: raw})
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

// block finalizes and commits a block of txs.
func (h *harness) block(txs ...[]byte) []*abci.ExecTxResult {
	h.height++
	req := &abci.RequestFinalizeBlock{Txs: txs, Height: h.height, Time: time.Unix(1_700_000_000+h.height, 0), DecidedLastCommit: h.lastCommit}
	resp, err := h.app.FinalizeBlock(context.Background(), req)
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.app.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
		h.t.Fatal(err)
	}
	h.blocks = append(h.blocks, req)
	h.last = resp
	return resp.TxResults
}

// mustOK runs one tx in a block and fails unless it succeeds.
func (h *harness) mustOK(signer string, msgs ...tx.Msg) {
	h.t.Helper()
	res := h.block(h.sign(signer, msgs...))
	if res[0].Code != 0 {
		h.t.Fatalf("%s: code %d: %s", msgs[0].Type, res[0].Code, res[0].Log)
	}
}

// expect runs one tx and checks its code.
func (h *harness) expect(code uint32, signer string, msgs ...tx.Msg) *abci.ExecTxResult {
	h.t.Helper()
	res := h.block(h.sign(signer, msgs...))
	if res[0].Code != code {
		h.t.Fatalf("%s by %s: code %d (%s), want %d", msgs[0].Type, signer, res[0].Code, res[0].Log, code)
	}
	return res[0]
}

// createOfficial makes an account in admin's department with roles.
func (h *harness) createOfficial(admin, name string, roles ...string) string {
	k := h.key(name)
	h.mustOK(admin, msg(h.t, identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Roles: roles}))
	return k.Address()
}

func (h *harness) createCitizen(by, name string) string {
	k := h.key(name)
	h.mustOK(by, msg(h.t, identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Citizen: true}))
	return k.Address()
}

func (h *harness) appHash() []byte { return h.app.LastCommitted().AppHash }

func (h *harness) stateRoot() []byte { return h.app.LastCommitted().StateRoot }

func sameBytes(a, b []byte) bool { return bytes.Equal(a, b) }
