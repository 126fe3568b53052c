package conformance_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// module is the path every package of the suite starts with.
const module = "github.com/conformance-suite/conformance"

// allowed lists, for each package, the packages of the suite it may depend on (directly or
// not): imports follow the data, from the specs and the providers' shared facts at the bottom
// to the command at the top, so that no user of the runner pulls in the reference target and
// no check depends on how it is run. A package not listed may not be imported by these.
var allowed = map[string][]string{
	"specs":           {},
	"credentials":     {},
	"signing":         {},
	"reports":         {},
	"fixtures":        {},
	"fixtures/derive": {"fixtures", "specs"},
	"conformance":     {"fixtures", "specs"},
	"coverage":        {"conformance", "fixtures", "specs", "reports"},
	"mock":            {"specs", "signing", "credentials"},
	"runner":          {"conformance", "coverage", "fixtures", "fixtures/derive", "reports", "specs", "signing", "credentials"},
	"cmd/conformance": {"*"},
}

// TestImportDirections pins the allowed directions with go list -deps.
func TestImportDirections(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	for pkg, may := range allowed {
		out, err := exec.Command("go", "list", "-deps", "./"+pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps ./%s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			rel, ok := strings.CutPrefix(dep, module+"/")
			if !ok || rel == pkg || slices.Contains(may, "*") {
				continue
			}
			if !slices.Contains(may, rel) {
				t.Errorf("%s depends on %s, which it may not (allowed: %v)", pkg, rel, may)
			}
		}
	}
}
