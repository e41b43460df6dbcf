package registry

import (
	"github.com/govchain/govchain/app/module"
)

// Queries declares what the API, SDK and CLI read from this module. Every
// one takes ?prove=true: a list is proven item by item (the state tree is
// keyed by hash, so a list's completeness is not provable; docs/registry.md).
func (m *Module) Queries() []module.Query {
	parcel := func(a module.Args) (string, error) { return parcelKey(a["number"]), nil }
	return []module.Query{
		module.RecordQuery[Parcel]("parcel", "parcels/{number}", "A parcel's current title: owners and shares, area, use, freeze, open transfers, mortgages awaiting consent", parcel).
			Describe("number", "parcel number", false).Match("number", parcelRe),
		module.ListQuery[HistoryEntry]("history", "parcels/{number}/history", "Every event of a parcel, oldest first",
			func(a module.Args) (string, error) { return "hist/" + a["number"] + "/", nil }).
			Describe("number", "parcel number", false).Match("number", parcelRe).Of("parcel", ofParcel),
		module.ListQuery[Encumbrance]("encumbrances", "parcels/{number}/encumbrances", "A parcel's mortgages and liens with their status: pending consent, active, released, withdrawn, declined, expired, lapsed",
			func(a module.Args) (string, error) { return "enc/" + a["number"] + "/", nil }).
			Describe("number", "parcel number", false).Match("number", parcelRe).Of("parcel", ofParcel),
		module.RecordQuery[Encumbrance]("encumbrance", "parcels/{number}/encumbrances/{id}", "A mortgage or lien: holder, amount, status, and which owners have consented",
			func(a module.Args) (string, error) { return encKey(a["number"], a.Uint("id")), nil }).
			Describe("number", "parcel number", false).Match("number", parcelRe).Describe("id", "encumbrance id", true),
		module.RefsQuery[Encumbrance]("offers", "parcels/{number}/offers", "A parcel's mortgages awaiting its owners' consent",
			func(r module.Reader, a module.Args) ([]string, error) {
				p, err := GetParcel(r, a["number"])
				if err != nil {
					return nil, err
				}
				keys := make([]string, len(p.PendingEncumbrances))
				for i, id := range p.PendingEncumbrances {
					keys[i] = encKey(p.Number, id)
				}
				return keys, nil
			}).
			Describe("number", "parcel number", false).Match("number", parcelRe),
		module.RefsQuery[Transfer]("transfers", "parcels/{number}/transfers", "A parcel's open transfers",
			func(r module.Reader, a module.Args) ([]string, error) {
				p, err := GetParcel(r, a["number"])
				if err != nil {
					return nil, err
				}
				keys := make([]string, len(p.Pending))
				for i, id := range p.Pending {
					keys[i] = transferKey(id)
				}
				return keys, nil
			}).
			Describe("number", "parcel number", false).Match("number", parcelRe),
		module.IndexQuery[Parcel]("owned", "owners/{account}/parcels", "The parcels an account owns, wholly or in part",
			func(a module.Args) (string, error) { return "owner/" + a["account"] + "/", nil }, parcelKey).
			Describe("account", "owner's account address", false).Match("account", module.AddressPattern),
		module.RecordQuery[Transfer]("transfer", "transfers/{id}", "A transfer: its conditions, who has met them, and its status",
			func(a module.Args) (string, error) { return transferKey(a.Uint("id")), nil }).
			Describe("id", "transfer id", true),
		module.RecordQuery[Params]("params", "params", "The transfer tax rate",
			func(module.Args) (string, error) { return paramsKey, nil }).WithDefault(),
	}
}

func ofParcel(a module.Args) string { return parcelKey(a["number"]) }

// Present shows an open transfer past its deadline as expired (the deadline
// is compared with the block time of the height read).
func (t *Transfer) Present(v module.ReadView) {
	t.EffectiveStatus = t.Status
	if t.Status == StatusOpen && t.Expired(v.Time.Unix()) {
		t.EffectiveStatus = "expired"
	}
}

// Present shows the encumbrance's status (also for records written before
// statuses), and a pending mortgage past its consent deadline as expired.
func (e *Encumbrance) Present(v module.ReadView) {
	e.EffectiveStatus = e.State()
	if e.expired(v.Time.Unix()) {
		e.EffectiveStatus = EncExpired
	}
}
