package main_test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/conformance-suite/conformance/reports"
)

// reportFiles are the four reports every run writes.
var reportFiles = []string{"report.json", "junit.xml", "summary.md", "report.html"}

// A default run piped (as CI logs it) is plain text that fits 80 columns, and its case lines
// tell a fixture case from the derived case of the same name by their ids.
func TestPipedRunIsPlainAndFits(t *testing.T) {
	r := run(t, nil)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "\x1b") {
		t.Errorf("escape codes in piped output:\n%q", r.stdout)
	}
	lines := strings.Split(r.stdout, "\n")
	for _, l := range lines {
		if n := utf8.RuneCountInString(l); n > 80 {
			t.Errorf("a line of %d columns: %q", n, l)
		}
	}
	for _, want := range []string{"PASS  UpdateTenantConfig/no-credentials (", "PASS  UpdateTenantConfig/derived/no-credentials ("} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the output lacks %q", want)
		}
	}
	if n := len(r.report.Cases); strings.Count(r.stdout, "\nPASS  ") != n {
		t.Errorf("%d case lines for %d cases", strings.Count(r.stdout, "\nPASS  "), n)
	}
	if strings.Contains(r.stdout, "uncovered InitializeTenant security: ") {
		t.Errorf("the console lists every uncovered item; the reports and conformance coverage do")
	}
	if !strings.Contains(r.stdout, "uncovered InitializeTenant: ") {
		t.Errorf("the console does not say what InitializeTenant misses")
	}
	// Two copies of one run do not merge; the message names the merge once.
	m := conformance(t, "merge", "--out", t.TempDir(), r.dir, filepath.Join(r.dir, "report.json"))
	if m.code != 2 || !strings.HasPrefix(m.stderr, "conformance merge: ") || strings.Contains(m.stderr, "merge: merge:") {
		t.Errorf("merge of one run twice: exit %d: %s", m.code, m.stderr)
	}
}

// --output json: stdout holds one JSON object per case, each a case of report.json; the human
// summary goes to stderr.
func TestOutputJSON(t *testing.T) {
	r := run(t, nil, "--output", "json")
	if r.code != 0 || r.report == nil {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var ids []string
	for i, l := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		var c reports.Case
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil || dec.More() || c.ID == "" {
			t.Fatalf("line %d is not one case object (%v): %.200s", i+1, err, l)
		}
		ids = append(ids, c.ID)
	}
	var want []string
	for _, c := range r.report.Cases {
		want = append(want, c.ID)
	}
	slices.Sort(ids)
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Errorf("%d JSON lines, want one per case of the report (%d)", len(ids), len(want))
	}
	if !strings.Contains(r.stderr, "\nPASS: ") {
		t.Errorf("stderr lacks the verdict:\n%s", r.stderr)
	}
}

// `conformance run | head -1`: the reader goes away after one line; the run is not killed by
// SIGPIPE, writes its four reports and exits as usual.
func TestClosedPipeStillWritesReports(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(binary, "run", "--report-dir", dir)
	cmd.Env = append(os.Environ(), defaultEnv()...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	first, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(first, "conformance run: ") {
		t.Fatalf("first line %q, %v", first, err)
	}
	out.Close() // as head -1 does
	_ = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit %d (%v), want 0\n%s", code, cmd.ProcessState, stderr.String())
	}
	for _, name := range reportFiles {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("no %s: %v", name, err)
		}
	}
	if r, err := reports.ReadJSON(dir); err != nil || r.Summary.Passed == 0 || r.Interrupted {
		t.Errorf("report.json: %v", err)
	}
}

// A mistyped flag or command answers in a line naming the closest valid one, exit 2; so does a
// bad --output. A label-filter syntax error is plain text.
func TestMistypedNames(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--tagret", "http://x"}, "conformance run: unknown flag --tagret; did you mean --target? (conformance run -h for all flags)\n"},
		{[]string{"run", "--ouput", "json"}, "did you mean --output?"},
		{[]string{"run", "--output", "verbose"}, `--output: "verbose": want one of dots, lines, quiet, json`},
		{[]string{"rnu"}, `conformance: unknown command "rnu"; did you mean run? (conformance help for the commands)` + "\n"},
		{[]string{"merge", "--otu", "x"}, "did you mean --out?"},
		{[]string{"run", "--label-filter", "a &&"}, "--label-filter: Syntax Error Parsing Label Filter: a && | Unexpected EOF."},
	} {
		r := conformance(t, append(tc.args, "--report-dir", t.TempDir())...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, want 2 and %q:\n%s", tc.args, r.code, tc.want, r.stderr)
		}
		if n := strings.Count(r.stderr, "\n"); n > 3 || strings.Contains(r.stderr, "\x1b") {
			t.Errorf("%v: %d lines (escape codes: %v), want a few plain ones:\n%s", tc.args, n, strings.Contains(r.stderr, "\x1b"), r.stderr)
		}
	}
}

// --version and `conformance version` say what the build info knows, on one line: the test
// binary is built with GOFLAGS=-buildvcs=false, so without a revision, and says so.
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		r := conformance(t, args...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "conformance ") || strings.Count(r.stdout, "\n") != 1 || !strings.Contains(r.stdout, " go1.") {
			t.Errorf("%v: exit %d: %q", args, r.code, r.stdout)
		}
		if !strings.Contains(r.stdout, "revision ") {
			t.Errorf("%v: says nothing of the revision: %q", args, r.stdout)
		}
	}
}
