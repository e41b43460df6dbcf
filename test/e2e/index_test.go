package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/index"
	"github.com/govchain/govchain/node"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/registry"
)

// TestIndexKillUnderLoad runs a dev node with the embedded index
// (govchain start --index) and a separate indexer process (govchain index
// --db sqlite:...) while a load commits txs, and kills one or the other
// with SIGKILL at random points, restarting it each time. At the end both
// indexes must equal a rebuild from genesis (govchain index --rebuild) row
// for row, and the rebuilt index must agree with the node's state tree
// (index.Check).
func TestIndexKillUnderLoad(t *testing.T) {
	skipShort(t)
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewSource(seed))
	t.Logf("seed %d", seed)
	n := newDevNet(t)
	n.nodes[0].args = []string{"--index"}
	n.startAll(0)
	api := n.nodes[0].API
	ext := filepath.Join(n.dir, "ext.db")
	var indexer *exec.Cmd
	startIndexer := func() {
		f, err := os.OpenFile(filepath.Join(n.dir, "indexer.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		indexer = exec.Command(binary, "index", "--node", api, "--db", "sqlite:"+ext, "--batch", "50")
		indexer.Stdout, indexer.Stderr = f, f
		if err := indexer.Start(); err != nil {
			t.Fatal(err)
		}
	}
	killIndexer := func() {
		indexer.Process.Kill()
		indexer.Wait()
	}
	startIndexer()
	t.Cleanup(func() {
		if indexer.ProcessState == nil {
			killIndexer()
		}
	})

	l := n.startLoad(4, 20)
	parcels := startParcelLoad(t, n)
	kills := map[string]int{}
	for round := 0; round < 6; round++ {
		// a random point: after 100 to 600 more committed txs
		want := l.count() + 100 + rng.Intn(500)
		n.waitFor("load", func() bool { return l.count() >= want }, nil)
		if rng.Intn(2) == 0 {
			killIndexer()
			kills["indexer"]++
			startIndexer()
		} else {
			n.kill(0)
			kills["node"]++
			n.startAll(0)
		}
	}
	n.waitFor("load after the last kill", func() bool { return l.count() >= 200 }, nil)
	l.stopNow()
	registered := parcels.stop()
	t.Logf("kills: %v, %d txs reported committed, %d parcels registered", kills, l.count(), registered)

	ctx := context.Background()
	target := n.height(0)
	tables := index.TablesOf(node.Modules())
	open := func(path string) *index.Store {
		s, err := index.OpenDSN(ctx, "sqlite:"+path, tables)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.DB.Close() })
		return s
	}
	embedded, external := open(filepath.Join(n.nodes[0].Home, "data", "index.db")), open(ext)
	for name, s := range map[string]*index.Store{"embedded": embedded, "indexer": external} {
		n.waitFor(name+" index to reach height "+itoa(target), func() bool {
			h, err := s.Height(ctx)
			return err == nil && h >= target
		}, nil)
	}
	killIndexer()

	fresh := filepath.Join(n.dir, "fresh.db")
	out, err := exec.Command(binary, "index", "--node", api, "--db", "sqlite:"+fresh, "--rebuild", "-o", "json").Output()
	if err != nil {
		t.Fatalf("rebuild: %v\n%s", err, out)
	}
	var res struct {
		Height int64
		Txs    int64
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	rebuilt := open(fresh)
	want, err := rebuilt.Dump(ctx, res.Height)
	if err != nil {
		t.Fatal(err)
	}
	if res.Txs < int64(l.count()) {
		t.Fatalf("rebuild indexed %d txs; the load committed %d", res.Txs, l.count())
	}
	for name, s := range map[string]*index.Store{"embedded": embedded, "indexer": external} {
		got, err := s.Dump(ctx, res.Height)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			diff := ""
			for i := 0; i < len(got) && i < len(want); i++ {
				if got[i] != want[i] {
					diff = got[i] + "\n  vs rebuild\n" + want[i]
					break
				}
			}
			t.Fatalf("%s index (%d rows) differs from the rebuild (%d rows): %s", name, len(got), len(want), diff)
		}
	}
	if _, err := index.Check(ctx, rebuilt, index.HTTPSource{C: n.client(0)}); err != nil {
		t.Fatal(err)
	}
	var parcelRows int
	rebuilt.DB.QueryRow("SELECT COUNT(*) FROM registry_parcels").Scan(&parcelRows)
	if parcelRows < registered {
		t.Fatalf("%d parcels indexed, %d registered", parcelRows, registered)
	}
	t.Logf("embedded and external indexes equal the rebuild (%d rows, %d txs, height %d) and the state tree", len(want), res.Txs, res.Height)
}

func itoa(h int64) string { return jsonInt(h) }

func jsonInt(h int64) string { b, _ := json.Marshal(h); return string(b) }

// parcelLoad registers parcels (a registrar of nrb, one at a time, each
// waiting for its commit) beside the identity load, so the registry's
// tables are under the kills too.
type parcelLoad struct {
	stopc chan struct{}
	done  chan int
}

func startParcelLoad(t *testing.T, n *testnet) *parcelLoad {
	t.Helper()
	ctx := context.Background()
	p := n.nodes[0]
	nrb, _, err := crypto.ReadKeyFile(node.Home(p.Home).KeyFile(node.AdminKeyName("nrb")))
	if err != nil {
		t.Fatal(err)
	}
	admin, err := n.client(0).NewSigner(ctx, nrb, "")
	if err != nil {
		t.Fatal(err)
	}
	k, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
	if _, err := n.client(0).Exec(ctx, admin, client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(),
		Roles: []string{registry.RoleRegistrar}})); err != nil {
		t.Fatal(err)
	}
	pl := &parcelLoad{stopc: make(chan struct{}), done: make(chan int, 1)}
	go func() {
		ok := 0
		var s *client.Signer
		for i := 0; ; i++ {
			select {
			case <-pl.stopc:
				pl.done <- ok
				return
			default:
			}
			c := n.client(0)
			rctx, cancel := context.WithTimeout(ctx, requestTimeout)
			if s == nil {
				if s, err = c.NewSigner(rctx, k, ""); err != nil {
					s = nil
					cancel()
					time.Sleep(retryPause) // the node is down: try again
					continue
				}
			}
			res, err := c.Exec(rctx, s, client.Msg(registry.TypeRegisterParcel, registry.MsgRegisterParcel{Number: fmt.Sprintf("K-%d", i),
				District: []string{"east", "west", "north"}[i%3], Area: uint64(100 + i), Use: "residential",
				Owners: []registry.Owner{{Account: k.Address(), Share: 10000}}}))
			cancel()
			if err != nil || res.Code != 0 {
				s = nil
				time.Sleep(retryPause)
				continue
			}
			ok++
		}
	}()
	return pl
}

// stop ends the load and returns how many parcels it saw committed.
func (pl *parcelLoad) stop() int {
	close(pl.stopc)
	return <-pl.done
}
