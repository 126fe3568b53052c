package console

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/conformance-suite/conformance/fixtures/derive"
	"github.com/conformance-suite/conformance/reports"
)

// Summary closes the run: the coverage, the skip reasons, a row per operation, the verdict of
// each provider and profile, where the reports are, and the verdict line CI log readers look
// for, last and alone on its line. Quiet prints the verdict line alone; the dots and the
// failed cases they stood for come first.
func (c *Console) Summary(r *reports.Report, reportDir string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopStatus()
	c.endDots()
	if len(c.later) > 0 {
		c.writeCases("")
		for _, rc := range c.later {
			c.writeCases(c.caseLines(rc)...)
		}
	}
	s := r.Summary
	verdict := "PASS"
	if !r.Passed() || (r.Coverage.Short() && r.Shard == nil) {
		verdict = "FAIL"
	}
	last := c.paintWord(fmt.Sprintf("%s: %d passed, %d failed, %d skipped", verdict, s.Passed, s.Failed, s.Skipped))
	if c.mode == Quiet {
		c.writeText(last)
		return
	}
	var out []string
	add := func(lines ...string) { out = append(out, lines...) }
	para := func(text string) { add(wrap(printable(text), "", "    ", c.term.Width)...) }

	add("")
	add(c.coverageLines(r.Coverage, reportDir)...)
	reasons, counts := r.SkipReasons()
	if len(reasons) > 0 {
		add("")
	}
	for _, why := range reasons {
		para(fmt.Sprintf("skipped %d: %s", counts[why], why))
	}
	add("")
	add(c.operationLines(r)...)
	add("")
	for _, pr := range r.Profiles {
		add(fit(fmt.Sprintf("profile %-6s %-14s %-8s %d passed, %d failed, %d skipped", pr.Profile, pr.Provider, pr.Verdict, pr.Passed, pr.Failed, pr.Skipped), c.term.Width))
	}
	if s.Warned > 0 {
		para(fmt.Sprintf("%d passed cases carry warnings: findings outside the %s profile, which do not fail the run (--profile strict makes them failures)", s.Warned, r.Profile))
	}
	para(fmt.Sprintf("verdict on the %s profile: %s", r.Profile, r.Verdict()))
	para(fmt.Sprintf("%d cases in %.2fs; reports in %s (report.json, junit.xml, summary.md, report.html)", len(r.Cases), float64(r.DurationMS)/1000, reportDir))
	add(last)
	c.writeText(out...)
}

// operationLines is the table of cases per operation, then the totals.
func (c *Console) operationLines(r *reports.Report) []string {
	type row struct{ passed, failed, skipped, derived int }
	rows := map[string]*row{}
	var keys []string // "service operation", sorted: the order of the operations in the table
	names := map[string]string{}
	for _, rc := range r.Cases {
		k := rc.Service + " " + rc.Operation
		if rows[k] == nil {
			rows[k] = &row{}
			keys = append(keys, k)
			names[k] = rc.Operation
		}
		if slices.Contains(rc.Labels, derive.LabelDerived) || slices.Contains(rc.Labels, derive.LabelGenerated) {
			rows[k].derived++
		}
		switch rc.State {
		case reports.Passed:
			rows[k].passed++
		case reports.Failed:
			rows[k].failed++
		default:
			rows[k].skipped++
		}
	}
	slices.Sort(keys)
	cells := [][]string{{"operation", "passed", "failed", "skipped", "derived"}}
	var total row
	for _, k := range keys {
		w := rows[k]
		cells = append(cells, []string{names[k], strconv.Itoa(w.passed), strconv.Itoa(w.failed), strconv.Itoa(w.skipped), strconv.Itoa(w.derived)})
		total.derived += w.derived
	}
	s := r.Summary
	cells = append(cells, []string{"total", strconv.Itoa(s.Passed), strconv.Itoa(s.Failed), strconv.Itoa(s.Skipped), strconv.Itoa(total.derived)})
	return table(cells, c.term.Width)
}

// coverageHeads are the console's column heads of the coverage dimensions, short enough for a
// row of every dimension within 80 columns; the reports name them in full.
var coverageHeads = map[string]string{
	reports.CoverStatuses:      "status",
	reports.CoverFields:        "fields",
	reports.CoverEnums:         "enums",
	reports.CoverInputs:        "inputs",
	reports.CoverInvalidInputs: "invalid",
	reports.CoverErrorCodes:    "codes",
	reports.CoverSecurity:      "auth",
	reports.CoverOverall:       "total",
}

// coverageLines is the coverage table (observed/documented per operation, percentages per
// provider), a line per operation that misses documented statuses, error codes or
// credentials, saying how many (the items are in the reports and `conformance coverage`), and
// the --min-coverage shortfalls.
func (c *Console) coverageLines(cov *reports.Coverage, reportDir string) []string {
	if cov == nil {
		return []string{"no coverage recorded"}
	}
	dims := reports.CoverageDimensions()
	head := []string{"coverage"}
	for _, d := range append(slices.Clone(dims), reports.CoverOverall) {
		head = append(head, coverageHeads[d])
	}
	cells := [][]string{head}
	for _, o := range cov.Operations {
		row := []string{o.Operation}
		for _, name := range dims {
			cell := "n/a"
			if d := o.Dimension(name); d != nil && d.Percent != nil {
				cell = fmt.Sprintf("%d/%d", len(d.Observed), len(d.Documented))
			}
			row = append(row, cell)
		}
		cells = append(cells, append(row, percent(o.Percent)))
	}
	for _, p := range cov.Providers {
		row := []string{"provider " + p.Provider}
		for _, name := range dims {
			cell := "n/a"
			if t := p.Dimension(name); t != nil {
				cell = percent(t.Percent)
			}
			row = append(row, cell)
		}
		cells = append(cells, append(row, percent(p.Percent)))
	}
	lines := table(cells, c.term.Width)
	missed := false
	for _, o := range cov.Operations {
		var parts []string
		for _, d := range o.Dimensions {
			if len(d.Missing) > 0 && (d.Name == reports.CoverStatuses || d.Name == reports.CoverErrorCodes || d.Name == reports.CoverSecurity) {
				parts = append(parts, fmt.Sprintf("%d %s", len(d.Missing), d.Name))
			}
		}
		if len(parts) > 0 {
			lines = append(lines, fit("uncovered "+o.Operation+": "+strings.Join(parts, ", "), c.term.Width))
			missed = true
		}
	}
	if missed {
		lines = append(lines, wrap("which ones: conformance coverage "+reportDir+" (and every report)", "", "    ", c.term.Width)...)
	}
	for _, s := range cov.Shortfalls {
		text := printable("BELOW --min-coverage: " + s.String())
		if c.term.TTY {
			lines = append(lines, wrap(text, "", "    ", c.term.Width)...)
		} else {
			lines = append(lines, text)
		}
	}
	return lines
}

// percent renders a percentage in at most five columns: "80.6%", "100%", "n/a".
func percent(p *float64) string {
	switch {
	case p == nil:
		return "n/a"
	case *p == 100:
		return "100%"
	}
	return strconv.FormatFloat(*p, 'f', 1, 64) + "%"
}

// table lays out rows of cells in columns within width: the first column left-aligned and cut
// to what the others leave it, the others right-aligned, each as wide as its widest cell.
func table(rows [][]string, width int) []string {
	if len(rows) == 0 {
		return nil
	}
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], columns(cell))
		}
	}
	rest := 0
	for _, w := range widths[1:] {
		rest += w + 1
	}
	widths[0] = max(min(widths[0], width-rest), 8)
	lines := make([]string, len(rows))
	for i, row := range rows {
		var b strings.Builder
		first := fit(printable(row[0]), widths[0])
		b.WriteString(first + strings.Repeat(" ", widths[0]-columns(first)))
		for j, cell := range row[1:] {
			b.WriteString(" " + strings.Repeat(" ", widths[j+1]-columns(cell)) + cell)
		}
		lines[i] = b.String()
	}
	return lines
}
