package reports_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/conformance-suite/conformance/reports"
)

// TestEvidenceWritesTheSameReports: a report whose cases' evidence a run kept on disk
// (Evidence.Keep) is written byte for byte as the same report held whole in memory, in every
// format, and every case reads back whole; the file is gone from the report directory.
func TestEvidenceWritesTheSameReports(t *testing.T) {
	want := writeAll(t, failingReport())
	dir := t.TempDir()
	e, err := reports.NewEvidence(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := failingReport()
	for i := range r.Cases {
		e.Keep(&r.Cases[i])
		if c := r.Cases[i]; c.Exchange != nil || c.Curl != "" {
			t.Fatalf("case %s still holds its evidence after Keep", c.ID)
		}
	}
	whole := failingReport()
	for i := range r.Cases {
		c, err := r.Cases[i].Whole()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c, whole.Cases[i]) {
			t.Errorf("case %s reads back as\n%+v\nnot\n%+v", c.ID, c, whole.Cases[i])
		}
	}
	out := filepath.Join(dir, "report")
	if err := reports.WriteAll(out, r); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"report.json", "junit.xml", "summary.md", "report.html"} {
		if !bytes.Equal(read(t, out, name), read(t, want, name)) {
			t.Errorf("%s differs when the evidence was kept on disk", name)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 { // the report directory alone: the evidence file is unlinked
		t.Errorf("the directory holds %d entries besides the report: %v", len(entries)-1, entries)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Cases[0].Whole(); err == nil {
		t.Error("a case reads its evidence back after Close")
	}
}

// TestEvidenceWithoutFileKeepsCases: a nil Evidence (no report directory) keeps every case
// whole in memory.
func TestEvidenceWithoutFileKeepsCases(t *testing.T) {
	var e *reports.Evidence
	r := failingReport()
	e.Keep(&r.Cases[0])
	if r.Cases[0].Exchange == nil || r.Cases[0].Curl == "" {
		t.Error("a nil Evidence took a case's evidence")
	}
	if err := e.Close(); err != nil {
		t.Error(err)
	}
}
