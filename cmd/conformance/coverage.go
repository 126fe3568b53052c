package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/conformance-suite/conformance/reports"
)

// coverageCmd is `conformance coverage [--min-coverage DIM=PCT,...] REPORT...`: the contract
// coverage of one or more reports, merged by item union (the shards of one run, or runs of
// different kinds against the same specs). It exits 1 when an operation is below the gate
// (--min-coverage, else the strictest the reports were run with), 2 when a report cannot be
// read or none records coverage.
func coverageCmd(args []string, stdout, stderr io.Writer) int {
	fs := newCommand("conformance coverage", coverageUsage, stderr)
	var minimum map[string]float64
	fs.Func("min-coverage", "exit 1 when an operation is below `DIM=PCT[,...]` (dimensions: "+strings.Join(reports.CoverageDimensions(), ", ")+", overall)", func(v string) error {
		m, err := reports.ParseMinCoverage(v)
		minimum = m
		return err
	})
	asJSON := fs.Bool("json", false, "print the merged coverage as JSON (report.json's coverage object) instead of a table")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "conformance coverage: no report given")
		fs.Usage()
		return 2
	}
	var covs []*reports.Coverage
	for _, arg := range fs.Args() {
		r, err := reports.ReadJSON(arg)
		if err != nil {
			fmt.Fprintf(stderr, "conformance coverage: %v\n", err)
			return 2
		}
		if r.Coverage == nil {
			fmt.Fprintf(stderr, "conformance coverage: %s records no coverage (written by an older version of the suite?)\n", arg)
			return 2
		}
		covs = append(covs, r.Coverage)
	}
	merged := reports.MergeCoverage(covs...)
	if minimum != nil {
		merged.Gate(minimum)
	}
	if *asJSON {
		b, err := json.MarshalIndent(merged, "", "  ")
		if err != nil {
			fmt.Fprintf(stderr, "conformance coverage: %v\n", err)
			return 2
		}
		fmt.Fprintf(stdout, "%s\n", b)
	} else if err := merged.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "conformance coverage: %v\n", err)
		return 2
	}
	if err := merged.ShortfallError(); err != nil {
		fmt.Fprintf(stderr, "conformance coverage: %v\n", err)
		return 1
	}
	return 0
}

const coverageUsage = `usage: conformance coverage [--min-coverage DIM=PCT,...] [--json] REPORT...

Prints what the runs exercised of each documented contract: per operation and provider, the
documented statuses, response fields, enum values, inputs sent and sent invalid, error codes
and security schemes observed. REPORT is a report.json or its report directory; several
reports are merged by taking the union of what each observed (the shards of one run, or a
run and a proxy session).

Exit status: 0 printed, 1 an operation is below --min-coverage (or the gate the reports were
run with), 2 a report cannot be read or records no coverage.
`
