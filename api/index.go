package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/govchain/govchain/api/apitype"
)

// Index is the SQL index the API reads (GET /v1/index/...), when the node
// runs one (govchain start --index; package index implements it). The
// routes exist on every node, so the OpenAPI document does not depend on
// flags; without an index they answer 404.
type Index interface {
	Height(ctx context.Context) (int64, error)
	DatabaseName() string
	TableList(ctx context.Context) (*apitype.IndexTables, error)
	List(ctx context.Context, r apitype.IndexListRequest) (*apitype.IndexPage, error)
	Aggregate(ctx context.Context, r apitype.IndexAggregateRequest) (*apitype.IndexAggregate, error)
	Search(ctx context.Context, q string, limit int) (*apitype.IndexSearch, error)
}

type indexHolder struct {
	ix         Index
	nodeHeight func() int64
}

// indexState is the Server's index (nil: none). A package variable would
// be shared by servers; it lives in the Server through this field type.
type indexState = atomic.Pointer[indexHolder]

// SetIndex attaches the node's index: its routes answer, /v1/status shows
// its height and lag, and /metrics gains govchain_index_height and
// govchain_index_lag_blocks. nodeHeight is the node's committed height.
func (s *Server) SetIndex(ix Index, nodeHeight func() int64) {
	h := &indexHolder{ix: ix, nodeHeight: nodeHeight}
	if s.index.Swap(h) != nil {
		return // metrics already registered
	}
	height := func() float64 {
		cur := s.index.Load()
		n, err := cur.ix.Height(context.Background())
		if err != nil {
			return -1
		}
		return float64(n)
	}
	s.metrics.Registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "govchain_index_height", Help: "Last height the embedded SQL index holds completely."}, height),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "govchain_index_lag_blocks", Help: "The node's committed height minus the index height."},
			func() float64 { return float64(s.index.Load().nodeHeight()) - height() }),
	)
}

// indexStatus is the index part of /v1/status (nil without an index).
func (s *Server) indexStatus(ctx context.Context) *apitype.IndexStatus {
	cur := s.index.Load()
	if cur == nil {
		return nil
	}
	h, err := cur.ix.Height(ctx)
	if err != nil {
		return nil
	}
	return &apitype.IndexStatus{Height: h, Lag: cur.nodeHeight() - h, Database: cur.ix.DatabaseName()}
}

func (s *Server) theIndex() (Index, error) {
	cur := s.index.Load()
	if cur == nil {
		return nil, notFound("this node runs no SQL index (govchain start --index)")
	}
	return cur.ix, nil
}

// indexError maps the index's refusals to 400.
func indexError(err error) error {
	var bq interface{ BadQuery() bool }
	if errors.As(err, &bq) && bq.BadQuery() {
		return badRequest("%v", err)
	}
	return err
}

// indexOperations are the index's routes.
func (s *Server) indexOperations() []*operation {
	modP := pathParam("module", `a module, or "chain" for txs, blocks and events`)
	tabP := pathParam("table", "a table of the module (GET /v1/index/tables)")
	filters := []param{
		repeated(queryParam("eq", "string", "column:value, rows whose column equals value (repeatable)")),
		repeated(queryParam("has", "string", "column:value, rows whose comma-separated list column holds value (repeatable)")),
		repeated(queryParam("prefix", "string", "column:value, rows whose text column starts with value (repeatable)")),
		repeated(queryParam("gte", "string", "column:value, rows whose column is at least value (repeatable)")),
		repeated(queryParam("lt", "string", "column:value, rows whose column is below value (repeatable)")),
	}
	listParams := append([]param{modP, tabP}, filters...)
	listParams = append(listParams, queryParam("sort", "string", "a column to sort by (then the key); default the key"),
		queryParam("order", "string", "asc (default) or desc", "asc", "desc"), limitQ, afterQ,
		queryParam("prove", "boolean", "include each row's state proof at its height (limit 1 to 20)"))
	aggParams := append([]param{modP, tabP}, filters...)
	aggParams = append(aggParams, repeated(queryParam("group", "string", "a column to group by (repeatable, up to 3)")),
		repeated(queryParam("sum", "string", "an int column to sum (repeatable, up to 8)")), limitQ)
	searchLimit := param{name: "limit", in: "query", kind: "integer", min: &one, max: &hundred, doc: "hits, 1 to 100 (default 20)"}
	return []*operation{
		{method: "GET", path: "/v1/index/tables", id: "listIndexTables", tag: "index", summary: "The SQL index's tables and columns, and its height",
			resp: typeOf[apitype.IndexTables](), errors: []int{404}, handler: s.indexTables},
		{method: "GET", path: "/v1/index/search", id: "searchIndex", tag: "index", summary: "Rows whose key or indexed text starts with q, and txs by hash prefix",
			params: []param{{name: "q", in: "query", kind: "string", required: true, doc: "2 to 200 bytes"}, searchLimit},
			resp:   typeOf[apitype.IndexSearch](), errors: []int{400, 404}, heavy: true, handler: s.indexSearch},
		{method: "GET", path: "/v1/index/{module}/{table}", id: "listIndexRows", tag: "index", summary: "A page of an index table: filtered, sorted, with the total and a cursor",
			desc:   "Each row of a module table carries the height and state key it was read from, and proof_url; with prove=true the state proof itself (docs/index.md).",
			params: listParams, resp: typeOf[apitype.IndexPage](), errors: []int{400, 404}, heavy: true, handler: s.indexList},
		{method: "GET", path: "/v1/index/{module}/{table}/aggregate", id: "aggregateIndex", tag: "index", summary: "Counts and sums of an index table's rows, grouped by columns",
			params: aggParams, resp: typeOf[apitype.IndexAggregate](), errors: []int{400, 404}, heavy: true, handler: s.indexAggregate},
	}
}

var hundred = 100.0

func (s *Server) indexTables(w http.ResponseWriter, r *http.Request) error {
	ix, err := s.theIndex()
	if err != nil {
		return err
	}
	v, err := ix.TableList(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (s *Server) indexSearch(w http.ResponseWriter, r *http.Request) error {
	ix, err := s.theIndex()
	if err != nil {
		return err
	}
	limit := 0
	if ls := r.URL.Query().Get("limit"); ls != "" {
		if limit, err = strconv.Atoi(ls); err != nil || limit < 1 {
			return badRequest("limit must be 1 to 100")
		}
	}
	v, err := ix.Search(r.Context(), r.URL.Query().Get("q"), limit)
	if err != nil {
		return indexError(err)
	}
	return writeJSON(w, http.StatusOK, v)
}

// indexFilters reads eq=, has=, prefix=, gte= and lt= (column:value).
func indexFilters(r *http.Request) ([]apitype.IndexFilter, error) {
	var out []apitype.IndexFilter
	q := r.URL.Query()
	for _, op := range []string{"eq", "has", "prefix", "gte", "lt"} {
		for _, v := range q[op] {
			col, val, ok := strings.Cut(v, ":")
			if !ok || col == "" {
				return nil, badRequest("%s must be column:value", op)
			}
			out = append(out, apitype.IndexFilter{Column: col, Op: op, Value: val})
		}
	}
	if len(out) > 16 {
		return nil, badRequest("at most 16 filters")
	}
	return out, nil
}

func (s *Server) indexList(w http.ResponseWriter, r *http.Request) error {
	ix, err := s.theIndex()
	if err != nil {
		return err
	}
	rd, err := s.parseRead(r)
	if err != nil {
		return err
	}
	where, err := indexFilters(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	req := apitype.IndexListRequest{Module: r.PathValue("module"), Table: r.PathValue("table"), Where: where,
		Sort: q.Get("sort"), Desc: q.Get("order") == "desc", Limit: rd.limit, After: rd.after}
	if o := q.Get("order"); o != "" && o != "asc" && o != "desc" {
		return badRequest("order must be asc or desc")
	}
	page, err := ix.List(r.Context(), req)
	if err != nil {
		return indexError(err)
	}
	if rd.prove {
		anchors := &pageAnchors{}
		for i := range page.Rows {
			row := &page.Rows[i]
			if row.StateKey == "" {
				continue // a chain table: its proof is the tx's receipt (proof_url)
			}
			if row.Proof, err = s.stateView(row.StateKey, row.Height, true, anchors); err != nil {
				return err
			}
		}
	}
	return writeJSON(w, http.StatusOK, page)
}

func (s *Server) indexAggregate(w http.ResponseWriter, r *http.Request) error {
	ix, err := s.theIndex()
	if err != nil {
		return err
	}
	where, err := indexFilters(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	req := apitype.IndexAggregateRequest{Module: r.PathValue("module"), Table: r.PathValue("table"), Where: where, Group: q["group"], Sum: q["sum"]}
	if ls := q.Get("limit"); ls != "" {
		if req.Limit, err = strconv.Atoi(ls); err != nil || req.Limit < 1 || req.Limit > maxLimit {
			return badRequest("limit must be 1 to %d", maxLimit)
		}
	}
	v, err := ix.Aggregate(r.Context(), req)
	if err != nil {
		return indexError(err)
	}
	return writeJSON(w, http.StatusOK, v)
}
