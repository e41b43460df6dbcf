package modules

import (
	"encoding/json"
	"reflect"
	"strings"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/verify"
)

// DecodeRecord is the chain's verify.RecordDecoder: it decodes a proven
// value as every record type the module owning its key (the key's first
// segment) declares in its queries, each presented as the API presents it
// at the proven height and block time.
func DecodeRecord(key string, value []byte, view verify.RecordView) []verify.Decoded {
	name, _, _ := strings.Cut(key, "/")
	var out []verify.Decoded
	seen := map[reflect.Type]bool{}
	for _, m := range All() {
		if m.Name() != name {
			continue
		}
		for _, q := range m.Queries() {
			if seen[q.Record] || q.Compute != nil {
				continue
			}
			seen[q.Record] = true
			rec, err := q.Decode(value)
			if err != nil {
				continue
			}
			if p, ok := rec.(module.Presenter); ok {
				p.Present(module.ReadView{Height: view.Height, Time: view.Time.UTC()})
			}
			b, err := json.Marshal(rec)
			if err != nil {
				continue
			}
			out = append(out, verify.Decoded{Kind: q.Record.String(), Record: b})
		}
	}
	return out
}

// RecordType finds a module record type by its name ("registry.Parcel");
// nil when no module declares it.
func RecordType(kind string) reflect.Type {
	for _, m := range All() {
		for _, q := range m.Queries() {
			if q.Record.String() == kind {
				return q.Record
			}
		}
	}
	return nil
}
