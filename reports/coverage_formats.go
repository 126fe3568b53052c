package reports

import (
	"fmt"
	"strings"
)

// coverageDetailsBudget bounds the folded list of uncovered items in summary.md, so that the
// failures after it still fit markdownBudget; report.html and report.json list them all.
const coverageDetailsBudget = 16_000

// markdownCoverage is the coverage in summary.md: one compact table (a row per operation, then
// per provider) and, folded, what each operation misses and what is not counted.
func (r *Report) markdownCoverage(b *strings.Builder) {
	c := r.Coverage
	if c == nil {
		return
	}
	dims := CoverageDimensions()
	b.WriteString("### Contract coverage\n\nDocumented items the run exercised, per provider and dimension; overall is the mean of the dimensions (see the README). ")
	b.WriteString("Per operation, observed / documented:\n\n")
	// A column per provider (at most three) and a line per operation keep the coverage within
	// a comment's width; a column per dimension would not fit.
	for _, o := range c.Operations {
		var cells []string
		for _, name := range dims {
			if d := o.Dimension(name); d != nil && d.Percent != nil {
				cells = append(cells, fmt.Sprintf("%s %d/%d", mdText(strings.ReplaceAll(name, "_", " ")), len(d.Observed), len(d.Documented)))
			}
		}
		fmt.Fprintf(b, "- %s **%s**: %s\n", mdCode(o.Operation), PercentText(o.Percent), strings.Join(cells, " · "))
	}
	b.WriteString("\n| dimension |")
	for _, p := range c.Providers {
		fmt.Fprintf(b, " %s |", mdText(p.Provider))
	}
	b.WriteString("\n|:--|" + strings.Repeat("--:|", len(c.Providers)) + "\n")
	for _, name := range dims {
		fmt.Fprintf(b, "| %s |", mdText(strings.ReplaceAll(name, "_", " ")))
		for _, p := range c.Providers {
			cell := "n/a"
			if t := p.Dimension(name); t != nil {
				cell = PercentText(t.Percent)
			}
			fmt.Fprintf(b, " %s |", cell)
		}
		b.WriteString("\n")
	}
	b.WriteString("| **overall** |")
	for _, p := range c.Providers {
		fmt.Fprintf(b, " **%s** |", PercentText(p.Percent))
	}
	b.WriteString("\n\n")
	if len(c.Shortfalls) > 0 {
		b.WriteString("❌ Below `--min-coverage`:\n\n")
		for _, s := range c.Shortfalls {
			fmt.Fprintf(b, "- %s %s %s < %s%%: missing %s\n", mdCode(s.Operation), mdText(s.Dimension),
				formatPercent(s.Percent)+"%", formatPercent(s.Minimum), mdItems(s.Missing))
		}
		b.WriteString("\n")
	}
	var d strings.Builder
	missing := 0
	for _, o := range c.Operations {
		var lines []string
		for _, dim := range o.Dimensions {
			missing += len(dim.Missing)
			if len(dim.Missing) > 0 {
				lines = append(lines, fmt.Sprintf("- %s: %s\n", mdText(dim.Name), mdItems(dim.Missing)))
			}
			if len(dim.Undocumented) > 0 {
				lines = append(lines, fmt.Sprintf("- %s seen but not documented: %s\n", mdText(dim.Name), mdItems(dim.Undocumented)))
			}
		}
		if len(lines) > 0 {
			fmt.Fprintf(&d, "#### %s\n\n%s\n", mdCode(o.Service+"."+o.Operation), strings.Join(lines, ""))
		}
	}
	var excluded []string
	for _, o := range c.Operations {
		if dim := o.Dimension(CoverStatuses); dim != nil {
			for _, e := range dim.Excluded {
				excluded = append(excluded, fmt.Sprintf("- %s %s: %s\n", mdCode(o.Operation), mdCode(e.Item), mdText(e.Reason)))
			}
		}
	}
	if len(excluded) > 0 {
		fmt.Fprintf(&d, "#### Not counted\n\nStatuses no client can provoke, as the specs note beside them (`x-coverage-unreachable`), with what is documented only under them; report.json lists every item not counted and why.\n\n%s\n", strings.Join(excluded, ""))
	}
	if d.Len() == 0 {
		return
	}
	text := d.String()
	if len(text) > coverageDetailsBudget {
		text = text[:strings.LastIndex(text[:coverageDetailsBudget], "\n")+1] + "\n… more: see report.html or report.json.\n\n"
	}
	fmt.Fprintf(b, "<details><summary>Uncovered items (%d)</summary>\n\n%s</details>\n\n", missing, text)
}

// mdItems renders coverage items as inline code, comma-separated.
func mdItems(items []string) string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = mdCell(mdCode(it))
	}
	return strings.Join(out, ", ")
}

// junitCoverage is the coverage of a service's operations as JUnit properties: per operation
// its overall percentage and, per dimension, "observed/documented (percent)" and the missing
// items; the provider's overall percentage.
func (r *Report) junitCoverage(service string) []junitProperty {
	c := r.Coverage
	if c == nil {
		return nil
	}
	var props []junitProperty
	provider := ""
	for _, o := range c.Operations {
		if o.Service != service {
			continue
		}
		provider = o.Provider
		props = append(props, junitProperty{"coverage." + o.Operation, PercentText(o.Percent)})
		for _, d := range o.Dimensions {
			if d.Percent == nil {
				continue
			}
			props = append(props, junitProperty{"coverage." + o.Operation + "." + d.Name,
				fmt.Sprintf("%d/%d (%s)", len(d.Observed), len(d.Documented), PercentText(d.Percent))})
			if len(d.Missing) > 0 {
				props = append(props, junitProperty{"coverage." + o.Operation + "." + d.Name + ".missing", strings.Join(d.Missing, ", ")})
			}
		}
	}
	if p := c.Provider(provider); p != nil {
		props = append(props, junitProperty{"coverage.provider." + provider, PercentText(p.Percent)})
	}
	return props
}

// htmlCoverage is the coverage as report.html shows it: a row per operation and provider, and
// every uncovered item with its operation and dimension, for the page's filters.
type htmlCoverage struct {
	Dimensions []string
	Rows       []htmlCoverageRow
	Items      []htmlCoverageItem
	Excluded   []htmlCoverageItem
	Shortfalls []string
}

type htmlCoverageRow struct {
	Provider, Service, Operation string // Operation empty on a provider's row
	Cells                        []htmlCoverageCell
	Overall                      string
}

type htmlCoverageCell struct{ Text, Class string }

type htmlCoverageItem struct {
	Provider, Service, Operation, Dimension, Item, Note string
}

func (c *Coverage) html() *htmlCoverage {
	if c == nil {
		return nil
	}
	h := &htmlCoverage{Dimensions: CoverageDimensions()}
	for _, o := range c.Operations {
		row := htmlCoverageRow{Provider: o.Provider, Service: o.Service, Operation: o.Operation, Overall: PercentText(o.Percent)}
		for _, name := range h.Dimensions {
			cell := htmlCoverageCell{Text: "n/a", Class: "none"}
			if d := o.Dimension(name); d != nil && d.Percent != nil {
				cell = htmlCoverageCell{Text: fmt.Sprintf("%d/%d", len(d.Observed), len(d.Documented)), Class: coverageClass(*d.Percent)}
			}
			row.Cells = append(row.Cells, cell)
		}
		h.Rows = append(h.Rows, row)
		for _, d := range o.Dimensions {
			for _, m := range d.Missing {
				h.Items = append(h.Items, htmlCoverageItem{o.Provider, o.Service, o.Operation, d.Name, m, "never observed"})
			}
			for _, u := range d.Undocumented {
				h.Items = append(h.Items, htmlCoverageItem{o.Provider, o.Service, o.Operation, d.Name, u, "seen, not documented"})
			}
			for _, e := range d.Excluded {
				h.Excluded = append(h.Excluded, htmlCoverageItem{o.Provider, o.Service, o.Operation, d.Name, e.Item, e.Reason})
			}
		}
	}
	for _, p := range c.Providers {
		row := htmlCoverageRow{Provider: p.Provider, Overall: PercentText(p.Percent)}
		for _, name := range h.Dimensions {
			cell := htmlCoverageCell{Text: "n/a", Class: "none"}
			if t := p.Dimension(name); t != nil && t.Percent != nil {
				cell = htmlCoverageCell{Text: PercentText(t.Percent), Class: coverageClass(*t.Percent)}
			}
			row.Cells = append(row.Cells, cell)
		}
		h.Rows = append(h.Rows, row)
	}
	for _, s := range c.Shortfalls {
		h.Shortfalls = append(h.Shortfalls, s.String())
	}
	return h
}

// coverageClass colours a coverage cell: complete, partial, or nothing covered.
func coverageClass(p float64) string {
	switch {
	case p >= 100:
		return "pass"
	case p > 0:
		return "skip"
	}
	return "fail"
}
