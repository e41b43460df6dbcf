package fiscal

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Export file names.
const (
	ExportDescriptor = "datapackage.json"
	ExportCSV        = "budget-lines.csv"
)

// exportColumns are the CSV's columns, in order, with their Table Schema
// types.
var exportColumns = []struct{ name, typ, title string }{
	{"line_id", "string", "Budget line"},
	{"fiscal_year", "integer", "Fiscal year"},
	{"department", "string", "Department (administrative classification)"},
	{"function_code", "string", "支出功能分类 code (类/款/项)"},
	{"function_class", "string", "支出功能分类 类"},
	{"function_class_label", "string", "支出功能分类 类 name"},
	{"cofog", "string", "COFOG division"},
	{"cofog_label", "string", "COFOG division name"},
	{"economic_code", "string", "支出经济分类 code"},
	{"economic_class", "string", "支出经济分类 类"},
	{"economic_class_label", "string", "支出经济分类 类 name"},
	{"gfsm", "string", "GFSM 2014 category"},
	{"gfsm_label", "string", "GFSM 2014 category name"},
	{"fund_source", "string", "Fund source (one of the four budgets)"},
	{"program", "string", "Program"},
	{"original", "number", "Original appropriation (CNY)"},
	{"adjusted", "number", "Adjusted appropriation (CNY)"},
	{"committed", "number", "Open commitments (CNY)"},
	{"paid", "number", "Payments (CNY)"},
	{"available", "number", "Available balance (CNY)"},
}

// Yuan writes an amount in fen as yuan with two decimals, from integers.
func Yuan(fen uint64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }

// Export writes the lines as a Fiscal Data Package: the descriptor
// (datapackage.json, with the model's measures by phase and the
// classification dimensions) and one CSV row per line, sorted by line id.
// It is a pure function of the lines.
func Export(lines []Line) (descriptor, table []byte, err error) {
	sorted := slices.Clone(lines)
	slices.SortFunc(sorted, func(a, b Line) int { return strings.Compare(a.ID, b.ID) })
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := make([]string, len(exportColumns))
	for i, c := range exportColumns {
		header[i] = c.name
	}
	if err := w.Write(header); err != nil {
		return nil, nil, err
	}
	years := map[uint32]bool{}
	for _, l := range sorted {
		fn, ok := FunctionClassOf(l.Function)
		if !ok {
			return nil, nil, fmt.Errorf("line %s: function %q", l.ID, l.Function)
		}
		ec, ok := EconomicClassOf(l.Economic)
		if !ok {
			return nil, nil, fmt.Errorf("line %s: economic %q", l.ID, l.Economic)
		}
		years[l.Year] = true
		if err := w.Write([]string{l.ID, strconv.FormatUint(uint64(l.Year), 10), l.Department,
			l.Function, fn.Code, fn.Name, fn.COFOG, fn.COFOGName,
			l.Economic, ec.Code, ec.Name, ec.GFSM, ec.GFSMName,
			l.FundSource, l.Program,
			Yuan(l.Original), Yuan(l.Adjusted), Yuan(l.Committed), Yuan(l.Paid), Yuan(l.Available)}); err != nil {
			return nil, nil, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, nil, err
	}
	d, err := json.MarshalIndent(descriptorOf(years), "", "  ")
	if err != nil {
		return nil, nil, err
	}
	return append(d, '\n'), buf.Bytes(), nil
}

type attr struct {
	Source   string `json:"source"`
	Parent   string `json:"parent,omitempty"`
	LabelFor string `json:"labelfor,omitempty"`
}

type dimension struct {
	Attributes         map[string]attr `json:"attributes"`
	PrimaryKey         []string        `json:"primaryKey"`
	DimensionType      string          `json:"dimensionType"`
	ClassificationType string          `json:"classificationType,omitempty"`
}

type measure struct {
	Source    string `json:"source"`
	Currency  string `json:"currency"`
	Direction string `json:"direction"`
	Phase     string `json:"phase,omitempty"`
	Title     string `json:"title,omitempty"`
}

func descriptorOf(years map[uint32]bool) map[string]any {
	fields := make([]map[string]string, len(exportColumns))
	for i, c := range exportColumns {
		fields[i] = map[string]string{"name": c.name, "type": c.typ, "title": c.title}
		if c.typ == "number" {
			fields[i]["decimalChar"] = "."
		}
	}
	d := map[string]any{
		"name":        "govchain-budget-execution",
		"title":       "Budget execution: appropriations, adjustments, commitments and payments",
		"profile":     "tabular-data-package", // as the Frictionless fiscal-data-package profile requires
		"countryCode": "CN",
		"granularity": "aggregated",
		"resources": []map[string]any{{
			"name": "budget-lines", "path": ExportCSV, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
			"profile": "tabular-data-resource",
			"schema":  map[string]any{"fields": fields, "primaryKey": []string{"line_id"}},
		}},
		"model": map[string]any{
			"measures": map[string]measure{
				"original":  {Source: "original", Currency: "CNY", Direction: "expenditure", Phase: "approved", Title: "Original appropriation"},
				"adjusted":  {Source: "adjusted", Currency: "CNY", Direction: "expenditure", Phase: "adjusted", Title: "Adjusted appropriation"},
				"committed": {Source: "committed", Currency: "CNY", Direction: "expenditure", Title: "Open commitments (no FDP phase: reserved, not yet executed)"},
				"paid":      {Source: "paid", Currency: "CNY", Direction: "expenditure", Phase: "executed", Title: "Payments"},
			},
			"dimensions": map[string]dimension{
				"budget_line": {Attributes: map[string]attr{"line_id": {Source: "line_id"}}, PrimaryKey: []string{"line_id"}, DimensionType: "fact"},
				"fiscal_year": {Attributes: map[string]attr{"fiscal_year": {Source: "fiscal_year"}}, PrimaryKey: []string{"fiscal_year"}, DimensionType: "datetime"},
				"administrative_classification": {Attributes: map[string]attr{"department": {Source: "department"}},
					PrimaryKey: []string{"department"}, DimensionType: "classification", ClassificationType: "administrative"},
				"functional_classification": {Attributes: map[string]attr{
					"cofog": {Source: "cofog"}, "cofog_label": {Source: "cofog_label", LabelFor: "cofog"},
					"function_class": {Source: "function_class", Parent: "cofog"}, "function_class_label": {Source: "function_class_label", LabelFor: "function_class"},
					"function_code": {Source: "function_code", Parent: "function_class"}},
					PrimaryKey: []string{"function_code"}, DimensionType: "classification", ClassificationType: "functional"},
				"economic_classification": {Attributes: map[string]attr{
					"gfsm": {Source: "gfsm"}, "gfsm_label": {Source: "gfsm_label", LabelFor: "gfsm"},
					"economic_class": {Source: "economic_class", Parent: "gfsm"}, "economic_class_label": {Source: "economic_class_label", LabelFor: "economic_class"},
					"economic_code": {Source: "economic_code", Parent: "economic_class"}},
					PrimaryKey: []string{"economic_code"}, DimensionType: "classification", ClassificationType: "economic"},
				"fund_source": {Attributes: map[string]attr{"fund_source": {Source: "fund_source"}}, PrimaryKey: []string{"fund_source"}, DimensionType: "classification"},
				"program":     {Attributes: map[string]attr{"program": {Source: "program"}}, PrimaryKey: []string{"program"}, DimensionType: "activity"},
			},
		},
	}
	if len(years) == 1 {
		for y := range years {
			d["fiscalPeriod"] = map[string]string{"start": fmt.Sprintf("%04d-01-01", y), "end": fmt.Sprintf("%04d-12-31", y)}
		}
	}
	return d
}
