package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// govchain openapi writes the whole document without a node: core routes
// and the modules' queries.
func TestOpenAPICommand(t *testing.T) {
	var out, errb bytes.Buffer
	file := filepath.Join(t.TempDir(), "openapi.json")
	if code := run([]string{"openapi", "--out", file}, &out, &errb); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if code := run([]string{"openapi"}, &out, &errb); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if written, err := os.ReadFile(file); err != nil || !bytes.Equal(written, out.Bytes()) {
		t.Fatalf("--out wrote %d bytes (%v), standard output has %d", len(written), err, out.Len())
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	for _, p := range []string{"/v1/status", "/v1/txs", "/v1/identity/accounts/{address}", "/v1/registry/parcels/{number}"} {
		if doc.Paths[p] == nil {
			t.Errorf("%s is not in the document", p)
		}
	}
}
