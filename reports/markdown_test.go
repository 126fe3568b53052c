package reports_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/conformance-suite/conformance/reports"
)

// summary.md has the verdict, the scores with each profile's verdict, the failures folded per
// operation with their messages and curl in fences, a compact matrix naming the failed checks,
// the discrepancies folded by page title, and the skipped cases folded.
func TestMarkdownSections(t *testing.T) {
	r := failingReport()
	r.Levels = []string{"core", "strict"}
	r.Profiles = []reports.ProfileResult{{Provider: "huaweicloud", Profile: "core", Verdict: "failed"}}
	md := string(read(t, writeAll(t, r), "summary.md"))
	want := []string{
		"## ❌ Conformance: failed · 2 passed, 2 failed, 1 skipped",
		"| provider | score | passed | failed | skipped | core | strict |",
		"| alibabacloud | **n/a** | 0 | 0 | 1 |",
		"| huaweicloud | **50.0%** | 1 | 1 | 0 | failed | – |",
		"<details><summary>❌ <code>InitializeTenant</code> huaweicloud-workspaceapp: 1 failed (not_a_server_error, negative_data_rejection)</summary>",
		"#### ❌ service\\_status outside its enum",
		"```sh\n" + r.Cases[1].Curl + "\n```",
		"negative_data_rejection: expected 400, got 500",
		"| `InitializeTenant`<br>huaweicloud | ✅ 1 ❌ 1 | 7 | 3 | 1 | `not_a_server_error` 1<br>`status_code_conformance` 1<br>`negative_data_rejection` 1 |",
		"#### “ChangeIAM2ProjectState”",
		"- `ChangeIAM2ProjectState` `/components/schemas/IAM2ProjectInventory/properties/state`: the page says state is an object {name, ordinal}",
		"#### “001\\_ab4ae462cd20251c.txt”", // no title declared: the seed file
		"`zstack-iam2.yaml:120`",
		"- `GetUserActiveTenant` documented example: no value for {tid}: set CONFORMANCE\\_ALIBABACLOUD\\_TID",
	}
	for _, w := range want {
		if !strings.Contains(md, w) {
			t.Errorf("summary.md lacks %q", w)
		}
	}
	order := []string{"## ❌ Conformance", "| provider | score", "### Failures", "### Compliance matrix", "### Where the documentation", "### Skipped"}
	last := -1
	for _, h := range order {
		i := strings.Index(md, h)
		if i < last {
			t.Errorf("%q comes before the section it should follow (order %v)", h, order)
		}
		last = i
	}
	if strings.ContainsAny(md, "\x00\x1b") {
		t.Error("control characters from the target reach summary.md")
	}
	if strings.Contains(string(read(t, writeAll(t, passingReport()), "summary.md")), "Failures") {
		t.Error("a passing report lists failures")
	}
}

// Target output reaches summary.md only inside fenced code blocks, where GitHub renders it as
// text, or backslash-escaped: outside fences, no raw HTML, image or link from the hostile
// transcript survives.
func TestMarkdownFencesTargetOutput(t *testing.T) {
	md := string(read(t, writeAll(t, failingReport()), "summary.md"))
	fence := ""
	for i, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimLeft(line, "`")
		run := len(line) - len(trimmed)
		switch {
		case fence == "" && run >= 3:
			fence = line[:run]
			continue
		case fence != "" && line == fence:
			fence = ""
			continue
		case fence != "":
			continue
		}
		if m := unescapedMarkup.FindString(line); m != "" {
			t.Errorf("line %d outside a fence contains %q: %s", i+1, m, line)
		}
	}
	if fence != "" {
		t.Error("summary.md ends inside a fence")
	}
	if !strings.Contains(md, "````text\n") {
		t.Error("a message with ``` in it is not fenced by a longer fence")
	}
}

// unescapedMarkup is HTML or a link that GitHub would render: not preceded by a backslash.
var unescapedMarkup = regexp.MustCompile(`(^|[^\\])(<(script|img|/pre)|\]\(http)`)

// summary.md stays under GitHub's 65,536-character limit for a comment, however many cases fail.
func TestMarkdownBudget(t *testing.T) {
	r := failingReport()
	bad := r.Cases[1]
	for i := range 3000 {
		c := bad
		c.ID = fmt.Sprintf("%s-%d", bad.ID, i)
		r.Cases = append(r.Cases, c)
	}
	r.Tally()
	md := r.Markdown()
	if len(md) > 65536 {
		t.Errorf("summary.md is %d bytes", len(md))
	}
	if !strings.Contains(string(md), "more failures: see report.html or junit.xml") {
		t.Error("the cut is not announced")
	}
}

// The matrix counts check verdicts as the issue asks: passed and failed as such,
// not_evaluated as skipped, not_applicable not at all; rows sorted, columns in check order.
func TestMatrix(t *testing.T) {
	m := failingReport().Matrix()
	if got := strings.Join(m.Checks, ","); got != strings.Join(checkNames, ",") {
		t.Fatalf("columns %s", got)
	}
	col := func(name string) int {
		for i, c := range m.Checks {
			if c == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	var ops []string
	for _, row := range m.Rows {
		ops = append(ops, row.Operation)
	}
	if got := strings.Join(ops, ","); got != "GetUserActiveTenant,InitializeTenant,ChangeIAM2ProjectState" {
		t.Errorf("rows %s, want sorted by service", got)
	}
	tests := []struct {
		row   int
		check string
		want  reports.Counts
	}{
		{0, "response_received", reports.Counts{}}, // skipped cases have no verdicts
		{1, "status_code_conformance", reports.Counts{Passed: 1, Failed: 1}},
		{1, "response_schema_conformance", reports.Counts{Passed: 1, Skipped: 1}},
		{1, "no_body_on_204", reports.Counts{}}, // not_applicable everywhere
		{1, "ignored_auth", reports.Counts{}},
		{2, "response_received", reports.Counts{Passed: 1, Failed: 1}},
		{2, "not_a_server_error", reports.Counts{Passed: 1, Skipped: 1}},
	}
	for _, tt := range tests {
		if got := m.Rows[tt.row].Checks[col(tt.check)]; got != tt.want {
			t.Errorf("%s × %s = %+v, want %+v", m.Rows[tt.row].Operation, tt.check, got, tt.want)
		}
	}
	if got := m.Rows[0].Cases; got != (reports.Summary{Skipped: 1}) {
		t.Errorf("GetUserActiveTenant cases %+v", got)
	}
}

func TestScores(t *testing.T) {
	got := map[string]string{}
	for _, s := range failingReport().Scores() {
		got[s.Provider] = s.Percent()
	}
	want := map[string]string{"alibabacloud": "n/a", "huaweicloud": "50.0%", "zstack": "50.0%"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("scores %v, want %v", got, want)
	}
}

// A report without Report.Checks (or a case naming a check it does not list) still shows
// every check a case names: the listed ones first, in order, then the others sorted.
func TestMatrixColumnsWithoutChecks(t *testing.T) {
	r := failingReport()
	r.Checks = []string{"status_code_conformance", "response_received"}
	want := []string{"status_code_conformance", "response_received", "content_type_conformance", "error_envelope_conformance",
		"ignored_auth", "negative_data_rejection", "no_body_on_204", "not_a_server_error", "response_schema_conformance"}
	if got := r.Matrix().Checks; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("columns %v, want %v", got, want)
	}
}
