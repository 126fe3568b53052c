package reports

import (
	"fmt"
	"strings"
	"unicode"
)

// markdownBudget keeps summary.md under GitHub's limit for a PR comment (65,536 characters;
// $GITHUB_STEP_SUMMARY allows 1 MiB): past it, the failures that do not fit are counted and
// left to report.html and junit.xml.
const markdownBudget = 60_000

// Markdown renders the report as GitHub-flavoured Markdown for a PR comment or
// $GITHUB_STEP_SUMMARY: the verdict, each provider's score, the compliance matrix, the
// documentation discrepancies, every failure with its messages and curl reproduction, and the
// skipped cases with their reasons.
// Text from the target (messages, curl) appears inside fenced code blocks, whose fence is
// longer than any backtick run in it, or backslash-escaped in a table cell, so a target
// cannot inject links, images or HTML into the page that shows the summary.
func (r *Report) Markdown() []byte {
	var b strings.Builder
	r.markdownHeader(&b)
	r.markdownProfiles(&b)
	r.markdownScores(&b)
	r.markdownMatrix(&b)
	r.markdownCoverage(&b)
	r.markdownDiscrepancies(&b)
	r.markdownFailures(&b)
	r.markdownWarnings(&b)
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

// markdownProfiles is Gateway API's ConformanceReport in a table: each provider's verdict at
// each profile.
func (r *Report) markdownProfiles(b *strings.Builder) {
	if len(r.Profiles) == 0 {
		return
	}
	b.WriteString("### Profiles\n\npassed: every case ran and held; partial: none failed, some did not run; a profile includes the ones before it.\n\n")
	b.WriteString("| provider | profile | verdict | passed | failed | skipped |\n|:--|:--|:--|--:|--:|--:|\n")
	for _, p := range r.Profiles {
		fmt.Fprintf(b, "| %s | %s | **%s** | %d | %d | %d |\n", mdText(p.Provider), mdText(p.Profile), mdText(p.Verdict), p.Passed, p.Failed, p.Skipped)
	}
	b.WriteString("\n")
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
		if c.Curl != "" {
			one.WriteString("\nReproduce:\n\n" + fence(c.Curl, "sh"))
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

func (r *Report) markdownScores(b *strings.Builder) {
	b.WriteString("### Score per provider\n\nPassed cases among those that ran (skipped cases do not count).\n\n")
	b.WriteString("| provider | passed | failed | skipped | score |\n|:--|--:|--:|--:|--:|\n")
	for _, s := range r.Scores() {
		fmt.Fprintf(b, "| %s | %d | %d | %d | **%s** |\n", mdText(s.Provider), s.Passed, s.Failed, s.Skipped, s.Percent())
	}
	b.WriteString("\n")
}

func (r *Report) markdownMatrix(b *strings.Builder) {
	m := r.Matrix()
	b.WriteString("### Compliance matrix\n\n")
	b.WriteString("One row per operation, one column per check, counting the cases' verdicts: ✅ passed, ❌ failed, ")
	b.WriteString("⏭️ not evaluated (a check it needs failed); blank: not applicable. In the cases column, ⏭️ counts skipped cases.\n\n")
	b.WriteString("| operation | cases |")
	for _, name := range m.Checks {
		fmt.Fprintf(b, " %s |", mdCell(mdCode(name)))
	}
	b.WriteString("\n|:--|:--|" + strings.Repeat(":-:|", len(m.Checks)) + "\n")
	for _, row := range m.Rows {
		fmt.Fprintf(b, "| %s<br>%s | %s |", mdText(row.Service), mdCell(mdCode(row.Operation)),
			mdCounts(Counts{row.Cases.Passed, row.Cases.Failed, row.Cases.Skipped}))
		for _, cell := range row.Checks {
			fmt.Fprintf(b, " %s |", mdCounts(cell))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

func (r *Report) markdownDiscrepancies(b *strings.Builder) {
	if len(r.Discrepancies) == 0 {
		return
	}
	fmt.Fprintf(b, "### Where the documentation and the service differ (%d)\n\n", len(r.Discrepancies))
	b.WriteString("The specs follow the service and record what the page claims; the suite tests what the service does.\n\n")
	b.WriteString("| where | the page says | the service does: what we test | source |\n|:--|:--|:--|:--|\n")
	for _, d := range r.Discrepancies {
		fmt.Fprintf(b, "| %s<br>%s | %s | %s | %s |\n", mdCell(mdCode(fmt.Sprintf("%s:%d", d.File, d.Line))),
			mdCell(mdCode(d.Pointer)), mdText(d.Doc), mdText(d.Actual), mdText(d.Source))
	}
	b.WriteString("\n")
}

func (r *Report) markdownSkipped(b *strings.Builder) {
	if r.Summary.Skipped == 0 {
		return
	}
	fmt.Fprintf(b, "### Skipped (%d)\n\n| case | why |\n|:--|:--|\n", r.Summary.Skipped)
	for _, c := range r.Cases {
		if c.State == Skipped {
			fmt.Fprintf(b, "| %s %s | %s |\n", mdCell(mdCode(c.Service+"."+c.Operation)), mdText(c.Name), mdText(c.Reason))
		}
	}
	b.WriteString("\n")
}

func (r *Report) markdownFailures(b *strings.Builder) {
	if r.Summary.Failed == 0 {
		return
	}
	fmt.Fprintf(b, "### Failures (%d)\n\n", r.Summary.Failed)
	left := r.Summary.Failed
	for _, c := range r.Cases {
		if c.State != Failed {
			continue
		}
		var one strings.Builder
		fmt.Fprintf(&one, "#### ❌ %s %s\n\n", mdCode(c.Service+"."+c.Operation), mdText(c.Name))
		var msgs []string
		for _, f := range c.Failures {
			msgs = append(msgs, f.Message)
		}
		one.WriteString(fence(strings.Join(msgs, "\n"), "text"))
		if c.Curl != "" {
			one.WriteString("\nReproduce:\n\n" + fence(c.Curl, "sh"))
		}
		one.WriteString("\n")
		if b.Len()+one.Len() > markdownBudget {
			fmt.Fprintf(b, "… and %d more failures: see report.html or junit.xml.\n\n", left)
			return
		}
		b.WriteString(one.String())
		left--
	}
}

// markdownRestored lists the state a run against a real target put back, and above all what
// it could not: that is state someone must repair by hand.
func (r *Report) markdownRestored(b *strings.Builder) {
	if len(r.Restored) == 0 {
		return
	}
	fmt.Fprintf(b, "### State put back after the run (%d)\n\n| operation | what | result |\n|:--|:--|:--|\n", len(r.Restored))
	for _, x := range r.Restored {
		result := "restored"
		if x.Error != "" {
			result = "❌ not restored: " + mdText(x.Error)
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", mdCell(mdCode(x.Operation)), mdText(x.What), result)
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
