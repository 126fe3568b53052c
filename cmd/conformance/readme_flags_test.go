package main

import (
	"flag"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/conformance-suite/conformance/console"
	"github.com/conformance-suite/conformance/runner"
)

// readmeFlag finds the flags a row of the README's flag table documents: "| `--name ARG`,
// `--other` | default | what |".
var readmeFlag = regexp.MustCompile("`--(target-<service>|[a-z][a-z0-9-]*)[^`]*`")

// TestREADMEDocumentsEveryRunFlag keeps the README's table of `conformance run` flags and the
// flags themselves equal, both ways: a flag added without its row, or a row left behind by a
// removed flag, fails here. The --target-<service> flags, one per service of the specs, share
// one row.
func TestREADMEDocumentsEveryRunFlag(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| `--") {
			continue
		}
		first, _, _ := strings.Cut(strings.TrimPrefix(line, "| "), " | ")
		for _, m := range readmeFlag.FindAllStringSubmatch(first, -1) {
			documented[m[1]] = true
		}
	}
	set, err := runner.LoadSpecs("")
	if err != nil {
		t.Fatal(err)
	}
	cfg := runner.DefaultConfig()
	mode := console.Auto
	fs := runFlags(&cfg, new(string), &mode, set, io.Discard)
	var flags []string
	fs.VisitAll(func(f *flag.Flag) {
		name := f.Name
		if strings.HasPrefix(name, "target-") {
			name = "target-<service>"
		}
		flags = append(flags, name)
	})
	for _, name := range flags {
		if !documented[name] {
			t.Errorf("--%s has no row in the README's flag table", name)
		}
	}
	for name := range documented {
		if !slices.Contains(flags, name) && name != "version" {
			t.Errorf("the README's flag table documents --%s, which conformance run does not have", name)
		}
	}
}
