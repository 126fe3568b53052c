package reports_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/conformance-suite/conformance/reports"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(reports.Schema))
	if err != nil {
		t.Fatalf("report.schema.json: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("report.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("report.schema.json")
	if err != nil {
		t.Fatalf("report.schema.json: %v", err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, raw []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(inst)
}

// report.json, as WriteAll writes it, validates against the shipped schema; so does a report
// whose lists were left nil, which WriteJSON writes as empty arrays.
func TestReportJSONMatchesSchema(t *testing.T) {
	s := compileSchema(t)
	sparse := &reports.Report{Version: reports.Version, Started: started,
		Cases: []reports.Case{{ID: "X/y", State: reports.Skipped, Reason: "why"}}}
	for _, tt := range append(reportsUnderTest, struct {
		name string
		r    func() *reports.Report
	}{"nil lists", func() *reports.Report { return sparse }}) {
		t.Run(tt.name, func(t *testing.T) {
			if err := validate(t, s, read(t, writeAll(t, tt.r()), "report.json")); err != nil {
				t.Fatalf("report.json breaks report.schema.json: %v", err)
			}
		})
	}
}

// The schema is not vacuous: each of these breaks it.
func TestSchemaRejects(t *testing.T) {
	s := compileSchema(t)
	tests := []struct {
		name   string
		mutate func(m map[string]any)
	}{
		{"unknown version", func(m map[string]any) { m["version"] = "2" }},
		{"unknown field", func(m map[string]any) { m["extra"] = true }},
		{"missing cases", func(m map[string]any) { delete(m, "cases") }},
		{"bad state", func(m map[string]any) { caseOf(m, 0)["state"] = "error" }},
		{"bad check state", func(m map[string]any) { caseOf(m, 0)["checks"].(map[string]any)["ignored_auth"] = "maybe" }},
		{"failed without failures", func(m map[string]any) { caseOf(m, 1)["failures"] = []any{} }},
		{"skipped without reason", func(m map[string]any) { delete(caseOf(m, 3), "reason") }},
		{"started not a date-time", func(m map[string]any) { m["started"] = "yesterday" }},
		{"negative body size", func(m map[string]any) {
			caseOf(m, 0)["exchange"].(map[string]any)["request"].(map[string]any)["body_bytes"] = -1
		}},
	}
	raw := read(t, writeAll(t, failingReport()), "report.json")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			tt.mutate(m)
			broken, _ := json.Marshal(m)
			if err := validate(t, s, broken); err == nil {
				t.Fatal("the schema accepts it")
			}
		})
	}
}

func caseOf(m map[string]any, i int) map[string]any { return m["cases"].([]any)[i].(map[string]any) }

// Every JSON field of the Go types is in the schema, and nothing else: the schema's
// additionalProperties: false would otherwise reject the next field someone adds.
func TestSchemaCoversTypes(t *testing.T) {
	var schema struct {
		Properties map[string]any `json:"properties"`
		Defs       map[string]struct {
			Properties map[string]any `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(reports.Schema, &schema); err != nil {
		t.Fatal(err)
	}
	types := map[string]any{
		"": reports.Report{}, "summary": reports.Summary{}, "shard": reports.Shard{}, "case": reports.Case{},
		"failure": reports.Failure{}, "exchange": reports.Exchange{}, "message": reports.Message{},
		"discrepancy": reports.Discrepancy{}, "restored": reports.Restored{},
	}
	for def, v := range types {
		props := schema.Properties
		if def != "" {
			props = schema.Defs[def].Properties
		}
		var inSchema []string
		for name := range props {
			inSchema = append(inSchema, name)
		}
		inGo := jsonFields(reflect.TypeOf(v))
		slices.Sort(inSchema)
		if !slices.Equal(inGo, inSchema) {
			t.Errorf("%T has JSON fields %v, the schema's %q has %v", v, inGo, def, inSchema)
		}
	}
}

func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}
