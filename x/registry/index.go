package registry

import (
	"strconv"
	"strings"

	"github.com/govchain/govchain/app/module"
)

// IndexTables declares the registry's typed tables of the SQL index
// (issue 18). The Reader an IndexEvent carries is the registry's own state
// at the event's height (keys without the "registry/" prefix); each row's
// StateKey is the full state key, for /v1/state/{key}?prove=true.
func (m *Module) IndexTables() []module.IndexTable {
	return []module.IndexTable{
		{
			Name: "parcels", Doc: "Parcels by number, with district, area and owners.",
			Columns: []module.Column{
				{Name: "number", Type: module.Text, Key: true},
				{Name: "district", Type: module.Text, Indexed: true},
				{Name: "area_centi_m2", Type: module.Int, Indexed: true},
				{Name: "land_use", Type: module.Text},
				{Name: "owners", Type: module.Text, Indexed: true, Doc: "owner accounts, comma-separated, sorted"},
				{Name: "frozen", Type: module.Bool},
				{Name: "version", Type: module.Int},
			},
			Events: historyEvents,
			Rows:   parcelRows,
		},
		{
			Name: "transfers", Doc: "Transfers by id, with parcel and status.",
			Columns: []module.Column{
				{Name: "id", Type: module.Int, Key: true},
				{Name: "parcel", Type: module.Text, Indexed: true},
				{Name: "seller", Type: module.Text, Indexed: true},
				{Name: "price", Type: module.Int},
				{Name: "status", Type: module.Text, Indexed: true},
				{Name: "opened_height", Type: module.Int},
				{Name: "closed_height", Type: module.Int},
			},
			Events: []string{"registry.transfer_opened", "registry.transfer_" + StatusExecuted,
				"registry.transfer_" + StatusCancelled, "registry.transfer_" + StatusFailed},
			Rows: transferRows,
		},
		{
			Name: "history", Doc: "The history entries of each parcel, by parcel and sequence.",
			Columns: []module.Column{
				{Name: "parcel", Type: module.Text, Key: true},
				{Name: "seq", Type: module.Int, Key: true},
				{Name: "kind", Type: module.Text, Indexed: true},
			},
			Events: historyEvents,
			Rows:   historyRows,
		},
	}
}

// historyEvents are the events record emits: one per history entry of a
// parcel, i.e. one per change of the parcel record.
var historyEvents = []string{"registry.registered", "registry.encumbered", "registry.released",
	"registry.frozen", "registry.unfrozen", "registry.transferred"}

func parcelRows(e module.IndexEvent) ([]module.Row, error) {
	n := e.Attr("parcel")
	p, err := module.Load[Parcel](e.State, parcelKey(n), ErrUnknownParcel, "parcel "+n)
	if err != nil {
		return nil, err
	}
	owners := make([]string, len(p.Owners))
	for i, o := range p.Owners {
		owners[i] = o.Account
	}
	sortStrings(owners)
	return []module.Row{{StateKey: "registry/" + parcelKey(n), Values: map[string]any{
		"number": p.Number, "district": p.District, "area_centi_m2": int64(p.Area), "land_use": p.Use,
		"owners": strings.Join(owners, ","), "frozen": p.Frozen, "version": int64(p.Version),
	}}}, nil
}

func transferRows(e module.IndexEvent) ([]module.Row, error) {
	id, err := strconv.ParseUint(e.Attr("id"), 10, 64)
	if err != nil {
		return nil, err
	}
	t, err := module.Load[Transfer](e.State, transferKey(id), ErrUnknownTransfer, "transfer "+e.Attr("id"))
	if err != nil {
		return nil, err
	}
	return []module.Row{{StateKey: "registry/" + transferKey(id), Values: map[string]any{
		"id": int64(t.ID), "parcel": t.Parcel, "seller": t.Seller, "price": int64(t.Price),
		"status": t.Status, "opened_height": t.Opened, "closed_height": t.Closed,
	}}}, nil
}

func historyRows(e module.IndexEvent) ([]module.Row, error) {
	n := e.Attr("parcel")
	seq, err := strconv.ParseUint(e.Attr("seq"), 10, 64)
	if err != nil || n == "" {
		return nil, nil // an event of the table's types without a history entry
	}
	kind := strings.TrimPrefix(e.Event.Type, "registry.")
	return []module.Row{{StateKey: "registry/" + historyKey(n, seq), Values: map[string]any{
		"parcel": n, "seq": int64(seq), "kind": kind,
	}}}, nil
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
