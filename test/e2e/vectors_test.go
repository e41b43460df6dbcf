package e2e

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/verify/vectorgen"
)

var update = flag.Bool("update", false, "rewrite verify/testdata/4val from a real four-validator testnet")

// TestProofVectors4 writes the proof files of verify/testdata/4val from a
// real four-validator testnet (go test ./test/e2e -run TestProofVectors4
// -update); verify's tests check them (every field, every signature).
func TestProofVectors4(t *testing.T) {
	if !*update {
		t.Skip("writes verify/testdata/4val with -update")
	}
	n := newTestnet(t, 4, 0)
	n.startAll(n.all()...)
	dir := filepath.Join("..", "..", "verify", "testdata", "4val")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	admin := func(dept string) *client.Signer {
		for i, p := range n.nodes {
			if p.Department == dept {
				return n.signer(i)
			}
		}
		t.Fatalf("no department %s", dept)
		return nil
	}
	// Height h is signed once header h+1 has its canonical commit, in
	// block h+2 (the commit every node serves alike).
	waitSigned := func(h int64) { n.waitHeight(0, h+2) }
	err := vectorgen.Write(context.Background(), vectorgen.Chain{Client: n.client(0), Admin: admin, WaitSigned: waitSigned, Algo: crypto.AlgEd25519}, dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(n.nodes[0].Home, "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "genesis.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
