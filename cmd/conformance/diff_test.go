package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/reports"
)

// cases builds "id=state" cases in plan order, a failure on each failed one.
func cases(states ...string) []reports.Case {
	var out []reports.Case
	for i, s := range states {
		id, state, _ := strings.Cut(s, "=")
		c := reports.Case{ID: id, Order: i + 1, Provider: "zstack", Service: "zstack-iam2", Operation: "ChangeIAM2ProjectState", Name: id, State: state}
		switch state {
		case reports.Failed:
			c.Failures = []reports.Failure{{Check: "status_code_conformance", Message: "status_code_conformance: expected 200, got 500"}}
		case reports.Skipped:
			c.Reason = "no session"
		}
		out = append(out, c)
	}
	return out
}

// report writes a report.json of the cases into a new directory and returns the directory.
func report(t *testing.T, shard *reports.Shard, cs ...reports.Case) string {
	t.Helper()
	r := &reports.Report{Version: reports.Version, Target: "http://127.0.0.1:1",
		Started: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), Shard: shard, Cases: cs}
	r.Tally()
	dir := t.TempDir()
	if err := r.WriteJSON(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

type cmdResult struct {
	code           int
	stdout, stderr string
}

func call(cmd func([]string, io.Writer, io.Writer) int, args ...string) cmdResult {
	var out, errb bytes.Buffer
	code := cmd(args, &out, &errb)
	return cmdResult{code, out.String(), errb.String()}
}

func TestDiffCmd(t *testing.T) {
	baseline := report(t, nil, cases("Op/fixed=failed", "Op/broken=passed", "Op/same=passed")...)
	current := report(t, nil, cases("Op/fixed=passed", "Op/broken=failed", "Op/same=passed")...)
	garbage := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(garbage, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		out  string // in stdout, or in stderr when code is 2
	}{
		{"a regression and a fix", []string{baseline, current}, 1, "REGRESSION  Op/broken"},
		{"the fix is listed", []string{baseline, filepath.Join(current, "report.json")}, 1, "FIXED       Op/fixed"},
		{"no regression", []string{current, current}, 0, "no regression"},
		{"improvement only", []string{current, baseline}, 1, "REGRESSION  Op/fixed"},
		{"missing file", []string{baseline, filepath.Join(t.TempDir(), "nope.json")}, 2, "nope.json"},
		{"not JSON", []string{garbage, current}, 2, "baseline: " + garbage},
		{"one argument", []string{baseline}, 2, "want two reports"},
		{"help", []string{"-h"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(diffCmd, tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			where := r.stdout
			if tt.code == 2 {
				where = r.stderr
			}
			if !strings.Contains(where, tt.out) {
				t.Errorf("output lacks %q:\n%s", tt.out, where)
			}
		})
	}
	if r := call(diffCmd, baseline, current); strings.Contains(r.stdout, "REGRESSION  Op/fixed") || strings.Contains(r.stdout, "REGRESSION  Op/same") {
		t.Errorf("only the new failure is a regression:\n%s", r.stdout)
	}
}
