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
		op.params = append(op.params, pp)
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
		rec, err := s.readRecord(q, key, rd, strings.TrimSpace(q.Name+" "+lastArg(q, args)))
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, rec)
	}
	keys, next, h, err := s.listKeys(mod, q, args, rd)
	if err != nil {
		return err
	}
	rd.height = h // every item at the height the keys were listed at
	page := apitype.Page[any]{Items: []any{}, Next: next, Height: h}
	for _, k := range keys {
		rec, err := s.readRecord(q, k, rd, "")
		if err != nil {
			return err
		}
		if rec != nil {
			page.Items = append(page.Items, rec)
		}
	}
	return writeJSON(w, http.StatusOK, page)
}

// readRecord reads the record at a full key at rd.height, with its proof
// when rd.prove. An absent record is 404 when single (what names it; or
// the zero record for a query WithDefault), and nil in a list (what "").
func (s *Server) readRecord(q module.Query, key string, rd read, what string) (any, error) {
	single := what != ""
	if rd.prove {
		v, err := s.stateView(key, rd.height, true)
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

// listKeys returns the full keys of one page of a list query, and the
// cursor of the next page ("" on the last).
func (s *Server) listKeys(mod string, q module.Query, args module.Args, rd read) (keys []string, next string, h int64, err error) {
	if h, err = s.app.Resolve(rd.height); err != nil {
		return nil, "", 0, stateError(err)
	}
	if q.Parent != nil {
		r := s.reader(mod, h)
		_, ok := r.Get([]byte(q.Parent(args)))
		if r.err != nil {
			return nil, "", 0, stateError(r.err)
		}
		if !ok {
			return nil, "", 0, notFound("no %s %s at height %d", q.ParentNoun, lastArg(q, args), h)
		}
	}
	if q.Refs != nil {
		k, n, err := s.refKeys(mod, q, args, rd, h)
		return k, n, h, err
	}
	k, n, err := s.prefixKeys(mod, q, args, rd, h)
	return k, n, h, err
}

// refKeys pages the record keys a Refs query reads from state; the cursor
// is a position in that list.
func (s *Server) refKeys(mod string, q module.Query, args module.Args, rd read, h int64) ([]string, string, error) {
	r := s.reader(mod, h)
	rel, err := q.Refs(r, args)
	if r.err != nil {
		return nil, "", stateError(r.err)
	}
	if err != nil {
		return nil, "", queryError(err)
	}
	start := 0
	if rd.after != "" {
		if start, err = strconv.Atoi(rd.after); err != nil || start < 0 {
			return nil, "", badRequest("after must be a cursor from a previous page")
		}
	}
	var keys []string
	for i := start; i < len(rel) && len(keys) < rd.limit; i++ {
		k, err := stateKey(mod, rel[i])
		if err != nil {
			return nil, "", err
		}
		keys = append(keys, k)
	}
	next := ""
	if start+len(keys) < len(rel) {
		next = strconv.Itoa(start + len(keys))
	}
	return keys, next, nil
}

// prefixKeys pages the keys under a List or Index query's prefix; the
// cursor is the last key's part after the prefix.
func (s *Server) prefixKeys(mod string, q module.Query, args module.Args, rd read, h int64) ([]string, string, error) {
	rel, err := q.Prefix(args)
	if err != nil {
		return nil, "", queryError(err)
	}
	prefix, err := stateKey(mod, rel)
	if err != nil {
		return nil, "", err
	}
	var suffixes []string
	more := false
	ierr := s.app.Iterate(prefix, h, func(k, _ []byte) bool {
		suffix := string(k[len(prefix):])
		if rd.after != "" && suffix <= rd.after {
			return true
		}
		if len(suffixes) == rd.limit {
			more = true
			return false
		}
		suffixes = append(suffixes, suffix)
		return true
	})
	if ierr != nil {
		return nil, "", stateError(ierr)
	}
	keys := make([]string, len(suffixes))
	for i, sfx := range suffixes {
		keys[i] = prefix + sfx
		if q.Target != nil {
			if keys[i], err = stateKey(mod, q.Target(sfx)); err != nil {
				return nil, "", err
			}
		}
	}
	next := ""
	if more {
		next = suffixes[len(suffixes)-1]
	}
	return keys, next, nil
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
