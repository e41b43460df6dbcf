package credentials

import (
	"regexp"

	"github.com/govchain/govchain/app/module"
)

var (
	deptRe   = regexp.MustCompile(`^[a-z][a-z0-9-]{1,31}$`)
	listRe   = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)
	digestRe = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
)

// Queries declares what the API, SDK and CLI read from this module; each
// takes ?prove=true, which is how a verifier gets a list's state proof.
func (m *Module) Queries() []module.Query {
	return []module.Query{
		module.RecordQuery[StatusList]("list", "lists/{department}/{id}", "A department's status list: purpose, size, the bits and the W3C encodedList",
			func(a module.Args) (string, error) { return listKey(a["department"], a["id"]), nil }).
			Describe("department", "issuing department id", false).Match("department", deptRe).
			Describe("id", "list id", false).Match("id", listRe),
		module.RecordQuery[Issued]("issued", "issued/{department}/{digest}", "A registered credential: its issuing department, type and the block that registered it (the issuance a verifier checks the issuer against)",
			func(a module.Args) (string, error) { return issuedKey(a["department"], a["digest"]), nil }).
			Describe("department", "issuing department id", false).Match("department", deptRe).
			Describe("digest", "base64url SHA-256 of the issuer JWT", false).Match("digest", digestRe),
		module.ListQuery[StatusList]("lists", "lists/{department}", "A department's status lists",
			func(a module.Args) (string, error) { return "list/" + a["department"] + "/", nil }).
			Describe("department", "issuing department id", false).Match("department", deptRe),
	}
}
