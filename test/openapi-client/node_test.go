package openapiclient_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govchain/govchain/test/openapi-client/govapi"
)

const chainID = "govchain-dev"

// A real node, driven through the govchain CLI for writes and through the
// client generated from the OpenAPI document for every read.
func TestGeneratedClientAgainstNode(t *testing.T) {
	bin := os.Getenv("GOVCHAIN_BIN")
	if bin == "" {
		t.Skip("GOVCHAIN_BIN is not set: build the node binary in the main module (go build -o /tmp/govchain ./cmd/govchain) " +
			"and run GOVCHAIN_BIN=/tmp/govchain go test ./... here; .ci/openapi-check does this")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	home := filepath.Join(t.TempDir(), "home")
	cli := govchain{t: t, bin: bin, home: home}
	// Port 0 everywhere: the OS picks free ports and the node reports its
	// API address when it is up.
	cli.run(ctx, "init", "--p2p", "tcp://127.0.0.1:0", "--rpc", "tcp://127.0.0.1:0", "--http", "127.0.0.1:0")
	base := startNode(t, bin, home)
	cli.node = base

	c, err := govapi.NewClientWithResponses(base)
	if err != nil {
		t.Fatal(err)
	}

	// The document the client was generated from is the one the node serves.
	docResp, err := c.GetOpenAPIWithResponse(ctx)
	if err != nil || docResp.StatusCode() != 200 {
		t.Fatalf("GET /v1/openapi.json: %v %v", err, docResp)
	}
	committed, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !jsonEqual(t, docResp.Body, committed) {
		t.Fatal("the node serves a different OpenAPI document than openapi.json, which the client was generated from: run go generate ./... in test/openapi-client")
	}

	// Writes through the CLI: a registrar, a citizen, a parcel the citizen owns.
	reg, cit := cli.newKey(ctx, "reg"), cli.newKey(ctx, "cit")
	cli.exec(ctx, "tx", "identity", "create-account", "--from", "nrb-admin", "--key", "reg", "--role", "registry.registrar")
	citTx := cli.exec(ctx, "tx", "identity", "create-account", "--from", "cab-admin", "--key", "cit", "--citizen")
	parcelTx := cli.exec(ctx, "tx", "registry", "register-parcel", "BJ-001", "--from", "reg",
		"--district", "Dongcheng", "--area", "8956", "--location", "1 Dongcheng Road", "--owner", cit.Address)

	// GET /v1/status
	st := status(ctx, t, c)
	if st.ChainId != chainID || st.HashSuite != "sha256" || st.Validators != 1 || st.LatestHeight < parcelTx.Height {
		t.Fatalf("status: %+v (want chain %s, 1 validator, height >= %d)", st, chainID, parcelTx.Height)
	}
	if !isHex(st.AppHash, 32) || !isHex(st.StateRoot, 32) || !isHex(st.LogRoot, 32) || st.LogSize < 3 {
		t.Fatalf("status commitments: app hash %q, state root %q, log root %q, log size %d", st.AppHash, st.StateRoot, st.LogRoot, st.LogSize)
	}
	if st.Node.NodeId == "" || st.Node.CatchingUp {
		t.Fatalf("status node: %+v", st.Node)
	}

	// GET /v1/identity/accounts/{address}
	acct := account(ctx, t, c, cit.Address)
	if acct.Address != cit.Address || acct.Algorithm != "ed25519" || !acct.Citizen || acct.Disabled || acct.Department != "cab" ||
		acct.CreatedHeight != citTx.Height || acct.Sequence != 0 {
		t.Fatalf("citizen account: %+v (created by the tx at height %d)", acct, citTx.Height)
	}
	if acct.PublicKey == nil || !bytes.Equal(*acct.PublicKey, cit.PublicKey) {
		t.Fatalf("citizen account key %x, want %x", deref(acct.PublicKey), cit.PublicKey)
	}
	regAcct := account(ctx, t, c, reg.Address)
	if regAcct.Department != "nrb" || regAcct.Citizen || regAcct.Roles == nil || !slices.Contains(*regAcct.Roles, "registry.registrar") {
		t.Fatalf("registrar account: %+v roles %v", regAcct, deref(regAcct.Roles))
	}
	// The registrar signed one transaction.
	if regAcct.Sequence != 1 {
		t.Fatalf("registrar sequence %d, want 1", regAcct.Sequence)
	}

	// GET /v1/registry/parcels/{number}
	pr, err := c.RegistryParcelWithResponse(ctx, "BJ-001", nil)
	if err != nil || pr.StatusCode() != 200 || pr.JSON200 == nil {
		t.Fatalf("GET parcel: %v %d %s", err, statusOf(pr), bodyOf(pr))
	}
	parcel, err := pr.JSON200.AsRegistryParcel()
	if err != nil {
		t.Fatal(err)
	}
	checkParcel(t, parcel, cit.Address)

	// A parcel that does not exist: a problem+json 404, typed.
	nr, err := c.RegistryParcelWithResponse(ctx, "NOPE-404", nil)
	if err != nil || nr.StatusCode() != 404 || nr.ApplicationproblemJSON404 == nil || nr.ApplicationproblemJSON404.Status != 404 ||
		nr.ApplicationproblemJSON404.Title == "" {
		t.Fatalf("GET missing parcel: %v %d %s", err, statusOf(nr), bodyOf(nr))
	}

	// GET /v1/registry/parcels/{number}?prove=true: block H's app hash is
	// signed in header H+1, so wait for that height first.
	waitHeight(ctx, t, c, parcelTx.Height+1)
	prove := true
	proven := provenParcel(ctx, t, c, &govapi.RegistryParcelParams{Prove: &prove})
	checkParcel(t, proven.Record, cit.Address)
	p := proven.Proof
	if p.Key != "registry/parcel/BJ-001" || !p.Found || p.ChainId != chainID || p.Height < parcelTx.Height ||
		p.Value == nil || *p.Value == "" || p.Proof == nil || p.Anchor == nil {
		t.Fatalf("proof: key %q found %v chain %q height %d (parcel registered at %d), value %v, proof %v, anchor %v",
			p.Key, p.Found, p.ChainId, p.Height, parcelTx.Height, p.Value != nil, p.Proof != nil, p.Anchor != nil)
	}
	if p.AppHash == nil || !isHex(*p.AppHash, 32) || p.StateRoot == nil || !isHex(*p.StateRoot, 32) {
		t.Fatalf("proof app hash %v, state root %v", p.AppHash, p.StateRoot)
	}
	if p.Anchor.Height != p.Height || p.Anchor.AppHash != *p.AppHash || p.Anchor.Headers == nil || len(*p.Anchor.Headers) == 0 {
		t.Fatalf("anchor: %+v for proof at height %d, app hash %s", p.Anchor, p.Height, *p.AppHash)
	}
	if p.Proof.Leaf == nil || p.Proof.Leaf.KeyHash == "" {
		t.Fatalf("membership proof without a leaf: %+v", p.Proof)
	}
	// The proof's app hash is the one the chain committed at that height.
	cm, err := c.GetCommitmentsWithResponse(ctx, strconv.FormatInt(p.Height, 10))
	if err != nil || cm.JSON200 == nil {
		t.Fatalf("GET commitments: %v %d %s", err, statusOf(cm), bodyOf(cm))
	}
	if cm.JSON200.Height != p.Height || cm.JSON200.AppHash != *p.AppHash || cm.JSON200.StateRoot != *p.StateRoot {
		t.Fatalf("commitments %+v disagree with the proof (height %d, app hash %s, state root %s)", cm.JSON200, p.Height, *p.AppHash, *p.StateRoot)
	}

	// At the registration height exactly.
	h := parcelTx.Height
	at := provenParcel(ctx, t, c, &govapi.RegistryParcelParams{Prove: &prove, Height: &h})
	if at.Proof.Height != parcelTx.Height || at.Proof.Key != "registry/parcel/BJ-001" || at.Proof.AppHash == nil || *at.Proof.AppHash == "" {
		t.Fatalf("proof at height %d: height %d key %q app hash %v", parcelTx.Height, at.Proof.Height, at.Proof.Key, at.Proof.AppHash)
	}
	checkParcel(t, at.Record, cit.Address)
}

func checkParcel(t *testing.T, p govapi.RegistryParcel, owner string) {
	t.Helper()
	if p.Number != "BJ-001" || p.District != "Dongcheng" || p.AreaCentiM2 != 8956 || p.Use != "residential" || p.Frozen ||
		p.Location == nil || *p.Location != "1 Dongcheng Road" || p.HistoryLength != 1 {
		t.Fatalf("parcel: %+v", p)
	}
	want := []govapi.RegistryOwner{{Account: owner, ShareBp: 10000}}
	if p.Owners == nil || !reflect.DeepEqual(*p.Owners, want) {
		t.Fatalf("parcel owners %+v, want %+v", deref(p.Owners), want)
	}
}

func provenParcel(ctx context.Context, t *testing.T, c *govapi.ClientWithResponses, params *govapi.RegistryParcelParams) govapi.RegistryParcelProven {
	t.Helper()
	r, err := c.RegistryParcelWithResponse(ctx, "BJ-001", params)
	if err != nil || r.StatusCode() != 200 || r.JSON200 == nil {
		t.Fatalf("GET parcel?prove=true: %v %d %s", err, statusOf(r), bodyOf(r))
	}
	p, err := r.JSON200.AsRegistryParcelProven()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func status(ctx context.Context, t *testing.T, c *govapi.ClientWithResponses) govapi.Status {
	t.Helper()
	r, err := c.GetStatusWithResponse(ctx)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("GET /v1/status: %v %d %s", err, statusOf(r), bodyOf(r))
	}
	return *r.JSON200
}

func account(ctx context.Context, t *testing.T, c *govapi.ClientWithResponses, addr string) govapi.IdentityAccount {
	t.Helper()
	r, err := c.IdentityAccountWithResponse(ctx, addr, nil)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("GET account %s: %v %d %s", addr, err, statusOf(r), bodyOf(r))
	}
	a, err := r.JSON200.AsIdentityAccount()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// waitHeight polls /v1/status (generated client) until height h is
// committed, up to a deadline.
func waitHeight(ctx context.Context, t *testing.T, c *govapi.ClientWithResponses, h int64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r, err := c.GetStatusWithResponse(ctx)
		if err == nil && r.JSON200 != nil && r.JSON200.LatestHeight >= h {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("height %d not reached in 60s (last: %v %s)", h, err, bodyOf(r))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// startNode runs `govchain start` and returns its API base URL, read from
// the node's startup message; the node is stopped with SIGINT at cleanup.
func startNode(t *testing.T, bin, home string) string {
	t.Helper()
	cmd := exec.Command(bin, "start", "--home", home)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var (
		mu  sync.Mutex
		log bytes.Buffer
	)
	logText := func() string { mu.Lock(); defer mu.Unlock(); return log.String() }
	apiLine := regexp.MustCompile(`^\s*API\s+(http://\S+)/v1/status`)
	found := make(chan string, 1)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			log.WriteString(line + "\n")
			mu.Unlock()
			if m := apiLine.FindStringSubmatch(line); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	exited := make(chan error, 1)
	go func() { <-readDone; exited <- cmd.Wait() }()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			cmd.Process.Signal(os.Interrupt)
			select {
			case <-exited:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				<-exited
				t.Errorf("the node did not stop within 30s of SIGINT")
			}
		}
		if t.Failed() {
			t.Logf("node output:\n%s", logText())
		}
	})
	select {
	case base := <-found:
		return base
	case err := <-exited:
		stopped = true
		t.Fatalf("govchain start exited: %v\n%s", err, logText())
	case <-time.After(60 * time.Second):
		t.Fatalf("govchain start did not report its API address within 60s\n%s", logText())
	}
	return ""
}

// govchain runs the CLI binary against one home and node.
type govchain struct {
	t         *testing.T
	bin, home string
	node      string
}

func (g govchain) run(ctx context.Context, args ...string) []byte {
	g.t.Helper()
	args = append(args, "--home", g.home, "--output", "json")
	if g.node != "" {
		args = append(args, "--node", g.node)
	}
	cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, g.bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("exit code %d", ee.ExitCode())
		}
		g.t.Fatalf("govchain %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, stdout.Bytes(), stderr.Bytes())
	}
	return stdout.Bytes()
}

type key struct {
	Address   string `json:"address"`
	PublicKey []byte `json:"public_key"`
}

func (g govchain) newKey(ctx context.Context, name string) key {
	g.t.Helper()
	var k key
	decode(g.t, g.run(ctx, "keys", "new", name), &k)
	if !isHex(k.Address, 20) || len(k.PublicKey) != 32 {
		g.t.Fatalf("keys new %s: %+v", name, k)
	}
	return k
}

type txResult struct {
	Hash      string `json:"hash"`
	Code      int    `json:"code"`
	Committed bool   `json:"committed"`
	Height    int64  `json:"height"`
}

// exec submits a transaction with the CLI and waits for its commit.
func (g govchain) exec(ctx context.Context, args ...string) txResult {
	g.t.Helper()
	var r txResult
	decode(g.t, g.run(ctx, args...), &r)
	if r.Code != 0 || !r.Committed || r.Height < 1 || !isHex(r.Hash, 32) {
		g.t.Fatalf("govchain %s: %+v", strings.Join(args, " "), r)
	}
	return r
}

func decode(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

func isHex(s string, n int) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == n
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

type response interface {
	StatusCode() int
}

func statusOf(r response) int {
	if r == nil || reflect.ValueOf(r).IsNil() {
		return 0
	}
	return r.StatusCode()
}

// bodyOf shows a response body in failure messages.
func bodyOf(r any) string {
	if r == nil || reflect.ValueOf(r).IsNil() {
		return ""
	}
	b := reflect.ValueOf(r).Elem().FieldByName("Body")
	if !b.IsValid() {
		return ""
	}
	return fmt.Sprintf("%.600s", b.Bytes())
}
