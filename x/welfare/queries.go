package welfare

import (
	"regexp"

	"github.com/govchain/govchain/app/module"
)

var periodPattern = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// Queries declares what the API, SDK and CLI read from this module.
func (m *Module) Queries() []module.Query {
	prog := func(q module.Query) module.Query {
		return q.Describe("program", "program id", false).Match("program", idRe)
	}
	acct := func(q module.Query, name string) module.Query {
		return q.Describe(name, "account address", false).Match(name, module.AddressPattern)
	}
	ofProgram := func(a module.Args) string { return programKey(a["program"]) }
	return []module.Query{
		module.ListQuery[Program]("programs", "programs", "Every program: benefit, budget line, requirements, enrolment counts and payment totals",
			func(module.Args) (string, error) { return "prog/", nil }),
		prog(module.RecordQuery[Program]("program", "programs/{program}", "A program with its counts (enrolled, active, runs) and totals paid",
			func(a module.Args) (string, error) { return programKey(a["program"]), nil })),
		prog(module.ListQuery[Enrolment]("enrolments", "programs/{program}/enrolments", "A program's enrolments with status and amounts paid",
			func(a module.Args) (string, error) { return "enr/" + a["program"] + "/", nil })).Of("program", ofProgram),
		acct(prog(module.RecordQuery[Enrolment]("enrolment", "programs/{program}/enrolments/{account}", "An enrolment: status, appeal, payments",
			func(a module.Args) (string, error) { return enrolKey(a["program"], a["account"]), nil })), "account"),
		acct(prog(module.ListQuery[HistoryEntry]("enrolment_history", "programs/{program}/enrolments/{account}/history", "An enrolment's events: enrolled, suspended, appealed, reinstated, graduated, deceased",
			func(a module.Args) (string, error) { return "hist/" + a["program"] + "/" + a["account"] + "/", nil })), "account"),
		prog(module.IndexQuery[Run]("program_runs", "programs/{program}/runs", "A program's runs, oldest first",
			func(a module.Args) (string, error) { return "prun/" + a["program"] + "/", nil },
			func(s string) string { return "run/" + s })).Of("program", ofProgram),
		module.RecordQuery[Run]("run", "runs/{id}", "A run: period, budget line, reservation, cursor, counts and totals, status and result",
			func(a module.Args) (string, error) { return runKey(a.Uint("id")), nil }).Describe("id", "run id", true),
		module.IndexQuery[Payment]("run_payments", "runs/{id}/payments", "The payments a run made",
			func(a module.Args) (string, error) {
				return runPaymentKey(a.Uint("id"), "", "", "")[:len("rpay/")+21], nil
			},
			func(s string) string { return "pay/" + s }).Describe("id", "run id", true),
		acct(prog(module.RecordQuery[Payment]("payment", "payments/{program}/{period}/{account}", "The payment of a key (program, period, beneficiary), back to its run and budget line",
			func(a module.Args) (string, error) { return paymentKey(a["program"], a["period"], a["account"]), nil })).
			Describe("period", "YYYY-MM", false).Match("period", periodPattern), "account"),
		acct(module.IndexQuery[Enrolment]("citizen_enrolments", "citizens/{account}/enrolments", "A citizen's enrolments",
			func(a module.Args) (string, error) { return "cit/" + a["account"] + "/enr/", nil },
			func(s string) string { return "enr/" + s }), "account"),
		acct(module.ListQuery[Attestation]("citizen_attestations", "citizens/{account}/attestations", "The attestations about a citizen (digests only)",
			func(a module.Args) (string, error) { return "att/" + a["account"] + "/", nil }), "account"),
		acct(module.IndexQuery[Payment]("citizen_payments", "citizens/{account}/payments", "A citizen's payments",
			func(a module.Args) (string, error) { return "cit/" + a["account"] + "/pay/", nil },
			func(s string) string { return "pay/" + s }), "account"),
	}
}
