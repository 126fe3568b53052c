package reports_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"

	"github.com/conformance-suite/conformance/reports"
)

// commentWidth is the width of a GitHub PR comment's body on a desktop browser, in CSS pixels.
const commentWidth = 780

// githubCSS is what matters of GitHub's markdown-body style for widths: the font, table cells'
// padding and borders, inline code, and code blocks that scroll rather than widen the page.
// Tables get their natural width here (GitHub would make one scroll inside itself), so an
// overflowing table widens the page and shows in its scrollWidth.
const githubCSS = `
body { margin: 0; width: 780px; word-wrap: break-word; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
table { border-spacing: 0; border-collapse: collapse; width: max-content; }
td, th { padding: 6px 13px; border: 1px solid #d0d7de; }
code { font: 85% ui-monospace, SFMono-Regular, Menlo, monospace; padding: .2em .4em; white-space: break-spaces; }
pre { overflow: auto; padding: 16px; }
pre code { white-space: pre; padding: 0; }
`

// measure opens every <details>, then records the page's width and each table's, for the test
// to read from the dumped DOM.
const measure = `<script>
for (const d of document.querySelectorAll("details")) d.open = true;
const out = {page: document.documentElement.scrollWidth, tables: [], details: document.querySelectorAll("details").length};
for (const t of document.querySelectorAll("table")) out.tables.push({width: Math.ceil(t.getBoundingClientRect().width), head: t.rows[0].innerText.slice(0, 80)});
const pre = document.createElement("pre"); pre.id = "measured"; pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
</script>`

// summary.md renders within a GitHub comment's width: a report with every operation and every
// check failing, long names, coverage, discrepancies and skipped cases, rendered as GitHub
// renders Markdown (GFM tables, raw HTML for <details>) and opened in Chromium at 780 px with
// every <details> open, is no wider than the comment and no table is either.
func TestSummaryFitsACommentInChromium(t *testing.T) {
	t.Parallel()
	bin := chromium(t)
	md := worstSummaryReport().Markdown()
	page := renderGFM(t, md)
	file := filepath.Join(t.TempDir(), "summary.html")
	if err := os.WriteFile(file, page, 0o600); err != nil {
		t.Fatal(err)
	}
	run := load(t, bin, "file://"+file, fmt.Sprintf("--window-size=%d,3000", commentWidth), "--hide-scrollbars")
	m := regexp.MustCompile(`<pre id="measured">([^<]*)</pre>`).FindSubmatch(run.dom)
	if m == nil {
		t.Fatalf("the measuring script did not run:\n%s", run.console)
	}
	var got struct {
		Page    int
		Details int
		Tables  []struct {
			Width int
			Head  string
		}
	}
	if err := json.Unmarshal(bytes.ReplaceAll(m[1], []byte("&quot;"), []byte(`"`)), &got); err != nil {
		t.Fatalf("%v: %s", err, m[1])
	}
	if len(got.Tables) < 3 || got.Details < 4 {
		t.Errorf("%d tables and %d <details> rendered, want the scores, matrix and coverage tables and the folds", len(got.Tables), got.Details)
	}
	for _, tb := range got.Tables {
		if tb.Width > commentWidth {
			t.Errorf("a table is %d px wide, over the comment's %d: %q", tb.Width, commentWidth, tb.Head)
		}
	}
	if got.Page > commentWidth {
		t.Errorf("the page is %d px wide, over the comment's %d", got.Page, commentWidth)
	}
	t.Logf("page %d px; tables %v", got.Page, got.Tables)
}

// worstSummaryReport is the failing report with every check failing on an operation of the
// longest real name, every case of the run failing twice over, and coverage.
func worstSummaryReport() *reports.Report {
	r := withCoverage(failingReport())
	r.Levels = []string{"core", "strict"}
	all := map[string]string{}
	var failures []reports.Failure
	for _, name := range checkNames {
		all[name] = reports.CheckFailed
		failures = append(failures, reports.Failure{Check: name, Message: name + ": expected something, got something else entirely"})
	}
	for i, op := range []string{"GetUserActiveTenantByGet", "UpdateTenantConfig", "UpdateEnterpriseId", "LogInByAccount"} {
		r.Cases = append(r.Cases, reports.Case{ID: op + "/every-check-fails", Order: 10 + i, Provider: "alibabacloud",
			Service: "alibabacloud-dms-enterprise", Operation: op, Name: "every check fails on a case with a long name for the width",
			State: reports.Failed, Checks: all, Failures: failures, Curl: "curl -sS 'http://127.0.0.1:1/?" + strings.Repeat("Parameter=value&", 40) + "'"})
	}
	r.Discrepancies = append(r.Discrepancies, reports.Discrepancy{File: "huaweicloud-workspace.yaml", Line: 999,
		Pointer: "/paths/~1v2~1{project_id}~1workspaces~1enterprise-id/put/requestBody/content/application~1json/schema/properties/enterprise_id",
		Doc:     "a long claim of the page", Actual: "what the service does", Source: "004_ead8581c6d973fd2.txt",
		Title: "Modifying an Enterprise ID", Operation: "UpdateEnterpriseId"})
	r.Tally()
	return r
}

// renderGFM renders Markdown as GitHub does for a comment (GitHub-flavoured Markdown, raw HTML
// kept for <details>) into a page with GitHub's widths and the measuring script.
func renderGFM(t *testing.T, md []byte) []byte {
	t.Helper()
	var body bytes.Buffer
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	if err := gm.Convert(md, &body); err != nil {
		t.Fatal(err)
	}
	return fmt.Appendf(nil, "<!doctype html><html><head><meta charset=utf-8><style>%s</style></head><body>%s%s</body></html>", githubCSS, body.Bytes(), measure)
}
