package cli

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/govchain/govchain/crypto"
)

// Text output is for people: aligned fields, amounts in yuan, areas in m²,
// times in local time, and the names of local keys beside addresses. A
// record field's `fmt` tag says how to show it:
//
//	fmt:"yuan"  integer minor units (fen), shown as yuan with two decimals
//	fmt:"m2"    hundredths of a square metre, shown in m²
//	fmt:"unix"  unix seconds, shown as local time
//	fmt:"bp"    basis points, shown as a percentage
//
// JSON output (-o json) is exactly what the API answers.

// shower writes records for people.
type shower struct {
	names map[string]string // address -> local key name
	loc   *time.Location
}

func (g *globals) shower() *shower {
	s := &shower{names: map[string]string{}, loc: time.Local}
	entries, _ := os.ReadDir(g.homeDir().KeysDir())
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(g.homeDir().KeysDir(), e.Name())); err == nil {
			var f crypto.KeyFile
			if json.Unmarshal(b, &f) == nil && f.Address != "" {
				s.names[f.Address] = name
			}
		}
	}
	return s
}

// show writes v (a struct, or a pointer to one) as aligned fields.
func (s *shower) show(w io.Writer, v any) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	s.fields(tw, reflect.ValueOf(v), "")
	tw.Flush()
}

func (s *shower) fields(w io.Writer, v reflect.Value, indent string) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		if f.Anonymous && fv.Kind() == reflect.Struct {
			s.fields(w, fv, indent)
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || name == "" {
			continue
		}
		if strings.Contains(opts, "omitempty") && fv.IsZero() {
			continue
		}
		format := f.Tag.Get("fmt")
		if format != "" { // the unit is in the value, not the name
			for _, unit := range []string{"_centi_m2", "_bp", "_unix"} {
				name = strings.TrimSuffix(name, unit)
			}
		}
		label := indent + strings.ReplaceAll(name, "_", " ")
		s.field(w, label, fv, format, indent)
		indent = strings.ReplaceAll(indent, "- ", "  ") // a list item's later fields align under its first
	}
}

func (s *shower) field(w io.Writer, label string, v reflect.Value, format, indent string) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			fmt.Fprintf(w, "%s:\t-\n", label)
			return
		}
		v = v.Elem()
	}
	switch {
	case v.Kind() == reflect.Struct && v.Type() != reflect.TypeFor[time.Time]():
		fmt.Fprintf(w, "%s:\t\n", label)
		s.fields(w, v, indent+"  ")
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		fmt.Fprintf(w, "%s:\t%s\n", label, hex.EncodeToString(v.Bytes()))
	case v.Kind() == reflect.Slice && isStructish(v.Type().Elem()):
		fmt.Fprintf(w, "%s:\t%d\n", label, v.Len())
		for j := 0; j < v.Len(); j++ {
			s.fields(w, v.Index(j), strings.ReplaceAll(indent, "- ", "  ")+"  - ")
		}
	case v.Kind() == reflect.Slice:
		items := make([]string, v.Len())
		for j := range items {
			items[j] = s.scalar(v.Index(j), format)
		}
		if len(items) == 0 {
			fmt.Fprintf(w, "%s:\t-\n", label)
			return
		}
		fmt.Fprintf(w, "%s:\t%s\n", label, strings.Join(items, ", "))
	default:
		fmt.Fprintf(w, "%s:\t%s\n", label, s.scalar(v, format))
	}
}

func isStructish(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct
}

// scalar formats one value.
func (s *shower) scalar(v reflect.Value, format string) string {
	switch format {
	case "yuan":
		return yuan(toUint(v))
	case "m2":
		n := toUint(v)
		return fmt.Sprintf("%d.%02d m²", n/100, n%100)
	case "bp":
		n := toUint(v)
		return fmt.Sprintf("%d.%02d%%", n/100, n%100)
	case "unix":
		if n := toInt(v); n != 0 {
			return time.Unix(n, 0).In(s.loc).Format("2006-01-02 15:04:05 MST")
		}
		return "-"
	}
	switch v.Kind() {
	case reflect.String:
		str := v.String()
		if name := s.names[str]; name != "" {
			return str + " (" + name + ")"
		}
		if str == "" {
			return "-"
		}
		return str
	case reflect.Bool:
		if v.Bool() {
			return "yes"
		}
		return "no"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	}
	return fmt.Sprint(v.Interface())
}

func toUint(v reflect.Value) uint64 {
	switch v.Kind() {
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return uint64(max(v.Int(), 0))
	}
	return 0
}

func toInt(v reflect.Value) int64 {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(v.Uint())
	}
	return 0
}

// yuan shows minor units (fen) as yuan with thousands separators.
func yuan(fen uint64) string {
	whole := strconv.FormatUint(fen/100, 10)
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("¥%s.%02d", b.String(), fen%100)
}
