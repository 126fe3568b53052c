package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/reports"
)

// harRecorder is a reverse proxy that writes every exchange it relays as a HAR 1.2 entry, as
// a browser's or mitmproxy's export would hold it: the traffic a user hands to conformance
// check.
type harRecorder struct {
	mu      sync.Mutex
	entries []map[string]any
}

func (h *harRecorder) start(t *testing.T, upstream string) string {
	u, _ := url.Parse(upstream)
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqBody, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(reqBody))
		rec := httptest.NewRecorder()
		rp.ServeHTTP(rec, r)
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
		full := "http://" + r.Host + r.URL.RequestURI()
		entry := map[string]any{
			"startedDateTime": time.Now().Format(time.RFC3339Nano),
			"time":            1.5,
			"request": map[string]any{
				"method": r.Method, "url": full, "httpVersion": "HTTP/1.1", "headers": harHeaders(r.Header),
				"queryString": []any{}, "headersSize": -1, "bodySize": len(reqBody),
			},
			"response": map[string]any{
				"status": rec.Code, "statusText": http.StatusText(rec.Code), "httpVersion": "HTTP/1.1",
				"headers": harHeaders(rec.Header()), "redirectURL": "", "headersSize": -1, "bodySize": rec.Body.Len(),
				"content": map[string]any{"size": rec.Body.Len(), "mimeType": rec.Header().Get("Content-Type"), "text": rec.Body.String()},
			},
		}
		if len(reqBody) > 0 {
			entry["request"].(map[string]any)["postData"] = map[string]any{"mimeType": r.Header.Get("Content-Type"), "text": string(reqBody)}
		}
		h.mu.Lock()
		h.entries = append(h.entries, entry)
		h.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func harHeaders(h http.Header) []map[string]string {
	var out []map[string]string
	for k, vs := range h {
		for _, v := range vs {
			out = append(out, map[string]string{"name": k, "value": v})
		}
	}
	return out
}

func (h *harRecorder) write(t *testing.T, path string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	b, err := json.Marshal(map[string]any{"log": map[string]any{
		"version": "1.2", "creator": map[string]string{"name": "test", "version": "1"}, "entries": h.entries,
	}})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, b, 0o600)
}

// check runs `conformance check` on files, reporting into a directory of its own.
func check(t *testing.T, files ...string) result {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append([]string{"check", "--report-dir", dir}, files...)...)
	cmd.Env = append(os.Environ(), defaultEnv()...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	_ = cmd.Run()
	r := result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String(), dir: dir}
	if rep, err := reports.ReadJSON(filepath.Join(dir, "report.json")); err == nil {
		r.report = rep
	}
	return r
}

// The traffic of a run, exported as HAR and judged offline, gives the run's verdicts: every
// exchange passes against the reference target; against a fault mode, the checks that judge
// the answer itself fail on the same operations as in the run. No secret of the traffic (the
// configured keys, the signatures, the sessions it carries) reaches a report.
func TestCheckJudgesAHARFileAsTheRunDid(t *testing.T) {
	for _, fault := range []string{"", "wrong-field-type", "success-as-string", "wrong-content-type", "wrong-success-status", "state-as-number"} {
		t.Run("fault="+fault, func(t *testing.T) {
			var h harRecorder
			through := h.start(t, startMock(t, mock.Options{Fault: fault}))
			ran := run(t, nil, "--target", through, "--label-filter", "positive", "--output", "quiet")
			path := filepath.Join(t.TempDir(), "traffic.har")
			h.write(t, path)
			checked := check(t, path)
			want := 0
			if fault != "" {
				want = 1
			}
			if ran.code != want || checked.code != want || checked.report == nil {
				t.Fatalf("exit %d for the run, %d for check, want %d\n%s%s", ran.code, checked.code, want, checked.stdout, checked.stderr)
			}
			if got := len(checked.report.Cases); got != len(h.entries) || got == 0 {
				t.Errorf("%d cases judged of %d exchanges", got, len(h.entries))
			}
			if a, b := failedChecks(ran.report), failedChecks(checked.report); !slices.Equal(a, b) {
				t.Errorf("failed in the run: %v\noffline: %v", a, b)
			}
			texts := checked.stdout + checked.stderr
			for _, name := range []string{"report.json", "junit.xml", "summary.md", "report.html"} {
				b, err := os.ReadFile(filepath.Join(checked.dir, name))
				if err != nil {
					t.Fatal(err)
				}
				texts += string(b)
			}
			raw, _ := os.ReadFile(path)
			for _, s := range append(providers.Defaults().Secrets(), signaturesIn(string(raw))...) {
				if strings.Contains(texts, s) {
					t.Errorf("a report shows a secret of the traffic (%.8s…)", s)
				}
			}
		})
	}
}

// signaturesIn are the signatures of a HAR file's requests: the Signature= of Huawei's and
// Alibaba V3's Authorization headers, and Alibaba V1's Signature parameter.
func signaturesIn(har string) []string {
	var out []string
	for _, part := range strings.Split(har, "Signature=")[1:] {
		sig, _, _ := strings.Cut(part, `"`)
		sig, _, _ = strings.Cut(sig, "&")
		if len(sig) >= 16 {
			out = append(out, sig)
		}
	}
	return out
}

// A file that is not HAR, or that holds no exchange, is a usage error naming it.
func TestCheckRefusesWhatIsNotHAR(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"empty.har":   `{"log": {"version": "1.2", "entries": []}}`,
		"notjson.har": "GET / HTTP/1.1",
		"nolog.har":   `{"entries": []}`,
		"badurl.har":  `{"log": {"entries": [{"request": {"method": "GET", "url": "/relative"}, "response": {"status": 200}}]}}`,
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(content), 0o600)
		if r := check(t, path); r.code != 2 || !strings.Contains(r.stderr, "conformance check") {
			t.Errorf("%s: exit %d, stderr %q", name, r.code, r.stderr)
		}
	}
	if r := check(t); r.code != 2 {
		t.Errorf("no file: exit %d", r.code)
	}
}
