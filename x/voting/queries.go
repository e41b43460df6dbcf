package voting

import (
	"strings"

	"github.com/govchain/govchain/app/module"
)

// Queries declares what the API, SDK and CLI read from this module.
func (m *Module) Queries() []module.Query {
	return []module.Query{
		module.RecordQuery[Election]("election", "elections/{id}", "An election: manifest, trustees, ceremony, roll count and root, ballot count, last tracking code, aggregate",
			func(a module.Args) (string, error) { return electionKey(a["id"]), nil }).Describe("id", "election id", false),
		module.ListQuery[BallotEntry]("ballots", "elections/{id}/ballots", "An election's ballots in the order recorded",
			func(a module.Args) (string, error) { return "ballot/" + a["id"] + "/", nil }).Describe("id", "election id", false),
		module.RecordQuery[BallotEntry]("ballot", "elections/{id}/ballots/{seq}", "One recorded ballot by its sequence number",
			func(a module.Args) (string, error) { return ballotKey(a["id"], a.Uint("seq")), nil }).
			Describe("id", "election id", false).Describe("seq", "ballot sequence number from 0", true),
		module.RecordQuery[CodeRef]("code", "codes/{code}", "Find a ballot by its tracking code: the election and the ballot's sequence number",
			func(a module.Args) (string, error) {
				c := a["code"]
				if len(c) != 64 || strings.Trim(c, "0123456789abcdef") != "" {
					return "", module.ErrInvalidField.Wrapf("code: 64 lowercase hex digits")
				}
				return "code/" + c, nil
			}).Describe("code", "tracking code, hex", false),
	}
}
