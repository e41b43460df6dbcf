package node

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/x/identity"
)

// Home is a node's directory:
//
//	config/config.toml             CometBFT settings (consensus, p2p, mempool, RPC)
//	config/app.toml                govchain settings (API address, pruning, log level)
//	config/genesis.json            the chain's genesis (CometBFT format, app_state inside)
//	config/node_key.json           p2p identity
//	config/priv_validator_key.json the validator's consensus key (mode 0600)
//	data/                          CometBFT's block store and state
//	data/govchain.db/              govchain's Pebble database (state tree and record log)
//	keys/<name>.json               account keys (mode 0600; dev and demo only)
type Home string

func (h Home) path(p ...string) string        { return filepath.Join(append([]string{string(h)}, p...)...) }
func (h Home) ConfigFile() string             { return h.path("config", "config.toml") }
func (h Home) AppConfigFile() string          { return h.path("config", "app.toml") }
func (h Home) GenesisFile() string            { return h.path("config", "genesis.json") }
func (h Home) KeysDir() string                { return h.path("keys") }
func (h Home) DBDir() string                  { return h.path("data", "govchain.db") }
func (h Home) KeyFile(name string) string     { return h.path("keys", name+".json") }
func (h Home) PrivValidatorKeyFile() string   { return h.path("config", "priv_validator_key.json") }
func (h Home) PrivValidatorStateFile() string { return h.path("data", "priv_validator_state.json") }
func (h Home) NodeKeyFile() string            { return h.path("config", "node_key.json") }

// Exists reports whether the home holds a genesis file.
func (h Home) Exists() bool {
	_, err := os.Stat(h.GenesisFile())
	return err == nil
}

// DevChainID is the chain-id of the embedded development chain.
const DevChainID = "govchain-dev"

// DemoDepartment is a department of the demo consortium.
type DemoDepartment struct {
	ID, Name string
}

// DemoDepartments is the dev chain's consortium; the first runs the validator.
var DemoDepartments = []DemoDepartment{
	{"mof", "Ministry of Finance 财政部"},
	{"nrb", "Natural Resources Bureau 自然资源局"},
	{"cab", "Civil Affairs Bureau 民政局"},
	{"ec", "Election Commission 选举委员会"},
}

// AdminKeyName is the key file name of a department's admin.
func AdminKeyName(dept string) string { return dept + "-admin" }

// GenesisHashSuite reads the hash suite named in the home's genesis.
func GenesisHashSuite(home Home) (string, error) {
	doc, err := cmttypes.GenesisDocFromFile(home.GenesisFile())
	if err != nil {
		return "", fmt.Errorf("node: %w", err)
	}
	var st map[string]json.RawMessage
	if err := json.Unmarshal(doc.AppState, &st); err != nil {
		return "", fmt.Errorf("node: genesis app_state: %w", err)
	}
	var name string
	if raw, ok := st[app.GenesisHashSuite]; ok {
		if err := json.Unmarshal(raw, &name); err != nil {
			return "", fmt.Errorf("node: genesis %s: %w", app.GenesisHashSuite, err)
		}
	}
	if _, err := crypto.SuiteByName(name); err != nil {
		return "", err
	}
	return name, nil
}

// ChainOptions are the cryptographic choices of a new chain.
type ChainOptions struct {
	// HashSuite is "sha256" (default) or "sm3" (docs/crypto.md).
	HashSuite string
	// AdminAlgo is the algorithm of the founding admins' keys: "ed25519"
	// (default) or "sm2".
	AdminAlgo string
}

// DevOptions adjust a development home.
type DevOptions struct {
	ChainOptions
	// P2P and RPC are CometBFT's listen addresses ("" = the defaults
	// tcp://127.0.0.1:26656 and :26657; port 0 picks a free port).
	P2P, RPC string
	// HTTP is the API address written to app.toml ("" = 127.0.0.1:8080).
	HTTP string
	// RoleGrantors, if set, is the genesis's own grantor lists by role
	// (identity's role_grantors); roles it omits keep their modules'
	// defaults.
	RoleGrantors map[string][]string
}

// InitDev creates a single-validator development chain in home: CometBFT
// config, validator and node keys, one admin key per demo department, and a
// genesis with the demo consortium. It refuses to touch an existing home,
// and it is atomic: the home appears complete or not at all (buildHome).
func InitDev(home Home, now time.Time, o DevOptions) error {
	if home.Exists() {
		return fmt.Errorf("node: %s already holds a chain (genesis.json exists)", home)
	}
	cfg := DefaultCometConfig(string(home))
	cfg.P2P.PexReactor = false // a single validator has no peers to exchange
	var err error
	if o.P2P != "" {
		if cfg.P2P.ListenAddress, err = CometListenAddr(o.P2P, true); err != nil {
			return fmt.Errorf("node: p2p address %w", err)
		}
	}
	if o.RPC != "" {
		if cfg.RPC.ListenAddress, err = CometListenAddr(o.RPC, false); err != nil {
			return fmt.Errorf("node: rpc address %w", err)
		}
	}
	acfg := DefaultAppConfig()
	if o.HTTP != "" {
		if err := CheckHTTPAddr(o.HTTP); err != nil {
			return fmt.Errorf("node: http address %w", err)
		}
		acfg.HTTP = o.HTTP
	}
	if _, err := crypto.SuiteByName(o.HashSuite); err != nil {
		return err
	}
	return buildHome(home, func(tmp Home) error {
		cfg.SetRoot(string(tmp))
		_, pv, err := prepareHome(tmp, cfg, acfg)
		if err != nil {
			return err
		}
		var depts []genesisDept
		for i, d := range DemoDepartments {
			admin, err := newAdminKey(tmp, d.ID, o.AdminAlgo)
			if err != nil {
				return err
			}
			gd := genesisDept{DemoDepartment: d, admin: admin}
			if i == 0 {
				gd.validator, gd.power = pv, 10
			}
			depts = append(depts, gd)
		}
		doc, err := buildGenesis(DevChainID, now, depts, o.ChainOptions, o.RoleGrantors)
		if err != nil {
			return err
		}
		return doc.SaveAs(tmp.GenesisFile())
	})
}

// buildHome creates home atomically: build fills a fresh directory beside
// it, which is renamed into place only once build has succeeded, so a
// failure leaves nothing behind and the next attempt starts clean. home may
// exist as an empty directory; anything else in it is refused.
func buildHome(home Home, build func(tmp Home) error) (err error) {
	dir := filepath.Clean(string(home))
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("node: %s is not empty but holds no chain; remove it or choose another home", dir)
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return fmt.Errorf("node: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".init-")
	if err != nil {
		return fmt.Errorf("node: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := build(Home(tmp)); err != nil {
		return err
	}
	// Go's rename refuses an existing directory: an empty one (checked
	// above) goes first; os.Remove never removes a non-empty one.
	if err := os.Remove(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("node: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("node: moving the new home into place: %w", err)
	}
	return nil
}

// prepareHome creates a home's directories, CometBFT and govchain configs,
// node key and validator key, and returns the node id and validator.
func prepareHome(home Home, cfg *cmtcfg.Config, acfg AppConfig) (p2p.ID, *privval.FilePV, error) {
	for _, d := range []string{home.path("config"), home.path("data"), home.KeysDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return "", nil, err
		}
	}
	cmtcfg.WriteConfigFile(home.ConfigFile(), cfg)
	if err := WriteAppConfig(home, acfg); err != nil {
		return "", nil, err
	}
	nk, err := p2p.LoadOrGenNodeKey(home.NodeKeyFile())
	if err != nil {
		return "", nil, err
	}
	pv := privval.GenFilePV(home.PrivValidatorKeyFile(), home.PrivValidatorStateFile())
	pv.Save()
	return nk.ID(), pv, nil
}

// newAdminKey generates a department admin key into home's keys.
func newAdminKey(home Home, dept, algo string) (*crypto.PrivateKey, error) {
	if algo == "" {
		algo = crypto.AlgEd25519
	}
	k, err := crypto.GenerateKey(algo, nil)
	if err != nil {
		return nil, err
	}
	return k, crypto.WriteKeyFile(home.KeyFile(AdminKeyName(dept)), k.ToFile(AdminKeyName(dept)))
}

// genesisDept is a founding department: its admin key and, optionally, its
// validator.
type genesisDept struct {
	DemoDepartment
	admin     *crypto.PrivateKey
	validator *privval.FilePV
	power     int64
}

// buildGenesis makes the genesis of a consortium; the threshold is more
// than two thirds of the departments. Roles get their modules' default
// grantors but for those grantors lists.
func buildGenesis(chainID string, now time.Time, depts []genesisDept, co ChainOptions, grantors map[string][]string) (*cmttypes.GenesisDoc, error) {
	suite, err := crypto.SuiteByName(co.HashSuite)
	if err != nil {
		return nil, err
	}
	g := identity.Genesis{Threshold: uint32(len(depts))*2/3 + 1, RoleGrantors: grantors}
	var vals []cmttypes.GenesisValidator
	for _, d := range depts {
		gd := identity.GenesisDepartment{ID: d.ID, Name: d.Name, Admins: []identity.GenesisAccount{{Algorithm: d.admin.Algorithm, PublicKey: d.admin.PublicKey()}}}
		if d.validator != nil {
			pub := d.validator.Key.PubKey
			gd.Validator = &identity.Validator{PublicKey: pub.Bytes(), Power: d.power}
			vals = append(vals, cmttypes.GenesisValidator{Address: pub.Address(), PubKey: pub, Power: d.power, Name: d.ID})
		}
		g.Departments = append(g.Departments, gd)
	}
	appState, err := json.MarshalIndent(map[string]any{app.GenesisHashSuite: suite.Name, identity.Name: g}, "", "  ")
	if err != nil {
		return nil, err
	}
	doc := &cmttypes.GenesisDoc{
		ChainID:         chainID,
		GenesisTime:     now.UTC(),
		InitialHeight:   1,
		ConsensusParams: cmttypes.DefaultConsensusParams(),
		Validators:      vals,
		AppState:        appState,
	}
	return doc, doc.ValidateAndComplete()
}

// ValidatorKey is a node's consensus key read from its
// priv_validator_key.json: the Ed25519 public key and a signer, for a
// proposal's proof of possession (x/identity).
type ValidatorKey struct {
	PublicKey []byte
	Sign      func(msg []byte) ([]byte, error)
}

// ReadValidatorKey reads a CometBFT priv_validator_key.json (what init and
// testnet write at Home.PrivValidatorKeyFile).
func ReadValidatorKey(path string) (*ValidatorKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("node: validator key: %w", err)
	}
	var k privval.FilePVKey
	if err := cmtjson.Unmarshal(b, &k); err != nil {
		return nil, fmt.Errorf("node: validator key %s: %w", path, err)
	}
	if k.PrivKey == nil || k.PubKey == nil || k.PubKey.Type() != cmted25519.KeyType {
		return nil, fmt.Errorf("node: validator key %s: not an ed25519 key", path)
	}
	if !bytes.Equal(k.PrivKey.PubKey().Bytes(), k.PubKey.Bytes()) {
		return nil, fmt.Errorf("node: validator key %s: the public key does not match the private key", path)
	}
	return &ValidatorKey{PublicKey: k.PubKey.Bytes(), Sign: k.PrivKey.Sign}, nil
}

// ErrNoHome means the home has no chain yet.
var ErrNoHome = errors.New("node: no chain in home (run govchain init)")
