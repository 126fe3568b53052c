package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
	"github.com/conformance-suite/conformance/testtargets"
)

func noEnv(string) (string, bool) { return "", false }

// A bad flag exits 2 before anything listens.
func TestProxyUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"--tagret", "x"},
		{"--upstream", "ftp://example.com"},
		{"--upstream-no-such-service", "http://127.0.0.1:1"},
		{"--max-body", "0"},
		{"--flush-interval", "-1s"},
		{"--checks", "no_such_check"},
		{"--listen", "127.0.0.1:99999"},
		{"stray"},
	} {
		var out, errOut bytes.Buffer
		if code := runProxy(context.Background(), append(args, "--report-dir", t.TempDir()), noEnv, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut.String())
		}
	}
}

// With no upstream, the proxy forwards to the built-in reference target; on shutdown it writes
// the four reports and exits 1 when an exchange failed (here, a request no operation documents).
func TestProxySessionAgainstTheBuiltinTarget(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &testtargets.Output{}
	done := make(chan int, 1)
	go func() {
		done <- runProxy(ctx, []string{"--listen", "127.0.0.1:0", "--report-dir", dir, "--flush-interval", "0", "--timeout", "2s"}, noEnv, out, out)
	}()
	listening := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+),`)
	var addr string
	for deadline := time.Now().Add(10 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatalf("the proxy did not say where it listens:\n%s", out.String())
	}
	d := providers.Defaults()
	for _, path := range []string{"/v2/" + d.Get(huaweicloud.ProjectID) + "/tenant-configs", "/v9/nothing"} {
		req, _ := http.NewRequest(http.MethodPut, addr+path, strings.NewReader(`{"function_config":{"status":"ON"}}`))
		req.Header.Set("X-Auth-Token", d.Get(huaweicloud.Token))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	cancel()
	if code := <-done; code != 1 {
		t.Errorf("exit %d, want 1 (an unknown route failed)\n%s", code, out.String())
	}
	for _, name := range []string{"report.json", "junit.xml", "summary.md", "report.html"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	for _, line := range []string{"PASS  UpdateTenantConfig/observed-1", "FAIL  unrouted/observed-1", "FAIL: 1 passed, 1 failed"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("no %q on the console:\n%s", line, out.String())
		}
	}
	if strings.Contains(out.String(), d.Get(huaweicloud.Token)) {
		t.Error("the console shows the token")
	}
}

// The settings the proxy shares with run are read from their variables beneath the flags, as
// run reads them: a bad variable exits 2 before anything listens, unless its flag is given; a
// good one applies (CONFORMANCE_REPORT_DIR). A session that judged nothing exits 2, as a run
// in which no case ran.
func TestProxyReadsTheEnvironmentBeneathItsFlags(t *testing.T) {
	env := func(vars map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	}
	var out, errOut bytes.Buffer
	bad := map[string]string{"CONFORMANCE_TIMEOUT": "forever"}
	if code := runProxy(context.Background(), []string{"--listen", "127.0.0.1:0"}, env(bad), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "CONFORMANCE_TIMEOUT: ") {
		t.Errorf("a bad CONFORMANCE_TIMEOUT: exit %d, want 2 naming it (%s)", code, errOut.String())
	}
	errOut.Reset()
	if code := runProxy(context.Background(), []string{"--listen", "127.0.0.1:0", "--upstream", "ftp://x"}, env(map[string]string{"CONFORMANCE_TARGET": "http://127.0.0.1:1"}), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "--upstream: ") {
		t.Errorf("--upstream over CONFORMANCE_TARGET: exit %d, want 2 naming --upstream (%s)", code, errOut.String())
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the session ends as soon as it is listening
	errOut.Reset()
	vars := map[string]string{"CONFORMANCE_TIMEOUT": "forever", "CONFORMANCE_REPORT_DIR": dir}
	code := runProxy(ctx, []string{"--listen", "127.0.0.1:0", "--timeout", "2s", "--flush-interval", "0"}, env(vars), &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "nothing was judged: no exchange came") {
		t.Errorf("an empty session: exit %d, want 2 saying nothing was judged (%s)", code, errOut.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "report.json")); err != nil {
		t.Errorf("CONFORMANCE_REPORT_DIR was not applied: %v", err)
	}
}
