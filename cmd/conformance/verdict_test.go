package main_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/reports"
)

// findings lists "case id: check" for every finding of a report, failures or warnings.
func findings(r *reports.Report, warnings bool) []string {
	var out []string
	for _, c := range r.Cases {
		fs := c.Failures
		if warnings {
			fs = c.Warnings
		}
		for _, f := range fs {
			out = append(out, c.ID+": "+f.Check)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestLenientTargetsPassCore is the promise of the profiles: a target that follows every page
// but is lenient where the pages are silent passes the core profile, with its leniency
// reported as warnings, and fails the strict profile on exactly those findings.
func TestLenientTargetsPassCore(t *testing.T) {
	for _, l := range mock.Lenients() {
		t.Run(l.Name, func(t *testing.T) {
			url := startMock(t, mock.Options{Lenient: []string{l.Name}})
			core := run(t, nil, "--target", url)
			if core.code != 0 || core.report == nil {
				t.Fatalf("core: exit %d, want 0\n%s\n%s", core.code, core.stdout, core.stderr)
			}
			warned := findings(core.report, true)
			if len(warned) == 0 || core.report.Summary.Warned == 0 {
				t.Fatalf("core: no warning reported against a lenient target\n%s", core.stdout)
			}
			if !strings.Contains(core.stdout, "WARN ") || !strings.Contains(core.stdout, "warning (strict)") {
				t.Errorf("core: the console shows no warning:\n%s", core.stdout)
			}
			for _, c := range core.report.Cases {
				for _, w := range c.Warnings {
					if w.Profile != "strict" {
						t.Errorf("core: warning of profile %q on %s", w.Profile, c.ID)
					}
				}
				if len(c.Warnings) > 0 && c.Curl == "" {
					t.Errorf("core: the warned case %s has no curl", c.ID)
				}
			}
			strict := run(t, nil, "--target", url, "--profile", "strict")
			if strict.code != 1 || strict.report == nil {
				t.Fatalf("strict: exit %d, want 1\n%s", strict.code, strict.stdout)
			}
			if got := findings(strict.report, false); !slices.Equal(got, warned) {
				t.Errorf("strict fails on\n%v\nwant exactly the core run's warnings\n%v", got, warned)
			}
			for _, pr := range strict.report.Profiles {
				if pr.Profile == "core" && pr.Verdict != reports.ProfilePassed {
					t.Errorf("strict run: %s core verdict %s, want passed", pr.Provider, pr.Verdict)
				}
			}
			if strict.report.Profile != "strict" || core.report.Profile != "core" {
				t.Errorf("reports name profiles %q and %q", core.report.Profile, strict.report.Profile)
			}
		})
	}
}

// TestFaultsStayFailuresInCore: no fault mode of the reference target turns into a warning in
// the core profile: each still fails the run, with its own check among the failures. (On a
// strict probe a refusal owed is a warning; the answer itself, a reset or a broken envelope,
// is judged at its check's own profile.)
func TestFaultsStayFailuresInCore(t *testing.T) {
	for _, f := range mock.Faults() {
		if f.Breaks == "response_received" && f.Name != "connection-reset" {
			continue // the slow faults are covered, with their timeouts, by the fault-mode test
		}
		t.Run(f.Name, func(t *testing.T) {
			r := run(t, nil, "--target", startMock(t, mock.Options{Fault: f.Name}))
			if r.code != 1 || r.report == nil || r.report.Summary.Failed == 0 {
				t.Fatalf("exit %d, want 1 with failures\n%s", r.code, r.stdout)
			}
			failed := false
			for _, c := range r.report.Cases {
				for _, x := range c.Failures {
					failed = failed || x.Check == f.Breaks
				}
				for _, w := range c.Warnings {
					if w.Check == f.Breaks && f.Breaks != "negative_data_rejection" {
						t.Errorf("%s: the fault's check %s is a warning", c.ID, w.Check)
					}
				}
			}
			if !failed {
				t.Errorf("the fault's check %s fails no case", f.Breaks)
			}
		})
	}
}

// TestCheckSelection: --exclude-checks silences a check, the config file does so for one
// operation only, and an unknown check name is a usage error that lists the valid ones.
func TestCheckSelection(t *testing.T) {
	url := startMock(t, mock.Options{Fault: "accept-invalid-input"})
	if r := run(t, nil, "--target", url, "--exclude-checks", "negative_data_rejection"); r.code != 0 {
		t.Errorf("--exclude-checks negative_data_rejection: exit %d, want 0\n%s", r.code, r.stdout)
	} else if state := r.report.Cases[0].Checks["negative_data_rejection"]; state != "disabled" && state != "" {
		t.Errorf("an excluded check is %q, want disabled", state)
	}
	config := filepath.Join(t.TempDir(), "config.yaml")
	write := func(body string) {
		if err := os.WriteFile(config, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("operations:\n  UpdateEnterpriseId:\n    exclude_checks: [negative_data_rejection]\n")
	if r := run(t, nil, "--target", url, "--config", config); r.code != 0 {
		t.Errorf("per-operation exclude_checks: exit %d, want 0\n%s", r.code, r.stdout)
	}
	write("operations:\n  InitializeTenant:\n    exclude_checks: [negative_data_rejection]\n")
	if r := run(t, nil, "--target", url, "--config", config); r.code != 1 {
		t.Errorf("exclude_checks on another operation: exit %d, want 1\n%s", r.code, r.stdout)
	}
	for _, args := range [][]string{
		{"--checks", "response_received,no_such_check"},
		{"--exclude-checks", "no_such_check"},
	} {
		r := run(t, nil, append([]string{"--target", url}, args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, "no_such_check") || !strings.Contains(r.stderr, "negative_data_rejection") {
			t.Errorf("%v: exit %d, want 2 naming the check and the valid ones\n%s", args, r.code, r.stderr)
		}
	}
	write("operations:\n  UpdateEnterpriseId:\n    exclude_checks: [no_such_check]\n")
	if r := run(t, nil, "--target", url, "--config", config); r.code != 2 || !strings.Contains(r.stderr, "no_such_check") {
		t.Errorf("unknown check in the config file: exit %d, want 2\n%s", r.code, r.stderr)
	}
	write("operations:\n  UpdateEnterpriseId:\n    profiles: {missing mandatory Content-Type: core}\n")
	lenient := startMock(t, mock.Options{Lenient: []string{"content-type"}})
	if r := run(t, nil, "--target", lenient, "--config", config); r.code != 1 {
		t.Errorf("a case made core by the config file: exit %d, want 1\n%s", r.code, r.stdout)
	}
}

// TestNoSilentGreen: a run in which nothing can run is exit 2, naming why; so is a label
// filter or a shard that selects nothing.
func TestNoSilentGreen(t *testing.T) {
	empty := []string{}
	for _, v := range defaultEnv() {
		name, _, _ := strings.Cut(v, "=")
		empty = append(empty, name+"=")
	}
	r := run(t, empty, "--target", "http://127.0.0.1:1")
	if r.code != 2 || !strings.Contains(r.stderr, "CONFORMANCE_HUAWEICLOUD_ACCESS_KEY") || !strings.Contains(r.stderr, "CONFORMANCE_ZSTACK_SESSION") {
		t.Errorf("no credentials: exit %d, want 2 naming the variables\n%s%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "PASS:") {
		t.Errorf("a run that tested nothing says PASS:\n%s", r.stdout)
	}
	for _, args := range [][]string{{"--label-filter", "no-such-label"}, {"--shard", "1/1000"}} {
		if r := run(t, nil, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
}

// TestBaselineVerdictInReports: with only known failures the run exits 0 and every report
// says there is no regression; --baseline takes a report directory as diff does.
func TestBaselineVerdictInReports(t *testing.T) {
	url := startMock(t, mock.Options{Fault: "wrong-success-status"})
	first := run(t, nil, "--target", url)
	if first.code != 1 {
		t.Fatalf("the fault run: exit %d, want 1", first.code)
	}
	second := run(t, nil, "--target", url, "--baseline", first.dir)
	if second.code != 0 || second.report.BaselineResult == nil {
		t.Fatalf("against its own baseline: exit %d, baseline %+v\n%s%s", second.code, second.report.BaselineResult, second.stdout, second.stderr)
	}
	want := second.report.BaselineResult.String()
	if !strings.HasPrefix(want, "no regression (") {
		t.Errorf("baseline verdict %q", want)
	}
	for _, name := range []string{"summary.md", "report.html", "junit.xml"} {
		b, err := os.ReadFile(filepath.Join(second.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if text := strings.ReplaceAll(string(b), `\`, ""); !strings.Contains(text, want) { // summary.md escapes the parentheses
			t.Errorf("%s does not say %q", name, want)
		}
		if name == "summary.md" && strings.Contains(string(b), "Conformance: failed") {
			t.Errorf("summary.md says failed for a run without regression")
		}
	}
}

// TestInterruptedRunIsNotGreen: SIGINT during a run stops sending, writes every report with the
// run marked interrupted and exits 130; SIGTERM exits 143.
func TestInterruptedRunIsNotGreen(t *testing.T) {
	target, err := mock.New(mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Alibaba's RPC answers hang until the client goes away; the others come at once.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			<-r.Context().Done()
			return
		}
		target.ServeHTTP(w, r)
	}))
	defer srv.Close()
	url := srv.URL
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(binary, "run", "--report-dir", dir, "--target", url, "--timeout", "20s", "--parallel", "1")
			cmd.Env = append(os.Environ(), defaultEnv()...)
			var out strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(1500 * time.Millisecond)
			start := time.Now()
			_ = cmd.Process.Signal(tc.sig)
			_ = cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, out.String())
			}
			if took := time.Since(start); took > 25*time.Second {
				t.Errorf("took %s after the signal", took)
			}
			r, err := reports.ReadJSON(dir)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Interrupted || r.Passed() {
				t.Errorf("report: interrupted %v, passed %v", r.Interrupted, r.Passed())
			}
			notRun := 0
			for _, c := range r.Cases {
				if c.State == reports.Skipped && strings.Contains(c.Reason, "interrupted") {
					notRun++
				}
			}
			if notRun == 0 || r.Summary.Passed == 0 {
				t.Errorf("the report lists %d cases not run and %d passed, want both", notRun, r.Summary.Passed)
			}
			for _, name := range []string{"summary.md", "junit.xml", "report.html"} {
				if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || !strings.Contains(string(b), "interrupted") {
					t.Errorf("%s does not say interrupted (%v)", name, err)
				}
			}
		})
	}
}
