package module

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/govchain/govchain/codec"
)

// Query declares a read of a module's state. The API serves it at
// GET /v1/<module>/<Path> (with ?height= and ?prove=true), the Go SDK reads
// it with client.Query / client.List / client.Proven, the CLI offers it as
// `govchain query <module> <Name>`, and the docs table lists it: all from
// this declaration.
//
// A record query names one state key (Key); a list query names the records
// under a prefix (Prefix), index keys whose last segment names a record
// (Prefix with Target), or record keys read from another record (Refs).
// Keys and prefixes are relative to the module's own prefix.
type Query struct {
	Name   string  // short name: the CLI command and the operationId
	Path   string  // under /v1/<module>/, with {param} segments
	Doc    string  // one line for help, OpenAPI and docs
	Params []Param // the path parameters, in path order
	List   bool

	// Record is the record's Go type (a struct); Decode reads its
	// canonical encoding.
	Record reflect.Type
	Decode func([]byte) (any, error)

	Key     func(Args) (string, error)
	Default bool // an absent record reads as the zero record (parameters)

	Prefix func(Args) (string, error)
	Target func(suffix string) string // with Prefix: the record key an index key names
	Refs   func(r Reader, a Args) ([]string, error)

	// Parent, if set, names the record a list belongs to (a parcel's
	// history): when it is absent the list is 404, not empty.
	Parent     func(Args) string
	ParentNoun string

	// Compute, for a computed query, builds the answer from the module's
	// state at the height read (a document in a field's standard format,
	// such as an OCDS package): it is not stored, so it has no proof of its
	// own; its module's verify command rebuilds it from proven records.
	Compute func(r Reader, a Args, v ReadView) (any, error)
}

// ComputedQuery declares a query whose answer (a T) is computed from the
// module's records at the height read, not stored (see Query.Compute).
func ComputedQuery[T any](name, path, doc string, compute func(r Reader, a Args, v ReadView) (*T, error)) Query {
	q := newQuery[T](name, path, doc)
	q.Decode = nil
	q.Compute = func(r Reader, a Args, v ReadView) (any, error) { return compute(r, a, v) }
	return q
}

// Param is a path parameter.
type Param struct {
	Name string
	Doc  string
	Uint bool // a non-negative integer
	// Pattern, if set, is what a well-formed value matches (anchored, in
	// the syntax RE2 and ECMAScript share, since OpenAPI shows it): the API
	// answers 400 for a value that does not, as for any malformed id, and
	// 404 only for a well-formed one that names nothing.
	Pattern *regexp.Regexp
}

// AddressPattern is the form of an account address (crypto.ValidAddress):
// 40 lowercase hex digits.
var AddressPattern = regexp.MustCompile(`^[0-9a-f]{40}$`)

// Args are a query's path parameters by name; the API has checked that
// each is non-empty, holds no '/', for Uint parameters is a number and
// matches the parameter's Pattern.
type Args map[string]string

// Uint returns an integer parameter.
func (a Args) Uint(name string) uint64 {
	v, _ := strconv.ParseUint(a[name], 10, 64)
	return v
}

// RecordQuery declares a query of one record of type T.
func RecordQuery[T any](name, path, doc string, key func(Args) (string, error)) Query {
	q := newQuery[T](name, path, doc)
	q.Key = key
	return q
}

// ListQuery declares a list of the records of type T under a prefix.
func ListQuery[T any](name, path, doc string, prefix func(Args) (string, error)) Query {
	q := newQuery[T](name, path, doc)
	q.List, q.Prefix = true, prefix
	return q
}

// IndexQuery declares a list of records of type T named by index keys: the
// part of each index key after prefix is passed to target for the record's
// key.
func IndexQuery[T any](name, path, doc string, prefix func(Args) (string, error), target func(string) string) Query {
	q := ListQuery[T](name, path, doc, prefix)
	q.Target = target
	return q
}

// RefsQuery declares a short list of records of type T whose keys are read
// from state (for example ids kept in another record).
func RefsQuery[T any](name, path, doc string, refs func(Reader, Args) ([]string, error)) Query {
	q := newQuery[T](name, path, doc)
	q.List, q.Refs = true, refs
	return q
}

func newQuery[T any](name, path, doc string) Query {
	q := Query{Name: name, Path: path, Doc: doc, Record: reflect.TypeFor[T](),
		Decode: func(b []byte) (any, error) {
			var t T
			if err := codec.Unmarshal(b, &t); err != nil {
				return nil, err
			}
			return &t, nil
		}}
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			q.Params = append(q.Params, Param{Name: seg[1 : len(seg)-1]})
		}
	}
	return q
}

// Describe documents a path parameter; uint marks it as a number.
func (q Query) Describe(param, doc string, uint bool) Query {
	for i := range q.Params {
		if q.Params[i].Name == param {
			q.Params[i].Doc, q.Params[i].Uint = doc, uint
			return q
		}
	}
	panic(fmt.Sprintf("module: query %s has no parameter %q", q.Name, param))
}

// Match declares the form of a path parameter (Param.Pattern); re must be
// anchored with ^ and $.
func (q Query) Match(param string, re *regexp.Regexp) Query {
	src := re.String()
	if !strings.HasPrefix(src, "^") || !strings.HasSuffix(src, "$") {
		panic(fmt.Sprintf("module: query %s: pattern %s of %q is not anchored", q.Name, src, param))
	}
	for i := range q.Params {
		if q.Params[i].Name == param {
			q.Params[i].Pattern = re
			return q
		}
	}
	panic(fmt.Sprintf("module: query %s has no parameter %q", q.Name, param))
}

// Of makes a list 404 when the record it belongs to (noun, at key) is
// absent.
func (q Query) Of(noun string, key func(Args) string) Query {
	q.Parent, q.ParentNoun = key, noun
	return q
}

// WithDefault makes an absent record read as the zero record.
func (q Query) WithDefault() Query { q.Default = true; return q }

// ReadView is what a presented record may depend on: the height it was read
// at and that block's header time.
type ReadView struct {
	Height int64
	Time   time.Time
}

// Presenter is implemented by records with fields derived at read time
// (fields tagged cbor:"-", never stored), such as a transfer that shows as
// expired once its deadline is past.
type Presenter interface{ Present(v ReadView) }
