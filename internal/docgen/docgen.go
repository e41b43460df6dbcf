// Package docgen writes the tables of docs/ that mirror code: each module's
// roles, messages, queries and result codes, and the application's codes,
// from the declarations (module.Module, module.Codes). The tables live
// between markers in the hand-written pages,
//
//	<!-- generated: NAME (go test ./internal/docgen -update) -->
//	...
//	<!-- end generated -->
//
// so prose and tables sit together but the tables cannot drift: the test
// fails when a page differs from what the code says. It imports no node or
// API package; the test takes the module list from node.Modules.
package docgen

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/govchain/govchain/app/module"
)

// Sections renders the generated tables of one module: "roles",
// "messages", "queries" and "codes".
func Sections(m module.Module) map[string]string {
	return map[string]string{
		"roles":    roles(m),
		"messages": messages(m),
		"queries":  queries(m),
		"codes":    Codes(m.Name()),
	}
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func roles(m module.Module) string {
	var b strings.Builder
	b.WriteString("| role | for | granted by default by | messages it allows |\n|---|---|---|---|\n")
	for _, r := range m.Roles() {
		var msgs []string
		for _, rt := range m.Routes() {
			for _, want := range rt.Roles {
				if want == r.Name {
					msgs = append(msgs, "`"+rt.Type+"`")
				}
			}
		}
		if len(msgs) == 0 {
			msgs = []string{"(messages of other modules)"}
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", r.Name, cell(r.Doc), grantors(r), strings.Join(msgs, ", "))
	}
	return b.String()
}

// grantors describes the departments a role's declaration entitles to
// grant it (the chain's genesis or a proposal may say otherwise).
func grantors(r module.Role) string {
	switch {
	case len(r.Grantors) == 0:
		return "no department: a consortium proposal"
	case len(r.Grantors) == 1 && r.Grantors[0] == module.AnyDepartment:
		return "every department"
	}
	ids := make([]string, len(r.Grantors))
	for i, g := range r.Grantors {
		ids[i] = "`" + g + "`"
	}
	return strings.Join(ids, ", ")
}

func messages(m module.Module) string {
	var b strings.Builder
	b.WriteString("| type | CLI | body fields | who may send it | what it does |\n|---|---|---|---|---|\n")
	for _, r := range m.Routes() {
		who := "any active account"
		if len(r.Roles) > 0 {
			var rs []string
			for _, x := range module.SortedUnique(r.Roles) {
				rs = append(rs, "`"+x+"`")
			}
			who = strings.Join(rs, " or ")
		}
		cli := strings.TrimSpace(fmt.Sprintf("govchain tx %s %s %s", m.Name(), strings.ReplaceAll(r.Action(), "_", "-"), args(r.Msg)))
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s | %s |\n", r.Type, cli, fields(r.Msg), who, cell(r.Doc))
	}
	return b.String()
}

// args lists a message's positional CLI arguments (fields tagged
// cli:"arg").
func args(t reflect.Type) string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		for _, opt := range strings.Split(f.Tag.Get("cli"), ",") {
			if opt == "arg" {
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				out = append(out, strings.ToUpper(strings.ReplaceAll(name, "_", "-")))
			}
		}
	}
	return strings.Join(out, " ")
}

// fields lists a message's JSON fields in CBOR key order, marking the
// optional ones.
func fields(t reflect.Type) string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		if strings.Contains(f.Tag.Get("cbor"), "omitempty") || strings.Contains(opts, "omitempty") {
			name += "?"
		}
		out = append(out, name)
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ", ")
}

func queries(m module.Module) string {
	var b strings.Builder
	b.WriteString("| HTTP (`?height=`, `?prove=true`) | CLI | answers |\n|---|---|---|\n")
	for _, q := range m.Queries() {
		var args []string
		for _, p := range q.Params {
			args = append(args, strings.ToUpper(p.Name))
		}
		kind := "`" + q.Record.Name() + "`"
		if q.List {
			kind = "a page of `" + q.Record.Name() + "` (`?limit=`, `?after=`)"
		}
		cli := strings.TrimSpace(fmt.Sprintf("govchain query %s %s %s", m.Name(), strings.ReplaceAll(q.Name, "_", "-"), strings.Join(args, " ")))
		fmt.Fprintf(&b, "| `GET /v1/%s/%s` | `%s` | %s: %s |\n", m.Name(), q.Path, cli, kind, cell(q.Doc))
	}
	return b.String()
}

// Codes renders the result codes of one codespace.
func Codes(codespace string) string {
	var codes []*module.Error
	for _, e := range module.Codes() {
		if e.Codespace == codespace {
			codes = append(codes, e)
		}
	}
	sort.Slice(codes, func(i, j int) bool { return codes[i].Code < codes[j].Code })
	var b strings.Builder
	b.WriteString("| code | message |\n|---|---|\n")
	for _, e := range codes {
		fmt.Fprintf(&b, "| %d | %s |\n", e.Code, cell(e.Msg))
	}
	return b.String()
}

var section = regexp.MustCompile(`(?s)(<!-- generated: ([a-z]+) [^>]*-->\n).*?(<!-- end generated -->)`)

// Apply replaces each generated section of page with its new text and
// reports the names of the sections it found.
func Apply(page []byte, sections map[string]string) ([]byte, []string, error) {
	var found []string
	var missing error
	out := section.ReplaceAllFunc(page, func(m []byte) []byte {
		sub := section.FindSubmatch(m)
		name := string(sub[2])
		text, ok := sections[name]
		if !ok {
			missing = fmt.Errorf("docgen: unknown section %q", name)
			return m
		}
		found = append(found, name)
		return bytes.Join([][]byte{sub[1], []byte(text), sub[3]}, nil)
	})
	return out, found, missing
}

// Marker is the opening line of a generated section.
func Marker(name string) string {
	return "<!-- generated: " + name + " (go test ./internal/docgen -update) -->"
}
