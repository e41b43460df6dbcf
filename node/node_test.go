package node_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/ledger"
	"github.com/govchain/govchain/node"
	"github.com/govchain/govchain/node/nodetest"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/x/identity"
)

func unhex(t *testing.T, ss ...string) [][]byte {
	var out [][]byte
	for _, s := range ss {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func TestDevNodeEndToEnd(t *testing.T) {
	d := nodetest.StartDev(t)
	home, c := d.Home, d.Client
	if err := node.InitDev(home, time.Now(), node.DevOptions{}); err == nil {
		t.Fatal("InitDev overwrote an existing home")
	}
	ctx := context.Background()
	s := d.Admin("cab")
	citizen, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
	res, err := c.Exec(ctx, s, client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: citizen.Algorithm, PublicKey: citizen.PublicKey(), Citizen: true}))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Committed || res.Height < 1 {
		t.Fatalf("submit result %+v", res)
	}
	acct, err := client.Query[identity.Account](ctx, c, client.Path("identity", "accounts", citizen.Address()))
	if err != nil || !acct.Citizen || acct.Department != "cab" {
		t.Fatalf("account %+v %v", acct, err)
	}
	tv, err := c.Tx(ctx, res.Hash)
	if err != nil || tv.Code != 0 || tv.Tx.Msgs[0].Type != identity.TypeCreateAccount || len(tv.Events) != 1 {
		t.Fatalf("tx view %+v %v", tv, err)
	}
	// A state proof from the API verifies offline against genesis. The
	// proof is at the height before the latest, signed by the latest header:
	// once res.Height+1 is committed, it covers the new account.
	d.WaitSigned(res.Height)
	var sv apitype.State
	var proofRaw json.RawMessage
	if err := c.Get(ctx, "/v1/state/identity/acct/"+citizen.Address()+"?prove=true", &proofRaw); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(proofRaw, &sv); err != nil || !sv.Found || sv.Anchor == nil {
		t.Fatalf("no anchored proof: %s", proofRaw)
	}
	trust, err := verify.TrustGenesis(home.GenesisFile())
	if err != nil {
		t.Fatal(err)
	}
	var sp verify.StateProof
	if err := json.Unmarshal(proofRaw, &sp); err != nil {
		t.Fatal(err)
	}
	if r, err := verify.VerifyStateProof(&sp, trust); err != nil {
		t.Fatalf("state proof: %v\n%s", err, proofRaw)
	} else {
		t.Log(r.Summary)
	}
	// And the receipt of the tx.
	var rc verify.Receipt
	if err := c.Get(ctx, "/v1/txs/"+res.Hash+"/receipt", &rc); err != nil {
		t.Fatal(err)
	}
	if r, err := verify.VerifyReceipt(&rc, trust); err != nil {
		t.Fatal(err)
	} else {
		t.Log(r.Summary)
	}

	// Module queries prove their records too.
	var pr struct {
		Record identity.Account `json:"record"`
		Proof  json.RawMessage  `json:"proof"`
	}
	if err := c.Get(ctx, "/v1/identity/accounts/"+citizen.Address()+"?prove=true", &pr); err != nil {
		t.Fatal(err)
	}
	var asp verify.StateProof
	json.Unmarshal(pr.Proof, &asp)
	if _, err := verify.VerifyStateProof(&asp, trust); err != nil || pr.Record.Address != citizen.Address() {
		t.Fatalf("proven account: %v %+v", err, pr.Record)
	}
	if err := c.Get(ctx, "/v1/identity/departments/nope?prove=true", nil); err == nil {
		t.Fatal("proof of a missing department")
	}

	// The log proves the tx's entry, and that it only grew.
	var lp verify.LogProof
	if err := c.Get(ctx, fmt.Sprintf("/v1/log/proof?index=%d", res.LogIndex), &lp); err != nil {
		t.Fatal(err)
	}
	if r, err := verify.VerifyLogProof(&lp, trust); err != nil || lp.Entry.TxHash != res.Hash {
		t.Fatalf("log proof: %v", err)
	} else {
		t.Log(r.Summary)
	}
	// The same proof asked by log size.
	var bySize verify.LogProof
	if err := c.Get(ctx, fmt.Sprintf("/v1/log/proof?index=%d&size=%d", res.LogIndex, lp.Anchor.LogSize), &bySize); err != nil || bySize.Anchor.Height != lp.Anchor.Height {
		t.Fatalf("log proof by size: %v", err)
	}
	if err := c.Get(ctx, fmt.Sprintf("/v1/log/proof?index=0&size=%d", lp.Anchor.LogSize+1000), nil); err == nil {
		t.Fatal("a log size no height ended with was accepted")
	}
	var cv apitype.Consistency
	if err := c.Get(ctx, fmt.Sprintf("/v1/log/consistency?from=0&to=%d", lp.Anchor.LogSize), &cv); err != nil {
		t.Fatal(err)
	}
	if err := ledger.VerifyConsistency(cv.From, cv.To, unhex(t, cv.Proof...), unhex(t, cv.FromRoot)[0], unhex(t, cv.ToRoot)[0]); err != nil {
		t.Fatal(err)
	}
	var cm apitype.Commitments
	if err := c.Get(ctx, fmt.Sprintf("/v1/commitments/%d", res.Height), &cm); err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(ledger.AppHash(unhex(t, cm.StateRoot)[0], unhex(t, cm.LogRoot)[0], cm.LogSize)) != cm.AppHash {
		t.Fatal("commitments do not hash to the app hash")
	}

	// Metrics count the committed tx.
	resp, err := http.Get(d.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "govchain_tx_committed_total 1") {
		t.Fatalf("metrics:\n%s", body)
	}
	// The tx came through the API, whose batch verification left its
	// signature for block execution to find.
	if !strings.Contains(string(body), "govchain_block_sig_cache_hits_total 1\n") || !strings.Contains(string(body), "govchain_block_sig_cache_misses_total 0\n") {
		t.Fatalf("signature cache metrics:\n%s", body)
	}

	// Restart: the chain continues from where it was, with the same history.
	st, _ := c.Status(ctx)
	d.Restart()
	c2 := d.Client
	st2, err := c2.Status(ctx)
	if err != nil || st2.LatestHeight < st.LatestHeight || st2.LogSize != st.LogSize {
		t.Fatalf("after restart %+v (before %+v) %v", st2, st, err)
	}
	if _, err := c2.Tx(ctx, res.Hash); err != nil {
		t.Fatal(err)
	}
}

// A node whose govchain database is gone but whose block store remains
// refuses to start instead of silently rebuilding a different state.
func TestRefusesDamagedDataDir(t *testing.T) {
	d := nodetest.StartDev(t)
	home := d.Home
	d.Stop()
	// A corrupted database (its manifest overwritten) refuses too, naming it.
	manifests, _ := filepath.Glob(filepath.Join(home.DBDir(), "MANIFEST-*"))
	if len(manifests) == 0 {
		t.Fatal("no manifest")
	}
	for _, m := range manifests {
		os.WriteFile(m, []byte("garbage"), 0o600)
	}
	_, err := node.Start(home, node.Options{HTTP: "127.0.0.1:0", Log: io.Discard})
	if err == nil || !strings.Contains(err.Error(), home.DBDir()) {
		t.Fatalf("start with a corrupted database: %v", err)
	}
	if err := os.RemoveAll(home.DBDir()); err != nil {
		t.Fatal(err)
	}
	_, err = node.Start(home, node.Options{HTTP: "127.0.0.1:0", Log: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "re-sync from peers") {
		t.Fatalf("start with a missing database: %v", err)
	}
}

// A proof at a height pruned away gets a clear 410, not a wrong answer.
func TestPrunedHeightProof(t *testing.T) {
	d := nodetest.StartDev(t, nodetest.WithKeepRecent(2))
	c := d.Client
	ctx := context.Background()
	s := d.Admin("cab")
	for i := 0; i < 5; i++ {
		k, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
		if _, err := c.Exec(ctx, s, client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Citizen: true})); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.State(ctx, "identity/params", 1, true)
	var p *apitype.Problem
	if !errors.As(err, &p) || p.Status != http.StatusGone || !strings.Contains(p.Detail, "pruned") {
		t.Fatalf("proof at a pruned height: %v", err)
	}
	if _, err := c.State(ctx, "identity/params", -1, true); err != nil {
		t.Fatalf("proof at a kept height: %v", err)
	}
}

// A chain with the SM3 hash suite and SM2 admins: a receipt from it
// verifies offline with its genesis, and the database refuses to be opened
// as a SHA-256 chain.
func TestSM3ChainWithSM2Accounts(t *testing.T) {
	d := nodetest.StartDev(t, nodetest.WithChain(node.ChainOptions{HashSuite: "sm3", AdminAlgo: crypto.AlgSM2}))
	home, c := d.Home, d.Client
	ctx := context.Background()
	if admin := d.AdminKey("cab"); admin.Algorithm != crypto.AlgSM2 {
		t.Fatalf("admin key algorithm %s", admin.Algorithm)
	}
	s := d.Admin("cab")
	citizen, _ := crypto.GenerateKey(crypto.AlgSM2, nil)
	res, err := c.Exec(ctx, s, client.Msg(identity.TypeCreateAccount, identity.MsgCreateAccount{Algorithm: citizen.Algorithm, PublicKey: citizen.PublicKey(), Citizen: true}))
	if err != nil {
		t.Fatal(err)
	}
	d.WaitSigned(res.Height)
	var rc verify.Receipt
	if err := c.Get(ctx, "/v1/txs/"+res.Hash+"/receipt", &rc); err != nil {
		t.Fatalf("receipt: %v", err)
	}
	trust, err := verify.TrustGenesis(home.GenesisFile())
	if err != nil || trust.Suite.Name != "sm3" {
		t.Fatalf("trust: %v", err)
	}
	if _, err := verify.VerifyReceipt(&rc, trust); err != nil {
		t.Fatal(err)
	}
	if rc.Anchor.HashSuite != "sm3" {
		t.Fatalf("anchor suite %q", rc.Anchor.HashSuite)
	}
	d.Stop()
	db, err := pebble.Open(home.DBDir(), &pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := app.New(db, app.Options{HashSuite: "sha256"}); err == nil || !strings.Contains(err.Error(), "hash suite") {
		t.Fatalf("opened an sm3 database as sha256: %v", err)
	}
}
