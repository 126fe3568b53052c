package conformance_test

import (
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/runner/credentials"
)

// TestConformance runs the fixture suite under `go test` (or `ginkgo`), against the built-in
// reference target, or against CONFORMANCE_TARGET when it is set. Ginkgo's own flags apply,
// e.g. `go test ./conformance/ -ginkgo.label-filter='huaweicloud && negative'`.
func TestConformance(t *testing.T) {
	cfg := runner.DefaultConfig()
	cfg.Target = os.Getenv("CONFORMANCE_TARGET")
	cfg.Credentials = credentials.FromEnv(os.LookupEnv)
	plan, err := runner.NewPlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer plan.Close()
	conformance.Suite{Cases: plan.Cases, Exchange: plan.Exchange}.Define()
	RunSpecs(t, "conformance")
}
