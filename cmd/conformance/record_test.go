package main_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/reports"
)

// A run's recording (--record) replays as fixtures (--fixtures): against the reference target
// every case passes, against a fault mode the same check fails on the same operations as with
// the built-in fixtures; the same traffic recorded twice gives the same files; no secret is in
// them.
func TestRecordingReplaysWithTheSameVerdicts(t *testing.T) {
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first"), filepath.Join(dir, "second")
	for _, d := range []string{first, second} {
		if r := run(t, nil, "--record", d, "--output", "quiet"); r.code != 0 || !strings.Contains(r.stdout+r.stderr, "recorded ") {
			t.Fatalf("recording: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	}
	files, _ := filepath.Glob(filepath.Join(first, "*.yaml"))
	if len(files) == 0 {
		t.Fatal("the recording holds no file")
	}
	for _, f := range files {
		a, _ := os.ReadFile(f)
		b, err := os.ReadFile(filepath.Join(second, filepath.Base(f)))
		if err != nil || string(a) != string(b) {
			t.Errorf("%s differs between two recordings of the same traffic", filepath.Base(f))
		}
		for _, s := range providers.Defaults().Secrets() {
			if strings.Contains(string(a), s) {
				t.Errorf("%s holds a secret (%.6s…)", filepath.Base(f), s)
			}
		}
		if strings.Contains(string(a), "Signature:") || strings.Contains(string(a), "Signature=") || strings.Contains(string(a), "Authorization:") {
			t.Errorf("%s holds a signature or an Authorization header", filepath.Base(f))
		}
	}
	if r := run(t, nil, "--fixtures", first, "--output", "quiet"); r.code != 0 || r.report.Summary.Passed == 0 {
		t.Fatalf("the recording replayed against the reference target: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, fault := range []string{"wrong-field-type", "success-as-string", "state-as-number", "wrong-error-envelope"} {
		t.Run(fault, func(t *testing.T) {
			target := startMock(t, mock.Options{Fault: fault})
			builtin := run(t, nil, "--target", target, "--output", "quiet")
			replayed := run(t, nil, "--target", target, "--output", "quiet", "--fixtures", first)
			if builtin.code != 1 || replayed.code != 1 {
				t.Fatalf("exit %d with the built-in fixtures, %d with the recording", builtin.code, replayed.code)
			}
			if a, b := failedChecks(builtin.report), failedChecks(replayed.report); !slices.Equal(a, b) {
				t.Errorf("failed with the built-in fixtures: %v\nwith the recording: %v", a, b)
			}
		})
	}
}

// failedChecks lists "operation check" for every failure of a report, once each, sorted.
func failedChecks(r *reports.Report) []string {
	var out []string
	for _, c := range r.Cases {
		for _, f := range c.Failures {
			out = append(out, c.Operation+" "+f.Check)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
