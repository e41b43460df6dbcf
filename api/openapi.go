package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"

	"github.com/govchain/govchain/api/apitype"
)

// The OpenAPI document is generated from the route table and the Go types
// of requests and responses (kin-openapi's openapi3gen), never kept by hand.
// kin-openapi rather than a framework such as huma: the handlers stay plain
// net/http functions returning errors (tailscale's style), module queries
// are mounted at run time from declarations, and the same library checks
// real responses against the document in the tests (openapi3filter).

// Version of the API document (info.version).
const Version = "1.0.0"

// OpenAPI builds the OpenAPI 3.0 document of every operation.
func (s *Server) OpenAPI() ([]byte, error) {
	doc, err := s.document()
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(doc, "", "  ")
}

// schemaName names a Go type's component schema: API types by their own
// name, module records prefixed by their module ("RegistryParcel").
func schemaName(t reflect.Type) string {
	pkg := t.PkgPath()
	name := t.Name()
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	switch {
	case strings.HasSuffix(pkg, "/api/apitype"), pkg == "":
		return name
	}
	last := pkg[strings.LastIndexByte(pkg, '/')+1:]
	return string(unicode.ToUpper(rune(last[0]))) + last[1:] + name
}

var rawMessage = reflect.TypeFor[json.RawMessage]()

type docBuilder struct {
	gen     *openapi3gen.Generator
	schemas openapi3.Schemas
}

func newDocBuilder() *docBuilder {
	b := &docBuilder{schemas: openapi3.Schemas{}}
	b.gen = openapi3gen.NewGenerator(
		openapi3gen.CreateComponentSchemas(openapi3gen.ExportComponentSchemasOptions{ExportComponentSchemas: true}),
		openapi3gen.CreateTypeNameGenerator(schemaName),
		openapi3gen.SchemaCustomizer(customizeSchema),
	)
	return b
}

// customizeSchema marks the fields always present (no omitempty) as
// required, lets `any` and raw JSON be any value, and drops fields the
// JSON never shows.
func customizeSchema(name string, t reflect.Type, tag reflect.StructTag, s *openapi3.Schema) error {
	if t == rawMessage || (t.Kind() == reflect.Interface) {
		*s = openapi3.Schema{}
		return nil
	}
	if t.Kind() == reflect.Slice {
		s.Nullable = true // a nil slice is JSON null
	}
	if t.Kind() == reflect.Uint64 {
		s.Max = nil // beyond a double's exact range; JSON numbers, not strings
	}
	if t.Kind() == reflect.Struct && len(s.Properties) > 0 {
		s.Required = requiredFields(t)
	}
	return nil
}

// requiredFields lists the JSON names of the fields encoding/json always
// writes (no omitempty), following embedded structs.
func requiredFields(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, requiredFields(f.Type)...)
			continue
		}
		if name == "" || strings.Contains(opts, "omitempty") {
			continue
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// ref returns a schema reference for a Go type, adding its components.
func (b *docBuilder) ref(t reflect.Type) (*openapi3.SchemaRef, error) {
	ref, err := b.gen.NewSchemaRefForValue(reflect.New(t).Elem().Interface(), b.schemas)
	if err != nil {
		return nil, fmt.Errorf("schema of %s: %w", t, err)
	}
	if t.Kind() == reflect.Struct && t.Name() != "" && ref.Ref == "" {
		name := schemaName(t)
		b.schemas[name] = &openapi3.SchemaRef{Value: ref.Value}
		return openapi3.NewSchemaRef("#/components/schemas/"+name, nil), nil
	}
	return ref, nil
}

// component adds a named schema and returns a reference to it.
func (b *docBuilder) component(name string, s *openapi3.Schema) *openapi3.SchemaRef {
	b.schemas[name] = &openapi3.SchemaRef{Value: s}
	return openapi3.NewSchemaRef("#/components/schemas/"+name, nil)
}

func object(required []string, props map[string]*openapi3.SchemaRef) *openapi3.Schema {
	s := openapi3.NewObjectSchema()
	s.Properties = props
	s.Required = required
	return s
}

// querySchema is a module query's answer: the record (or a page of them),
// or with prove=true the record with its proof (or a page of those).
func (b *docBuilder) querySchema(op *operation) (*openapi3.SchemaRef, error) {
	q := op.query
	rec, err := b.ref(q.Record)
	if err != nil {
		return nil, err
	}
	stateRef, err := b.ref(reflect.TypeFor[apitype.State]())
	if err != nil {
		return nil, err
	}
	name := schemaName(q.Record)
	proven := b.component(name+"Proven", object([]string{"proof", "record"}, map[string]*openapi3.SchemaRef{
		"record": rec, "proof": stateRef,
	}))
	if !q.List {
		return b.component(name+"Answer", &openapi3.Schema{AnyOf: openapi3.SchemaRefs{rec, proven}}), nil
	}
	page := func(item *openapi3.SchemaRef) *openapi3.Schema {
		arr := openapi3.NewArraySchema()
		arr.Items = item
		next := openapi3.NewStringSchema()
		next.Description = "the cursor of the next page (pass it as ?after=); absent on the last page"
		height := openapi3.NewInt64Schema()
		height.Description = "the height the page was read at"
		total := openapi3.NewIntegerSchema()
		total.Description = "how many records the whole list holds, when the node could count them (at most 1000); not proven"
		atLeast := openapi3.NewIntegerSchema()
		atLeast.Description = "instead of total for a longer list: it holds at least this many records"
		return object([]string{"height", "items"}, map[string]*openapi3.SchemaRef{
			"items":          {Value: arr},
			"next":           {Value: next},
			"height":         {Value: height},
			"total":          {Value: total},
			"total_at_least": {Value: atLeast},
		})
	}
	plain := b.component(name+"Page", page(rec))
	provenPage := b.component(name+"ProvenPage", page(proven))
	return b.component(name+"PageAnswer", &openapi3.Schema{AnyOf: openapi3.SchemaRefs{plain, provenPage}}), nil
}

var problemSchemaRef = openapi3.NewSchemaRef("#/components/schemas/Problem", nil)

func (s *Server) document() (*openapi3.T, error) {
	b := newDocBuilder()
	if _, err := b.ref(reflect.TypeFor[apitype.Problem]()); err != nil {
		return nil, err
	}
	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info: &openapi3.Info{
			Title:   "govchain API",
			Version: Version,
			Description: "The HTTP API of a govchain node: a permissioned ledger kept by government departments. " +
				"Reads are open to everyone and bounded; writes are signed transactions (docs/transactions.md), never sessions or passwords. " +
				"Every record can be read with ?prove=true and checked offline against the validators' signatures (docs/proofs.md). " +
				"Errors are application/problem+json (RFC 9457).",
			License: &openapi3.License{Name: "Apache-2.0", URL: "https://www.apache.org/licenses/LICENSE-2.0"},
		},
		Servers:  openapi3.Servers{{URL: "http://127.0.0.1:8080", Description: "a node started with govchain start (its API address is in <home>/config/app.toml)"}},
		Paths:    openapi3.NewPaths(),
		Security: openapi3.SecurityRequirements{},
	}
	tags := map[string]bool{}
	for _, op := range s.ops {
		o, err := b.operation(op)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", op.method, op.path, err)
		}
		item := doc.Paths.Value(op.path)
		if item == nil {
			item = &openapi3.PathItem{}
			doc.Paths.Set(op.path, item)
		}
		item.SetOperation(op.method, o)
		tags[op.tag] = true
	}
	for _, t := range sortedKeys(tags) {
		doc.Tags = append(doc.Tags, &openapi3.Tag{Name: t, Description: tagDoc(t)})
	}
	doc.Components = &openapi3.Components{Schemas: b.schemas}
	return doc, nil
}

func tagDoc(tag string) string {
	switch tag {
	case "node":
		return "The serving node: health, status, this document"
	case "chain":
		return "Blocks, committed transactions, result codes and roles"
	case "txs":
		return "Submitting signed transactions"
	case "proofs":
		return "State, log and header proofs for offline verification"
	}
	return "Queries of the " + tag + " module"
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (b *docBuilder) operation(op *operation) (*openapi3.Operation, error) {
	o := &openapi3.Operation{OperationID: op.id, Summary: op.summary, Description: op.desc, Tags: []string{op.tag},
		Security: &openapi3.SecurityRequirements{}, Responses: openapi3.NewResponses()}
	o.Responses.Delete("default")
	for _, p := range op.params {
		sch := &openapi3.Schema{Type: &openapi3.Types{p.kind}, Min: p.min, Max: p.max, Pattern: p.pattern}
		if p.kind == "integer" {
			sch.Format = "int64" // heights and ids, as in the bodies
		}
		for _, e := range p.enum {
			sch.Enum = append(sch.Enum, e)
		}
		o.Parameters = append(o.Parameters, &openapi3.ParameterRef{Value: &openapi3.Parameter{
			Name: p.name, In: p.in, Description: p.doc, Required: p.required || p.in == "path", Schema: &openapi3.SchemaRef{Value: sch},
		}})
	}
	if op.body != nil {
		ref, err := b.ref(op.body)
		if err != nil {
			return nil, err
		}
		content := openapi3.NewContentWithJSONSchemaRef(ref)
		if op.cbor {
			content["application/cbor"] = &openapi3.MediaType{Schema: &openapi3.SchemaRef{Value: openapi3.NewStringSchema().WithFormat("binary")}}
		}
		o.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithContent(content)}
	}
	var resp *openapi3.SchemaRef
	var err error
	switch {
	case op.query != nil:
		resp, err = b.querySchema(op)
	case op.resp != nil:
		resp, err = b.ref(op.resp)
	}
	if err != nil {
		return nil, err
	}
	for _, st := range append([]int{op.successStatus()}, op.also...) {
		r := openapi3.NewResponse().WithDescription(http.StatusText(st))
		if resp != nil {
			r = r.WithJSONSchemaRef(resp)
		}
		o.Responses.Set(strconv.Itoa(st), &openapi3.ResponseRef{Value: r})
	}
	errs := op.problemStatuses()
	for _, st := range errs {
		r := openapi3.NewResponse().WithDescription(http.StatusText(st)).
			WithContent(openapi3.Content{"application/problem+json": &openapi3.MediaType{Schema: problemSchemaRef}})
		o.Responses.Set(strconv.Itoa(st), &openapi3.ResponseRef{Value: r})
	}
	return o, nil
}
