package fiscal_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/govchain/govchain/x/fiscal"
)

func exportLines() []fiscal.Line {
	return []fiscal.Line{
		{ID: "L-2", Year: 2026, Department: "nrb", Function: "220", Economic: "302", FundSource: fiscal.FundGovernment,
			Totals: fiscal.Totals{Original: 5_000, Adjusted: 5_000, Paid: 5_000, Lines: 1}},
		{ID: "L-1", Year: 2026, Department: "cab", Function: "2080201", Economic: "50901", FundSource: fiscal.FundGeneral, Program: "P-1",
			Totals: fiscal.Totals{Original: 10_000_01, Adjusted: 7_000, Committed: 4_000, Paid: 3_000, Lines: 1}},
	}
}

// The CSV has one row per line, sorted, with the classification mapped
// and amounts in yuan; the descriptor names every CSV column it maps.
func TestExportStructure(t *testing.T) {
	d, table, err := fiscal.Export(exportLines())
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(table)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[1][0] != "L-1" || rows[2][0] != "L-2" {
		t.Fatalf("rows %v", rows)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	if r := rows[1]; r[col["cofog"]] != "10" || r[col["gfsm"]] != "27" || r[col["function_class"]] != "208" || r[col["original"]] != "10000.01" || r[col["paid"]] != "30.00" {
		t.Fatalf("row L-1: %v", r)
	}
	if r := rows[2]; r[col["cofog"]] != "04" || r[col["gfsm"]] != "22" {
		t.Fatalf("row L-2: %v", r)
	}
	var desc struct {
		Name      string `json:"name"`
		Resources []struct {
			Path   string `json:"path"`
			Schema struct {
				Fields []struct{ Name string } `json:"fields"`
			} `json:"schema"`
		} `json:"resources"`
		Model struct {
			Measures   map[string]struct{ Source, Currency, Phase string } `json:"measures"`
			Dimensions map[string]struct {
				Attributes map[string]struct{ Source string } `json:"attributes"`
				PrimaryKey []string                           `json:"primaryKey"`
				Class      string                             `json:"classificationType"`
			} `json:"dimensions"`
		} `json:"model"`
	}
	if err := json.Unmarshal(d, &desc); err != nil {
		t.Fatal(err)
	}
	if len(desc.Resources) != 1 || desc.Resources[0].Path != fiscal.ExportCSV || len(desc.Resources[0].Schema.Fields) != len(rows[0]) {
		t.Fatalf("resources: %+v", desc.Resources)
	}
	phases := map[string]string{}
	for n, m := range desc.Model.Measures {
		if _, ok := col[m.Source]; !ok || m.Currency != "CNY" {
			t.Errorf("measure %s: %+v", n, m)
		}
		phases[n] = m.Phase
	}
	if phases["original"] != "approved" || phases["adjusted"] != "adjusted" || phases["paid"] != "executed" || len(phases) != 4 {
		t.Errorf("phases %v", phases)
	}
	classes := map[string]bool{}
	for n, dim := range desc.Model.Dimensions {
		for a, at := range dim.Attributes {
			if _, ok := col[at.Source]; !ok {
				t.Errorf("dimension %s attribute %s: no column %q", n, a, at.Source)
			}
		}
		for _, k := range dim.PrimaryKey {
			if _, ok := dim.Attributes[k]; !ok {
				t.Errorf("dimension %s: primary key %s is no attribute", n, k)
			}
		}
		classes[dim.Class] = true
	}
	for _, c := range []string{"functional", "administrative", "economic"} {
		if !classes[c] {
			t.Errorf("no %s classification dimension", c)
		}
	}
}

// The descriptor validates against the official Fiscal Data Package JSON
// schema. The schema is not vendored (published material stays out of
// this repository); .ci/run takes it from the npm registry's datapackage
// package (lib/profiles/fiscal-data-package.json, the Frictionless
// profile, self-contained) and sets GOVCHAIN_FDP_SCHEMA to its directory.
// frictionlessdata/schemas' split copy (fiscal-data-package.json with
// definitions.json) works too.
func TestExportValidatesAgainstFDPSchema(t *testing.T) {
	dir := os.Getenv("GOVCHAIN_FDP_SCHEMA")
	if dir == "" {
		t.Skip("GOVCHAIN_FDP_SCHEMA not set (a directory with fiscal-data-package.json; .ci/run sets it)")
	}
	c := jsonschema.NewCompiler()
	for _, f := range []string{"fiscal-data-package.json", "definitions.json"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if os.IsNotExist(err) && f == "definitions.json" {
			continue // the self-contained profile
		}
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		// frictionlessdata/schemas' fiscal-data-package.json refers to
		// definitions.json#/define/base, which its definitions.json lacks;
		// the package's "base" (a URL prefix) is given its Data Package
		// meaning, a string, so the schema compiles.
		if def, ok := doc.(map[string]any)["define"].(map[string]any); ok && def["base"] == nil {
			def["base"] = map[string]any{"type": "string"}
		}
		if err := c.AddResource("https://schemas.example/"+f, doc); err != nil {
			t.Fatal(err)
		}
	}
	sch, err := c.Compile("https://schemas.example/fiscal-data-package.json")
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := fiscal.Export(exportLines())
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(d))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatal(err)
	}
	// And the schema can fail: without a model the descriptor is refused.
	var m map[string]any
	_ = json.Unmarshal(d, &m)
	delete(m, "model")
	if err := sch.Validate(m); err == nil {
		t.Fatal("a descriptor without model validated")
	}
}
