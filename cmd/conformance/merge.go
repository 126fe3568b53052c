package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/conformance-suite/conformance/reports"
)

// mergeCmd is `conformance merge [--out DIR] DIR...`: the reports of a sharded run, joined
// into the report one unsharded run would have written, in every format. It exits 0 when the
// merged report is written, whatever its cases say (gating is for run and diff), and 2 when a
// shard cannot be read or the shards do not make one run.
func mergeCmd(args []string, stdout, stderr io.Writer) int {
	fs := newCommand("conformance merge", mergeUsage, stderr)
	out := fs.String("out", "conformance-report", "`directory` that receives the merged report.json, junit.xml, summary.md and report.html")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "conformance merge: no shard given")
		fs.Usage()
		return 2
	}
	var shards []*reports.Report
	for _, arg := range fs.Args() {
		if same(arg, *out) {
			fmt.Fprintf(stderr, "conformance merge: --out %s is one of the shards; write the merged report elsewhere\n", *out)
			return 2
		}
		r, err := reports.ReadJSON(arg)
		if err != nil {
			fmt.Fprintf(stderr, "conformance merge: %v\n", err)
			return 2
		}
		shards = append(shards, r)
	}
	merged, err := reports.Merge(shards...)
	if err != nil {
		// reports.Merge's errors name the merge already ("merge: case … is in both …").
		fmt.Fprintf(stderr, "conformance merge: %v\n", strings.TrimPrefix(err.Error(), "merge: "))
		return 2
	}
	if err := reports.WriteAll(*out, merged); err != nil {
		fmt.Fprintf(stderr, "conformance merge: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "merged %d reports: %s\nreport: %s\n", len(shards), merged.Summary, filepath.Join(*out, "report.json"))
	return 0
}

// same reports whether a shard argument (a directory or its report.json) is the directory dir.
func same(arg, dir string) bool {
	a, err1 := filepath.Abs(arg)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	return a == d || a == filepath.Join(d, "report.json")
}

const mergeUsage = `usage: conformance merge [--out DIR] SHARD...

Merges the reports of a sharded run (conformance run --shard i/n, one report directory or
report.json per shard) into one report, and writes it in every format. It refuses shards
that do not make one run: a case in two shards, a shard missing or given twice, different
report versions or check lists.

Exit status: 0 merged, 2 a shard cannot be read or the shards do not make one run.
`
