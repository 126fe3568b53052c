package main_test

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/runner"
)

// A shard comes from the environment as a CI matrix or a Kubernetes Indexed Job gives it; a bad
// or contradictory value exits 2 naming the variable, before any connection to the target.
func TestShardFromTheEnvironmentRefusesBadValues(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var connections atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			connections.Add(1)
			c.Close()
		}
	}()
	target := "http://" + l.Addr().String()
	tests := []struct {
		env  []string
		want string
	}{
		{[]string{runner.EnvShard + "=0/8"}, runner.EnvShard},
		{[]string{runner.EnvShard + "=three"}, runner.EnvShard},
		{[]string{runner.EnvShardCount + "=8"}, runner.EnvJobCompletionIndex},
		{[]string{runner.EnvShardCount + "=8", runner.EnvJobCompletionIndex + "=8"}, runner.EnvJobCompletionIndex},
		{[]string{runner.EnvShardCount + "=0", runner.EnvJobCompletionIndex + "=0"}, runner.EnvShardCount},
		{[]string{runner.EnvShard + "=1/8", runner.EnvShardCount + "=8", runner.EnvJobCompletionIndex + "=0"}, "both set"},
	}
	for _, tt := range tests {
		r := run(t, tt.env, "--target", target)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %s", tt.env, r.code, r.stderr, tt.want)
		}
	}
	if n := connections.Load(); n != 0 {
		t.Errorf("%d connections to the target before the settings were refused", n)
	}
}

// The --shard flag wins over the environment, which is then not read at all.
func TestShardFlagWinsOverTheEnvironment(t *testing.T) {
	target := startMock(t, mock.Options{})
	r := run(t, []string{runner.EnvShard + "=not-a-shard", runner.EnvShardCount + "=8"}, "--target", target, "--shard", "2/8")
	if r.report == nil || r.report.Shard == nil || *r.report.Shard != (reports.Shard{Index: 2, Count: 8}) {
		t.Fatalf("exit %d, shard %v; want the flag's 2/8\n%s", r.code, r.report, r.stderr)
	}
}

// Eight processes of the binary, each one shard of the run (four told by CONFORMANCE_SHARD, four
// by JOB_COMPLETION_INDEX and CONFORMANCE_SHARD_COUNT, as the pods of an Indexed Job are), run
// against one reference target; `conformance merge` joins them into the unsharded run: the
// same cases in the same order with the same verdicts, and the same coverage.
func TestEightShardsMergeIntoTheUnshardedRun(t *testing.T) {
	target := startMock(t, mock.Options{})
	whole := run(t, nil, "--target", target)
	if whole.code != 0 || whole.report == nil {
		t.Fatalf("unsharded run: exit %d\n%s", whole.code, whole.stderr)
	}
	const n = 8
	dirs := make([]string, n)
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		env := []string{fmt.Sprintf("%s=%d/%d", runner.EnvShard, i+1, n)}
		if i%2 == 1 {
			env = []string{fmt.Sprintf("%s=%d", runner.EnvJobCompletionIndex, i), fmt.Sprintf("%s=%d", runner.EnvShardCount, n)}
		}
		wg.Go(func() {
			s := run(t, env, "--target", target)
			dirs[i], codes[i] = s.dir, s.code
			if s.report == nil || s.report.Shard == nil || *s.report.Shard != (reports.Shard{Index: i + 1, Count: n}) {
				t.Errorf("shard %d (%v): exit %d, report shard %v\n%s", i+1, env, s.code, s.report, s.stderr)
			}
		})
	}
	wg.Wait()
	for i, code := range codes {
		if code != 0 {
			t.Errorf("shard %d/%d: exit %d", i+1, n, code)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	out := filepath.Join(t.TempDir(), "merged")
	if m := conformance(t, append([]string{"merge", "--out", out}, dirs...)...); m.code != 0 {
		t.Fatalf("merge: exit %d\n%s", m.code, m.stderr)
	}
	merged, err := reports.ReadJSON(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	type verdict struct {
		ID     string
		Order  int
		State  string
		Checks map[string]string
	}
	verdicts := func(r *reports.Report) []verdict {
		var out []verdict
		for _, c := range r.Cases {
			out = append(out, verdict{c.ID, c.Order, string(c.State), c.Checks})
		}
		return out
	}
	got, want := verdicts(merged), verdicts(whole.report)
	if len(got) != len(want) {
		t.Fatalf("merged %d cases, the unsharded run %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("case %d: merged %+v, unsharded %+v", i+1, got[i], want[i])
		}
	}
	if merged.Summary != whole.report.Summary {
		t.Errorf("merged summary %+v, unsharded %+v", merged.Summary, whole.report.Summary)
	}
	if !reflect.DeepEqual(merged.Coverage, whole.report.Coverage) {
		t.Error("the merged shards' coverage differs from the unsharded run's")
	}
}

// summary.md of a run against a fault mode reads as a PR comment should: the verdict and the
// scores, then the failures folded per operation, then the compact matrix, then the
// discrepancies folded under the vendor pages' titles; no table wider than seven columns.
func TestSummaryOfAFaultRun(t *testing.T) {
	r := run(t, nil, "--target", startMock(t, mock.Options{Fault: "wrong-field-type"}))
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	raw, err := os.ReadFile(filepath.Join(r.dir, "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	md := string(raw)
	last := -1
	for _, h := range []string{"## ❌ Conformance: failed", "| provider | score |", "### Failures", "<details><summary>❌ <code>InitializeTenant</code>",
		"### Compliance matrix", "### Where the documentation and the service differ", "#### “Activating and Initializing a Tenant Service”"} {
		i := strings.Index(md, h)
		if i < 0 || i < last {
			t.Errorf("summary.md: %q missing or out of order (at %d, after %d)", h, i, last)
		}
		last = max(last, i)
	}
	if strings.Count(md, "<details>") != strings.Count(md, "</details>") {
		t.Error("summary.md leaves a <details> open")
	}
	if strings.Contains(md, "#### “000") || strings.Contains(md, "| source |") {
		t.Error("summary.md names a vendor page by its seed file")
	}
	for i, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "|") {
			if cols := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") - 1; cols > 7 {
				t.Errorf("line %d: a table of %d columns, too wide for a comment: %s", i+1, cols, line)
			}
		}
	}
}
