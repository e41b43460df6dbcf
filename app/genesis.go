package app

import (
	"context"
	"encoding/json"
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/cockroachdb/pebble"
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/crypto"
)

// AppState is the app_state section of genesis.json: one section per
// module, and the chain's hash suite.
type AppState map[string]json.RawMessage

// GenesisHashSuite is the app_state key naming the hash suite ("sha256",
// the default, or "sm3").
const GenesisHashSuite = "hash_suite"

// InitChain writes the genesis state as version 0 and commits it at once
// (running it again after a crash writes the same bytes).
func (a *App) InitChain(_ context.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	var st AppState
	if err := json.Unmarshal(req.AppStateBytes, &st); err != nil {
		return nil, fmt.Errorf("app: genesis app_state: %w", err)
	}
	var suiteName string
	if raw, ok := st[GenesisHashSuite]; ok {
		if err := json.Unmarshal(raw, &suiteName); err != nil {
			return nil, fmt.Errorf("app: genesis %s: %w", GenesisHashSuite, err)
		}
	}
	if gs, err := crypto.SuiteByName(suiteName); err != nil || gs.Name != a.suite.Name {
		return nil, fmt.Errorf("app: genesis names hash suite %q, the node runs %s (%v)", suiteName, a.suite.Name, err)
	}
	c := newCache(func([]byte) ([]byte, bool) { return nil, false })
	ctx := module.NewContext(req.ChainId, 0, req.Time, module.Signer{}, c).WithDefinedRoles(a.roles)
	var updates []module.ValidatorUpdate
	for _, m := range a.modules {
		raw := st[m.Name()]
		if err := m.InitGenesis(ctx.WithModule(m.Name()), raw); err != nil {
			return nil, fmt.Errorf("app: genesis of %s: %w", m.Name(), err)
		}
	}
	updates = ctx.ValidatorUpdates()
	if err := sameValidators(updates, req.Validators); err != nil {
		return nil, err
	}
	b := a.db.NewBatch()
	root, err := a.tree.Apply(b, 0, c.changes())
	if err != nil {
		return nil, err
	}
	_, logRoot, _ := a.log.Root()
	m := Meta{Height: 0, StateRoot: root[:], LogRoot: logRoot, AppHash: a.hasher.AppHash(root[:], logRoot, 0), Time: req.Time.UnixNano()}
	a.writeMeta(b, m)
	b.Set([]byte(keyChainID), []byte(req.ChainId), nil)
	b.Set([]byte(keySuite), []byte(a.suite.Name), nil)
	if err := b.Commit(pebble.Sync); err != nil {
		return nil, err
	}
	a.tree.Committed(0)
	a.mu.Lock()
	a.chainID, a.committed = req.ChainId, m
	a.mu.Unlock()
	a.resetCheck(0)
	return &abci.ResponseInitChain{AppHash: m.AppHash}, nil
}

// sameValidators checks that genesis.json's validators are exactly the
// departments' validators of app_state.
func sameValidators(ours []module.ValidatorUpdate, theirs []abci.ValidatorUpdate) error {
	want := map[string]int64{}
	for _, u := range ours {
		want[string(u.PubKey)] = u.Power
	}
	if len(theirs) != len(want) {
		return fmt.Errorf("app: genesis lists %d validators, departments own %d", len(theirs), len(want))
	}
	for _, v := range theirs {
		pk := v.PubKey.GetEd25519()
		if p, ok := want[string(pk)]; !ok || p != v.Power {
			return fmt.Errorf("app: genesis validator %X (power %d) is not a department's validator with that power", pk, v.Power)
		}
	}
	return nil
}
