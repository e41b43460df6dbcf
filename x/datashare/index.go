package datashare

import (
	"strconv"

	"github.com/govchain/govchain/app/module"
)

// IndexTables declares the module's typed tables of the SQL index: every
// access (search by department, purpose, subject, time) and every request
// with its status. Each row's StateKey is the full state key of its
// record, for /v1/state/{key}?prove=true.
func (m *Module) IndexTables() []module.IndexTable {
	return []module.IndexTable{
		{
			Name: "accesses", Doc: "Every access logged under a grant.",
			Columns: []module.Column{
				{Name: "grant_id", Type: module.Int, Key: true},
				{Name: "seq", Type: module.Int, Key: true},
				{Name: "access_id", Type: module.Int, Indexed: true, Doc: "chain-wide access number"},
				{Name: "dataset", Type: module.Text, Indexed: true},
				{Name: "requester", Type: module.Text, Indexed: true, Doc: "requesting department"},
				{Name: "requester_account", Type: module.Text},
				{Name: "purpose", Type: module.Text, Indexed: true},
				{Name: "subject", Type: module.Text, Indexed: true, Doc: "citizen account, empty for none"},
				{Name: "service", Type: module.Text},
				{Name: "time_unix", Type: module.Int, Indexed: true},
				{Name: "response_hash", Type: module.Bytes},
			},
			Events: []string{"datashare.access_logged"},
			Rows:   accessRows,
		},
		{
			Name: "requests", Doc: "Requests for access and their grants, with status and the count of accesses.",
			Columns: []module.Column{
				{Name: "id", Type: module.Int, Key: true},
				{Name: "dataset", Type: module.Text, Indexed: true},
				{Name: "owner", Type: module.Text, Indexed: true},
				{Name: "requester", Type: module.Text, Indexed: true},
				{Name: "purpose", Type: module.Text},
				{Name: "status", Type: module.Text, Indexed: true},
				{Name: "from_unix", Type: module.Int},
				{Name: "until_unix", Type: module.Int},
				{Name: "accesses", Type: module.Int},
			},
			Events: []string{"datashare.request_opened", "datashare.approved", "datashare.granted", "datashare.refused_by",
				"datashare.refused", "datashare.revoked", "datashare.access_logged"},
			Rows: requestRows,
		},
	}
}

func accessRows(e module.IndexEvent) ([]module.Row, error) {
	g, err1 := strconv.ParseUint(e.Attr("request"), 10, 64)
	s, err2 := strconv.ParseUint(e.Attr("seq"), 10, 64)
	if err1 != nil || err2 != nil {
		return nil, nil
	}
	a, err := GetAccess(e.State, g, s)
	if err != nil {
		return nil, err
	}
	return []module.Row{{StateKey: Name + "/" + accessKey(g, s), Values: map[string]any{
		"grant_id": int64(a.Grant), "seq": int64(a.Seq), "access_id": int64(a.ID), "dataset": a.Dataset, "requester": a.Requester,
		"requester_account": a.RequesterAccount, "purpose": a.Purpose, "subject": a.Subject, "service": a.Service,
		"time_unix": a.Time, "response_hash": a.ResponseHash,
	}}}, nil
}

func requestRows(e module.IndexEvent) ([]module.Row, error) {
	v := e.Attr("id")
	if v == "" {
		v = e.Attr("request")
	}
	id, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return nil, nil
	}
	r, err := GetRequest(e.State, id)
	if err != nil {
		return nil, err
	}
	return []module.Row{{StateKey: Name + "/" + requestKey(id), Values: map[string]any{
		"id": int64(r.ID), "dataset": r.Dataset, "owner": r.Owner, "requester": r.Requester, "purpose": r.Purpose,
		"status": r.Status, "from_unix": r.From, "until_unix": r.Until, "accesses": int64(r.Accesses),
	}}}, nil
}
