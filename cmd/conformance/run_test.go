package main_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/alibabacloud"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
	"github.com/conformance-suite/conformance/providers/zstack"
	"github.com/conformance-suite/conformance/reports"
)

// The binary under test, built once: Ginkgo runs one suite per process, so every run is a
// process of its own, exactly as a user or CI runs it.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "conformance-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "conformance")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the conformance binary:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is one finished run of the binary.
type result struct {
	code   int
	stdout string
	stderr string
	report *reports.Report
	took   time.Duration
	dir    string // the report directory
}

// run runs `conformance run` with args and the reference target's default credentials in the
// environment (unless env overrides them), and reads its report.
func run(t *testing.T, env []string, args ...string) result {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append([]string{"run", "--report-dir", dir}, args...)...)
	cmd.Env = append(append(os.Environ(), defaultEnv()...), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start), dir: dir}
	if err != nil && r.code <= 0 {
		t.Fatalf("running %v: %v\n%s", args, err, r.stderr)
	}
	if rep, err := reports.ReadJSON(filepath.Join(dir, "report.json")); err == nil {
		r.report = rep
	}
	return r
}

// defaultEnv is the environment of a user who points the suite at the reference target.
func defaultEnv() []string {
	d := providers.Defaults()
	return []string{
		huaweicloud.Token.Env + "=", // sign with AK/SK, as the default run does
		huaweicloud.AccessKey.Env + "=" + d.Get(huaweicloud.AccessKey),
		huaweicloud.SecretKey.Env + "=" + d.Get(huaweicloud.SecretKey),
		huaweicloud.ProjectID.Env + "=" + d.Get(huaweicloud.ProjectID),
		alibabacloud.KeyID.Env + "=" + d.Get(alibabacloud.KeyID),
		alibabacloud.KeySecret.Env + "=" + d.Get(alibabacloud.KeySecret),
		alibabacloud.Tid.Env + "=" + d.Get(alibabacloud.Tid),
		zstack.Session.Env + "=" + d.Get(zstack.Session),
		zstack.ProjectUUID.Env + "=" + d.Get(zstack.ProjectUUID),
		huaweicloud.ForbiddenAccessKey.Env + "=" + d.Get(huaweicloud.ForbiddenAccessKey),
		huaweicloud.ForbiddenSecretKey.Env + "=" + d.Get(huaweicloud.ForbiddenSecretKey),
		alibabacloud.ForbiddenKeyID.Env + "=" + d.Get(alibabacloud.ForbiddenKeyID),
		alibabacloud.ForbiddenKeySecret.Env + "=" + d.Get(alibabacloud.ForbiddenKeySecret),
	}
}

func startMock(t *testing.T, opts mock.Options) string {
	t.Helper()
	srv, err := mock.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv.URL()
}

func TestDefaultRunPassesEveryCase(t *testing.T) {
	r := run(t, nil)
	if r.code != 0 {
		t.Fatalf("exit %d, want 0\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r.report == nil || r.report.Summary.Failed != 0 || r.report.Summary.Skipped != 0 || r.report.Summary.Passed < 40 {
		t.Fatalf("summary %+v, want every case passed\n%s", r.report.Summary, r.stdout)
	}
	for _, want := range []string{"PASS  UpdateTenantConfig/", "operation", "total", "reports in", "\nPASS: "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	// The run kept the evidence on disk while it ran (reports.Evidence): every case has it in
	// report.json, and the directory holds the reports alone.
	for _, c := range r.report.Cases {
		if c.Exchange == nil || c.Exchange.Response == nil || c.Curl == "" {
			t.Errorf("case %s has no transcript or curl in report.json", c.ID)
		}
	}
	entries, err := os.ReadDir(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !slices.Contains([]string{"report.json", "junit.xml", "summary.md", "report.html", "ginkgo-output.txt"}, e.Name()) {
			t.Errorf("the report directory holds %s", e.Name())
		}
	}
}

func TestExternalReferenceTargetPassesEveryCase(t *testing.T) {
	r := run(t, nil, "--target", startMock(t, mock.Options{}))
	if r.code != 0 || r.report.Summary.Failed != 0 {
		t.Fatalf("exit %d, summary %+v\n%s", r.code, r.report.Summary, r.stdout)
	}
	if r.report.Summary.Skipped != 0 {
		t.Fatalf("skipped %d cases with every credential configured\n%s", r.report.Summary.Skipped, r.stdout)
	}
}

// TestEveryFaultFailsExactlyItsCheck is the proof that every check can fail: against each fault
// mode of the reference target, the run exits 1, only the fault's operations fail, and every
// failure is of the one check the fault breaks, with a message naming where, what was expected
// and what came, and a curl that reproduces it.
func TestEveryFaultFailsExactlyItsCheck(t *testing.T) {
	broken := map[string]bool{}
	for _, f := range mock.Faults() {
		broken[f.Breaks] = true
		t.Run(f.Name, func(t *testing.T) {
			t.Parallel()
			opts := mock.Options{Fault: f.Name, AsyncZStack: f.Name == "job-never-finishes"}
			r := run(t, nil, "--target", startMock(t, opts), "--timeout", "1s", "--parallel", "8")
			if r.code != 1 {
				t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
			}
			// Ginkgo's log fails each operation's spec with every failed case of it.
			log, err := os.ReadFile(filepath.Join(r.dir, "ginkgo-output.txt"))
			if err != nil {
				t.Fatal(err)
			}
			failedOps := map[string]bool{}
			for _, c := range r.report.Cases {
				if c.State != reports.Failed {
					continue
				}
				failedOps[c.Operation] = true
				if !bytes.Contains(log, []byte(fmt.Sprintf("%s %q", c.Operation, c.Name))) {
					t.Errorf("Ginkgo's log does not name the failed case %s %q", c.Operation, c.Name)
				}
				if !slices.Contains(f.Operations, c.Operation) && !(c.Operation == "GetUserActiveTenantByGet" && slices.Contains(f.Operations, "GetUserActiveTenant")) {
					t.Errorf("case %s of an operation outside the fault's scope failed: %+v", c.ID, c.Failures)
				}
				for _, fl := range c.Failures {
					if fl.Check != f.Breaks {
						t.Errorf("case %s failed check %s, want only %s: %s", c.ID, fl.Check, f.Breaks, fl.Message)
					}
					if fl.Expected == "" || fl.Actual == "" || !strings.Contains(fl.Message, "expected") || !strings.Contains(fl.Message, "got") {
						t.Errorf("case %s: failure message lacks expected/actual: %+v", c.ID, fl)
					}
				}
				if !strings.HasPrefix(c.Curl, "curl ") {
					t.Errorf("case %s: no reproducing curl", c.ID)
				}
			}
			for _, op := range f.Operations {
				if !failedOps[op] {
					t.Errorf("no case of %s failed under fault %s\n%s", op, f.Name, r.stdout)
				}
			}
			if !strings.Contains(r.stdout, "reproduce: curl ") {
				t.Errorf("the live output shows no reproducing curl:\n%s", r.stdout)
			}
		})
	}
	t.Run("every check is broken by some fault", func(t *testing.T) {
		for _, c := range []string{"response_received", "not_a_server_error", "status_code_conformance",
			"content_type_conformance", "no_body_on_204", "response_schema_conformance",
			"error_envelope_conformance", "negative_data_rejection", "positive_data_acceptance", "ignored_auth",
			"response_values_conformance"} {
			if !broken[c] {
				t.Errorf("no fault mode breaks %s: a check that cannot be shown to fail", c)
			}
		}
	})
}

// TestFailureMessagesNameFieldExpectedActual pins the message of one schema failure.
func TestFailureMessagesNameFieldExpectedActual(t *testing.T) {
	r := run(t, nil, "--target", startMock(t, mock.Options{Fault: "wrong-field-type"}), "--label-filter", "InitializeTenant && positive")
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stdout)
	}
	f := r.report.Cases[0].Failures[0]
	if f.Pointer != "/project_id" || f.Expected != "type string" || !strings.HasPrefix(f.Actual, "number ") {
		t.Fatalf("failure %+v, want pointer /project_id, expected type string, actual a number", f)
	}
}

func TestHangingTargetFinishesWithinTheTimeoutBudget(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // accept and never answer
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	r := run(t, nil, "--target", "http://"+ln.Addr().String(), "--timeout", "500ms", "--parallel", "8")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	cases := len(r.report.Cases)
	budget := time.Duration(cases)*500*time.Millisecond/8 + 5*time.Second
	if r.took > budget {
		t.Errorf("a run against a hanging target took %s, over timeout × cases / parallel + 5s = %s", r.took, budget)
	}
	for _, c := range r.report.Cases {
		if c.State != reports.Failed || c.Failures[0].Check != "response_received" || !strings.Contains(c.Failures[0].Actual, "no complete answer within 500ms") {
			t.Fatalf("case %s: %+v, want a response_received timeout", c.ID, c.Failures)
		}
	}
}

func TestUnreachableTargetFailsClearly(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	r := run(t, nil, "--target", "http://"+addr, "--label-filter", "UpdateEnterpriseId")
	if r.code != 1 || !strings.Contains(r.report.Cases[0].Failures[0].Actual, "connection refused") {
		t.Fatalf("exit %d, report %+v", r.code, r.report.Cases[0].Failures)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "x.yaml"), []byte("operation: UpdateEnterpriseId\ncases:\n  - name: a\n    kind: positive\n    expect: {status: 200}\n    bogus: 1\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--no-such-flag"}, "unknown flag --no-such-flag"},
		{"bad target", []string{"--target", "ftp://x"}, "--target"},
		{"bad timeout", []string{"--timeout", "0s"}, "--timeout"},
		{"bad label filter", []string{"--label-filter", "a &&"}, "--label-filter"},
		{"missing fixtures", []string{"--fixtures", "/no/such/dir"}, "--fixtures"},
		{"unknown fixture field", []string{"--fixtures", bad}, "x.yaml"},
		{"bad signature version", []string{"--alibabacloud-signature", "v2"}, "v1 or v3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, nil, tc.args...)
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, tc.want)
			}
		})
	}
}

func TestMissingCredentialsSkipWithAReason(t *testing.T) {
	env := []string{alibabacloud.KeyID.Env + "=", alibabacloud.KeySecret.Env + "="}
	r := run(t, env, "--target", startMock(t, mock.Options{}), "--label-filter", "alibabacloud")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stdout)
	}
	skipped := 0
	for _, c := range r.report.Cases {
		if c.State == reports.Skipped {
			skipped++
			if !strings.Contains(c.Reason, alibabacloud.KeyID.Env) {
				t.Errorf("skip reason %q does not say which variable to set", c.Reason)
			}
		} else if !slices.Contains(c.Labels, "auth") {
			t.Errorf("case %s ran without credentials", c.ID)
		}
	}
	if skipped == 0 {
		t.Fatal("nothing was skipped without Alibaba credentials")
	}
}

// TestNoSecretInOutput greps the output and the report for every configured secret.
func TestNoSecretInOutput(t *testing.T) {
	secrets := providers.Defaults()
	r := run(t, []string{huaweicloud.Token.Env + "=" + secrets.Get(huaweicloud.Token)}, "--target", startMock(t, mock.Options{Fault: "wrong-field-type"}))
	texts := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
	for _, name := range []string{"report.json", "junit.xml", "summary.md", "report.html", "ginkgo-output.txt"} {
		raw, err := os.ReadFile(filepath.Join(r.dir, name))
		if err != nil {
			t.Fatalf("the run wrote no %s: %v", name, err)
		}
		texts[name] = string(raw)
	}
	signature := regexp.MustCompile(`Signature=[0-9a-f]{64}|Signature=[A-Za-z0-9%+/=]{20,}`)
	for _, s := range append(secrets.Secrets(), signature.String()) {
		for name, text := range texts {
			if strings.Contains(text, s) || signature.MatchString(text) {
				t.Errorf("%s shows a secret (%.6s…)", name, s)
			}
		}
	}
}

// A target that answers a plain 200 to everything: every check has something to say about it.
func TestPermissiveTargetFailsNegativeAndAuthCases(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	r := run(t, nil, "--target", srv.URL)
	if r.code != 1 {
		t.Fatalf("exit %d", r.code)
	}
	checks := map[string]bool{}
	for _, c := range r.report.Cases {
		for _, f := range c.Failures {
			checks[f.Check] = true
		}
	}
	for _, want := range []string{"negative_data_rejection", "ignored_auth", "response_schema_conformance"} {
		if !checks[want] {
			t.Errorf("a target that accepts everything did not fail %s", want)
		}
	}
}

// TestBaselineGate: against a baseline from a clean run, a run that breaks one operation exits 1
// and names the regressions; the same run without a baseline exits 1 too; a clean run against
// the baseline exits 0.
func TestBaselineGate(t *testing.T) {
	clean := run(t, nil, "--target", startMock(t, mock.Options{}))
	baseline := filepath.Join(clean.dir, "report.json")
	broken := run(t, nil, "--target", startMock(t, mock.Options{Fault: "wrong-field-type"}), "--baseline", baseline)
	if broken.code != 1 || !strings.Contains(broken.stdout, "InitializeTenant/") {
		t.Fatalf("exit %d, want 1 naming the InitializeTenant regressions:\n%s", broken.code, broken.stdout)
	}
	again := run(t, nil, "--target", startMock(t, mock.Options{}), "--baseline", baseline)
	if again.code != 0 {
		t.Fatalf("a clean run against its own baseline exits %d:\n%s", again.code, again.stdout)
	}
}
