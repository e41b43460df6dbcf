package app

import (
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/registry"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/apphash.golden")

// The same blocks give the same app hashes, release after release: a
// change of what the state machine computes (a key written or not, an
// encoding) shows up here and must be made on purpose, with -update and a
// note, since every node replaying an existing chain would diverge.
func TestGoldenAppHashes(t *testing.T) {
	h := newHarness(t)
	var lines []string
	record := func(what string) {
		lines = append(lines, fmt.Sprintf("%d %s %s", h.height, hex.EncodeToString(h.appHash()), what))
	}
	record("genesis")
	h.createOfficial("nrb", "reg", registry.RoleRegistrar)
	record("registrar created")
	alice := h.createCitizen("cab", "alice")
	bob := h.createCitizen("cab", "bob")
	record("citizens created")
	h.mustOK("reg", msg(t, registry.TypeRegisterParcel, registry.MsgRegisterParcel{Number: "G-1", District: "Dongcheng", Area: 8956,
		Use: "residential", Owners: []registry.Owner{{Account: alice, Share: registry.FullShare}}}))
	record("parcel registered")
	h.mustOK("alice", msg(t, registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "G-1", Price: 250_000_000,
		Buyers: []registry.Owner{{Account: bob, Share: registry.FullShare}}}))
	h.mustOK("bob", msg(t, registry.TypeAcceptTransfer, registry.MsgTransferRef{ID: 1}))
	record("transfer opened and accepted")
	h.expect(registry.ErrBadShares.Code, "reg", msg(t, registry.TypeRegisterParcel, registry.MsgRegisterParcel{Number: "G-2", District: "D", Area: 1,
		Use: "residential", Owners: []registry.Owner{{Account: alice, Share: 1}}}))
	record("a failed tx (sequence advances, log grows)")
	h.mustOK("mof", msg(t, identity.TypePropose, identity.MsgPropose{Action: identity.Action{Kind: identity.KindSetThreshold, Threshold: 2}}))
	h.mustOK("nrb", msg(t, identity.TypeApprove, identity.MsgApprove{ID: 1}))
	h.mustOK("cab", msg(t, identity.TypeApprove, identity.MsgApprove{ID: 1}))
	record("threshold proposal executed")
	got := strings.Join(lines, "\n") + "\n"
	path := filepath.Join("testdata", "apphash.golden")
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("app hashes differ from %s (a consensus-breaking change: if intended, run go test ./app -run Golden -update and say so in the change):\ngot:\n%swant:\n%s", path, got, want)
	}
}
