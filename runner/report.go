package runner

import (
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/specs"
)

// newReport is the head of every report the session's exchanges go into, a run's or a
// proxy's (Observer): what was targeted, the profiles, the checks and the specs'
// documentation discrepancies, and no case yet.
func (s *session) newReport(target string, targets map[string]string, started time.Time) *reports.Report {
	r := &reports.Report{
		Version:    reports.Version,
		Target:     s.redact.text(target),
		Targets:    targets,
		Started:    started.UTC(),
		DurationMS: time.Since(started).Milliseconds(),
		Cases:      []reports.Case{},
		Seed:       s.cfg.Seed,
		Profile:    string(s.cfg.Profile),
	}
	for _, l := range fixtures.Profiles {
		r.Levels = append(r.Levels, string(l))
	}
	for _, c := range conformance.Checks {
		r.Checks = append(r.Checks, string(c.Name))
	}
	for _, d := range s.specs.Discrepancies() {
		r.Discrepancies = append(r.Discrepancies, reports.Discrepancy{
			File: d.File, Line: d.Line, Pointer: d.Pointer, Doc: d.Doc, Actual: d.Actual, Source: d.Source,
			Title: d.Title, Operation: d.Operation,
		})
	}
	return r
}

// closeReport tallies a report's cases and adds the coverage of ops (the operations in scope)
// and of every operation the session's exchanges exercised, gated by --min-coverage.
func (s *session) closeReport(r *reports.Report, ops []*specs.Operation) {
	r.Tally()
	r.Coverage = s.coverage.Coverage(ops)
	r.Coverage.Gate(s.cfg.MinCoverage)
}
