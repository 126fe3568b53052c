package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/conformance-suite/conformance/runner"
)

// specsCmd is `conformance specs export DIR`: the specs as standard OpenAPI for Prism,
// Specmatic and Schemathesis (see specs.Spec.Export).
func specsCmd(args []string, stdout, stderr io.Writer) int {
	fs := newCommand("conformance specs", specsUsage, stderr)
	specsDir := fs.String("specs", "", "`directory` of spec files over the built-in ones, as for conformance run")
	if len(args) == 0 || args[0] != "export" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fs.Usage()
			return 0
		}
		fmt.Fprintln(stderr, "conformance specs: want the subcommand export")
		fs.Usage()
		return 2
	}
	if code, ok := parseFlags(fs, args[1:], stderr); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "conformance specs export: want one output directory")
		return 2
	}
	out := fs.Arg(0)
	set, err := runner.LoadSpecs(*specsDir)
	if err != nil {
		fmt.Fprintf(stderr, "conformance specs export: %v\n", err)
		return 2
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		fmt.Fprintf(stderr, "conformance specs export: %v\n", err)
		return 2
	}
	for _, sp := range set.Specs {
		docs, err := sp.Export()
		if err != nil {
			fmt.Fprintf(stderr, "conformance specs export: %v\n", err)
			return 1
		}
		for _, d := range docs {
			raw, err := d.YAML()
			if err == nil {
				err = os.WriteFile(filepath.Join(out, d.File), raw, 0o644)
			}
			if err != nil {
				fmt.Fprintf(stderr, "conformance specs export: %s: %v\n", d.File, err)
				return 2
			}
			fmt.Fprintln(stdout, filepath.Join(out, d.File))
		}
	}
	return 0
}

const specsUsage = `usage: conformance specs export [--specs DIR] OUTDIR

Writes each spec as standard OpenAPI that Prism, Specmatic and Schemathesis route: an RPC
action at / with a required Action query parameter, one file per action; x- extensions kept.
`
