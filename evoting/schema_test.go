package evoting

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// testdata/record.json satisfies testdata/record.schema.json; a negative
// count, a non-canonical length, an unknown field, a cast ballot with a
// reveal and a duplicate option do not.
func TestRecordSchema(t *testing.T) {
	sb, err := os.ReadFile("testdata/record.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	sdoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(sb))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("record.schema.json", sdoc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("record.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	rb, err := os.ReadFile("testdata/record.json")
	if err != nil {
		t.Fatal(err)
	}
	check := func(b []byte) error {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return s.Validate(doc)
	}
	if err := check(rb); err != nil {
		t.Fatalf("record.json: %v", err)
	}
	for name, edit := range map[string]func(g map[string]any){
		"negative count": func(g map[string]any) {
			g["tally"].([]any)[0].(map[string]any)["options"].([]any)[0].(map[string]any)["count"] = -1
		},
		"short point":   func(g map[string]any) { g["joint_key"] = "AAAA" },
		"unknown field": func(g map[string]any) { g["ballots"].([]any)[0].(map[string]any)["voter"] = "x" },
		"reveal on cast": func(g map[string]any) {
			g["ballots"].([]any)[0].(map[string]any)["reveal"] = g["ballots"].([]any)[9].(map[string]any)["reveal"]
		},
		"duplicate option": func(g map[string]any) {
			g["manifest"].(map[string]any)["contests"].([]any)[0].(map[string]any)["options"].([]any)[1] = "a"
		},
	} {
		var g map[string]any
		json.Unmarshal(rb, &g)
		edit(g)
		b, _ := json.Marshal(g)
		if check(b) == nil {
			t.Errorf("%s: the schema accepts it", name)
		}
	}
}
