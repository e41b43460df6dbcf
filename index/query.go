package index

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/app/module"
)

// The read side of the index: paginated, filtered, sorted lists with
// totals and keyset cursors, aggregates and a prefix search, over the
// modules' tables and the chain's own (txs, blocks, events). Column names
// come only from the declarations, never from the request, so the SQL is
// built from checked identifiers and every value is a placeholder.

// QueryError is a read the index refuses (a bad column, filter or
// cursor): the API answers 400.
type QueryError struct{ msg string }

func (e *QueryError) Error() string { return e.msg }

// BadQuery marks the error as the client's.
func (e *QueryError) BadQuery() bool { return true }

func badQuery(format string, args ...any) error { return &QueryError{fmt.Sprintf(format, args...)} }

// MaxLimit bounds a page and an aggregate's groups.
const MaxLimit = 1000

// readTable is a table as the read side sees it.
type readTable struct {
	module, name, doc string
	sql               string
	columns           []module.Column
	provable          bool // has height and state_key columns
}

func (t readTable) column(name string) (module.Column, bool) {
	for _, c := range t.columns {
		if c.Name == name {
			return c, true
		}
	}
	return module.Column{}, false
}

func (t readTable) keys() []string {
	var out []string
	for _, c := range t.columns {
		if c.Key {
			out = append(out, c.Name)
		}
	}
	return out
}

// chainTables are the core tables, under the module name "chain".
var chainTables = []readTable{
	{module: "chain", name: "txs", sql: "txs", doc: "Committed transactions with their result code and message types.", columns: []module.Column{
		{Name: "height", Type: module.Int, Key: true, Indexed: true}, {Name: "tx_index", Type: module.Int, Key: true, Doc: "log index"},
		{Name: "hash", Type: module.Text, Indexed: true}, {Name: "code", Type: module.Int},
		{Name: "msg_types", Type: module.Text, Doc: "comma-separated"}, {Name: "time", Type: module.Text, Indexed: true, Doc: "block time, RFC 3339 UTC"}}},
	{module: "chain", name: "blocks", sql: "blocks", doc: "Indexed heights with their time, app hash and number of txs.", columns: []module.Column{
		{Name: "height", Type: module.Int, Key: true}, {Name: "time", Type: module.Text}, {Name: "app_hash", Type: module.Text}, {Name: "num_txs", Type: module.Int}}},
	{module: "chain", name: "events", sql: "events", doc: "Events of committed transactions; attributes as a JSON array.", columns: []module.Column{
		{Name: "height", Type: module.Int, Key: true}, {Name: "tx_index", Type: module.Int, Key: true}, {Name: "event_index", Type: module.Int, Key: true},
		{Name: "type", Type: module.Text, Indexed: true}, {Name: "attributes", Type: module.Text}}},
}

func (s *Store) readTables() []readTable {
	out := append([]readTable{}, chainTables...)
	for _, t := range s.Tables {
		out = append(out, readTable{module: t.Module, name: t.Name, doc: t.Doc, sql: t.SQLName(), columns: t.Columns, provable: true})
	}
	return out
}

func (s *Store) table(mod, name string) (readTable, error) {
	for _, t := range s.readTables() {
		if t.module == mod && t.name == name {
			return t, nil
		}
	}
	return readTable{}, badQuery("no index table %s/%s (GET /v1/index/tables lists them)", mod, name)
}

// DatabaseName is "sqlite" or "postgres".
func (s *Store) DatabaseName() string {
	if s.Dialect == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// TableList describes every table.
func (s *Store) TableList(ctx context.Context) (*apitype.IndexTables, error) {
	h, err := s.Height(ctx)
	if err != nil {
		return nil, err
	}
	out := &apitype.IndexTables{Height: h}
	for _, t := range s.readTables() {
		at := apitype.IndexTable{Module: t.module, Name: t.name, Doc: t.doc, Provable: t.provable}
		for _, c := range t.columns {
			at.Columns = append(at.Columns, apitype.IndexColumn{Name: c.Name, Type: c.Type.String(), Key: c.Key, Indexed: c.Indexed, Doc: c.Doc})
		}
		out.Tables = append(out.Tables, at)
	}
	return out, nil
}

// value parses a request's value for a column.
func value(c module.Column, v string) (any, error) {
	switch c.Type {
	case module.Int:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, badQuery("column %s is an integer: %q", c.Name, v)
		}
		return n, nil
	case module.Bool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, badQuery("column %s is a boolean: %q", c.Name, v)
		}
		return b, nil
	case module.Bytes:
		return nil, badQuery("column %s holds bytes: it cannot be filtered", c.Name)
	}
	return v, nil
}

// escapeLike escapes LIKE's wildcards (ESCAPE '\').
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// where builds the conditions of filters, appending their values to args.
func (s *Store) where(t readTable, filters []apitype.IndexFilter, args *[]any) ([]string, error) {
	var conds []string
	for _, f := range filters {
		c, ok := t.column(f.Column)
		if !ok {
			return nil, badQuery("table %s/%s has no column %q", t.module, t.name, f.Column)
		}
		ph := func(v any) string { *args = append(*args, v); return s.Dialect.ph(len(*args)) }
		switch f.Op {
		case "eq", "gte", "lt":
			v, err := value(c, f.Value)
			if err != nil {
				return nil, err
			}
			op := map[string]string{"eq": "=", "gte": ">=", "lt": "<"}[f.Op]
			conds = append(conds, c.Name+" "+op+" "+ph(v))
		case "prefix", "has":
			if c.Type != module.Text {
				return nil, badQuery("%s needs a text column; %s is %v", f.Op, c.Name, c.Type)
			}
			if f.Op == "prefix" {
				conds = append(conds, c.Name+" LIKE "+ph(escapeLike(f.Value)+"%")+` ESCAPE '\'`)
			} else {
				conds = append(conds, "(',' || "+c.Name+" || ',') LIKE "+ph("%,"+escapeLike(f.Value)+",%")+` ESCAPE '\'`)
			}
		default:
			return nil, badQuery("unknown filter %q (eq, has, prefix, gte, lt)", f.Op)
		}
	}
	return conds, nil
}

func whereSQL(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// List returns one page of a table.
func (s *Store) List(ctx context.Context, r apitype.IndexListRequest) (*apitype.IndexPage, error) {
	t, err := s.table(r.Module, r.Table)
	if err != nil {
		return nil, err
	}
	if r.Limit <= 0 {
		r.Limit = 100
	}
	if r.Limit > MaxLimit {
		return nil, badQuery("limit is at most %d", MaxLimit)
	}
	// Order: the sort column, then the key columns (a total order, so a
	// keyset cursor neither skips nor repeats a row).
	order := t.keys()
	if r.Sort != "" {
		c, ok := t.column(r.Sort)
		if !ok || c.Type == module.Bytes {
			return nil, badQuery("cannot sort %s/%s by %q", t.module, t.name, r.Sort)
		}
		rest := []string{r.Sort}
		for _, k := range order {
			if k != r.Sort {
				rest = append(rest, k)
			}
		}
		order = rest
	}
	var args []any
	conds, err := s.where(t, r.Where, &args)
	if err != nil {
		return nil, err
	}
	h, err := s.Height(ctx)
	if err != nil {
		return nil, err
	}
	// One read transaction: the total and the page see the same rows.
	rtx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer rtx.Rollback()
	page := &apitype.IndexPage{Table: t.module + "/" + t.name, IndexHeight: h, Rows: []apitype.IndexRow{}}
	if err := rtx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t.sql+whereSQL(conds), args...).Scan(&page.Total); err != nil {
		return nil, err
	}
	if r.After != "" {
		vals, err := decodeCursor(t, order, r.After)
		if err != nil {
			return nil, err
		}
		var phs []string
		for _, v := range vals {
			args = append(args, v)
			phs = append(phs, s.Dialect.ph(len(args)))
		}
		cmp := ">"
		if r.Desc {
			cmp = "<"
		}
		conds = append(conds, "("+strings.Join(order, ", ")+") "+cmp+" ("+strings.Join(phs, ", ")+")")
	}
	dir := " ASC"
	if r.Desc {
		dir = " DESC"
	}
	var obs []string
	for _, o := range order {
		obs = append(obs, o+dir)
	}
	cols := t.selectColumns()
	q := fmt.Sprintf("SELECT %s FROM %s%s ORDER BY %s LIMIT %d", strings.Join(cols, ", "), t.sql, whereSQL(conds), strings.Join(obs, ", "), r.Limit+1)
	rows, err := rtx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		row, err := t.scan(rows)
		if err != nil {
			return nil, err
		}
		if len(page.Rows) == r.Limit {
			last := page.Rows[len(page.Rows)-1]
			page.Next = encodeCursor(order, last.Values)
			break
		}
		page.Rows = append(page.Rows, row)
	}
	return page, rows.Err()
}

func (t readTable) selectColumns() []string {
	var cols []string
	for _, c := range t.columns {
		cols = append(cols, c.Name)
	}
	if t.provable {
		cols = append(cols, "height", "state_key")
	}
	return cols
}

type scanner interface{ Scan(...any) error }

// scan reads a row of selectColumns, normalizing the drivers' types to
// the column's (SQLite keeps booleans as integers).
func (t readTable) scan(rows scanner) (apitype.IndexRow, error) {
	n := len(t.columns)
	raw := make([]any, n, n+2)
	ptrs := make([]any, n, n+2)
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	var row apitype.IndexRow
	if t.provable {
		ptrs = append(ptrs, &row.Height, &row.StateKey)
	}
	if err := rows.Scan(ptrs...); err != nil {
		return row, err
	}
	row.Values = map[string]any{}
	for i, c := range t.columns {
		row.Values[c.Name] = normalize(c.Type, raw[i])
	}
	switch {
	case t.provable:
		row.ProofURL = "/v1/state/" + row.StateKey + "?height=" + strconv.FormatInt(row.Height, 10) + "&prove=true"
	default:
		row.Height, _ = row.Values["height"].(int64)
		if h, ok := row.Values["hash"].(string); ok {
			row.ProofURL = "/v1/txs/" + url.PathEscape(h) + "/receipt"
		}
	}
	return row, nil
}

func normalize(t module.ColumnType, v any) any {
	switch t {
	case module.Bool:
		switch x := v.(type) {
		case int64:
			return x != 0
		case bool:
			return x
		}
	case module.Text:
		if b, ok := v.([]byte); ok {
			return string(b)
		}
	case module.Int:
		if x, ok := v.(int32); ok {
			return int64(x)
		}
	}
	return v
}

func encodeCursor(order []string, vals map[string]any) string {
	out := make([]any, len(order))
	for i, o := range order {
		out[i] = vals[o]
	}
	b, _ := json.Marshal(out)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(t readTable, order []string, s string) ([]any, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	bad := badQuery("after: not a cursor of this list")
	if err != nil {
		return nil, bad
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	var raw []any
	if err := d.Decode(&raw); err != nil || len(raw) != len(order) {
		return nil, bad
	}
	out := make([]any, len(order))
	for i, o := range order {
		c, _ := t.column(o)
		switch c.Type {
		case module.Int:
			n, ok := raw[i].(json.Number)
			if !ok {
				return nil, bad
			}
			v, err := n.Int64()
			if err != nil {
				return nil, bad
			}
			out[i] = v
		case module.Bool:
			v, ok := raw[i].(bool)
			if !ok {
				return nil, bad
			}
			out[i] = v
		default:
			v, ok := raw[i].(string)
			if !ok {
				return nil, bad
			}
			out[i] = v
		}
	}
	return out, nil
}

// Aggregate groups a table's rows, counting them and summing int columns.
func (s *Store) Aggregate(ctx context.Context, r apitype.IndexAggregateRequest) (*apitype.IndexAggregate, error) {
	t, err := s.table(r.Module, r.Table)
	if err != nil {
		return nil, err
	}
	if r.Limit <= 0 {
		r.Limit = MaxLimit
	}
	if r.Limit > MaxLimit || len(r.Group) > 3 || len(r.Sum) > 8 {
		return nil, badQuery("at most %d groups, 3 group columns and 8 sums", MaxLimit)
	}
	var sel []string
	for _, g := range r.Group {
		if c, ok := t.column(g); !ok || c.Type == module.Bytes {
			return nil, badQuery("cannot group %s/%s by %q", t.module, t.name, g)
		}
		sel = append(sel, g)
	}
	sel = append(sel, "COUNT(*)")
	for _, sc := range r.Sum {
		if c, ok := t.column(sc); !ok || c.Type != module.Int {
			return nil, badQuery("cannot sum %q: not an int column of %s/%s", sc, t.module, t.name)
		}
		sel = append(sel, "CAST(COALESCE(SUM("+sc+"), 0) AS BIGINT)")
	}
	var args []any
	conds, err := s.where(t, r.Where, &args)
	if err != nil {
		return nil, err
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + t.sql + whereSQL(conds)
	if len(r.Group) > 0 {
		q += " GROUP BY " + strings.Join(r.Group, ", ") + " ORDER BY " + strings.Join(r.Group, ", ")
	}
	q += fmt.Sprintf(" LIMIT %d", r.Limit)
	h, err := s.Height(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := &apitype.IndexAggregate{Table: t.module + "/" + t.name, IndexHeight: h, Groups: []apitype.IndexGroup{}}
	for rows.Next() {
		keys := make([]any, len(r.Group))
		sums := make([]int64, len(r.Sum))
		var g apitype.IndexGroup
		ptrs := []any{}
		for i := range keys {
			ptrs = append(ptrs, &keys[i])
		}
		ptrs = append(ptrs, &g.Count)
		for i := range sums {
			ptrs = append(ptrs, &sums[i])
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		g.Keys = map[string]any{}
		for i, k := range r.Group {
			c, _ := t.column(k)
			g.Keys[k] = normalize(c.Type, keys[i])
		}
		if len(r.Sum) > 0 {
			g.Sums = map[string]int64{}
			for i, sc := range r.Sum {
				g.Sums[sc] = sums[i]
			}
		}
		out.Groups = append(out.Groups, g)
	}
	return out, rows.Err()
}

// Search finds rows whose key or indexed text columns start with q (and
// txs whose hash does), at most limit hits, tables in declaration order.
func (s *Store) Search(ctx context.Context, q string, limit int) (*apitype.IndexSearch, error) {
	if len(q) < 2 || len(q) > 200 {
		return nil, badQuery("q must be 2 to 200 bytes")
	}
	if limit <= 0 {
		limit = 20
	}
	if limit > 100 {
		return nil, badQuery("limit is at most 100")
	}
	h, err := s.Height(ctx)
	if err != nil {
		return nil, err
	}
	out := &apitype.IndexSearch{Query: q, IndexHeight: h, Hits: []apitype.IndexSearchHit{}}
	pattern := escapeLike(q) + "%"
	for _, t := range append([]readTable{chainTables[0]}, s.readTables()[len(chainTables):]...) {
		for _, c := range t.columns {
			if c.Type != module.Text || !(c.Key || c.Indexed) || (!t.provable && c.Name != "hash") {
				continue
			}
			left := limit - len(out.Hits)
			if left <= 0 {
				return out, nil
			}
			cols := t.selectColumns()
			rows, err := s.DB.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE %s LIKE %s ESCAPE '\\' ORDER BY %s LIMIT %d",
				strings.Join(cols, ", "), t.sql, c.Name, s.Dialect.ph(1), c.Name, left), pattern)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				row, err := t.scan(rows)
				if err != nil {
					rows.Close()
					return nil, err
				}
				key := map[string]any{}
				for _, k := range t.keys() {
					key[k] = row.Values[k]
				}
				out.Hits = append(out.Hits, apitype.IndexSearchHit{Table: t.module + "/" + t.name, Column: c.Name,
					Match: fmt.Sprint(row.Values[c.Name]), Key: key, Height: row.Height, StateKey: row.StateKey})
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
