package main

import (
	"fmt"
	"io"

	"github.com/conformance-suite/conformance/reports"
)

// diffCmd is `conformance diff BASELINE NEW`: the regression gate between two runs. It exits
// 1 when a case regressed (see reports.Comparison for what counts), 0 otherwise, 2 when a
// report cannot be read.
func diffCmd(args []string, stdout, stderr io.Writer) int {
	fs := newCommand("conformance diff", diffUsage, stderr)
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() != 2 {
		fmt.Fprintf(stderr, "conformance diff: want two reports, BASELINE and NEW; got %d arguments\n", fs.NArg())
		fs.Usage()
		return 2
	}
	baseline, err := reports.ReadJSON(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "conformance diff: baseline: %v\n", err)
		return 2
	}
	current, err := reports.ReadJSON(fs.Arg(1))
	if err != nil {
		fmt.Fprintf(stderr, "conformance diff: new report: %v\n", err)
		return 2
	}
	c := reports.Compare(baseline, current)
	if err := c.Write(stdout); err != nil {
		fmt.Fprintf(stderr, "conformance diff: %v\n", err)
		return 2
	}
	if c.Regressed() {
		return 1
	}
	return 0
}

const diffUsage = `usage: conformance diff BASELINE NEW

Compares two runs case by case (by case id). BASELINE and NEW are report.json files or the
report directories that hold them. A regression is a case that fails now and did not fail in
the baseline (a new case that fails included), or a case that passed in the baseline and is
now skipped or missing. Fixed cases and cases still failing are listed too.

Exit status: 0 no regression, 1 a regression, 2 a report cannot be read.
`
