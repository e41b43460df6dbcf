package node

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
)

// TestnetOptions describe a local multi-department network.
type TestnetOptions struct {
	ChainOptions
	Validators int
	FullNodes  int
	ChainID    string
	// BasePort: node i listens on BasePort+10i (p2p), +1 (CometBFT RPC)
	// and +2 (API), all on 127.0.0.1.
	BasePort int
	Now      time.Time
	// RoleGrantors: as DevOptions.RoleGrantors.
	RoleGrantors map[string][]string
}

// TestnetNode describes one node of a testnet (testnet.json lists them).
type TestnetNode struct {
	Name       string `json:"name"`
	Home       string `json:"home"`
	Department string `json:"department,omitempty"` // empty for a full node
	Validator  bool   `json:"validator"`
	NodeID     string `json:"node_id"`
	P2P        string `json:"p2p"`
	RPC        string `json:"rpc"`
	API        string `json:"api"`
	// ValidatorKey is the node's consensus public key (base64 in JSON);
	// a full node's can be proposed as a new department's validator.
	ValidatorKey []byte `json:"validator_key"`
}

// Testnet is what `govchain testnet` writes: one home per node.
type Testnet struct {
	ChainID string        `json:"chain_id"`
	Nodes   []TestnetNode `json:"nodes"`
}

// TestnetDepartment names the department of validator i.
func TestnetDepartment(i int) DemoDepartment {
	if i < len(DemoDepartments) {
		return DemoDepartments[i]
	}
	return DemoDepartment{ID: fmt.Sprintf("dept%d", i), Name: fmt.Sprintf("Department %d", i)}
}

// InitTestnet writes a network into dir: node0..node<V-1> are validators,
// one department each (its admin key in that node's keys/), then the full
// nodes. Every node lists all others as persistent peers on 127.0.0.1.
func InitTestnet(dir string, o TestnetOptions) (*Testnet, error) {
	if o.Validators < 1 || o.FullNodes < 0 {
		return nil, fmt.Errorf("node: a testnet needs at least one validator")
	}
	if o.ChainID == "" {
		o.ChainID = "govchain-testnet"
	}
	if o.BasePort == 0 {
		o.BasePort = 27000
	}
	total := o.Validators + o.FullNodes
	if o.BasePort < 1024 || o.BasePort+10*total > 65535 {
		return nil, fmt.Errorf("node: base port %d leaves no room for %d nodes", o.BasePort, total)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("node: %s is not empty", dir)
	}
	tn := &Testnet{ChainID: o.ChainID}
	var cfgs []*cmtcfg.Config
	var pvs []*privval.FilePV
	for i := 0; i < total; i++ {
		name := fmt.Sprintf("node%d", i)
		home := Home(filepath.Join(dir, name))
		cfg := DefaultCometConfig(string(home))
		cfg.Moniker = name
		port := o.BasePort + 10*i
		cfg.P2P.ListenAddress = fmt.Sprintf("tcp://127.0.0.1:%d", port)
		cfg.RPC.ListenAddress = fmt.Sprintf("tcp://127.0.0.1:%d", port+1)
		acfg := DefaultAppConfig()
		acfg.HTTP = fmt.Sprintf("127.0.0.1:%d", port+2)
		id, pv, err := prepareHome(home, cfg, acfg)
		if err != nil {
			return nil, err
		}
		n := TestnetNode{Name: name, Home: string(home), Validator: i < o.Validators, NodeID: string(id),
			P2P: fmt.Sprintf("127.0.0.1:%d", port), RPC: fmt.Sprintf("127.0.0.1:%d", port+1), API: acfg.HTTP,
			ValidatorKey: pv.Key.PubKey.Bytes()}
		if n.Validator {
			n.Department = TestnetDepartment(i).ID
		}
		tn.Nodes = append(tn.Nodes, n)
		cfgs = append(cfgs, cfg)
		pvs = append(pvs, pv)
	}
	var depts []genesisDept
	for i := 0; i < o.Validators; i++ {
		home := Home(tn.Nodes[i].Home)
		admin, err := newAdminKey(home, tn.Nodes[i].Department, o.AdminAlgo)
		if err != nil {
			return nil, err
		}
		depts = append(depts, genesisDept{DemoDepartment: TestnetDepartment(i), admin: admin, validator: pvs[i], power: 10})
	}
	doc, err := buildGenesis(o.ChainID, o.Now, depts, o.ChainOptions, o.RoleGrantors)
	if err != nil {
		return nil, err
	}
	for i, n := range tn.Nodes {
		var peers []string
		for j, m := range tn.Nodes {
			if j != i {
				peers = append(peers, p2p.IDAddressString(p2p.ID(m.NodeID), m.P2P))
			}
		}
		cfgs[i].P2P.PersistentPeers = strings.Join(peers, ",")
		cmtcfg.WriteConfigFile(Home(n.Home).ConfigFile(), cfgs[i])
		if err := doc.SaveAs(Home(n.Home).GenesisFile()); err != nil {
			return nil, err
		}
	}
	b, _ := json.MarshalIndent(tn, "", "  ")
	return tn, os.WriteFile(filepath.Join(dir, "testnet.json"), append(b, '\n'), 0o644)
}
