package conformance_test

import (
	"context"
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/specs"
)

// TestConformance runs the fixture suite under `go test` (or `ginkgo`), against the built-in
// reference target, or against CONFORMANCE_TARGET when it is set. Ginkgo's own flags apply,
// e.g. `go test ./conformance/ -ginkgo.label-filter='huaweicloud && negative'`: the label
// filter selects the cases, as --label-filter does (a spec is an operation, see Suite.Define).
func TestConformance(t *testing.T) {
	suiteConfig, reporterConfig := GinkgoConfiguration()
	cfg := runner.DefaultConfig()
	cfg.LabelFilter, suiteConfig.LabelFilter = suiteConfig.LabelFilter, ""
	cfg.Target = os.Getenv("CONFORMANCE_TARGET")
	cfg.Credentials = providers.FromEnv(os.LookupEnv)
	if cfg.Target == "" {
		set, err := specs.Load()
		if err != nil {
			t.Fatal(err)
		}
		srv, creds, err := mock.StartBuiltin(cfg.Credentials, set)
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		cfg.Target, cfg.Credentials = srv.URL(), creds
	}
	plan, err := runner.NewPlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	plan.Start(context.Background())
	conformance.Suite{Cases: plan.Cases, Gate: cfg.Profile, Judge: plan.Verdict}.Define()
	RunSpecs(t, "conformance", suiteConfig, reporterConfig)
}
