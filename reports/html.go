package reports

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"iter"
	"maps"
	"slices"
	"strings"
)

//go:embed html/report.html.tmpl html/report.css html/report.js
var htmlFiles embed.FS

// The page's style and script, inlined into report.html, and the Content-Security-Policy that
// admits exactly them: no other script or style (an injection that escaped the escaping), no
// image, font, frame or request of any kind. The hashes make the policy stricter than
// 'unsafe-inline' at no cost, since both texts are fixed at build time.
var (
	htmlStyle  = mustRead("html/report.css")
	htmlScript = mustRead("html/report.js")
	htmlCSP    = fmt.Sprintf("default-src 'none'; style-src '%s'; script-src '%s'; base-uri 'none'; form-action 'none'",
		cspHash(htmlStyle), cspHash(htmlScript))
	htmlTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
		"counts":    htmlCounts,
		"cellClass": cellClass,
		"breakable": breakable,
		"join":      strings.Join,
	}).ParseFS(htmlFiles, "html/report.html.tmpl"))
)

func mustRead(name string) string {
	b, err := htmlFiles.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// htmlPage is what the template sees.
type htmlPage struct {
	R         *Report
	Started   string
	Duration  string
	Matrix    Matrix
	Scores    []Score
	Providers []string
	Labels    []string
	// Cases yields every case whole (Case.Whole) as the template reaches it, so that the
	// page never holds every transcript at once; NCases is how many.
	Cases    iter.Seq[htmlCase]
	NCases   int
	CSP      string
	Coverage *htmlCoverage
	Style    template.CSS
	Script   template.JS
}

// htmlCase is a case with its check verdicts in matrix order.
type htmlCase struct {
	*Case
	CheckList []htmlCheck
}

type htmlCheck struct{ Name, State string }

// HTML renders report.html: one self-contained page (inline style and script, no external
// asset, font or request) with the matrix, the scores, the discrepancies and every case,
// filterable by provider, operation, state, label and text, each expandable to its curl and
// its redacted transcript. html/template escapes every value, transcripts above all: they
// are whatever the target answered.
func (r *Report) HTML() ([]byte, error) {
	var b bytes.Buffer
	if err := r.writeHTML(&b); err != nil {
		return nil, fmt.Errorf("report.html: %w", err)
	}
	return b.Bytes(), nil
}

// writeHTML renders what HTML returns to w as the template runs, so that the page of a large
// run is never whole in memory.
func (r *Report) writeHTML(w io.Writer) error {
	p := htmlPage{
		R:        r,
		Started:  r.Started.UTC().Format("2006-01-02 15:04:05 UTC"),
		Duration: seconds(r.DurationMS),
		Matrix:   r.Matrix(),
		Scores:   r.Scores(),
		CSP:      htmlCSP,
		Coverage: r.Coverage.html(),
		Style:    template.CSS(htmlStyle),
		Script:   template.JS(htmlScript),
	}
	providers, labels := map[string]bool{}, map[string]bool{}
	for _, c := range r.Cases {
		providers[c.Provider] = true
		for _, l := range c.Labels {
			labels[l] = true
		}
	}
	p.Providers, p.Labels = slices.Sorted(maps.Keys(providers)), slices.Sorted(maps.Keys(labels))
	var evidenceErr error
	p.NCases = len(r.Cases)
	p.Cases = func(yield func(htmlCase) bool) {
		for i := range r.Cases {
			c, err := r.Cases[i].Whole()
			if err != nil {
				evidenceErr = err
				return
			}
			hc := htmlCase{Case: &c}
			for _, name := range p.Matrix.Checks {
				if state, ok := c.Checks[name]; ok {
					hc.CheckList = append(hc.CheckList, htmlCheck{name, state})
				}
			}
			if !yield(hc) {
				return
			}
		}
	}
	return errors.Join(htmlTemplate.Execute(w, p), evidenceErr)
}

// htmlCounts renders one matrix cell from numbers alone, so building HTML here is safe.
func htmlCounts(passed, failed, skipped int) template.HTML {
	var parts []string
	for _, p := range []struct {
		n           int
		class, mark string
	}{{passed, "pass", "✓"}, {failed, "fail", "✗"}, {skipped, "skip", "⊘"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf(`<span class="n %s">%d %s</span>`, p.class, p.n, p.mark))
		}
	}
	return template.HTML(strings.Join(parts, " "))
}

// cellClass colours a cell by its worst verdict.
func cellClass(passed, failed, skipped int) string {
	switch {
	case failed > 0:
		return "fail"
	case skipped > 0:
		return "skip"
	case passed > 0:
		return "pass"
	}
	return "none"
}

// breakable lets a long check name wrap after its underscores.
func breakable(name string) template.HTML {
	parts := strings.Split(name, "_")
	for i, p := range parts {
		parts[i] = template.HTMLEscapeString(p)
	}
	return template.HTML(strings.Join(parts, "_<wbr>"))
}
