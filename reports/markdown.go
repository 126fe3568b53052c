package reports

import (
	"fmt"
	"html"
	"slices"
	"strings"
	"unicode"
)

// markdownBudget keeps summary.md under GitHub's limit for a PR comment (65,536 characters;
// $GITHUB_STEP_SUMMARY allows 1 MiB): past it, the failures that do not fit are counted and
// left to report.html and junit.xml.
const markdownBudget = 60_000

// Markdown renders the report as GitHub-flavoured Markdown for a PR comment or
// $GITHUB_STEP_SUMMARY, in the order a reviewer reads it: the verdict and each provider's
// score and profile verdicts; the failures, folded per operation; the warnings, folded; a
// compact matrix; the coverage; the documentation discrepancies (the same on every run),
// folded; the skipped cases, folded. Every table has at most seven narrow columns, so it fits
// the width of a GitHub comment (about 780 px); report.html has the full matrix, check by check.
// Text from the target (messages, curl) appears inside fenced code blocks, whose fence is
// longer than any backtick run in it, or escaped (backslashes in Markdown, entities in the
// HTML of a <summary>), so a target cannot inject links, images or HTML into the page that
// shows the summary.
func (r *Report) Markdown() []byte {
	var b strings.Builder
	r.markdownHeader(&b)
	r.markdownScores(&b)
	r.markdownFailures(&b)
	r.markdownWarnings(&b)
	r.markdownMatrix(&b)
	r.markdownCoverage(&b)
	r.markdownDiscrepancies(&b)
	r.markdownSkipped(&b)
	r.markdownRestored(&b)
	return []byte(b.String())
}

func (r *Report) markdownHeader(b *strings.Builder) {
	icon := "✅"
	if !r.Passed() {
		icon = "❌"
	}
	fmt.Fprintf(b, "## %s Conformance: %s · %d passed, %d failed, %d skipped\n\n", icon, mdText(r.Verdict()), r.Summary.Passed, r.Summary.Failed, r.Summary.Skipped)
	if r.Profile != "" {
		fmt.Fprintf(b, "Exit status computed on the **%s** profile", mdText(r.Profile))
		if r.BaselineResult != nil {
			fmt.Fprintf(b, " against the baseline %s", mdCode(r.BaselineResult.Source))
		}
		if r.Summary.Warned > 0 {
			fmt.Fprintf(b, "; %d passed cases carry warnings (findings of a higher profile)", r.Summary.Warned)
		}
		b.WriteString(".\n\n")
	}
	if bl := r.BaselineResult; bl != nil && bl.Regressed() {
		b.WriteString("Regressions against the baseline:\n\n")
		for _, id := range bl.Regressions {
			fmt.Fprintf(b, "- %s\n", mdCode(id))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "Target: %s · started %s · %s s · report version %s", mdText(r.Target),
		r.Started.UTC().Format("2006-01-02 15:04:05 UTC"), seconds(r.DurationMS), mdText(r.Version))
	if r.Shard != nil {
		fmt.Fprintf(b, " · shard %s", r.Shard)
	}
	b.WriteString("\n\n")
}

// markdownWarnings lists the findings outside the run's profile, folded: they do not fail the
// run, and a reader opens them when deciding whether to move to a stricter profile.
func (r *Report) markdownWarnings(b *strings.Builder) {
	if r.Summary.Warned == 0 {
		return
	}
	fmt.Fprintf(b, "### Warnings (%d cases)\n\n<details><summary>Findings outside the %s profile</summary>\n\n", r.Summary.Warned, mdText(r.Profile))
	for _, c := range r.Cases {
		if len(c.Warnings) == 0 {
			continue
		}
		var msgs []string
		for _, f := range c.Warnings {
			msgs = append(msgs, f.Message)
		}
		var one strings.Builder
		fmt.Fprintf(&one, "#### ⚠️ %s %s\n\n%s", mdCode(c.Service+"."+c.Operation), mdText(c.Name), fence(strings.Join(msgs, "\n"), "text"))
		if r := c.reproduceWhole(); r != "" {
			one.WriteString("\nReproduce:\n\n" + fence(r, "sh"))
		}
		one.WriteString("\n")
		if b.Len()+one.Len() > markdownBudget {
			b.WriteString("… more warnings: see report.html or junit.xml.\n\n")
			break
		}
		b.WriteString(one.String())
	}
	b.WriteString("</details>\n\n")
}

// markdownScores is one table of each provider's score and its verdict at each profile
// (Gateway API's ConformanceReport): passed, partial (none failed, some did not run), failed.
func (r *Report) markdownScores(b *strings.Builder) {
	verdicts := map[[2]string]string{}
	levels := slices.Clone(r.Levels) // a report written without levels: the profiles it names
	for _, p := range r.Profiles {
		verdicts[[2]string{p.Provider, p.Profile}] = p.Verdict
		if len(r.Levels) == 0 && !slices.Contains(levels, p.Profile) {
			levels = append(levels, p.Profile)
		}
	}
	b.WriteString("| provider | score | passed | failed | skipped |")
	for _, l := range levels {
		fmt.Fprintf(b, " %s |", mdText(l))
	}
	b.WriteString("\n|:--|--:|--:|--:|--:|" + strings.Repeat(":--|", len(levels)) + "\n")
	for _, s := range r.Scores() {
		fmt.Fprintf(b, "| %s | **%s** | %d | %d | %d |", mdText(s.Provider), s.Percent(), s.Passed, s.Failed, s.Skipped)
		for _, l := range levels {
			v := verdicts[[2]string{s.Provider, l}]
			if v == "" {
				v = "–"
			}
			fmt.Fprintf(b, " %s |", mdText(v))
		}
		b.WriteString("\n")
	}
	b.WriteString("\nScore: passed cases among those that ran. Per profile: passed (every case ran and held), partial (none failed, some did not run); a profile includes the ones before it.\n\n")
}

// markdownMatrix is the compliance matrix folded to fit a comment: per operation, its cases
// and its check verdicts summed, and the checks that failed by name. The matrix with a column
// per check (a dozen) would overflow the comment; report.html shows it.
func (r *Report) markdownMatrix(b *strings.Builder) {
	m := r.Matrix()
	b.WriteString("### Compliance matrix\n\n")
	b.WriteString("Per operation: its cases (✅ passed, ❌ failed, ⏭️ skipped); the verdicts of its checks, summed (✅ passed, ❌ failed, ")
	b.WriteString("⏭️ not evaluated: a check it needs failed); the checks that failed. report.html has a column per check.\n\n")
	b.WriteString("| operation | cases | ✅ | ❌ | ⏭️ | failed checks |\n|:--|:--|--:|--:|--:|:--|\n")
	for _, row := range m.Rows {
		var sum Counts
		var failed []string
		for i, cell := range row.Checks {
			sum.Passed += cell.Passed
			sum.Failed += cell.Failed
			sum.Skipped += cell.Skipped
			if cell.Failed > 0 {
				failed = append(failed, fmt.Sprintf("%s %d", mdCell(mdCode(m.Checks[i])), cell.Failed))
			}
		}
		fmt.Fprintf(b, "| %s<br>%s | %s | %d | %d | %d | %s |\n", mdCell(mdCode(row.Operation)), mdText(row.Provider),
			mdCounts(Counts{row.Cases.Passed, row.Cases.Failed, row.Cases.Skipped}), sum.Passed, sum.Failed, sum.Skipped,
			strings.Join(failed, "<br>"))
	}
	b.WriteString("\n")
}

// markdownDiscrepancies lists where the pages and the services differ, folded (they are the
// same on every run), grouped by page and named by the page's title and the operations.
func (r *Report) markdownDiscrepancies(b *strings.Builder) {
	if len(r.Discrepancies) == 0 {
		return
	}
	fmt.Fprintf(b, "### Where the documentation and the service differ (%d)\n\n", len(r.Discrepancies))
	b.WriteString("<details><summary>The specs follow the service and record what the page claims; the suite tests what the service does.</summary>\n\n")
	var pages []string
	by := map[string][]Discrepancy{}
	for _, d := range r.Discrepancies {
		if by[d.Source] == nil {
			pages = append(pages, d.Source)
		}
		by[d.Source] = append(by[d.Source], d)
	}
	for _, page := range pages {
		ds := by[page]
		title := ds[0].Title
		if title == "" {
			title = page
		}
		fmt.Fprintf(b, "#### %s\n\n", mdText("“"+title+"”"))
		for _, d := range ds {
			fmt.Fprintf(b, "- ")
			if d.Operation != "" {
				fmt.Fprintf(b, "%s ", mdCode(d.Operation))
			}
			fmt.Fprintf(b, "%s: the page says %s; the service does, and we test: %s (%s)\n", mdCode(d.Pointer),
				mdText(d.Doc), mdText(d.Actual), mdCode(fmt.Sprintf("%s:%d", d.File, d.Line)))
		}
		b.WriteString("\n")
	}
	b.WriteString("</details>\n\n")
}

func (r *Report) markdownSkipped(b *strings.Builder) {
	if r.Summary.Skipped == 0 {
		return
	}
	fmt.Fprintf(b, "### Skipped (%d)\n\n<details><summary>Cases that did not run, and why</summary>\n\n", r.Summary.Skipped)
	for _, c := range r.Cases {
		if c.State == Skipped {
			fmt.Fprintf(b, "- %s %s: %s\n", mdCode(c.Operation), mdText(c.Name), mdText(c.Reason))
		}
	}
	b.WriteString("\n</details>\n\n")
}

// markdownFailures lists every failure with its messages and curl, folded per operation: the
// <summary> names the operation, how many of its cases failed and the checks that failed, so
// a reader opens the one that concerns them.
func (r *Report) markdownFailures(b *strings.Builder) {
	if r.Summary.Failed == 0 {
		return
	}
	fmt.Fprintf(b, "### Failures (%d)\n\n", r.Summary.Failed)
	type group struct {
		service, operation string
		cases              []Case
		checks             []string
	}
	var groups []*group
	by := map[[2]string]*group{}
	for _, c := range r.Cases {
		if c.State != Failed {
			continue
		}
		key := [2]string{c.Service, c.Operation}
		g := by[key]
		if g == nil {
			g = &group{service: c.Service, operation: c.Operation}
			by[key] = g
			groups = append(groups, g)
		}
		g.cases = append(g.cases, c)
		for _, f := range c.Failures {
			if !slices.Contains(g.checks, f.Check) {
				g.checks = append(g.checks, f.Check)
			}
		}
	}
	left := r.Summary.Failed
	for _, g := range groups {
		fmt.Fprintf(b, "<details><summary>❌ <code>%s</code> %s: %d failed (%s)</summary>\n\n",
			html.EscapeString(printable(g.operation)), html.EscapeString(printable(g.service)), len(g.cases),
			html.EscapeString(printable(strings.Join(g.checks, ", "))))
		for _, c := range g.cases {
			var one strings.Builder
			fmt.Fprintf(&one, "#### ❌ %s\n\n%s · %s\n\n", mdText(c.Name), mdCode(c.ID), mdCode(c.Service+"."+c.Operation))
			var msgs []string
			for _, f := range c.Failures {
				msgs = append(msgs, f.Message)
			}
			one.WriteString(fence(strings.Join(msgs, "\n"), "text"))
			if r := c.reproduceWhole(); r != "" {
				one.WriteString("\nReproduce:\n\n" + fence(r, "sh"))
			}
			one.WriteString("\n")
			if b.Len()+one.Len() > markdownBudget {
				fmt.Fprintf(b, "… and %d more failures: see report.html or junit.xml.\n\n</details>\n\n", left)
				return
			}
			b.WriteString(one.String())
			left--
		}
		b.WriteString("</details>\n\n")
	}
}

// markdownRestored lists the state a run against a real target put back, and above all what
// it could not: that is state someone must repair by hand.
func (r *Report) markdownRestored(b *strings.Builder) {
	if len(r.Restored) == 0 {
		return
	}
	fmt.Fprintf(b, "### State put back after the run (%d)\n\n", len(r.Restored))
	for _, x := range r.Restored {
		result := "restored"
		if x.Error != "" {
			result = "❌ **not restored**: " + mdText(x.Error)
		}
		fmt.Fprintf(b, "- %s %s: %s\n", mdCode(x.Operation), mdText(x.What), result)
	}
	b.WriteString("\n")
}

// mdCounts renders one matrix cell, zeros left out.
func mdCounts(c Counts) string {
	var parts []string
	for _, p := range []struct {
		mark string
		n    int
	}{{"✅", c.Passed}, {"❌", c.Failed}, {"⏭️", c.Skipped}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", p.mark, p.n))
		}
	}
	return strings.Join(parts, " ")
}

// mdText escapes text for a Markdown paragraph or table cell: every character that could start
// emphasis, a link, HTML or a table column is backslash-escaped, and line breaks become spaces.
func mdText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '&', '#', '!', '(', ')':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteString(printable(string(r)))
		}
	}
	return b.String()
}

// mdCode renders s as inline code, with a fence longer than any backtick run inside.
func mdCode(s string) string {
	s = printable(strings.NewReplacer("\n", " ", "\r", " ").Replace(s))
	tick := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return tick + s + tick
}

// mdCell makes inline code safe in a table cell: GFM splits cells at "|" even inside code,
// unless it is escaped.
func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// fence renders s as a fenced code block.
func fence(s, lang string) string {
	s = printable(s)
	tick := strings.Repeat("`", max(3, longestRun(s, '`')+1))
	return tick + lang + "\n" + strings.TrimRight(s, "\n") + "\n" + tick + "\n"
}

func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// printable replaces control characters other than newline and tab by U+FFFD: a target's
// answer may carry terminal escape sequences, and summary.md and the diff output end up in
// terminals and logs.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return '\uFFFD'
	}, s)
}
