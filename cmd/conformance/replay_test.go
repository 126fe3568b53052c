package main_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/reports"
)

// replay runs the binary with words, in the reference target's environment; a single word
// starting "conformance replay" is a command line, run by the shell as a user pastes it.
func replay(t *testing.T, words ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, words...)
	if line, ok := strings.CutPrefix(words[0], "conformance replay "); ok {
		cmd = exec.CommandContext(ctx, "sh", "-c", "exec "+binary+" replay "+line)
	}
	cmd.Env = append(os.Environ(), defaultEnv()...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
	if err != nil && r.code <= 0 {
		t.Fatalf("running %v: %v\n%s", words, err, r.stderr)
	}
	return r
}

// A failure of a signed case is reproduced by the replay command its report names: sent again
// with a fresh signature, against the fault mode that caused it, it fails the same check, and
// neither the command nor its output shows a secret. Huawei AK/SK, Alibaba V1 and V3.
func TestReplayReproducesASignedFailure(t *testing.T) {
	secrets := providers.Defaults().Secrets()
	for _, tc := range []struct {
		name, fault, filter string
		args                []string
	}{
		{"huawei ak/sk", "wrong-field-type", "InitializeTenant && positive", nil},
		{"alibaba v1", "success-as-string", "GetUserActiveTenant && positive", nil},
		{"alibaba v3", "success-as-string", "GetUserActiveTenant && positive", []string{"--alibabacloud-signature", "v3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := faultNamed(t, tc.fault)
			target := startMock(t, mock.Options{Fault: f.Name})
			r := run(t, nil, append([]string{"--target", target, "--label-filter", tc.filter, "--output", "quiet"}, tc.args...)...)
			if r.code != 1 || r.report == nil {
				t.Fatalf("the run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			var failed *reports.Case
			for i, c := range r.report.Cases {
				if c.State == reports.Failed && c.Exchange != nil && strings.Contains(c.Curl, "REDACTED") {
					failed = &r.report.Cases[i]
					break
				}
			}
			if failed == nil {
				t.Fatal("no failed case with a redacted (signed) curl")
			}
			if !strings.HasPrefix(failed.Replay, "conformance replay '"+failed.ID+"' ") {
				t.Fatalf("replay command %q", failed.Replay)
			}
			for _, arg := range tc.args {
				if !strings.Contains(failed.Replay, arg) {
					t.Errorf("the replay command %q does not carry %s", failed.Replay, arg)
				}
			}
			for name, rr := range map[string]result{
				"its command":    replay(t, failed.Replay),
				"--report":       replay(t, "replay", failed.ID, "--report", r.dir),
				"--report file":  replay(t, "replay", failed.ID, "--report", r.dir+"/report.json", "--output", "quiet"),
				"--output lines": replay(t, "replay", failed.ID, "--report", r.dir, "--output", "lines"),
			} {
				if rr.code != 1 {
					t.Errorf("%s: exit %d, want 1 (the failure reproduced)\n%s%s", name, rr.code, rr.stdout, rr.stderr)
				}
				if title := "conformance replay: 1 cases"; name == "--output lines" && !strings.HasPrefix(rr.stdout, title) {
					t.Errorf("%s: the console does not open with %q:\n%s", name, title, rr.stdout)
				}
				if !strings.Contains(rr.stdout, "=== "+failed.ID+": failed") || !strings.Contains(rr.stdout, f.Breaks+" (core)") || !strings.Contains(rr.stdout, "> POST ") && !strings.Contains(rr.stdout, "> GET ") {
					t.Errorf("%s: the output does not show the exchange and the failed %s:\n%s", name, f.Breaks, rr.stdout)
				}
				for _, s := range secrets {
					if strings.Contains(rr.stdout+rr.stderr+failed.Replay, s) {
						t.Errorf("%s shows a secret (%.6s…)", name, s)
					}
				}
			}
			// Against a conformant target the same command passes: it judged the answer,
			// not the replay.
			conformant := strings.Replace(failed.Replay, target, startMock(t, mock.Options{}), 1)
			if rr := replay(t, conformant); rr.code != 0 {
				t.Errorf("the replay against a conformant target: exit %d\n%s%s", rr.code, rr.stdout, rr.stderr)
			}
		})
	}
}

// An unknown case id is a usage error naming the closest one, before anything is sent.
func TestReplayOfAnUnknownCase(t *testing.T) {
	r := replay(t, "replay", "InitializeTenant/documented-example-activates-the-tenan")
	if r.code != 2 || !strings.Contains(r.stderr, "did you mean InitializeTenant/documented-example-activates-the-tenant?") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if r := replay(t, "replay", "--target", "http://127.0.0.1:9"); r.code != 2 || !strings.Contains(r.stderr, "the case id comes first") {
		t.Errorf("no case id: exit %d, stderr %q", r.code, r.stderr)
	}
}

func faultNamed(t *testing.T, name string) mock.Fault {
	for _, f := range mock.Faults() {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no fault mode %s", name)
	return mock.Fault{}
}
