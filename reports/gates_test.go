package reports_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/reports"
)

// run builds a report from "id=state" pairs, a failure attached to each failed case.
func run(states ...string) *reports.Report {
	r := &reports.Report{Version: reports.Version, Started: started}
	for i, s := range states {
		id, state, _ := strings.Cut(s, "=")
		c := reports.Case{ID: id, Order: i + 1, Provider: "huaweicloud", Service: "huaweicloud-workspace",
			Operation: strings.Split(id, "/")[0], Name: id, State: state}
		switch state {
		case reports.Failed:
			c.Failures = []reports.Failure{{Check: "status_code_conformance", Message: "status_code_conformance: expected 200, got 500 in " + id}}
		case reports.Skipped:
			c.Reason = "no credentials"
		}
		r.Cases = append(r.Cases, c)
	}
	r.Tally()
	return r
}

func ids(changes []reports.CaseChange) []string {
	var out []string
	for _, c := range changes {
		out = append(out, c.ID+":"+c.Was+"→"+c.Now)
	}
	return out
}

// The scenario: a case that was failing is fixed, another newly fails. The gate names
// only the new failure as a regression, lists the fix, and fails.
func TestCompareFixedAndNewFailure(t *testing.T) {
	baseline := run("Op/a=failed", "Op/b=passed", "Op/c=passed")
	current := run("Op/a=passed", "Op/b=failed", "Op/c=passed")
	c := reports.Compare(baseline, current)
	if got := ids(c.Regressions); !slices.Equal(got, []string{"Op/b:passed→failed"}) {
		t.Errorf("regressions %v", got)
	}
	if got := ids(c.Fixed); !slices.Equal(got, []string{"Op/a:failed→passed"}) {
		t.Errorf("fixed %v", got)
	}
	if !c.Regressed() {
		t.Error("Regressed() is false")
	}
	var out strings.Builder
	if err := c.Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"REGRESSION  Op/b", "expected 200, got 500 in Op/b", "FIXED       Op/a", "1 regression, 1 fix, 0 still failing"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the comparison lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "REGRESSION  Op/a") {
		t.Error("the fixed case is listed as a regression")
	}
}

// Every transition between a baseline state and a current one, and where the gate puts it.
func TestCompareTransitions(t *testing.T) {
	tests := []struct {
		was, now string // a state, or "" for absent
		want     string // "regression", "fixed", "still failing" or ""
	}{
		{reports.Passed, reports.Passed, ""},
		{reports.Passed, reports.Failed, "regression"},
		{reports.Passed, reports.Skipped, "regression"}, // coverage lost
		{reports.Passed, "", "regression"},              // the case vanished
		{reports.Failed, reports.Passed, "fixed"},
		{reports.Failed, reports.Failed, "still failing"},
		{reports.Failed, reports.Skipped, ""},
		{reports.Failed, "", ""},
		{reports.Skipped, reports.Passed, ""},
		{reports.Skipped, reports.Failed, "regression"},
		{reports.Skipped, reports.Skipped, ""},
		{reports.Skipped, "", ""},
		{"", reports.Passed, ""},
		{"", reports.Failed, "regression"}, // a new case that fails
		{"", reports.Skipped, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s→%s", or(tt.was, "absent"), or(tt.now, "absent")), func(t *testing.T) {
			var before, after []string
			if tt.was != "" {
				before = append(before, "Op/x="+tt.was)
			}
			if tt.now != "" {
				after = append(after, "Op/x="+tt.now)
			}
			c := reports.Compare(run(before...), run(after...))
			got := ""
			switch {
			case len(c.Regressions) == 1:
				got = "regression"
			case len(c.Fixed) == 1:
				got = "fixed"
			case len(c.StillFailing) == 1:
				got = "still failing"
			}
			if n := len(c.Regressions) + len(c.Fixed) + len(c.StillFailing); n > 1 || got != tt.want {
				t.Errorf("got %q (%d entries), want %q", got, n, tt.want)
			}
		})
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Shards partition the cases: every id is in exactly one shard, whatever n.
func TestShardsPartition(t *testing.T) {
	var all []string
	for op := range 6 {
		for c := range 9 {
			all = append(all, fmt.Sprintf("Operation%d/case-%d", op, c))
		}
	}
	for n := 1; n <= 7; n++ {
		var union []string
		for i := 1; i <= n; i++ {
			union = append(union, reports.ShardIDs(all, i, n)...)
		}
		slices.Sort(union)
		want := slices.Sorted(slices.Values(all))
		if !slices.Equal(union, want) {
			t.Errorf("n=%d: the shards hold %d ids, want each of the %d once", n, len(union), len(all))
		}
	}
	// Pinned, so that a change of hash, which would reshuffle every sharded CI, is deliberate.
	if !reports.InShard("InitializeTenant/documented-example-activates-the-tenant", 2, 4) {
		t.Error("the shard function changed")
	}
}

func TestParseShard(t *testing.T) {
	tests := []struct {
		in   string
		want reports.Shard
		err  bool
	}{
		{"1/1", reports.Shard{Index: 1, Count: 1}, false},
		{"2/4", reports.Shard{Index: 2, Count: 4}, false},
		{"0/4", reports.Shard{}, true},
		{"5/4", reports.Shard{}, true},
		{"1/0", reports.Shard{}, true},
		{"2", reports.Shard{}, true},
		{"a/b", reports.Shard{}, true},
	}
	for _, tt := range tests {
		got, err := reports.ParseShard(tt.in)
		if (err != nil) != tt.err || (!tt.err && got != tt.want) {
			t.Errorf("ParseShard(%q) = %v, %v", tt.in, got, err)
		}
	}
}

// shard splits a whole run as `conformance run --shard i/n` would: the cases of shard i,
// its own start time and duration.
func shard(whole *reports.Report, i, n int) *reports.Report {
	s := *whole
	s.Cases = nil
	s.Shard = &reports.Shard{Index: i, Count: n}
	if i > 1 {
		s.Restored = nil // the state one shard changed and put back
	}
	s.Started = whole.Started.Add(time.Duration(i) * time.Second)
	s.DurationMS = int64(100 * i)
	for _, c := range whole.Cases {
		if reports.InShard(c.ID, i, n) {
			c.DurationMS += int64(i)
			s.Cases = append(s.Cases, c)
		}
	}
	s.Tally()
	return &s
}

// Shards merged give the report of the unsharded run, up to timings.
func TestMergeEqualsUnshardedRun(t *testing.T) {
	whole := failingReport()
	whole.Shard = nil
	for n := 1; n <= 4; n++ {
		t.Run(fmt.Sprint(n, " shards"), func(t *testing.T) {
			var shards []*reports.Report
			for i := n; i >= 1; i-- { // in any order
				shards = append(shards, shard(whole, i, n))
			}
			merged, err := reports.Merge(shards...)
			if err != nil {
				t.Fatal(err)
			}
			if !merged.Started.Equal(whole.Started.Add(time.Second)) {
				t.Errorf("merged start %v, want the earliest shard's", merged.Started)
			}
			want := *whole
			want.Cases = slices.Clone(whole.Cases)
			merged.Normalize()
			want.Normalize()
			if !reflect.DeepEqual(merged, &want) {
				t.Errorf("merged:\n%+v\nunsharded:\n%+v", merged, &want)
			}
		})
	}
}

// Shards run against different targets (each its own reference target) keep every target.
func TestMergeKeepsEveryTarget(t *testing.T) {
	whole := failingReport()
	var shards []*reports.Report
	for i, port := range []string{"1", "2", "1"} {
		s := shard(whole, i+1, 3)
		s.Target = "http://127.0.0.1:" + port
		s.Targets = map[string]string{"zstack-iam2": s.Target}
		shards = append(shards, s)
	}
	m, err := reports.Merge(shards...)
	if err != nil {
		t.Fatal(err)
	}
	if m.Target != "http://127.0.0.1:1; http://127.0.0.1:2" || m.Targets["zstack-iam2"] != "http://127.0.0.1:1, http://127.0.0.1:2" {
		t.Errorf("target %q, targets %v", m.Target, m.Targets)
	}
}

func TestMergeRefuses(t *testing.T) {
	whole := failingReport()
	whole.Shard = nil
	other := *shard(whole, 1, 2)
	other.Version = "0"
	checks := *shard(whole, 2, 2)
	checks.Checks = append(slices.Clone(checks.Checks), "positive_data_acceptance")
	unmarked := *shard(whole, 2, 2)
	unmarked.Shard = nil
	tests := []struct {
		name   string
		shards []*reports.Report
		want   string
	}{
		{"nothing", nil, "no report"},
		{"the same case twice", []*reports.Report{whole, whole}, "is in both report 1 and report 2"},
		{"versions differ", []*reports.Report{shard(whole, 2, 2), &other}, `version "0"`},
		{"checks differ", []*reports.Report{shard(whole, 1, 2), &checks}, "different versions of the suite"},
		{"a shard missing", []*reports.Report{shard(whole, 1, 3), shard(whole, 3, 3)}, "shard 2/3 is missing"},
		{"a shard twice", []*reports.Report{shard(whole, 1, 2), shard(whole, 1, 2)}, "shard 1/2 is given twice"},
		{"counts differ", []*reports.Report{shard(whole, 1, 2), shard(whole, 2, 3)}, "split the run differently"},
		{"a whole run among shards", []*reports.Report{shard(whole, 1, 2), &unmarked}, "1 of the 2 reports are shards"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := reports.Merge(tt.shards...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// WriteAll writes all four files, and names the directory when it cannot.
func TestWriteAll(t *testing.T) {
	dir := writeAll(t, failingReport())
	for _, name := range []string{"report.json", "junit.xml", "summary.md", "report.html"} {
		if len(read(t, dir, name)) < 100 {
			t.Errorf("%s is nearly empty", name)
		}
	}
	back, err := reports.ReadJSON(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := failingReport()
	back.Normalize()
	want.Normalize()
	if !reflect.DeepEqual(back, want) {
		t.Error("report.json does not read back as the report")
	}
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := reports.WriteAll(file, failingReport()); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("error %v does not name %s", err, file)
	}
}
