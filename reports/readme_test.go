package reports_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/conformance-suite/conformance/reports"
)

// The project README documents report.json field by field: every property of the schema is
// named there, so a new field cannot ship undocumented.
func TestReadmeDocumentsEveryField(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties map[string]any `json:"properties"`
		Defs       map[string]struct {
			Properties map[string]any `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(reports.Schema, &schema); err != nil {
		t.Fatal(err)
	}
	check := func(where string, props map[string]any) {
		for name := range props {
			if !strings.Contains(string(readme), "`"+name+"`") {
				t.Errorf("README.md does not document %s.%s", where, name)
			}
		}
	}
	check("report", schema.Properties)
	for def, d := range schema.Defs {
		check(def, d.Properties)
	}
}
