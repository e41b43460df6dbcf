package verify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
)

// Files are read strictly: one JSON object, no field the format does not
// define, and the whole file, white space aside, byte for byte the
// re-encoding of what was read (Go's encoding/json: members in the
// format's order, HTML characters escaped as \u003c, \u003e, \u0026).
// So a file has one meaning; a field set to a value the verifier would not
// have written (a duplicate key, an upper-case hex digit, non-canonical
// base64, 1.0 for 1, a stray field) is refused rather than silently
// ignored or normalised.

// parseStrict decodes b into v and checks that v re-encodes to the same
// JSON value.
func parseStrict(b []byte, what string, v any) error {
	// Compacted once, so the light blocks inside are compact too and
	// compare byte for byte.
	var c bytes.Buffer
	if err := json.Compact(&c, b); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrMalformed, what, err)
	}
	b = c.Bytes()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrMalformed, what, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: %s: data after the JSON object", ErrMalformed, what)
	}
	again, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrMalformed, what, err)
	}
	return sameJSON(b, again, what)
}

// sameJSON reports, as ErrNonCanonical with the path of the first
// difference, whether a, white space aside, differs from b (compact).
func sameJSON(a, b []byte, what string) error {
	if bytes.Equal(a, b) {
		return nil
	}
	var ca, cb bytes.Buffer
	if err := json.Compact(&ca, a); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrMalformed, what, err)
	}
	if err := json.Compact(&cb, b); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrMalformed, what, err)
	}
	if bytes.Equal(ca.Bytes(), cb.Bytes()) {
		return nil
	}
	// Say where: the first difference as JSON values, else the form.
	va, err := decodeTree(a)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrMalformed, what, err)
	}
	vb, err := decodeTree(b)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrMalformed, what, err)
	}
	if p, ok := diff(va, vb, what); !ok {
		return fmt.Errorf("%w: %s is not as the verifier would write it", ErrNonCanonical, p)
	}
	return fmt.Errorf("%w: %s: members out of order or characters escaped otherwise", ErrNonCanonical, what)
}

// tree is a JSON value with numbers kept as written and object members in
// order (to see duplicates).
type member struct {
	key string
	val any
}

func decodeTree(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := readValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the JSON value")
	}
	return v, nil
}

func readValue(dec *json.Decoder) (any, error) {
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := t.(type) {
	case json.Delim:
		switch t {
		case '{':
			var ms []member
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := readValue(dec)
				if err != nil {
					return nil, err
				}
				ms = append(ms, member{k.(string), v})
			}
			_, err := dec.Token()
			sort.SliceStable(ms, func(i, j int) bool { return ms[i].key < ms[j].key })
			for i := 1; i < len(ms); i++ {
				if ms[i].key == ms[i-1].key {
					return nil, fmt.Errorf("duplicate key %q", ms[i].key)
				}
			}
			return ms, err
		case '[':
			var vs []any
			for dec.More() {
				v, err := readValue(dec)
				if err != nil {
					return nil, err
				}
				vs = append(vs, v)
			}
			_, err := dec.Token()
			if vs == nil {
				vs = []any{}
			}
			return vs, err
		}
	}
	return t, nil
}

// diff returns the path of the first difference between a and b.
func diff(a, b any, path string) (string, bool) {
	switch a := a.(type) {
	case []member:
		b, ok := b.([]member)
		if !ok {
			return path, false
		}
		i, j := 0, 0
		for i < len(a) || j < len(b) {
			switch {
			case j == len(b) || (i < len(a) && a[i].key < b[j].key):
				return path + "." + a[i].key, false
			case i == len(a) || b[j].key < a[i].key:
				return path + "." + b[j].key + " (missing)", false
			}
			if p, ok := diff(a[i].val, b[j].val, path+"."+a[i].key); !ok {
				return p, false
			}
			i, j = i+1, j+1
		}
		return "", true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return path, false
		}
		for i := range a {
			if p, ok := diff(a[i], b[i], path+"["+strconv.Itoa(i)+"]"); !ok {
				return p, false
			}
		}
		return "", true
	default:
		if a != b {
			return path, false
		}
		return "", true
	}
}
