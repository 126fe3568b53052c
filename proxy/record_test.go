package proxy_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/proxy/proxytest"
	"github.com/conformance-suite/conformance/runner"
)

// proxy --record: the traffic through the proxy becomes fixture files that replay, with
// run --fixtures, to the verdicts the proxy gave (all passed against the reference target).
func TestProxyRecordingReplays(t *testing.T) {
	srv, creds := builtinUpstream(t)
	dir := filepath.Join(t.TempDir(), "recorded")
	s := proxytest.Start(t, srv.URL(), creds, 5*time.Second, func(c *runner.Config) { c.RecordDir = dir }, nil)
	drive(t, s.Server.URL, creds, "positive && !ChangeIAM2ProjectState", nil)
	if r := s.Report(t); r.Summary.Passed == 0 || r.Summary.Failed > 0 {
		t.Fatalf("through the proxy: %+v", r.Summary)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) < 4 {
		t.Fatalf("the proxy recorded %d files", len(files))
	}
	replayed := drive(t, srv.URL(), creds, "recorded", func(c *runner.Config) { c.FixturesDir = dir })
	if len(replayed) == 0 {
		t.Fatal("the recording holds no case")
	}
	for id, v := range replayed {
		if v.Skipped || v.Result.Failed() {
			t.Errorf("replayed %s: skipped %v %s, failures %+v", id, v.Skipped, v.Reason, v.Result.Failures())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "ChangeIAM2ProjectState.yaml")); err == nil {
		t.Error("an operation the traffic did not call was recorded")
	}
}
