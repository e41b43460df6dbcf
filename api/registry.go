package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/x/registry"
)

// Registry queries. Every one takes ?prove=true: single records come as
// {record, proof}; lists as items of that form, each proven on its own (the
// tree is keyed by hash, so a list's completeness is not proven; docs/registry.md).
func (s *Server) registryRoutes() {
	s.handle("GET /v1/registry/params", s.regParams)
	s.handle("GET /v1/registry/parcels/{number}", s.regParcel)
	s.handle("GET /v1/registry/parcels/{number}/history", s.regHistory)
	s.handle("GET /v1/registry/parcels/{number}/encumbrances", s.regEncumbrances)
	s.handle("GET /v1/registry/parcels/{number}/transfers", s.regPending)
	s.handle("GET /v1/registry/owners/{account}/parcels", s.regOwnerParcels)
	s.handle("GET /v1/registry/transfers/{id}", s.regTransfer)
}

// getRecord reads and decodes the record at a full state key (latest).
func getRecord[T any](s *Server, key string) (*T, bool, error) {
	raw, ok, err := s.app.Get([]byte(key), -1)
	if err != nil || !ok {
		return nil, false, stateError(err)
	}
	var t T
	return &t, true, codecUnmarshal(raw, &t)
}

func (s *Server) regParams(w http.ResponseWriter, r *http.Request) error {
	key := registry.Name + "/params"
	if wantProof(r) {
		return proveRecord[registry.Params](s, w, r, key, "registry parameters")
	}
	p, _, err := getRecord[registry.Params](s, key)
	if err != nil {
		return err
	}
	if p == nil {
		p = &registry.Params{}
	}
	return writeJSON(w, http.StatusOK, p)
}

func (s *Server) regParcel(w http.ResponseWriter, r *http.Request) error {
	n := r.PathValue("number")
	if wantProof(r) {
		return proveRecord[registry.Parcel](s, w, r, registry.ParcelStateKey(n), "parcel")
	}
	p, ok, err := getRecord[registry.Parcel](s, registry.ParcelStateKey(n))
	if err != nil {
		return err
	}
	if !ok {
		return notFound("no parcel %q", n)
	}
	return writeJSON(w, http.StatusOK, p)
}

// listRecords answers a list query: the records under prefix, or with
// ?prove=true each with its own proof.
func listRecords[T any](s *Server, w http.ResponseWriter, r *http.Request, field, prefix string) error {
	n, err := limit(r)
	if err != nil {
		return err
	}
	keys, recs, err := app.ListState[T](s.app, prefix, n)
	if err != nil {
		return err
	}
	if !wantProof(r) {
		if recs == nil {
			recs = []T{}
		}
		return writeJSON(w, http.StatusOK, map[string]any{field: recs})
	}
	return s.proveKeys(w, r, field, keys, decodeAs[T])
}

func decodeAs[T any](raw []byte) (any, error) {
	var t T
	err := codecUnmarshal(raw, &t)
	return &t, err
}

// proveKeys answers {field: [{record, proof}...]} for keys.
func (s *Server) proveKeys(w http.ResponseWriter, r *http.Request, field string, keys []string, decode func([]byte) (any, error)) error {
	out := []ProvenRecord{}
	for _, k := range keys {
		v, err := s.stateView(r, k, true)
		if err != nil {
			return err
		}
		if !v.Found {
			continue // absent at the proven height (added in the latest block)
		}
		rec, err := decode(mustB64(*v.Value))
		if err != nil {
			return err
		}
		out = append(out, ProvenRecord{Record: rec, Proof: v})
	}
	return writeJSON(w, http.StatusOK, map[string]any{field: out})
}

func (s *Server) regHistory(w http.ResponseWriter, r *http.Request) error {
	return listRecords[registry.HistoryEntry](s, w, r, "history", registry.Name+"/"+registry.HistoryPrefix(r.PathValue("number")))
}

func (s *Server) regEncumbrances(w http.ResponseWriter, r *http.Request) error {
	return listRecords[registry.Encumbrance](s, w, r, "encumbrances", registry.Name+"/"+registry.EncumbrancePrefix(r.PathValue("number")))
}

// TransferView is a transfer with its status as of the latest block time
// (an open transfer past its deadline shows as expired).
type TransferView struct {
	registry.Transfer
	EffectiveStatus string `json:"effective_status"`
}

func (s *Server) transferView(t registry.Transfer) TransferView {
	v := TransferView{Transfer: t, EffectiveStatus: t.Status}
	if t.Status == registry.StatusOpen && t.Deadline != 0 && s.app.LastCommitted().Time/1e9 > t.Deadline {
		v.EffectiveStatus = "expired"
	}
	return v
}

func (s *Server) regPending(w http.ResponseWriter, r *http.Request) error {
	n := r.PathValue("number")
	p, ok, err := getRecord[registry.Parcel](s, registry.ParcelStateKey(n))
	if err != nil {
		return err
	}
	if !ok {
		return notFound("no parcel %q", n)
	}
	var keys []string
	for _, id := range p.Pending {
		keys = append(keys, registry.TransferStateKey(id))
	}
	if wantProof(r) {
		return s.proveKeys(w, r, "transfers", keys, decodeAs[registry.Transfer])
	}
	out := []TransferView{}
	for _, k := range keys {
		t, ok, err := getRecord[registry.Transfer](s, k)
		if err != nil {
			return err
		}
		if ok {
			out = append(out, s.transferView(*t))
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"transfers": out})
}

func (s *Server) regOwnerParcels(w http.ResponseWriter, r *http.Request) error {
	n, err := limit(r)
	if err != nil {
		return err
	}
	prefix := registry.Name + "/" + registry.OwnerPrefix(r.PathValue("account"))
	idx, err := s.app.Keys(prefix, n)
	if err != nil {
		return err
	}
	var keys []string
	for _, k := range idx {
		keys = append(keys, registry.ParcelStateKey(strings.TrimPrefix(k, prefix)))
	}
	if wantProof(r) {
		return s.proveKeys(w, r, "parcels", keys, decodeAs[registry.Parcel])
	}
	out := []registry.Parcel{}
	for _, k := range keys {
		p, ok, err := getRecord[registry.Parcel](s, k)
		if err != nil {
			return err
		}
		if ok {
			out = append(out, *p)
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"parcels": out})
}

func (s *Server) regTransfer(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		return badRequest("id must be a number")
	}
	if wantProof(r) {
		return proveRecord[registry.Transfer](s, w, r, registry.TransferStateKey(id), "transfer")
	}
	t, ok, err := getRecord[registry.Transfer](s, registry.TransferStateKey(id))
	if err != nil {
		return err
	}
	if !ok {
		return notFound("no transfer %d", id)
	}
	return writeJSON(w, http.StatusOK, s.transferView(*t))
}
