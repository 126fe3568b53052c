package proxy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/proxy/proxytest"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/runner"
)

// The runner's positive cases, shaped as the official clients send them, go through the
// proxy to the reference target: every exchange the proxy judges passes, request included.
func TestPositiveTrafficPassesThroughTheProxy(t *testing.T) {
	srv, creds := builtinUpstream(t)
	s := proxytest.Start(t, srv.URL(), creds, 5*time.Second, nil, nil)
	verdicts := drive(t, s.Server.URL, creds, "positive", func(c *runner.Config) {
		c.AllowJobHosts = []string{srv.Addr().String()} // the job's location names the upstream
	})
	for id, v := range verdicts {
		if !v.Skipped && v.Result.Failed() {
			t.Errorf("through the proxy the run itself failed %s: %+v", id, v.Result.Failures())
		}
	}
	r := s.Report(t)
	if r.Summary.Passed == 0 {
		t.Fatalf("the proxy judged nothing: %+v", r.Summary)
	}
	ops := map[string]bool{}
	for _, c := range r.Cases {
		ops[c.Operation] = true
		if c.State != reports.Passed {
			t.Errorf("%s (%s): %s %s %+v", c.ID, c.Name, c.State, c.Reason, c.Failures)
		}
		if c.Checks["request_conformance"] != "passed" {
			t.Errorf("%s: request_conformance %q, want passed", c.ID, c.Checks["request_conformance"])
		}
	}
	for _, op := range []string{"InitializeTenant", "UpdateTenantConfig", "UpdateEnterpriseId", "GetUserActiveTenant", "ChangeIAM2ProjectState"} {
		if !ops[op] {
			t.Errorf("no exchange of %s went through the proxy", op)
		}
	}
	if !strings.Contains(s.Console.String(), "PASS  InitializeTenant/observed-1") {
		t.Errorf("no console line for the first InitializeTenant exchange:\n%s", s.Console.String())
	}
}
