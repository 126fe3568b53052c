package conformance_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/fixtures/derive"
	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/runner/credentials"
	"github.com/conformance-suite/conformance/specs"
)

func TestZZDerivedAgainstMock(t *testing.T) {
	set, _ := specs.Load()
	cases, err := fixtures.Load(fixtures.Embedded(), func(id string) bool { _, ok := set.Operation(id); return ok })
	if err != nil {
		t.Fatal(err)
	}
	derived := derive.All(set, cases, 1)
	faults := []string{""}
	if f := os.Getenv("ZZ_FAULTS"); f != "" {
		faults = nil
		for _, x := range mock.Faults() {
			faults = append(faults, x.Name)
		}
	}
	for _, fault := range faults {
		srv, err := mock.Start("127.0.0.1:0", mock.Options{Fault: fault})
		if err != nil {
			t.Fatal(err)
		}
		cfg := runner.DefaultConfig()
		cfg.Target = srv.URL()
		cfg.Credentials = credentials.Defaults()
		cfg.Credentials.HuaweiToken = ""
		plan, err := runner.NewPlan(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var planned []*conformance.Planned
		for i := range derived {
			c := &derived[i]
			if c.Request.Credentials != fixtures.Valid && c.Request.Credentials != fixtures.NoCredentials {
				continue // the runner's signers do not know these modes yet
			}
			op, _ := set.Operation(c.Operation)
			planned = append(planned, &conformance.Planned{Case: c, Op: op, Labels: conformance.Labels(c, op)})
		}
		for _, p := range append(planned, plan.Cases...) {
			x := plan.Exchange(p)
			res := conformance.Evaluate(x)
			for _, f := range res.Failures() {
				fmt.Printf("[%s] %s: %s\n", fault, p.Case.ID, f.Message)
			}
		}
		plan.Close()
		srv.Close()
	}
}
