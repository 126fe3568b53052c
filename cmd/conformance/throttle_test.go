package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/testtargets"
)

// A bad --rate-limit is a usage error, exit 2, before any request reaches the target.
func TestBadRateLimitExitsTwoBeforeSending(t *testing.T) {
	target := testtargets.NewRemote(t, 0, nil)
	for _, v := range []string{"5", "0/s", "5/h", "x/s", "1000001/m"} {
		r := run(t, nil, "--target", target.URL, "--rate-limit", v)
		if r.code != 2 || !strings.Contains(r.stderr, "rate-limit") {
			t.Errorf("--rate-limit %s: exit %d, stderr %q", v, r.code, r.stderr)
		}
	}
	if n := target.Requests(); n != 0 {
		t.Errorf("%d requests reached the target", n)
	}
}

// Against a target that throttles every request, the cases end throttled, not failed: every
// report counts them, junit.xml has them as errors, and the run exits 1 saying why.
func TestThrottledForeverExitsOne(t *testing.T) {
	target := testtargets.NewRemote(t, 0, &testtargets.Forever429)
	r := run(t, nil, "--target", target.URL, "--timeout", (1500 * time.Millisecond).String(),
		"--label-filter", "InitializeTenant && positive && !stateful")
	if r.code != 1 || !strings.Contains(r.stderr, "still throttled") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	s := r.report.Summary
	if s.Throttled == 0 || s.Failed != 0 || s.Passed != 0 || s.Retries < s.Throttled || r.report.Verdict() != "throttled" {
		t.Errorf("summary %+v, verdict %q", s, r.report.Verdict())
	}
	for _, c := range r.report.Cases {
		if c.State != reports.Throttled || c.Exchange == nil || c.Exchange.Response.Status != 429 {
			t.Errorf("%s: state %s", c.ID, c.State)
		}
	}
	if junit, err := os.ReadFile(filepath.Join(r.dir, "junit.xml")); err != nil || !strings.Contains(string(junit), `<error message="throttled`) {
		t.Errorf("junit.xml has no error for the throttled cases")
	}
}
