package fiscal

import (
	"regexp"
	"strconv"

	"github.com/govchain/govchain/app/module"
)

var (
	lineParamRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	deptParamRe = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)
)

// Queries declares what the API, SDK and CLI read from this module. Every
// total is a stored record (kept as lines change), so each is provable
// with ?prove=true and costs one read.
func (m *Module) Queries() []module.Query {
	line := func(a module.Args) string { return lineKey(a["id"]) }
	// The year as the keys write it (a parameter such as 02026 or one
	// beyond uint32 names no record rather than another year's).
	year := func(a module.Args) uint64 { return a.Uint("year") }
	ys := func(a module.Args) string { return strconv.FormatUint(a.Uint("year"), 10) }
	return []module.Query{
		module.RecordQuery[Line]("line", "lines/{id}", "A budget line: classification, original, adjusted, committed, paid and available",
			func(a module.Args) (string, error) { return line(a), nil }).
			Describe("id", "line id", false).Match("id", lineParamRe),
		module.ListQuery[Adjustment]("adjustments", "lines/{id}/adjustments", "A line's adjustments, oldest first, each with its reason",
			func(a module.Args) (string, error) { return "adj/" + a["id"] + "/", nil }).
			Describe("id", "line id", false).Match("id", lineParamRe).Of("line", line),
		module.ListQuery[Commitment]("commitments", "lines/{id}/commitments", "A line's commitments by ref: committed, released, paid, open",
			func(a module.Args) (string, error) { return "commit/" + a["id"] + "/", nil }).
			Describe("id", "line id", false).Match("id", lineParamRe).Of("line", line),
		module.RecordQuery[Commitment]("commitment", "lines/{id}/commitments/{ref}", "One ref's commitment on a line",
			func(a module.Args) (string, error) { return commitKey(a["id"], DecodeRef(a["ref"])), nil }).
			Describe("id", "line id", false).Match("id", lineParamRe).
			Describe("ref", "the ref, '/' written as '~'", false).Match("ref", refSegRe),
		module.IndexQuery[Payment]("payments", "lines/{id}/payments", "A line's payments, by payment id",
			func(a module.Args) (string, error) { return "linepay/" + a["id"] + "/", nil }, payKey).
			Describe("id", "line id", false).Match("id", lineParamRe).Of("line", line),
		module.RecordQuery[Payment]("payment", "payments/{id}", "A payment: line, ref, payee, amount, purpose, document hash",
			func(a module.Args) (string, error) { return payKey(DecodeRef(a["id"])), nil }).
			Describe("id", "payment id, '/' written as '~'", false).Match("id", paySegRe),
		module.IndexQuery[Payment]("traced", "refs/{ref}/payments", "Every payment made for a ref (a procurement ocid and milestone, a welfare run), on any line",
			func(a module.Args) (string, error) { return "refpay/" + a["ref"] + "/", nil }, payKey).
			Describe("ref", "the ref, '/' written as '~'", false).Match("ref", refSegRe),
		module.IndexQuery[Line]("year_lines", "years/{year}/lines", "A fiscal year's budget lines, by id",
			func(a module.Args) (string, error) { return "yline/" + ys(a) + "/", nil }, lineKey).
			Describe("year", "fiscal year", true),
		module.IndexQuery[Line]("department_lines", "years/{year}/departments/{department}/lines", "A department's budget lines of a fiscal year",
			func(a module.Args) (string, error) { return "dline/" + ys(a) + "/" + a["department"] + "/", nil }, lineKey).
			Describe("year", "fiscal year", true).Describe("department", "department id", false).Match("department", deptParamRe),
		module.RecordQuery[Year]("year", "years/{year}", "A fiscal year's totals, its classes' outturn and PEFA PI-1 and PI-2",
			func(a module.Args) (string, error) { return yearKey(year(a)), nil }).
			Describe("year", "fiscal year", true).WithDefault(),
		module.RecordQuery[Rollup]("department", "years/{year}/departments/{department}", "A department's totals for a fiscal year",
			func(a module.Args) (string, error) { return rollupKey(year(a), KindDepartment, a["department"]), nil }).
			Describe("year", "fiscal year", true).Describe("department", "department id", false).Match("department", deptParamRe).WithDefault(),
		module.RecordQuery[Rollup]("function", "years/{year}/functions/{class}", "A function class's (支出功能分类 类) totals for a fiscal year",
			func(a module.Args) (string, error) { return rollupKey(year(a), KindFunction, a["class"]), nil }).
			Describe("year", "fiscal year", true).Describe("class", "3-digit 类 code", false).Match("class", classRe).WithDefault(),
		module.RecordQuery[Rollup]("economic", "years/{year}/economic/{class}", "An economic class's (5xx or 3xx 类) totals for a fiscal year",
			func(a module.Args) (string, error) { return rollupKey(year(a), KindEconomic, a["class"]), nil }).
			Describe("year", "fiscal year", true).Describe("class", "3-digit 类 code", false).Match("class", classRe).WithDefault(),
		module.ListQuery[Rollup]("departments", "years/{year}/departments", "Every department's totals for a fiscal year",
			func(a module.Args) (string, error) { return "sum/" + ys(a) + "/" + KindDepartment + "/", nil }).
			Describe("year", "fiscal year", true),
		module.ListQuery[Rollup]("functions", "years/{year}/functions", "Every function class's totals for a fiscal year",
			func(a module.Args) (string, error) { return "sum/" + ys(a) + "/" + KindFunction + "/", nil }).
			Describe("year", "fiscal year", true),
		module.ListQuery[Rollup]("economics", "years/{year}/economic", "Every economic class's totals for a fiscal year",
			func(a module.Args) (string, error) { return "sum/" + ys(a) + "/" + KindEconomic + "/", nil }).
			Describe("year", "fiscal year", true),
	}
}
