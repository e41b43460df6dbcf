package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/crypto"
	"github.com/govchain/govchain/node/nodetest"
	"github.com/govchain/govchain/x/identity"
	"github.com/govchain/govchain/x/registry"
)

// loadDoc fetches the served OpenAPI document and checks it is a valid
// OpenAPI 3 document.
func loadDoc(t *testing.T, base string) *openapi3.T {
	t.Helper()
	resp, err := http.Get(base + "/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the document is not valid OpenAPI: %v", err)
	}
	return doc
}

// Every operation the server routes is in the document, with an
// operationId, a summary, typed responses including problem+json errors
// and an explicit open security requirement; module queries are there too.
func TestOpenAPIDocument(t *testing.T) {
	d := nodetest.StartDev(t)
	n, base := d.Node, d.URL
	doc := loadDoc(t, base)
	var documented []string
	ids := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			documented = append(documented, method+" "+path)
			if op.OperationID == "" || op.Summary == "" || ids[op.OperationID] {
				t.Errorf("%s %s: operationId %q (unique?), summary %q", method, path, op.OperationID, op.Summary)
			}
			ids[op.OperationID] = true
			if op.Security == nil || len(*op.Security) != 0 {
				t.Errorf("%s %s: security must be an explicit []", method, path)
			}
			if op.Responses.Value("500") == nil || op.Responses.Value("500").Value.Content.Get("application/problem+json") == nil {
				t.Errorf("%s %s: no problem+json error response", method, path)
			}
		}
	}
	served := n.API().Routes()
	sort.Strings(documented)
	sort.Strings(served)
	if strings.Join(documented, "\n") != strings.Join(served, "\n") {
		t.Fatalf("documented and served operations differ.\ndocumented:\n%s\nserved:\n%s", strings.Join(documented, "\n"), strings.Join(served, "\n"))
	}
	for _, want := range []string{"GET /v1/registry/parcels/{number}", "GET /v1/identity/accounts/{address}", "GET /v1/registry/parcels/{number}/history"} {
		if !strings.Contains(strings.Join(documented, "\n"), want) {
			t.Errorf("module query %s is not documented", want)
		}
	}
}

// Real answers of a running node, successes and problems, validate against
// the document's schemas.
func TestResponsesMatchOpenAPI(t *testing.T) {
	d := nodetest.StartDev(t)
	base := d.URL
	doc := loadDoc(t, base)
	doc.Servers = openapi3.Servers{{URL: base}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	seedRegistry(t, d)
	paths := []string{
		"/healthz", "/v1/status", "/v1/blocks/latest", "/v1/blocks/1", "/v1/blocks/0", "/v1/codes", "/v1/roles",
		"/v1/identity/departments", "/v1/identity/departments/mof", "/v1/identity/departments/mof?prove=true",
		"/v1/identity/departments/mof/accounts", "/v1/identity/departments/nope/accounts", "/v1/identity/params",
		"/v1/identity/consortium", "/v1/identity/proposals", "/v1/identity/proposals?prove=true", "/v1/identity/proposals/9",
		"/v1/identity/accounts/" + strings.Repeat("0", 40),
		"/v1/registry/params", "/v1/registry/parcels/T-1", "/v1/registry/parcels/T-1?prove=true", "/v1/registry/parcels/T-1/history",
		"/v1/registry/parcels/T-1/history?prove=true", "/v1/registry/parcels/T-1/encumbrances", "/v1/registry/parcels/T-1/transfers",
		"/v1/registry/parcels/nope", "/v1/registry/transfers/1", "/v1/registry/owners/" + strings.Repeat("a", 40) + "/parcels",
		"/v1/state/identity%2Fparams", "/v1/state/identity%2Fparams?prove=true", "/v1/commitments/1", "/v1/anchor/1",
		"/v1/log/proof?index=0", "/v1/log/consistency?from=1&to=2", "/v1/light/1", "/v1/txs/zz", "/v1/openapi.json",
	}
	for _, p := range paths {
		checkResponse(t, router, http.MethodGet, base+p, nil)
	}
	checkResponse(t, router, http.MethodPost, base+"/v1/txs", []byte(`{"tx":"AAECAwQ="}`))
	checkResponse(t, router, http.MethodPost, base+"/v1/txs/batch", []byte(`{"txs":["AAECAwQ="]}`))
	checkResponse(t, router, http.MethodPost, base+"/v1/txs", []byte(`{bad`))
}

func checkResponse(t *testing.T, router routers.Router, method, url string, body []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	route, pathParams, err := router.FindRoute(req)
	if err != nil {
		t.Errorf("%s %s: not in the document: %v", method, url, err)
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(rb)), Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s (%d): the answer does not match the document: %v\n%.400s", method, url, resp.StatusCode, err, rb)
	}
}

// seedRegistry registers parcel T-1 and opens transfer 1 with the dev
// admins' keys, so that registry answers have content.
func seedRegistry(t *testing.T, d *nodetest.Dev) {
	t.Helper()
	ctx := context.Background()
	c := d.Client
	admin := func(name string) *client.Signer {
		k, _, err := crypto.ReadKeyFile(d.Home.KeyFile(name))
		if err != nil {
			t.Fatal(err)
		}
		s, err := c.NewSigner(ctx, k, "")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	reg, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
	owner, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
	buyer, _ := crypto.GenerateKey(crypto.AlgEd25519, nil)
	nrb, cab := admin("nrb-admin"), admin("cab-admin")
	for _, m := range []struct {
		s   *client.Signer
		msg any
	}{
		{nrb, identity.MsgCreateAccount{Algorithm: reg.Algorithm, PublicKey: reg.PublicKey(), Roles: []string{registry.RoleRegistrar}}},
		{cab, identity.MsgCreateAccount{Algorithm: owner.Algorithm, PublicKey: owner.PublicKey(), Citizen: true}},
		{cab, identity.MsgCreateAccount{Algorithm: buyer.Algorithm, PublicKey: buyer.PublicKey(), Citizen: true}},
	} {
		if _, err := c.Exec(ctx, m.s, client.Msg(identity.TypeCreateAccount, m.msg)); err != nil {
			t.Fatal(err)
		}
	}
	signer := func(k *crypto.PrivateKey) *client.Signer {
		s, err := c.NewSigner(ctx, k, "")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if _, err := c.Exec(ctx, signer(reg), client.Msg(registry.TypeRegisterParcel, registry.MsgRegisterParcel{Number: "T-1", District: "Xicheng",
		Area: 12000, Use: "residential", Owners: []registry.Owner{{Account: owner.Address(), Share: registry.FullShare}}})); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, signer(owner), client.Msg(registry.TypeOpenTransfer, registry.MsgOpenTransfer{Parcel: "T-1", Price: 100_00,
		Buyers: []registry.Owner{{Account: buyer.Address(), Share: registry.FullShare}}})); err != nil {
		t.Fatal(err)
	}
	// Proofs need the header that signs the last block.
	d.WaitSigned(d.Height())
}
