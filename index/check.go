package index

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/ledger"
)

// Check verifies the index against the state tree at the index's height
// H: for every module table, each row must equal the row the table's
// declaration derives from the state at H (every indexed event of a
// successful tx replayed against that state), with the same state key,
// and no derivable row may be missing. A row is read at its own height
// and the state may have moved on without an event the table follows
// (then the index is stale and Check says so). It returns H.
func Check(ctx context.Context, s *Store, src Source) (int64, error) {
	h, err := s.Height(ctx)
	if err != nil {
		return 0, err
	}
	if h == 0 {
		return 0, nil
	}
	var rerr error
	for _, t := range s.Tables {
		want := map[string]module.Row{}
		state := sourceReader{ctx: ctx, src: src, prefix: t.Module + "/", height: h, err: &rerr}
		var phs []string
		var args []any
		for i, e := range t.Events {
			phs = append(phs, s.Dialect.ph(i+2))
			args = append(args, e)
		}
		q := fmt.Sprintf(`SELECT e.height, e.type, e.attributes, x.time FROM events e JOIN txs x ON x.height = e.height AND x.tx_index = e.tx_index
			WHERE x.code = 0 AND e.height <= %s AND e.type IN (%s) ORDER BY e.height, e.tx_index, e.event_index`, s.Dialect.ph(1), strings.Join(phs, ", "))
		rows, err := s.DB.QueryContext(ctx, q, append([]any{h}, args...)...)
		if err != nil {
			return h, err
		}
		for rows.Next() {
			var eh int64
			var typ, attrs, ts string
			if err := rows.Scan(&eh, &typ, &attrs, &ts); err != nil {
				rows.Close()
				return h, err
			}
			ev := ledger.Event{Type: typ}
			if err := json.Unmarshal([]byte(attrs), &ev.Attrs); err != nil {
				rows.Close()
				return h, err
			}
			tm, _ := time.Parse(time.RFC3339Nano, ts)
			derived, err := t.Rows(module.IndexEvent{Height: eh, Time: tm, Event: ev, State: state})
			if rerr != nil {
				rows.Close()
				return h, rerr
			}
			if err != nil {
				rows.Close()
				return h, fmt.Errorf("%s: deriving from %s at height %d against the state at %d: %w", t.SQLName(), typ, eh, h, err)
			}
			for _, r := range derived {
				want[rowKey(t, r.Values)] = r
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return h, err
		}
		rt := readTable{module: t.Module, name: t.Name, sql: t.SQLName(), columns: t.Columns, provable: true}
		got, err := s.DB.QueryContext(ctx, "SELECT "+strings.Join(rt.selectColumns(), ", ")+" FROM "+t.SQLName())
		if err != nil {
			return h, err
		}
		seen := 0
		for got.Next() {
			r, err := rt.scan(got)
			if err != nil {
				got.Close()
				return h, err
			}
			k := rowKey(t, r.Values)
			w, ok := want[k]
			if !ok {
				got.Close()
				return h, fmt.Errorf("%s: row %s is not derivable from the state at %d", t.SQLName(), k, h)
			}
			if w.StateKey != r.StateKey || !reflect.DeepEqual(normalizeRow(t, w.Values), r.Values) {
				got.Close()
				return h, fmt.Errorf("%s: row %s (from %s at %d) is %v; the state at %d gives %v (%s)", t.SQLName(), k, r.StateKey, r.Height, r.Values, h, w.Values, w.StateKey)
			}
			if r.Height > h {
				got.Close()
				return h, fmt.Errorf("%s: row %s read at %d, beyond the index height %d", t.SQLName(), k, r.Height, h)
			}
			seen++
		}
		got.Close()
		if seen != len(want) {
			var missing []string
			for k := range want {
				missing = append(missing, k)
			}
			sort.Strings(missing)
			return h, fmt.Errorf("%s: %d rows in the index, %d derivable from the state at %d (e.g. %s)", t.SQLName(), seen, len(want), h, missing[0])
		}
	}
	return h, nil
}

func rowKey(t Table, v map[string]any) string {
	var parts []string
	for _, c := range t.Columns {
		if c.Key {
			parts = append(parts, fmt.Sprint(v[c.Name]))
		}
	}
	return strings.Join(parts, "/")
}

// normalizeRow gives a derived row the types a scanned row has.
func normalizeRow(t Table, v map[string]any) map[string]any {
	out := map[string]any{}
	for _, c := range t.Columns {
		out[c.Name] = normalize(c.Type, v[c.Name])
	}
	return out
}

// Dump lists every row of the index as text, table by table in key
// order, values normalized across databases: the chain tables up to
// height maxHeight, the module tables whole. Two indexes of the same chain
// are equal row for row when their dumps are.
func (s *Store) Dump(ctx context.Context, maxHeight int64) ([]string, error) {
	var out []string
	for _, t := range s.readTables() {
		cond := ""
		var args []any
		if !t.provable {
			cond = " WHERE height <= " + s.Dialect.ph(1)
			args = append(args, maxHeight)
		}
		rows, err := s.DB.QueryContext(ctx, "SELECT "+strings.Join(t.selectColumns(), ", ")+" FROM "+t.sql+cond+" ORDER BY "+strings.Join(t.keys(), ", "), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			r, err := t.scan(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			line := t.module + "/" + t.name
			for _, c := range t.columns {
				line += fmt.Sprintf(" %s=%v", c.Name, r.Values[c.Name])
			}
			if t.provable {
				line += fmt.Sprintf(" @%d %s", r.Height, r.StateKey)
			}
			out = append(out, line)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
