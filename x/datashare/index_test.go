package datashare_test

import (
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/datashare"
)

// The index tables are well formed, and their rows, read from the state
// the real handlers wrote, fit them.
func TestIndexRows(t *testing.T) {
	tables := datashare.New().IndexTables()
	w := newWorld(t)
	w.ok("steward", datashare.TypePublishDataset, dataset("cab.stats", datashare.LevelInternal, false))
	id := w.requestFor("requester", "cab.stats", "budget", 100)
	w.ok("steward", datashare.TypeApprove, dec(id))
	r := w.ok("service", datashare.TypeLogAccess, w.signed("requester", id, "cab.stats", "budget", w.alice, nil))
	ev, _ := r.Event("datashare.access_logged")
	for _, tb := range tables {
		if err := tb.Validate(); err != nil {
			t.Fatal(err)
		}
		rows, err := tb.Rows(module.IndexEvent{Height: w.Height(), Event: ev, State: w.View(datashare.Name)})
		if err != nil || len(rows) != 1 {
			t.Fatalf("%s: %v %v", tb.Name, rows, err)
		}
		if err := tb.CheckRow(rows[0]); err != nil {
			t.Fatal(err)
		}
		switch tb.Name {
		case "accesses":
			if v := rows[0].Values; v["subject"] != w.alice || v["requester"] != "mof" || v["seq"] != int64(1) || rows[0].StateKey != "datashare/"+datashare.AccessKey(id, 1) {
				t.Fatalf("%+v", rows[0])
			}
		case "requests":
			if v := rows[0].Values; v["status"] != datashare.StatusGranted || v["accesses"] != int64(1) || rows[0].StateKey != "datashare/"+datashare.RequestKey(id) {
				t.Fatalf("%+v", rows[0])
			}
		}
	}
}
