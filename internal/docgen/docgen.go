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
// "messages", "queries", "records" and "codes".
func Sections(m module.Module) map[string]string {
	return map[string]string{
		"roles":    roles(m),
		"messages": messages(m),
		"queries":  queries(m),
		"records":  records(m),
		"codes":    Codes(m.Name()),
	}
}

// records documents the canonical encoding of every record the module's
// queries serve: for each, an example state key and, field by field, the
// CBOR key, the CBOR type and the JSON name the API shows (with the nested
// structures after), so that an outsider can decode a proven value and
// compare it with the record shown (docs/proofs.md, "Module records").
func records(m module.Module) string {
	var b strings.Builder
	seen := map[reflect.Type]bool{}
	var queue []reflect.Type
	keys := map[reflect.Type]string{}
	for _, q := range m.Queries() {
		if q.Compute != nil {
			continue // not stored: no canonical encoding
		}
		if !seen[q.Record] {
			seen[q.Record] = true
			queue = append(queue, q.Record)
		}
		if q.Key != nil && keys[q.Record] == "" {
			a := module.Args{}
			for _, p := range q.Params {
				a[p.Name] = "{" + p.Name + "}"
				if p.Uint {
					a[p.Name] = "7"
				}
			}
			if k, err := q.Key(a); err == nil {
				keys[q.Record] = m.Name() + "/" + k
			}
		}
	}
	for i := 0; i < len(queue); i++ {
		t := queue[i]
		fmt.Fprintf(&b, "**`%s`**", t.Name())
		if k := keys[t]; k != "" {
			fmt.Fprintf(&b, " at state key `%s`", k)
		} else {
			b.WriteString(" (in a list, or inside another record)")
		}
		b.WriteString(": a CBOR map with integer keys (deterministic encoding, docs/transactions.md)\n\n")
		b.WriteString("| CBOR key | CBOR type | JSON field | notes |\n|---|---|---|---|\n")
		for j := 0; j < t.NumField(); j++ {
			f := t.Field(j)
			if !f.IsExported() {
				continue
			}
			name, jopts, _ := strings.Cut(f.Tag.Get("json"), ",")
			ckey, copts, _ := strings.Cut(f.Tag.Get("cbor"), ",")
			var notes []string
			if ckey == "-" {
				fmt.Fprintf(&b, "| - | - | `%s` | derived when read, not stored: %s (the block time is the state header's, docs/proofs.md R13) |\n", name, cell(f.Tag.Get("derive")))
				continue
			}
			if strings.Contains(copts, "omitempty") {
				notes = append(notes, "omitted when empty or zero")
			}
			if strings.Contains(jopts, "omitempty") {
				notes = append(notes, "JSON omits it when empty")
			} else if strings.Contains(copts, "omitempty") {
				notes = append(notes, "JSON shows its zero value (a list or bytes: null)")
			}
			if name == "" || name == "-" {
				name = "-"
			} else {
				name = "`" + name + "`"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", ckey, cborType(f.Type), name, strings.Join(notes, "; "))
			for _, n := range nested(f.Type) {
				if !seen[n] {
					seen[n] = true
					queue = append(queue, n)
				}
			}
		}
		b.WriteString("\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// cborType names the CBOR type a Go field encodes as, and its JSON form
// where it differs.
func cborType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer:
		return cborType(t.Elem()) + " (absent: null)"
	case reflect.String:
		return "text string"
	case reflect.Bool:
		return "bool"
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint:
		return "unsigned integer"
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		return "integer"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "byte string (JSON: base64)"
		}
		return "array of " + cborType(t.Elem())
	case reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return fmt.Sprintf("byte string of %d (JSON: base64)", t.Len())
		}
		return "array of " + cborType(t.Elem())
	case reflect.Map:
		return "map of " + cborType(t.Key()) + " to " + cborType(t.Elem())
	case reflect.Struct:
		return "`" + t.Name() + "`"
	}
	return t.Kind().String()
}

// nested returns the struct types a field's type contains.
func nested(t reflect.Type) []reflect.Type {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return nested(t.Elem())
	case reflect.Map:
		return append(nested(t.Key()), nested(t.Elem())...)
	case reflect.Struct:
		return []reflect.Type{t}
	}
	return nil
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
