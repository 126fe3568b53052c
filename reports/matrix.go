package reports

import (
	"cmp"
	"fmt"
	"slices"
)

// The states of one check on one case, as Case.Checks records them.
const (
	CheckPassed        = "passed"
	CheckFailed        = "failed"
	CheckNotApplicable = "not_applicable" // nothing to judge: counted nowhere
	CheckNotEvaluated  = "not_evaluated"  // a check it needs failed: counted as skipped
)

// Counts tallies verdicts.
type Counts struct {
	Passed, Failed, Skipped int
}

// Empty reports whether nothing was counted.
func (c Counts) Empty() bool { return c == Counts{} }

// Matrix is the compliance matrix: one row per operation, one column per check.
type Matrix struct {
	Checks []string
	Rows   []MatrixRow
}

// MatrixRow is one operation's line of the matrix.
type MatrixRow struct {
	Provider, Service, Operation string
	// Cases counts the operation's cases by state; skipped cases have no check verdicts, so
	// this is where they show.
	Cases Summary
	// Checks holds one cell per Matrix.Checks column: passed and failed verdicts, and
	// not_evaluated ones as skipped; not_applicable counts nowhere.
	Checks []Counts
}

// Matrix builds the compliance matrix. Its columns are Report.Checks, in the suite's order,
// then any other check a case names, sorted (a report written without Checks). Rows are
// sorted by service and operation, so a merged report and an unsharded one give the same
// matrix.
func (r *Report) Matrix() Matrix {
	m := Matrix{Checks: slices.Clone(r.Checks)}
	known := len(m.Checks)
	for _, c := range r.Cases {
		for name := range c.Checks {
			if !slices.Contains(m.Checks, name) {
				m.Checks = append(m.Checks, name)
			}
		}
	}
	slices.Sort(m.Checks[known:])
	column := map[string]int{}
	for i, name := range m.Checks {
		column[name] = i
	}
	rows := map[[2]string]*MatrixRow{}
	for _, c := range r.Cases {
		key := [2]string{c.Service, c.Operation}
		row := rows[key]
		if row == nil {
			row = &MatrixRow{Provider: c.Provider, Service: c.Service, Operation: c.Operation, Checks: make([]Counts, len(m.Checks))}
			rows[key] = row
		}
		row.Cases.add(c.State)
		for name, state := range c.Checks {
			cell := &row.Checks[column[name]]
			switch state {
			case CheckPassed:
				cell.Passed++
			case CheckFailed:
				cell.Failed++
			case CheckNotEvaluated:
				cell.Skipped++
			}
		}
	}
	for _, row := range rows {
		m.Rows = append(m.Rows, *row)
	}
	slices.SortFunc(m.Rows, func(a, b MatrixRow) int {
		return cmp.Or(cmp.Compare(a.Service, b.Service), cmp.Compare(a.Operation, b.Operation))
	})
	return m
}

func (s *Summary) add(state string) {
	switch state {
	case Passed:
		s.Passed++
	case Failed:
		s.Failed++
	case Skipped:
		s.Skipped++
	}
}

// Score is a provider's share of passing cases among those that ran.
type Score struct {
	Provider string
	Summary
}

// Run is the number of cases that ran: passed or failed, not skipped.
func (s Score) Run() int { return s.Passed + s.Failed }

// Percent is passed / run, as a string: "n/a" when nothing ran, so that a provider whose
// cases were all skipped does not read as 0% or 100% compliant.
func (s Score) Percent() string {
	if s.Run() == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(s.Passed)/float64(s.Run()))
}

// Scores returns each provider's score, sorted by provider.
func (r *Report) Scores() []Score {
	by := map[string]*Score{}
	for _, c := range r.Cases {
		if by[c.Provider] == nil {
			by[c.Provider] = &Score{Provider: c.Provider}
		}
		by[c.Provider].add(c.State)
	}
	var out []Score
	for _, s := range by {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Score) int { return cmp.Compare(a.Provider, b.Provider) })
	return out
}
