package conformance_test

import (
	"os/exec"
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
	"specs":                  {},
	"signing":                {},
	"reports":                {},
	"providers":              {"specs"},
	"providers/huaweicloud":  {"providers", "signing", "specs"},
	"providers/alibabacloud": {"providers", "signing", "specs"},
	"providers/zstack":       {"providers", "signing", "specs"},
	"providers/builtin":      {"providers/...", "signing", "specs"},
	"fixtures":               {"providers/...", "signing", "specs"},
	"fixtures/derive":        {"fixtures", "providers/...", "signing", "specs"},
	"conformance":            {"fixtures", "providers/...", "signing", "specs"},
	"coverage":               {"conformance", "fixtures", "providers/...", "signing", "specs", "reports"},
	"mock":                   {"providers/...", "signing", "specs"},
	"har":                    {"conformance", "fixtures", "providers/...", "signing", "specs"},
	"recording":              {"conformance", "fixtures", "providers/...", "reports", "signing", "specs"},
	"runner":                 {"conformance", "console", "recording", "coverage", "fixtures", "fixtures/derive", "providers/...", "reports", "signing", "specs", "suggest"},
	"suggest":                {},
	"console":                {"reports", "fixtures/derive", "fixtures", "providers/...", "signing", "specs"},
	"proxy":                  {"conformance", "console", "coverage", "fixtures", "fixtures/derive", "providers/...", "recording", "reports", "runner", "signing", "specs", "suggest"},
	"proxy/proxytest":        {"conformance", "console", "coverage", "fixtures", "fixtures/derive", "mock", "providers/...", "proxy", "recording", "reports", "runner", "signing", "specs", "suggest", "testtargets"},
	"cmd/conformance":        {"*"},
}

// allows reports whether a package may depend on rel: listed, or under a "dir/..." entry.
func allows(may []string, rel string) bool {
	for _, m := range may {
		if m == "*" || m == rel {
			return true
		}
		if dir, ok := strings.CutSuffix(m, "/..."); ok && (rel == dir || strings.HasPrefix(rel, dir+"/")) {
			return true
		}
	}
	return false
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
			if !ok || rel == pkg {
				continue
			}
			if !allows(may, rel) {
				t.Errorf("%s depends on %s, which it may not (allowed: %v)", pkg, rel, may)
			}
		}
	}
}
