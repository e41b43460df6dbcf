package datashare

import (
	"regexp"

	"github.com/govchain/govchain/app/module"
)

var deptParam = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// Queries declares what the API, SDK and CLI read from this module. Every
// one takes ?prove=true; lists are proven item by item. A grant's accesses
// are complete when read with the proven grant: its accesses field counts
// them (docs/datashare.md, "Audit").
func (m *Module) Queries() []module.Query {
	req := func(a module.Args) string { return requestKey(a.Uint("id")) }
	return []module.Query{
		module.ListQuery[Dataset]("datasets", "datasets", "The catalogue: every dataset description, by id",
			func(module.Args) (string, error) { return "ds/", nil }),
		module.RecordQuery[Dataset]("dataset", "datasets/{dataset}", "A dataset's description: owner, schema hash, legal basis, sensitivity, retention, consent, approvers",
			func(a module.Args) (string, error) { return datasetKey(a["dataset"]), nil }).
			Describe("dataset", "dataset id", false).Match("dataset", DatasetPattern),
		module.IndexQuery[Request]("dataset-requests", "datasets/{dataset}/requests", "The requests for a dataset, oldest first",
			func(a module.Args) (string, error) { return "dsreq/" + a["dataset"] + "/", nil },
			func(s string) string { return "req/" + s }).
			Describe("dataset", "dataset id", false).Match("dataset", DatasetPattern).
			Of("dataset", func(a module.Args) string { return datasetKey(a["dataset"]) }),
		module.IndexQuery[Request]("department-requests", "departments/{department}/requests", "The requests a department made, oldest first",
			func(a module.Args) (string, error) { return "deptreq/" + a["department"] + "/", nil },
			func(s string) string { return "req/" + s }).
			Describe("department", "requesting department id", false).Match("department", deptParam),
		module.RecordQuery[Request]("request", "requests/{id}", "A request or grant: dataset, requester, purpose, period, approvals, status, accesses",
			func(a module.Args) (string, error) { return req(a), nil }).
			Describe("id", "request id", true),
		module.ListQuery[Access]("accesses", "requests/{id}/accesses", "Every access made under a grant, in order",
			func(a module.Args) (string, error) { return accessPrefix(a.Uint("id")), nil }).
			Describe("id", "request id", true).Of("request", req),
		module.RecordQuery[Access]("access", "requests/{id}/accesses/{seq}", "One access under a grant: requester, purpose, subject, time, request and response hashes",
			func(a module.Args) (string, error) { return accessKey(a.Uint("id"), a.Uint("seq")), nil }).
			Describe("id", "request id", true).Describe("seq", "access number within the grant, from 1", true),
		module.ListQuery[Consent]("consents", "requests/{id}/consents", "The citizens' consents to a grant",
			func(a module.Args) (string, error) { return consentPrefix(a.Uint("id")), nil }).
			Describe("id", "request id", true).Of("request", req),
		module.RecordQuery[Consent]("consent", "requests/{id}/consents/{account}", "A citizen's consent to a grant: given and withdrawn when",
			func(a module.Args) (string, error) { return consentKey(a.Uint("id"), a["account"]), nil }).
			Describe("id", "request id", true).Describe("account", "the citizen's account address", false).Match("account", module.AddressPattern),
		module.IndexQuery[Access]("subject-accesses", "subjects/{account}/accesses", "Who looked at a citizen's data, when, and under which grant",
			func(a module.Args) (string, error) { return "subj/" + a["account"] + "/", nil },
			func(s string) string { return "access/" + s }).
			Describe("account", "the citizen's account address", false).Match("account", module.AddressPattern),
		module.IndexQuery[Consent]("subject-consents", "subjects/{account}/consents", "A citizen's consents, given and withdrawn",
			func(a module.Args) (string, error) { return "cons/" + a["account"] + "/", nil },
			func(s string) string { return "consent/" + s }).
			Describe("account", "the citizen's account address", false).Match("account", module.AddressPattern),
	}
}

// Present shows a grant past its period as expired (the period is
// compared with the block time of the height read).
func (r *Request) Present(v module.ReadView) {
	r.EffectiveStatus = r.Status
	if r.Status == StatusGranted && v.Time.Unix() > r.Until {
		r.EffectiveStatus = StatusExpired
	}
}
