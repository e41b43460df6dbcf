package api

import (
	"encoding/base64"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/store"
)

// moduleOperations mounts every query of every module at
// GET /v1/<module>/<path>: records and lists, ?height= and ?prove=true, all
// from the modules' declarations (module.Query).
func (s *Server) moduleOperations() []*operation {
	if s.app == nil {
		return nil
	}
	var ops []*operation
	for _, m := range s.app.Modules() {
		for _, q := range m.Queries() {
			ops = append(ops, s.queryOperation(m.Name(), q))
		}
	}
	return ops
}

// OperationID names a module query's operation ("registry", "parcel" ->
// "registryParcel"); the SDK and the generated clients use it.
func OperationID(mod, query string) string {
	var b strings.Builder
	b.WriteString(mod)
	up := true
	for _, c := range query {
		if c == '_' || c == '-' {
			up = true
			continue
		}
		if up && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b.WriteRune(c)
	}
	return b.String()
}

func (s *Server) queryOperation(mod string, q module.Query) *operation {
	op := &operation{method: "GET", path: "/v1/" + mod + "/" + q.Path, id: OperationID(mod, q.Name), tag: mod,
		summary: q.Doc, errors: []int{400, 404, 410}}
	for _, p := range q.Params {
		pp := pathParam(p.Name, p.Doc)
		if p.Uint {
			pp.kind, pp.min = "integer", &zero
		}
		if p.Pattern != nil {
			pp.pattern = p.Pattern.String()
		}
		op.params = append(op.params, pp)
	}
	if q.Compute != nil {
		op.params = append(op.params, heightQ)
		op.desc = "Computed from the module's records at the height read, not stored: it has no proof of its own (the module's verify command rebuilds it from proven records)."
		op.handler = func(w http.ResponseWriter, r *http.Request) error { return s.runComputed(w, r, mod, q) }
		op.query = &q
		return op
	}
	op.params = append(op.params, heightQ, proveQ)
	if q.List {
		op.params = append(op.params, limitQ, afterQ)
		op.desc = "A page of records; with prove=true each item is {record, proof}, proven on its own (a list's completeness is not provable: the state tree is keyed by hash)."
	} else {
		op.desc = "With prove=true the answer is {record, proof}: the record decoded from the proven value and its state proof anchored to signed headers (docs/proofs.md)."
	}
	op.handler = func(w http.ResponseWriter, r *http.Request) error { return s.runQuery(w, r, mod, q) }
	op.query = &q
	return op
}

// queryArgs reads and checks a query's path parameters.
func queryArgs(r *http.Request, q module.Query) (module.Args, error) {
	args := module.Args{}
	for _, p := range q.Params {
		v := r.PathValue(p.Name)
		if v == "" || strings.ContainsAny(v, "/\x00") || len(v) > 256 {
			return nil, badRequest("%s must be 1 to 256 characters without '/'", p.Name)
		}
		if p.Uint {
			if _, err := strconv.ParseUint(v, 10, 64); err != nil {
				return nil, badRequest("%s must be a non-negative integer", p.Name)
			}
		}
		if p.Pattern != nil && !p.Pattern.MatchString(v) {
			return nil, badRequest("%s %q is malformed: it must match %s", p.Name, v, p.Pattern)
		}
		args[p.Name] = v
	}
	return args, nil
}

// stateKey makes a module-relative key a full state key and checks it.
func stateKey(mod, key string) (string, error) {
	full := mod + "/" + key
	if err := store.CheckKey([]byte(full)); err != nil {
		return "", badRequest("%v", err)
	}
	return full, nil
}

func (s *Server) runQuery(w http.ResponseWriter, r *http.Request, mod string, q module.Query) error {
	args, err := queryArgs(r, q)
	if err != nil {
		return err
	}
	rd, err := s.parseRead(r)
	if err != nil {
		return err
	}
	if !q.List {
		rel, err := q.Key(args)
		if err != nil {
			return queryError(err)
		}
		key, err := stateKey(mod, rel)
		if err != nil {
			return err
		}
		rec, err := s.readRecord(q, key, rd, strings.TrimSpace(q.Name+" "+lastArg(q, args)), nil)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, rec)
	}
	anchors := &pageAnchors{}
	if rd.prove {
		if rd.limit, err = s.provenLimit(rd, anchors); err != nil {
			return err
		}
	}
	lp, err := s.listKeys(mod, q, args, rd)
	if err != nil {
		return err
	}
	rd.height = lp.height // every item at the height the keys were listed at
	page := apitype.Page[any]{Items: []any{}, Next: lp.next, Height: lp.height, Total: lp.total, TotalAtLeast: lp.totalAtLeast}
	for _, k := range lp.keys {
		rec, err := s.readRecord(q, k, rd, "", anchors)
		if err != nil {
			return err
		}
		if rec != nil {
			page.Items = append(page.Items, rec)
		}
	}
	return writeJSON(w, http.StatusOK, page)
}

// provenLimit lowers a proven page's size so that the anchors its items
// repeat stay within provenHeaderBudget.
func (s *Server) provenLimit(rd read, anchors *pageAnchors) (int, error) {
	h, err := s.app.Resolve(rd.height)
	if err != nil {
		return 0, stateError(err)
	}
	m, err := s.app.MetaAt(h)
	if err != nil {
		return 0, stateError(err)
	}
	a, err := anchors.get(s, m)
	if errors.Is(err, errHeaderPending) {
		return rd.limit, nil // the items carry no anchor
	}
	if err != nil {
		return 0, err
	}
	n := 0
	for _, hd := range a.Headers {
		n += len(hd)
	}
	return max(1, min(rd.limit, provenHeaderBudget/max(n, 1))), nil
}

// readRecord reads the record at a full key at rd.height, with its proof
// when rd.prove. An absent record is 404 when single (what names it; or
// the zero record for a query WithDefault), and nil in a list (what "").
func (s *Server) readRecord(q module.Query, key string, rd read, what string, anchors *pageAnchors) (any, error) {
	single := what != ""
	if rd.prove {
		v, err := s.stateView(key, rd.height, true, anchors)
		if err != nil {
			return nil, err
		}
		raw := []byte(nil)
		switch {
		case v.Found:
			raw = mustB64(*v.Value)
		case !single:
			return nil, nil
		case q.Default: // the proof shows the absence; the record is the zero one
			raw = codec.MustMarshal(map[int]int{})
		default:
			return nil, notFound("no %s at height %d (GET /v1/state/%s?prove=true proves the absence)", what, v.Height, key)
		}
		rec, err := s.decodeRecord(q, raw, v.Height)
		if err != nil {
			return nil, err
		}
		return apitype.Proven[any]{Record: rec, Proof: v}, nil
	}
	h, err := s.app.Resolve(rd.height)
	if err != nil {
		return nil, stateError(err)
	}
	raw, ok, err := s.app.Get([]byte(key), h)
	if err != nil {
		return nil, stateError(err)
	}
	if !ok {
		switch {
		case !single:
			return nil, nil
		case q.Default:
			raw = codec.MustMarshal(map[int]int{})
		default:
			return nil, notFound("no %s at height %d", what, h)
		}
	}
	return s.decodeRecord(q, raw, h)
}

// decodeRecord decodes a record read at height h and presents it.
func (s *Server) decodeRecord(q module.Query, raw []byte, h int64) (any, error) {
	rec, err := q.Decode(raw)
	if err != nil {
		return nil, err
	}
	if p, ok := rec.(module.Presenter); ok {
		m, err := s.app.MetaAt(h)
		if err != nil {
			return nil, stateError(err)
		}
		p.Present(module.ReadView{Height: h, Time: time.Unix(0, m.Time).UTC()})
	}
	return rec, nil
}

// countCap bounds the keys a page counts for its total: counting a list
// means reading it (the state tree is keyed by hash and keeps no counts),
// so a page reports total only for lists of at most countCap records and
// total_at_least: countCap for longer ones.
const countCap = 1000

// listPage is one page of a list query: the full keys of its records, the
// cursor of the next page ("" on the last) and the list's length.
type listPage struct {
	keys         []string
	next         string
	height       int64 // the height the keys were listed at
	total        *int
	totalAtLeast int
}

func (p *listPage) setCount(n int, complete bool) {
	if complete {
		p.total = &n
	} else {
		p.totalAtLeast = n
	}
}

// listKeys resolves one page of a list query. A page costs its own keys
// plus at most countCap steps to count: the cursor of a prefix list is the
// last key's suffix, and the next page seeks past it.
func (s *Server) listKeys(mod string, q module.Query, args module.Args, rd read) (*listPage, error) {
	h, err := s.app.Resolve(rd.height)
	if err != nil {
		return nil, stateError(err)
	}
	if q.Parent != nil {
		r := s.reader(mod, h)
		_, ok := r.Get([]byte(q.Parent(args)))
		if r.err != nil {
			return nil, stateError(r.err)
		}
		if !ok {
			return nil, notFound("no %s %s at height %d", q.ParentNoun, lastArg(q, args), h)
		}
	}
	var p *listPage
	if q.Refs != nil {
		p, err = s.refsPage(mod, q, args, rd, h)
	} else {
		p, err = s.prefixKeys(mod, q, args, rd, h)
	}
	if p != nil {
		p.height = h
	}
	return p, err
}

// prefixKeys pages the keys under a List or Index query's prefix; the
// cursor is the last key's part after the prefix.
func (s *Server) prefixKeys(mod string, q module.Query, args module.Args, rd read, h int64) (*listPage, error) {
	rel, err := q.Prefix(args)
	if err != nil {
		return nil, queryError(err)
	}
	prefix, err := stateKey(mod, rel)
	if err != nil {
		return nil, err
	}
	p := &listPage{}
	var suffixes []string
	more := false
	// The first page counts on from its last key; a later one counts from
	// the start of the list in a second, bounded pass.
	counted, counting, capped := 0, rd.after == "", false
	start := ""
	if rd.after != "" {
		start = prefix + rd.after
	}
	err = s.app.IterateAfter(prefix, start, h, func(k, _ []byte) bool {
		if len(suffixes) < rd.limit {
			suffixes = append(suffixes, string(k[len(prefix):]))
			counted++
			return true
		}
		more = true
		if !counting || counted >= countCap {
			capped = counting
			return false
		}
		counted++
		return true
	})
	if err != nil {
		return nil, stateError(err)
	}
	if counting {
		p.setCount(counted, !capped)
	} else {
		n, complete, err := s.countKeys(prefix, h)
		if err != nil {
			return nil, err
		}
		p.setCount(n, complete)
	}
	p.keys = make([]string, len(suffixes))
	for i, sfx := range suffixes {
		p.keys[i] = prefix + sfx
		if q.Target != nil {
			if p.keys[i], err = stateKey(mod, q.Target(sfx)); err != nil {
				return nil, err
			}
		}
	}
	if more {
		p.next = suffixes[len(suffixes)-1]
	}
	return p, nil
}

// countKeys counts the keys under prefix at height h, up to countCap.
func (s *Server) countKeys(prefix string, h int64) (n int, complete bool, err error) {
	complete = true
	err = s.app.Iterate(prefix, h, func(_, _ []byte) bool {
		if n == countCap {
			complete = false
			return false
		}
		n++
		return true
	})
	if err != nil {
		return 0, false, stateError(err)
	}
	return n, complete, nil
}

// refsPage pages a list kept inside one record (RefsQuery): the record is
// read whole, so such lists must stay short; the cursor is an offset.
func (s *Server) refsPage(mod string, q module.Query, args module.Args, rd read, h int64) (*listPage, error) {
	r := s.reader(mod, h)
	rel, err := q.Refs(r, args)
	if r.err != nil {
		return nil, stateError(r.err)
	}
	if err != nil {
		return nil, queryError(err)
	}
	start := 0
	if rd.after != "" {
		if start, err = strconv.Atoi(rd.after); err != nil || start < 0 {
			return nil, badRequest("after must be a cursor from a previous page")
		}
	}
	p := &listPage{}
	for i := start; i < len(rel) && len(p.keys) < rd.limit; i++ {
		k, err := stateKey(mod, rel[i])
		if err != nil {
			return nil, err
		}
		p.keys = append(p.keys, k)
	}
	if start+len(p.keys) < len(rel) {
		p.next = strconv.Itoa(start + len(p.keys))
	}
	p.setCount(len(rel), true)
	return p, nil
}

func lastArg(q module.Query, args module.Args) string {
	if len(q.Params) == 0 {
		return ""
	}
	return args[q.Params[len(q.Params)-1].Name]
}

// queryError maps a module's error while resolving a query: an absent
// record is 404, any other coded error 400.
func queryError(err error) error {
	var e *module.Error
	switch {
	case module.IsMissing(err):
		return notFound("%v", err)
	case errors.As(err, &e) && e != module.ErrInternal:
		return badRequest("%v", err)
	}
	return err
}

// reader reads a module's state at height h; a storage error reads as
// absent and is kept in err, which the caller checks.
func (s *Server) reader(mod string, h int64) *stateReader {
	return &stateReader{s: s, prefix: mod + "/", h: h}
}

type stateReader struct {
	s      *Server
	prefix string
	h      int64
	err    error
}

func (r *stateReader) Get(key []byte) ([]byte, bool) {
	v, ok, err := r.s.app.Get(append([]byte(r.prefix), key...), r.h)
	if err != nil {
		r.err = err
		return nil, false
	}
	return v, ok
}

func mustB64(s string) []byte {
	b, _ := base64.StdEncoding.DecodeString(s)
	return b
}

func (s *Server) roles(w http.ResponseWriter, r *http.Request) error {
	out := apitype.Roles{Roles: []apitype.Role{}, AnyAccount: []string{}}
	byRole := map[string]*apitype.Role{}
	for _, m := range s.app.Modules() {
		for _, role := range m.Roles() {
			out.Roles = append(out.Roles, apitype.Role{Role: role.Name, Module: m.Name(), Doc: role.Doc, Messages: []string{}, DefaultGrantors: append([]string{}, role.Grantors...)})
		}
	}
	for i := range out.Roles {
		byRole[out.Roles[i].Role] = &out.Roles[i]
	}
	for typ, rt := range s.app.Routes() {
		if len(rt.Roles) == 0 {
			out.AnyAccount = append(out.AnyAccount, typ)
		}
		for _, role := range rt.Roles {
			if v := byRole[role]; v != nil {
				v.Messages = append(v.Messages, typ)
			}
		}
	}
	for i := range out.Roles {
		sort.Strings(out.Roles[i].Messages)
	}
	sort.Slice(out.Roles, func(i, j int) bool { return out.Roles[i].Role < out.Roles[j].Role })
	sort.Strings(out.AnyAccount)
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) codes(w http.ResponseWriter, r *http.Request) error {
	out := apitype.Codes{Codes: []apitype.Code{}}
	for c, e := range module.Codes() {
		out.Codes = append(out.Codes, apitype.Code{Code: c, Codespace: e.Codespace, Message: e.Msg})
	}
	sort.Slice(out.Codes, func(i, j int) bool { return out.Codes[i].Code < out.Codes[j].Code })
	return writeJSON(w, http.StatusOK, out)
}

// runComputed answers a computed query from the module's state at the
// height read.
func (s *Server) runComputed(w http.ResponseWriter, r *http.Request, mod string, q module.Query) error {
	args, err := queryArgs(r, q)
	if err != nil {
		return err
	}
	rd, err := s.parseRead(r)
	if err != nil {
		return err
	}
	h, err := s.app.Resolve(rd.height)
	if err != nil {
		return stateError(err)
	}
	m, err := s.app.MetaAt(h)
	if err != nil {
		return stateError(err)
	}
	rdr := s.reader(mod, h)
	v, err := q.Compute(rdr, args, module.ReadView{Height: h, Time: time.Unix(0, m.Time).UTC()})
	if rdr.err != nil {
		return stateError(rdr.err)
	}
	if err != nil {
		return queryError(err)
	}
	return writeJSON(w, http.StatusOK, v)
}
