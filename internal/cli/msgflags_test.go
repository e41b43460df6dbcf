package cli

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/node"
	"github.com/govchain/govchain/x/registry"
)

type testMsg struct {
	Number string           `json:"number" cli:"arg"`
	Owners []registry.Owner `json:"owners" cli:"name=owner"`
	Area   uint64           `json:"area_centi_m2" cli:"name=area"`
	Use    string           `json:"use" default:"residential"`
	Hash   []byte           `json:"hash,omitempty" cli:"hex"`
	Key    []byte           `json:"key,omitempty"`
	When   int64            `json:"when,omitempty"`
	Flag   bool             `json:"flag,omitempty"`
	Nested struct{ A int }  `json:"nested"`
}

func buildMsg(t *testing.T, args ...string) (*testMsg, error) {
	t.Helper()
	var got any
	c := &cobra.Command{Use: "x", RunE: func(cmd *cobra.Command, a []string) error {
		var err error
		got, err = bindings[cmd].build(cmd, a)
		return err
	}}
	b, _ := bindMsg(c, reflect.TypeFor[testMsg]())
	bindings[c] = b
	c.SetArgs(args)
	c.SetOut(&bytes.Buffer{})
	c.SetErr(&bytes.Buffer{})
	if err := c.Execute(); err != nil {
		return nil, err
	}
	return got.(*testMsg), nil
}

var bindings = map[*cobra.Command]*msgBinder{}

func TestMessageFlags(t *testing.T) {
	a := strings.Repeat("a", 40)
	b := strings.Repeat("b", 40)
	m, err := buildMsg(t, "P-1", "--owner", a+":2500", "--owner", b, "--area", "8956", "--hash", "00ff", "--key", "AAE=", "--when", "-5", "--flag", "true")
	if err != nil {
		t.Fatal(err)
	}
	want := testMsg{Number: "P-1", Owners: []registry.Owner{{Account: a, Share: 2500}, {Account: b, Share: 10000}}, Area: 8956,
		Use: "residential", Hash: []byte{0, 0xff}, Key: []byte{0, 1}, When: -5, Flag: true}
	if !reflect.DeepEqual(*m, want) {
		t.Fatalf("got %+v\nwant %+v", *m, want)
	}
	// --body-json is the base; flags and arguments override its fields.
	m, err = buildMsg(t, "P-2", "--body-json", `{"number":"X","use":"public","nested":{"A":7},"area_centi_m2":5}`, "--area", "6")
	if err != nil || m.Number != "P-2" || m.Use != "public" || m.Nested.A != 7 || m.Area != 6 {
		t.Fatalf("%+v %v", m, err)
	}
	// The body alone, arguments included.
	if m, err := buildMsg(t, "--body-json", `{"number":"Q","use":"public"}`); err != nil || m.Number != "Q" {
		t.Fatalf("%+v %v", m, err)
	}
	for _, bad := range [][]string{
		{}, // no argument and no body
		{"P", "--area", "-1"},
		{"P", "--area", "x"},
		{"P", "--owner", a + ":0"},
		{"P", "--owner", a + ":10001"},
		{"P", "--hash", "zz"},
		{"P", "--key", "!!"},
		{"P", "--flag", "maybe"},
		{"P", "--body-json", `{"unknown":1}`},
		{"P", "--body-json", `{bad`},
		{"P", "--nested", "1"},
	} {
		if _, err := buildMsg(t, bad...); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
}

// Every message type of every module has a tx command (generated or
// hand-written) and every query a query command.
func TestEveryRouteAndQueryHasACommand(t *testing.T) {
	g := &globals{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	root := newRoot(g)
	for _, m := range node.Modules() {
		for _, r := range m.Routes() {
			c, _, err := root.Find([]string{"tx", m.Name(), actionName(r.Action())})
			if err != nil || c.Name() != actionName(r.Action()) {
				t.Errorf("no command for %s: %v", r.Type, err)
			}
		}
		for _, q := range m.Queries() {
			c, _, err := root.Find([]string{"query", m.Name(), actionName(q.Name)})
			if err != nil || c.Name() != actionName(q.Name) {
				t.Errorf("no command for query %s %s: %v", m.Name(), q.Name, err)
			}
		}
	}
}
