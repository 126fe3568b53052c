package acmecloud_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/testtargets/acmecloud"
)

// TestFourthProviderEndToEnd: a provider declared in its own package, with a spec and a
// fixture file, runs end to end against a stub (fixture, derived and auth cases), and its
// key never reaches the reports. Adding it touched no file of the runner, checks or reports.
func TestFourthProviderEndToEnd(t *testing.T) {
	specDir, fixtureDir, reportDir := t.TempDir(), t.TempDir(), t.TempDir()
	for path, body := range map[string]string{
		filepath.Join(specDir, "acmecloud-widgets.yaml"):  acmecloud.Spec,
		filepath.Join(fixtureDir, "ListAcmeWidgets.yaml"): acmecloud.Fixture,
	} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	stub := httptest.NewServer(acmecloud.Stub())
	defer stub.Close()

	cfg := runner.DefaultConfig()
	cfg.Targets = map[string]string{"acmecloud-widgets": stub.URL}
	cfg.SpecsDir, cfg.FixturesDir, cfg.ReportDir = specDir, fixtureDir, reportDir
	cfg.Credentials = providers.Defaults()
	code, err := runner.Run(context.Background(), cfg)
	if err != nil || code != 0 {
		t.Fatalf("exit %d (%v), want 0", code, err)
	}
	r, err := reports.ReadJSON(reportDir)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, c := range r.Cases {
		if c.Provider != "acmecloud" {
			continue
		}
		if c.State != reports.Passed {
			t.Errorf("case %s: %s %s %+v", c.ID, c.State, c.Reason, c.Failures)
		}
		for _, l := range []string{"positive", "negative", "auth"} {
			if slices.Contains(c.Labels, l) {
				kinds[l]++
			}
		}
	}
	if kinds["positive"] == 0 || kinds["negative"] < 2 || kinds["auth"] < 2 {
		t.Errorf("acmecloud cases by kind %v: want fixture, derived and auth cases", kinds)
	}
	for _, name := range []string{"report.json", "junit.xml", "summary.md", "report.html", "ginkgo-output.txt"} {
		b, err := os.ReadFile(filepath.Join(reportDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(providers.Defaults().Get(acmecloud.Key))) {
			t.Errorf("%s holds the Acme key", name)
		}
	}
}
