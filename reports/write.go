package reports

import (
	"errors"
	"fmt"
)

// WriteAll writes every format of the report into dir: report.json (the result model, the
// input of diff and merge), junit.xml (for CI test-report pages), summary.md (for a PR
// comment or $GITHUB_STEP_SUMMARY) and report.html (for people). It writes what it can and
// returns every failure, each naming its file.
func WriteAll(dir string, r *Report) error {
	var errs []error
	if err := r.WriteJSON(dir); err != nil {
		errs = append(errs, err)
	}
	junit, err := r.JUnit()
	if err == nil {
		err = writeFile(dir, "junit.xml", junit)
	}
	errs = append(errs, err)
	errs = append(errs, writeFile(dir, "summary.md", r.Markdown()))
	html, err := r.HTML()
	if err == nil {
		err = writeFile(dir, "report.html", html)
	}
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("writing the report to %s: %w", dir, err)
	}
	return nil
}
