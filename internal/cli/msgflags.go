package cli

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// Flags and positional arguments of `govchain tx <module> <action>` come
// from the message's Go type, field by field:
//
//   - the JSON name is the flag (snake_case as kebab-case), unless the
//     field's `cli` tag says name=...;
//   - `cli:"arg"` makes the field a positional argument, in field order;
//   - `cli:"hex"` reads a []byte field as hex (default: base64, as JSON);
//   - a field's `doc` tag is its help text, its `default` tag its default;
//   - a type with a SetFlag(string) error method (and FlagSyntax() string)
//     is read from one string, and a slice of it from a repeatable flag;
//   - anything else (nested structures) only through --body-json.
type msgField struct {
	index []int
	flag  string // kebab-case name
	json  string
	doc   string
	arg   bool
	hex   bool
	def   string // the `default` tag
	typ   reflect.Type
}

// FlagSetter is implemented by message field types with a one-string form
// on the command line (registry.Owner: "ADDRESS[:BASIS_POINTS]").
type FlagSetter interface {
	SetFlag(s string) error
	FlagSyntax() string
}

var flagSetterType = reflect.TypeFor[FlagSetter]()

func settable(t reflect.Type) bool { return reflect.PointerTo(t).Implements(flagSetterType) }

// msgFields lists the fields of a message type the CLI can set.
func msgFields(t reflect.Type) []msgField {
	var out []msgField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		mf := msgField{index: f.Index, json: name, flag: strings.ReplaceAll(name, "_", "-"), doc: f.Tag.Get("doc"), def: f.Tag.Get("default"), typ: f.Type}
		for _, opt := range strings.Split(f.Tag.Get("cli"), ",") {
			switch {
			case opt == "arg":
				mf.arg = true
			case opt == "hex":
				mf.hex = true
			case strings.HasPrefix(opt, "name="):
				mf.flag = strings.TrimPrefix(opt, "name=")
			}
		}
		if !cliKind(f.Type) {
			continue
		}
		out = append(out, mf)
	}
	return out
}

// cliKind reports whether a field type can be set from the command line.
func cliKind(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return true
	case reflect.Slice:
		e := t.Elem()
		return e.Kind() == reflect.Uint8 || e.Kind() == reflect.String || settable(e)
	}
	return settable(t)
}

// msgBinder holds the raw flag values of one command until it runs.
type msgBinder struct {
	typ      reflect.Type
	fields   []msgField
	values   map[string]*string
	slices   map[string]*[]string
	bodyJSON string
}

// bindMsg adds the message's flags to cmd and returns the usage of its
// positional arguments.
func bindMsg(cmd *cobra.Command, t reflect.Type) (*msgBinder, string) {
	b := &msgBinder{typ: t, fields: msgFields(t), values: map[string]*string{}, slices: map[string]*[]string{}}
	var args []string
	for _, f := range b.fields {
		help := f.doc
		if help == "" {
			help = strings.ReplaceAll(f.json, "_", " ")
		}
		if syn := syntaxOf(f); syn != "" {
			help += " (" + syn + ")"
		}
		if f.arg {
			args = append(args, strings.ToUpper(f.flag))
			continue
		}
		if f.typ.Kind() == reflect.Slice && f.typ.Elem().Kind() != reflect.Uint8 {
			b.slices[f.json] = cmd.Flags().StringArray(f.flag, nil, help+"; repeatable")
			continue
		}
		b.values[f.json] = cmd.Flags().String(f.flag, f.def, help)
	}
	cmd.Flags().StringVar(&b.bodyJSON, "body-json", "", "the whole message as JSON (as the API shows it); flags and arguments given as well override its fields")
	return b, strings.Join(args, " ")
}

func syntaxOf(f msgField) string {
	t := f.typ
	if t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 {
		t = t.Elem()
	}
	if settable(t) {
		return reflect.New(t).Interface().(FlagSetter).FlagSyntax()
	}
	switch {
	case t.Kind() == reflect.Slice && f.hex:
		return "hex"
	case t.Kind() == reflect.Slice:
		return "base64"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "integer"
	}
	return ""
}

// build makes the message from --body-json, the arguments and the flags
// that were set.
func (b *msgBinder) build(cmd *cobra.Command, args []string) (any, error) {
	v := reflect.New(b.typ)
	for _, f := range b.fields {
		if f.def != "" && !f.arg {
			if err := setField(v.Elem().FieldByIndex(f.index), f, f.def); err != nil {
				return nil, err
			}
		}
	}
	if b.bodyJSON != "" {
		dec := json.NewDecoder(strings.NewReader(b.bodyJSON))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v.Interface()); err != nil {
			return nil, usageErr("--body-json: %v", err)
		}
	}
	i := 0
	for _, f := range b.fields {
		fv := v.Elem().FieldByIndex(f.index)
		switch {
		case f.arg:
			if i >= len(args) {
				if b.bodyJSON != "" {
					continue // from the body
				}
				return nil, usageErr("missing argument %s", strings.ToUpper(f.flag))
			}
			if err := setField(fv, f, args[i]); err != nil {
				return nil, err
			}
			i++
		case b.slices[f.json] != nil:
			if !cmd.Flags().Changed(f.flag) {
				continue
			}
			items := *b.slices[f.json]
			s := reflect.MakeSlice(f.typ, len(items), len(items))
			for j, it := range items {
				if err := setField(s.Index(j), f, it); err != nil {
					return nil, err
				}
			}
			fv.Set(s)
		default:
			if !cmd.Flags().Changed(f.flag) {
				continue
			}
			if err := setField(fv, f, *b.values[f.json]); err != nil {
				return nil, err
			}
		}
	}
	return v.Interface(), nil
}

// setField parses one command-line string into a field (or slice item).
func setField(v reflect.Value, f msgField, s string) error {
	bad := func(what string, err error) error {
		return usageErr("--%s %q: %s (%v)", f.flag, s, what, err)
	}
	if v.CanAddr() {
		if fs, ok := v.Addr().Interface().(FlagSetter); ok {
			if err := fs.SetFlag(s); err != nil {
				return bad(fs.FlagSyntax(), err)
			}
			return nil
		}
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return bad("true or false", err)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, v.Type().Bits())
		if err != nil {
			return bad("an integer", err)
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(s, 10, v.Type().Bits())
		if err != nil {
			return bad("a non-negative integer", err)
		}
		v.SetUint(n)
	case reflect.Slice: // []byte
		var b []byte
		var err error
		if f.hex {
			b, err = hex.DecodeString(s)
		} else {
			b, err = base64.StdEncoding.DecodeString(s)
		}
		if err != nil {
			return bad(syntaxOf(f), err)
		}
		v.SetBytes(b)
	default:
		return usageErr("--%s cannot be set from the command line; use --body-json", f.flag)
	}
	return nil
}
