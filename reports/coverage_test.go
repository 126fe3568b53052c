package reports_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/conformance-suite/conformance/reports"
)

// covered is a coverage as a run records it: item sets only, one of them hostile (an
// undocumented error code is whatever the target answered).
func covered() *reports.Coverage {
	c := &reports.Coverage{Operations: []reports.OperationCoverage{
		{Provider: "huaweicloud", Service: "huaweicloud-workspaceapp", Operation: "InitializeTenant", Dimensions: []reports.Dimension{
			{Name: reports.CoverStatuses, Documented: []string{"200", "400", "401", "403"}, Observed: []string{"401", "200", "200"},
				Undocumented: []string{"418"}, Excluded: []reports.Exclusion{{Item: "503", Reason: "no client can provoke it"}}},
			{Name: reports.CoverErrorCodes, Documented: []string{"APIGW.0301", "APIGW.0302"}, Observed: []string{"APIGW.0301"}, Undocumented: []string{hostile}},
			{Name: reports.CoverEnums},
		}},
		{Provider: "zstack", Service: "zstack-iam2", Operation: "ChangeIAM2ProjectState", Dimensions: []reports.Dimension{
			{Name: reports.CoverStatuses, Documented: []string{"200", "400"}, Observed: []string{"200", "400", "999"}},
			{Name: reports.CoverSecurity, Documented: []string{"missing", "sessionAuth valid"}, Observed: []string{"missing"}},
		}},
	}}
	c.Tally()
	return c
}

func withCoverage(r *reports.Report) *reports.Report {
	r.Coverage = covered()
	r.Coverage.Gate(map[string]float64{reports.CoverStatuses: 100})
	return r
}

// Tally derives the figures from the item sets: repeats and undocumented observations dropped,
// exclusions out of the denominator, missing items, percentages, provider totals, the gate.
func TestCoverageTally(t *testing.T) {
	c := covered()
	op := c.Operation("InitializeTenant")
	st := op.Dimension(reports.CoverStatuses)
	if !slices.Equal(st.Observed, []string{"200", "401"}) || !slices.Equal(st.Missing, []string{"400", "403"}) || *st.Percent != 50 {
		t.Errorf("statuses %+v", st)
	}
	if d := op.Dimension(reports.CoverEnums); d.Percent != nil {
		t.Errorf("a dimension that documents nothing has percent %v, want none", *d.Percent)
	}
	if *op.Percent != 50 { // statuses 50%, error codes 50%, enums n/a
		t.Errorf("overall %v, want 50", *op.Percent)
	}
	z := c.Operation("ChangeIAM2ProjectState").Dimension(reports.CoverStatuses)
	if !slices.Equal(z.Observed, []string{"200", "400"}) {
		t.Errorf("observed %q keeps an item that is not documented", z.Observed)
	}
	hw := c.Provider("huaweicloud")
	if tot := hw.Dimension(reports.CoverStatuses); tot.Total != 4 || tot.Covered != 2 || *tot.Percent != 50 {
		t.Errorf("provider statuses %+v", tot)
	}
	c.Gate(map[string]float64{reports.CoverStatuses: 100, reports.CoverOverall: 60})
	var got []string
	for _, s := range c.Shortfalls {
		got = append(got, s.Operation+" "+s.Dimension+" "+strings.Join(s.Missing, ","))
	}
	// ChangeIAM2ProjectState: statuses 100%, security 50%, overall 75%: above both floors.
	want := []string{"InitializeTenant statuses 400,403", "InitializeTenant overall statuses: 400,statuses: 403,error_codes: APIGW.0302"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("shortfalls\n %q\nwant\n %q", got, want)
	}
	if err := c.ShortfallError(); err == nil || !strings.Contains(err.Error(), "InitializeTenant statuses 50.0% < 100.0%: missing 400, 403") {
		t.Errorf("shortfall error %v", err)
	}
}

// Merging is set union, whatever the split: the halves of a coverage merge into the whole.
func TestMergeCoverageIsUnion(t *testing.T) {
	whole := covered()
	a, b := covered(), covered()
	for i := range a.Operations {
		for j := range a.Operations[i].Dimensions {
			obs := whole.Operations[i].Dimensions[j].Observed
			a.Operations[i].Dimensions[j].Observed = obs[:len(obs)/2]
			b.Operations[i].Dimensions[j].Observed = obs[len(obs)/2:]
		}
	}
	b.Operations[1].Dimensions[0].Observed = whole.Operations[1].Dimensions[0].Observed
	a.Operations = a.Operations[:1] // an operation one part never saw
	b.Operations[0].Dimensions[1].Undocumented = nil
	a.Tally()
	b.Tally()
	if got := reports.MergeCoverage(a, nil, b); !reflect.DeepEqual(got, whole) {
		t.Errorf("merged\n %+v\nwant\n %+v", got, whole)
	}
	if reports.MergeCoverage(nil, nil) != nil {
		t.Error("merging no coverage gives some")
	}
}

func TestParseMinCoverage(t *testing.T) {
	got, err := reports.ParseMinCoverage("statuses=100, fields=90.5%,overall=70")
	if err != nil || !reflect.DeepEqual(got, map[string]float64{"statuses": 100, "fields": 90.5, "overall": 70}) {
		t.Errorf("got %v, %v", got, err)
	}
	for _, bad := range []string{"", "statuses", "colours=10", "statuses=101", "statuses=-1", "statuses=x"} {
		if _, err := reports.ParseMinCoverage(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Every JSON field of the coverage types is in the schema, as TestSchemaCoversTypes checks
// for the others, and a report with coverage and a gate validates.
func TestCoverageSchema(t *testing.T) {
	var schema struct {
		Properties map[string]any `json:"properties"`
		Defs       map[string]struct {
			Properties map[string]any `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(reports.Schema, &schema); err != nil {
		t.Fatal(err)
	}
	if _, ok := schema.Properties["coverage"]; !ok {
		t.Fatal("the schema has no coverage")
	}
	for def, v := range map[string]any{
		"coverage": reports.Coverage{}, "operation_coverage": reports.OperationCoverage{}, "dimension": reports.Dimension{},
		"exclusion": reports.Exclusion{}, "provider_coverage": reports.ProviderCoverage{}, "dimension_total": reports.DimensionTotal{},
		"shortfall": reports.Shortfall{},
	} {
		var inSchema []string
		for name := range schema.Defs[def].Properties {
			inSchema = append(inSchema, name)
		}
		slices.Sort(inSchema)
		if inGo := jsonFields(reflect.TypeOf(v)); !slices.Equal(inGo, inSchema) {
			t.Errorf("%T has JSON fields %v, the schema's %q has %v", v, inGo, def, inSchema)
		}
	}
	s := compileSchema(t)
	raw := read(t, writeAll(t, withCoverage(passingReport())), "report.json")
	if err := validate(t, s, raw); err != nil {
		t.Fatalf("report.json with coverage breaks report.schema.json: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m["coverage"].(map[string]any)["operations"].([]any)[0].(map[string]any)["dimensions"].([]any)[0].(map[string]any)["name"] = "colours"
	broken, _ := json.Marshal(m)
	if validate(t, s, broken) == nil {
		t.Error("the schema accepts an unknown dimension")
	}
}

// Every format shows the coverage: summary.md a line per operation, a table per provider and
// the uncovered items folded,
// report.html a table and the uncovered items (escaped, with the data the filters read),
// junit.xml properties; the gate's shortfalls in each.
func TestCoverageInEveryFormat(t *testing.T) {
	dir := writeAll(t, withCoverage(passingReport()))
	md := string(read(t, dir, "summary.md"))
	for _, want := range []string{"### Contract coverage", "- `InitializeTenant` **50.0%**: statuses 2/4 · error codes 1/2", "| statuses | 50.0% | 100.0% |", "| dimension | huaweicloud | zstack |",
		"<details><summary>Uncovered items (", "- statuses: `400`, `403`", "Below `--min-coverage`", "`503`: no client can provoke it"} {
		if !strings.Contains(md, want) {
			t.Errorf("summary.md lacks %q", want)
		}
	}
	if !strings.Contains(md, "seen but not documented: ````<script>") {
		t.Error("summary.md does not keep the hostile code in inline code")
	}

	raw := read(t, dir, "report.html")
	doc, err := html.Parse(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var items, scripts int
	dims := map[string]bool{}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch {
		case n.Data == "script":
			scripts++
		case n.Data == "li" && n.Parent != nil && attr(n.Parent, "id") == "uncovered":
			items++
			dims[attr(n, "data-dimension")] = true
			if attr(n, "data-operation") == "" {
				t.Error("an uncovered item without data-operation: the filter cannot select it")
			}
		}
	}
	if scripts != 1 {
		t.Errorf("%d scripts in report.html, want 1: the hostile item escaped the escaping", scripts)
	}
	if items != 6 || !dims[reports.CoverStatuses] || !dims[reports.CoverErrorCodes] || !dims[reports.CoverSecurity] {
		t.Errorf("%d uncovered items in dimensions %v, want 6 (2 statuses, 1 error code, 1 undocumented status, 1 undocumented code, 1 security)", items, dims)
	}
	for _, want := range []string{`<section id="coverage">`, `id="c-dimension"`, "below --min-coverage: InitializeTenant statuses"} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("report.html lacks %q", want)
		}
	}

	var suites struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Props []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(read(t, dir, "junit.xml"), &suites); err != nil {
		t.Fatal(err)
	}
	props := map[string]string{}
	for _, s := range suites.Suites {
		for _, p := range s.Props {
			props[s.Name+" "+p.Name] = p.Value
		}
	}
	for k, v := range map[string]string{
		"huaweicloud-workspaceapp coverage.InitializeTenant":                  "50.0%",
		"huaweicloud-workspaceapp coverage.InitializeTenant.statuses":         "2/4 (50.0%)",
		"huaweicloud-workspaceapp coverage.InitializeTenant.statuses.missing": "400, 403",
		"huaweicloud-workspaceapp coverage.provider.huaweicloud":              "50.0%",
		"zstack-iam2 coverage.ChangeIAM2ProjectState.security":                "1/2 (50.0%)",
	} {
		if props[k] != v {
			t.Errorf("junit property %s = %q, want %q", k, props[k], v)
		}
	}
}
