package docgen_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/govchain/govchain/internal/docgen"
	"github.com/govchain/govchain/node"

	_ "github.com/govchain/govchain/api" // registers the API's own codes
)

var update = flag.Bool("update", false, "rewrite the generated sections of docs/")

// check compares (or with -update rewrites) the generated sections of one
// page; every name in want must be present.
func check(t *testing.T, page string, sections map[string]string, want ...string) {
	t.Helper()
	path := filepath.Join("..", "..", "docs", page)
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: every module has its page in docs/ (%v)", page, err)
	}
	out, found, err := docgen.Apply(old, sections)
	if err != nil {
		t.Fatalf("%s: %v", page, err)
	}
	sort.Strings(found)
	sort.Strings(want)
	if strings.Join(found, ",") != strings.Join(want, ",") {
		t.Errorf("%s has generated sections %v; it needs %v, each opened by %q and closed by <!-- end generated -->", page, found, want, docgen.Marker("NAME"))
	}
	if bytes.Equal(old, out) {
		return
	}
	if *update {
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("docs/%s differs from the code's tables; run go test ./internal/docgen -update", page)
}

// Each module's page carries its roles, messages, queries and codes as the
// code declares them.
func TestModulePages(t *testing.T) {
	for _, m := range node.Modules() {
		check(t, m.Name()+".md", docgen.Sections(m), "roles", "messages", "queries", "records", "codes")
	}
}

// The application's and the API's own codes.
func TestCorePages(t *testing.T) {
	check(t, "transactions.md", map[string]string{"codes": docgen.Codes("app") + "\nRefusals by the API before a transaction reaches the mempool (codespace `api`):\n\n" + docgen.Codes("api")}, "codes")
}

// A record field derived when read (cbor:"-") says how (derive tag), so
// that an outsider can compute it from a proven value.
func TestDerivedFieldsDocumented(t *testing.T) {
	for _, m := range node.Modules() {
		for _, q := range m.Queries() {
			for i := 0; i < q.Record.NumField(); i++ {
				f := q.Record.Field(i)
				if f.IsExported() && f.Tag.Get("cbor") == "-" && f.Tag.Get("json") != "-" && f.Tag.Get("derive") == "" {
					t.Errorf("%s.%s is derived when read but has no derive tag saying how", q.Record, f.Name)
				}
			}
		}
	}
}
