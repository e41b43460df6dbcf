package api

import (
	"encoding/base64"
	"net/http"

	"github.com/govchain/govchain/api/apitype"
	"github.com/govchain/govchain/credential"
	"github.com/govchain/govchain/x/credentials"
)

// DIDResolution answers GET /v1/did/{did}: the DID document and the state
// read (with ?prove=true, its proof) of the record it is computed from
// (docs/credentials.md, "DIDs").
type DIDResolution struct {
	DIDDocument *credential.DIDDocument `json:"did_document"`
	State       *apitype.State          `json:"state"`
}

func (s *Server) didOperation() *operation {
	p := pathParam("did", "did:govchain:<chain-id>:<account address or department id>")
	p.pattern = "^did:govchain:[A-Za-z0-9._-]{1,50}:([0-9a-f]{40}|[a-z][a-z0-9-]{1,31})$"
	return &operation{method: "GET", path: "/v1/did/{did}", id: "resolveDID", tag: "proofs",
		summary: "Resolve a did:govchain DID: an account's key or a department's issuer keys, with the state (and its proof) it is computed from",
		params:  []param{p, heightQ, proveQ}, resp: typeOf[DIDResolution](), errors: []int{400, 404, 410}, handler: s.resolveDID}
}

func (s *Server) resolveDID(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.parseRead(r)
	if err != nil {
		return err
	}
	d, err := credential.ParseDID(r.PathValue("did"))
	if err != nil {
		return badRequest("%v", err)
	}
	if d.Chain != s.app.ChainID() {
		return notFound("the DID is of chain %q, this is %q", d.Chain, s.app.ChainID())
	}
	st, err := s.stateView(credentials.DIDStateKey(d), rd.height, rd.prove, nil)
	if err != nil {
		return err
	}
	if !st.Found || st.Value == nil {
		return notFound("no such account or issuing department")
	}
	val, _ := base64.StdEncoding.DecodeString(*st.Value)
	doc, err := credentials.DIDDocument(d, val)
	if err != nil {
		return notFound("%v", err)
	}
	return writeJSON(w, http.StatusOK, DIDResolution{DIDDocument: doc, State: st})
}
