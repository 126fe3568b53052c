package runner_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/testtargets"
)

// verdicts runs a plan without Ginkgo and returns every runnable case's verdict.
func verdicts(t testing.TB, cfg runner.Config) []conformance.Verdict {
	t.Helper()
	plan, err := runner.NewPlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	plan.Start(context.Background())
	var out []conformance.Verdict
	for _, p := range plan.Cases {
		if p.Skip == "" {
			out = append(out, plan.Verdict(p))
		}
	}
	if len(out) == 0 {
		t.Fatal("no case ran")
	}
	return out
}

// judged fails the test on any case that did not pass: a failure, a skip, a throttled case.
func judged(t *testing.T, vs []conformance.Verdict) {
	t.Helper()
	for _, v := range vs {
		switch {
		case v.Skipped:
			t.Errorf("%s: not judged: %s", v.Planned.Case.ID, v.Reason)
		case v.Result.Failed():
			for _, f := range v.Result.Failures() {
				t.Errorf("%s: %s", v.Planned.Case.ID, f.Message)
			}
		}
	}
}

func retries(vs []conformance.Verdict) int {
	n := 0
	for _, v := range vs {
		n += v.Retries
	}
	return n
}

// The whole default case set passes against a target that answers every request after 20 ms,
// its sequences included, at the default bounds of requests in flight.
func TestRunPassesAgainstADelayedTarget(t *testing.T) {
	target := testtargets.NewRemote(t, 20*time.Millisecond, nil)
	vs := verdicts(t, config(target.URL))
	judged(t, vs)
	if target.Requests() < len(vs) {
		t.Errorf("%d requests for %d cases", target.Requests(), len(vs))
	}
}

// Every third request answered 429 with Retry-After: 1: every case passes after its retries,
// which are counted, one per throttled answer. One request at a time, so that no retry is
// itself a third request.
func TestThrottledAnswersAreRetried(t *testing.T) {
	for _, tc := range []struct {
		name       string
		throttling testtargets.Throttling
		filter     string
	}{
		{"429 with Retry-After", testtargets.EveryThird429, "UpdateEnterpriseId && positive"},
		{"Alibaba Throttling.User envelope", testtargets.EveryThirdAlibabaThrottlingUser, "alibabacloud && !auth"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := testtargets.NewRemote(t, 0, &tc.throttling)
			cfg := config(target.URL)
			cfg.LabelFilter, cfg.Parallel = tc.filter, 1
			vs := verdicts(t, cfg)
			judged(t, vs)
			if got, want := retries(vs), target.Throttled(); got != want || want == 0 {
				t.Errorf("%d retries counted, the target throttled %d answers", got, want)
			}
		})
	}
}

// A target that throttles every request: each case ends throttled after retries within
// --timeout, with its last answer as evidence, and no verdict on the contract.
func TestThrottledForeverIsNotAFailure(t *testing.T) {
	target := testtargets.NewRemote(t, 0, &testtargets.Forever429)
	cfg := config(target.URL)
	cfg.LabelFilter, cfg.Timeout = "InitializeTenant && positive && !stateful", 1500*time.Millisecond
	for _, v := range verdicts(t, cfg) {
		if !v.Throttled || !strings.HasPrefix(v.Reason, runner.NotRunThrottled) || v.Retries < 1 || v.Exchange == nil || v.Result.Failed() {
			t.Errorf("%s: throttled %v after %d retries (%q), failed %v", v.Planned.Case.ID, v.Throttled, v.Retries, v.Reason, v.Result.Failed())
		}
	}
}

// --rate-limit 5/s: the target sees the requests of one service at 5 per second, within 10 %.
func TestRateLimitIsHonoured(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 22 requests at 5 per second")
	}
	target := testtargets.NewRemote(t, 0, nil)
	cfg := config(target.URL)
	cfg.LabelFilter = "InitializeTenant && !stateful"
	var err error
	if cfg.RateLimit, err = runner.ParseRateLimit("5/s"); err != nil {
		t.Fatal(err)
	}
	judged(t, verdicts(t, cfg))
	if got := target.Rate(); math.Abs(got-5) > 0.5 || target.Requests() < 20 {
		t.Errorf("the target received %d requests at %.2f/s, not 5/s within 10 %%", target.Requests(), got)
	}
}

func TestParseRateLimit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want runner.RateLimit
		err  bool
	}{
		{in: "5/s", want: runner.RateLimit{N: 5, Per: time.Second}},
		{in: "120/m", want: runner.RateLimit{N: 120, Per: time.Minute}},
		{in: "0/s", err: true}, {in: "5", err: true}, {in: "5/h", err: true}, {in: "-1/s", err: true},
		{in: "1.5/s", err: true}, {in: "100001/s", err: true}, {in: "/s", err: true}, {in: "", err: true},
	} {
		got, err := runner.ParseRateLimit(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseRateLimit(%q) = %v, %v", tc.in, got, err)
		}
	}
}

// BenchmarkRemoteRun300ms is the default case set against a target that answers every request
// after 300 ms, as a distant cloud region does: the run is bound by round trips, so its time is
// how well the requests in flight are sized (issue 18 asks for ≤ 2.5 s).
func BenchmarkRemoteRun300ms(b *testing.B) {
	for b.Loop() {
		target := testtargets.NewRemote(b, 300*time.Millisecond, nil)
		start := time.Now()
		vs := verdicts(b, config(target.URL))
		b.ReportMetric(time.Since(start).Seconds(), "s/run")
		b.ReportMetric(float64(len(vs)), "cases")
		for _, v := range vs {
			if v.Skipped || v.Result.Failed() {
				b.Fatalf("%s did not pass: %s %v", v.Planned.Case.ID, v.Reason, v.Result.Failures())
			}
		}
	}
}
