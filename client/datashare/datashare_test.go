package datashare_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/client"
	cds "github.com/govchain/govchain/client/datashare"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/node/nodetest"
	"github.com/govchain/govchain/x/datashare"
	"github.com/govchain/govchain/x/identity"
)

func key(name string) *crypto.PrivateKey {
	seed := crypto.Hash("govchain/test/client-datashare", []byte(name))
	k, err := crypto.KeyFromSeed(crypto.AlgEd25519, seed[:])
	if err != nil {
		panic(err)
	}
	return k
}

func create(k *crypto.PrivateKey, citizen bool, roles ...string) any {
	return identity.MsgCreateAccount{Algorithm: k.Algorithm, PublicKey: k.PublicKey(), Roles: roles, Citizen: citizen}
}

type env struct {
	t                  *testing.T
	ctx                context.Context
	c                  *client.Client
	chainID            string
	now                time.Time
	steward, requester *client.Signer
	svc                *cds.Service
	srv                *httptest.Server
	rq                 *cds.Requester
}

func (e *env) exec(s *client.Signer, typ string, body any) {
	e.t.Helper()
	if _, err := e.c.Exec(e.ctx, s, client.Msg(typ, body)); err != nil {
		e.t.Fatalf("%s: %v", typ, err)
	}
}

func (e *env) signer(name string) *client.Signer {
	e.t.Helper()
	s, err := e.c.NewSigner(e.ctx, key(name), "")
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// setup: on a dev chain, Civil Affairs (cab) publishes a dataset that
// requires consent; the Ministry of Finance (mof) requests it for
// "welfare"; cab grants (request 1); alice consents, bob does not. A
// second request (2) stays pending; a third (3) is granted for a later
// period. cab's data service runs behind the
// middleware on a real HTTP server.
func setup(t *testing.T) *env {
	d := nodetest.StartDev(t)
	e := &env{t: t, ctx: context.Background(), c: d.Client}
	if _, err := e.c.Exec(e.ctx, d.Admin("cab"),
		client.Msg(identity.TypeCreateAccount, create(key("steward"), false, datashare.RoleSteward)),
		client.Msg(identity.TypeCreateAccount, create(key("service"), false, datashare.RoleService)),
		client.Msg(identity.TypeCreateAccount, create(key("alice"), true)),
		client.Msg(identity.TypeCreateAccount, create(key("bob"), true))); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Exec(e.ctx, d.Admin("mof"), client.Msg(identity.TypeCreateAccount, create(key("requester"), false, datashare.RoleRequester))); err != nil {
		t.Fatal(err)
	}
	st, err := e.c.Status(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.chainID = st.ChainID
	e.now, _ = time.Parse(time.RFC3339Nano, st.LatestTime)
	e.steward, e.requester = e.signer("steward"), e.signer("requester")
	e.exec(e.steward, datashare.TypePublishDataset, datashare.MsgPublishDataset{ID: "cab.households", Name: "Household register", SchemaHash: bytes.Repeat([]byte{1}, 32),
		LegalBasis: "Measures on social assistance, art. 8", Sensitivity: datashare.LevelConfidential, RetentionDays: 30, ConsentRequired: true})
	for i := 0; i < 2; i++ {
		e.exec(e.requester, datashare.TypeRequestAccess, datashare.MsgRequestAccess{Dataset: "cab.households", Purpose: "welfare",
			From: e.now.Unix() - 60, Until: e.now.Unix() + 3600})
	}
	e.exec(e.steward, datashare.TypeApprove, datashare.MsgDecision{Request: 1})
	// Request 3: granted for a period that starts in an hour.
	e.exec(e.requester, datashare.TypeRequestAccess, datashare.MsgRequestAccess{Dataset: "cab.households", Purpose: "welfare",
		From: e.now.Unix() + 3600, Until: e.now.Unix() + 7200})
	e.exec(e.steward, datashare.TypeApprove, datashare.MsgDecision{Request: 3})
	e.exec(e.signer("alice"), datashare.TypeGiveConsent, datashare.MsgConsent{Grant: 1})
	e.svc = &cds.Service{Node: e.c, Signer: &client.Signer{Key: key("service"), Address: key("service").Address(), ChainID: e.chainID}}
	e.srv = httptest.NewServer(e.svc.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ar := cds.FromContext(r.Context())
		json.NewEncoder(w).Encode(map[string]string{"subject": ar.Subject, "household": "3 members", "path": r.URL.Path})
	})))
	t.Cleanup(e.srv.Close)
	e.rq = &cds.Requester{Key: key("requester"), ChainID: e.chainID}
	return e
}

func (e *env) access(grant uint64, purpose, subject string) cds.Access {
	return cds.Access{Grant: grant, Dataset: "cab.households", Purpose: purpose, Subject: subject, Audience: key("service").Address()}
}

func (e *env) get(rq *cds.Requester, a cds.Access) *cds.Response {
	e.t.Helper()
	r, err := rq.Do(e.ctx, http.MethodGet, e.srv.URL+"/households/"+a.Subject, nil, a)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *env) refused(r *cds.Response, status int, code uint32) {
	e.t.Helper()
	if r.Status != status || (code != 0 && r.Header.Get("Govchain-Code") != fmt.Sprint(code)) {
		e.t.Fatalf("status %d code %s (%s), want %d code %d", r.Status, r.Header.Get("Govchain-Code"), strings.TrimSpace(string(r.Body)), status, code)
	}
}

// A requester gets data from the owner's service under a live grant; the
// access is on chain, with the hash of what was returned, before the data
// arrives; the citizen sees it. Everything outside the grant is refused.
func TestServiceServesAndLogs(t *testing.T) {
	e := setup(t)
	alice, bob := key("alice").Address(), key("bob").Address()
	r := e.get(e.rq, e.access(1, "welfare", alice))
	if r.Status != http.StatusOK || r.Log != "1/1" || !strings.Contains(string(r.Body), "3 members") {
		t.Fatalf("%d %q %s", r.Status, r.Log, r.Body)
	}
	a, err := client.Query[datashare.Access](e.ctx, e.c, client.Path("datashare", "requests", "1", "accesses", "1"))
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(r.Body)
	if !bytes.Equal(a.ResponseHash, h[:]) || a.Subject != alice || a.RequesterAccount != key("requester").Address() || a.Purpose != "welfare" || a.Requester != "mof" {
		t.Fatalf("%+v", a)
	}
	if err := datashare.CheckLogged(a); err != nil {
		t.Fatal(err)
	}
	// Who looked at alice's data: the citizen's own list.
	page, err := client.List[datashare.Access](e.ctx, e.c, client.Path("datashare", "subjects", alice, "accesses"))
	if err != nil || len(page.Items) != 1 || page.Items[0].Grant != 1 || page.Items[0].Requester != "mof" {
		t.Fatalf("%v %+v", err, page)
	}

	cons, err := client.List[datashare.Consent](e.ctx, e.c, client.Path("datashare", "subjects", alice, "consents"))
	if err != nil || len(cons.Items) != 1 || cons.Items[0].Grant != 1 || cons.Items[0].Withdrawn != 0 {
		t.Fatalf("%v %+v", err, cons)
	}

	// Beyond the purpose, without consent, without a grant, to another
	// audience: refused by the service, nothing logged.
	e.refused(e.get(e.rq, e.access(1, "tax-audit", alice)), http.StatusForbidden, datashare.ErrBeyondPurpose.Code)
	e.refused(e.get(e.rq, e.access(1, "welfare", bob)), http.StatusForbidden, datashare.ErrNoConsent.Code)
	e.refused(e.get(e.rq, e.access(2, "welfare", alice)), http.StatusForbidden, datashare.ErrGrantNotLive.Code)
	e.refused(e.get(e.rq, e.access(9, "welfare", alice)), http.StatusForbidden, datashare.ErrUnknownRequest.Code)
	e.exec(e.signer("alice"), datashare.TypeGiveConsent, datashare.MsgConsent{Grant: 3})
	e.refused(e.get(e.rq, e.access(3, "welfare", alice)), http.StatusForbidden, datashare.ErrOutsidePeriod.Code)
	other := e.access(1, "welfare", alice)
	other.Audience = key("steward").Address()
	e.refused(e.get(e.rq, other), http.StatusUnauthorized, datashare.ErrWrongAudience.Code)
	// Another chain; a key that is not the requester's.
	e.refused(e.get(&cds.Requester{Key: key("requester"), ChainID: "other-chain"}, e.access(1, "welfare", alice)), http.StatusUnauthorized, datashare.ErrWrongChain.Code)
	e.refused(e.get(&cds.Requester{Key: key("bob"), Address: key("requester").Address(), ChainID: e.chainID}, e.access(1, "welfare", alice)), http.StatusUnauthorized, datashare.ErrBadSignature.Code)
	// A request of the requester's department by an account without the role (bob is cab's).
	e.refused(e.get(&cds.Requester{Key: key("bob"), ChainID: e.chainID}, e.access(1, "welfare", alice)), http.StatusForbidden, datashare.ErrWrongRequester.Code)
	// After the period: the service's clock is past the grant's end.
	late := func() time.Time { return e.now.Add(2 * time.Hour) }
	e.svc.Now = late
	e.refused(e.get(&cds.Requester{Key: key("requester"), ChainID: e.chainID, Now: late}, e.access(1, "welfare", alice)), http.StatusForbidden, datashare.ErrGrantExpired.Code)
	e.svc.Now = nil
	// A stale request.
	e.refused(e.get(&cds.Requester{Key: key("requester"), ChainID: e.chainID, Now: late}, e.access(1, "welfare", alice)), http.StatusUnauthorized, datashare.ErrStaleRequest.Code)

	// A replayed signed request: the same headers sent twice.
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/households/"+alice, nil)
	if _, err := e.rq.Sign(req, nil, e.access(1, "welfare", alice)); err != nil {
		t.Fatal(err)
	}
	first, err := http.DefaultClient.Do(req)
	if err != nil || first.StatusCode != http.StatusOK {
		t.Fatalf("%v %v", err, first)
	}
	first.Body.Close()
	again, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/households/"+alice, nil)
	again.Header = req.Header.Clone()
	second, err := http.DefaultClient.Do(again)
	if err != nil || second.StatusCode != http.StatusConflict {
		t.Fatalf("replay: %v %v", err, second)
	}
	second.Body.Close()
	// The same signature on another path: its query hash differs.
	moved, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/households/"+bob, nil)
	moved.Header = req.Header.Clone()
	if resp, err := http.DefaultClient.Do(moved); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("moved: %v %v", err, resp)
	}
	// No signature at all.
	if resp, err := http.Get(e.srv.URL + "/households/" + alice); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned: %v %v", err, resp)
	}
	// A replay to the chain directly (a service that skipped its cache)
	// is refused there too.
	acc, err := client.Query[datashare.Access](e.ctx, e.c, client.Path("datashare", "requests", "1", "accesses", "2"))
	if err != nil {
		t.Fatal(err)
	}
	svcSigner := e.signer("service")
	if _, err := e.c.Exec(e.ctx, svcSigner, client.Msg(datashare.TypeLogAccess, datashare.MsgLogAccess{Request: acc.Request, Algorithm: acc.Algorithm,
		Signature: acc.Signature, ResponseHash: acc.ResponseHash})); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("code %d", datashare.ErrReplay.Code)) {
		t.Fatalf("a replay to the chain: %v", err)
	}

	// The log_access transaction itself: a committed one sent again is not
	// executed again, and one signed for another chain is refused.
	svcSigner = e.signer("service")
	fresh := &datashare.AccessRequest{ChainID: e.chainID, Grant: 1, Dataset: "cab.households", Purpose: "welfare", Subject: alice,
		Audience: svcSigner.Address, Requester: key("requester").Address(), Time: time.Now().Unix(), Nonce: []byte("tx-level-replay"), Query: make([]byte, 32)}
	body, sig := fresh.Sign(key("requester"))
	logMsg := client.Msg(datashare.TypeLogAccess, datashare.MsgLogAccess{Request: body, Algorithm: crypto.AlgEd25519, Signature: sig, ResponseHash: make([]byte, 32)})
	raw, err := svcSigner.Sign("", logMsg)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := e.c.Submit(e.ctx, raw, true)
	if err != nil || committed.Code != 0 {
		t.Fatalf("%v %+v", err, committed)
	}
	// Sent again, it is the same committed tx (the API answers with its
	// result), not a second entry: the grant counts it once (below).
	if again, err := e.c.Submit(e.ctx, raw, true); err == nil && (again.Height != committed.Height || again.LogIndex != committed.LogIndex) {
		t.Fatalf("a committed log_access tx executed again: %+v, first %+v", again, committed)
	}
	foreign := &client.Signer{Key: svcSigner.Key, Address: svcSigner.Address, ChainID: "other-chain", Sequence: svcSigner.Sequence}
	raw, _ = foreign.Sign("", logMsg)
	if res, err := e.c.Submit(e.ctx, raw, true); err == nil && res.Code == 0 {
		t.Fatalf("a log_access tx of another chain was accepted: %+v", res)
	}

	// alice withdraws her consent; then the steward revokes the grant.
	e.exec(e.signer("alice"), datashare.TypeWithdrawConsent, datashare.MsgConsent{Grant: 1})
	e.refused(e.get(e.rq, e.access(1, "welfare", alice)), http.StatusForbidden, datashare.ErrNoConsent.Code)
	e.exec(e.steward, datashare.TypeRevoke, datashare.MsgDecision{Request: 1, Reason: "audit finding"})
	e.refused(e.get(e.rq, e.access(1, "welfare", alice)), http.StatusForbidden, datashare.ErrGrantNotLive.Code)
	g, err := client.Query[datashare.Request](e.ctx, e.c, client.Path("datashare", "requests", "1"))
	if err != nil || g.Accesses != 3 || g.Status != datashare.StatusRevoked {
		t.Fatalf("%v %+v", err, g)
	}
}
