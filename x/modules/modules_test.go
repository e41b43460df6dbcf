package modules_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/govchain/govchain/codec"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/x/modules"
	"github.com/govchain/govchain/x/registry"
)

// The list names each module once.
func TestAllNamesEachModuleOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range modules.All() {
		if seen[m.Name()] {
			t.Fatalf("module %q listed twice", m.Name())
		}
		seen[m.Name()] = true
	}
	for _, want := range []string{"identity", "registry", "fiscal", "welfare", "procurement", "voting"} {
		if !seen[want] {
			t.Errorf("module %q missing", want)
		}
	}
}

func effective(t *testing.T, ds []verify.Decoded) string {
	t.Helper()
	for _, d := range ds {
		if d.Kind == "registry.Transfer" {
			var tr registry.Transfer
			if err := json.Unmarshal(d.Record, &tr); err != nil {
				t.Fatal(err)
			}
			return tr.EffectiveStatus
		}
	}
	t.Fatalf("no registry.Transfer among %d decodings", len(ds))
	return ""
}

// A proven value decodes as the record types of the module its key names,
// with fields derived at read time computed from the proven block time;
// values of no module decode as nothing.
func TestDecodeRecord(t *testing.T) {
	value := codec.MustMarshal(&registry.Transfer{ID: 1, Parcel: "BJ-001", Seller: "s", Buyers: []registry.Owner{{Account: "b", Share: 10000}},
		Price: 100, Deadline: 1_000, Status: registry.StatusOpen, Opened: 3})
	key := "registry/xfer/00000000000000000001"
	if got := effective(t, modules.DecodeRecord(key, value, verify.RecordView{Height: 5, Time: time.Unix(999, 0)})); got != registry.StatusOpen {
		t.Fatalf("before the deadline: %q", got)
	}
	if got := effective(t, modules.DecodeRecord(key, value, verify.RecordView{Height: 5, Time: time.Unix(1_001, 0)})); got != "expired" {
		t.Fatalf("after the deadline: %q", got)
	}
	if ds := modules.DecodeRecord("nomodule/x", value, verify.RecordView{}); len(ds) != 0 {
		t.Fatalf("a key of no module decoded as %+v", ds)
	}
	for _, d := range modules.DecodeRecord("procurement/tender/1", value, verify.RecordView{}) {
		if d.Kind == "procurement.ReleasePackage" || d.Kind == "procurement.RecordPackage" {
			t.Fatalf("a computed query's type decoded a stored value: %s", d.Kind)
		}
	}
}

func TestRecordType(t *testing.T) {
	if rt := modules.RecordType("registry.Parcel"); rt == nil || rt.Name() != "Parcel" {
		t.Fatalf("registry.Parcel: %v", rt)
	}
	if rt := modules.RecordType("registry.Nothing"); rt != nil {
		t.Fatalf("an unknown kind: %v", rt)
	}
}
