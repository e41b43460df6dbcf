package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/govchain/govchain/node/nodetest"
)

// The index's answers (a node with the embedded index), successes and
// problems, validate against the document; without an index they are 404
// problems.
func TestIndexResponsesMatchOpenAPI(t *testing.T) {
	d := nodetest.StartDev(t, nodetest.WithIndex(""))
	base := d.URL
	doc := loadDoc(t, base)
	doc.Servers = openapi3.Servers{{URL: base}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	seedRegistry(t, d)
	top := d.Height()
	ctx, cancel := context.WithTimeout(context.Background(), nodetest.Timeout)
	defer cancel()
	for {
		h, err := d.Node.IndexStore().Height(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if h >= top {
			break
		}
		if err := d.Node.WaitHeight(ctx, d.Height()+1); err != nil { // the index moves at commits
			t.Fatal(err)
		}
	}
	for _, p := range []string{
		"/v1/status", "/v1/index/tables", "/v1/index/registry/parcels", "/v1/index/registry/parcels?eq=district:nope&sort=area_centi_m2&order=desc",
		"/v1/index/registry/parcels?prove=true&limit=1", "/v1/index/chain/txs?limit=2", "/v1/index/chain/blocks?order=desc&limit=1",
		"/v1/index/registry/parcels/aggregate?group=district&sum=area_centi_m2", "/v1/index/search?q=T-", "/v1/index/search?q=x",
		"/v1/index/registry/nope", "/v1/index/registry/parcels?eq=nope:1", "/v1/index/registry/parcels?after=%21",
		"/v1/index/registry/parcels/aggregate?sum=district",
	} {
		checkResponse(t, router, http.MethodGet, base+p, nil)
	}
	plain := nodetest.StartDev(t)
	resp, err := http.Get(plain.URL + "/v1/index/tables")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("no index: %d", resp.StatusCode)
	}
}
