package reports_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/conformance-suite/conformance/reports"
)

// chromiumPath is Debian's Chromium, which renders report.html the way a reader's browser does.
const chromiumPath = "/usr/bin/chromium"

// chromium returns the browser, or skips the test where it is not installed; on CI (CI set)
// its absence fails the test, so that a CI image without it cannot pass silently.
func chromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
			t.Fatalf("%s is absent and CI=%s: install it (apt-get install -y chromium) so that report.html is rendered", chromiumPath, ci)
		}
		t.Skipf("%s is absent: install it (apt-get install -y chromium) to render report.html in a browser", chromiumPath)
	}
	return chromiumPath
}

// browserRun is what one headless Chromium load of a page showed.
type browserRun struct {
	dom []byte
	// console is every console message: a log, an uncaught exception, a CSP violation.
	console []string
	// pageRequests are the URLs the page itself requested, from Chromium's net log; the
	// browser's own traffic (update checks and the like) is told apart by its initiator.
	pageRequests []string
}

// load opens a file:// URL in headless Chromium with every background service off, dumps the
// DOM after the scripts ran, and records console messages and network requests.
func load(t *testing.T, bin, url string, extra ...string) browserRun {
	t.Helper()
	tmp := t.TempDir()
	netlog := filepath.Join(tmp, "netlog.json")
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(tmp, "profile"),
		"--enable-logging=stderr", "--v=0", "--log-net-log=" + netlog,
		"--dump-dom",
	}, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append(args, url)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	run := browserRun{dom: stdout.Bytes()}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") {
			run.console = append(run.console, line)
		}
	}
	run.pageRequests = pageRequests(t, netlog)
	return run
}

// pageRequests reads a Chromium net log and returns the URLs of requests a page started. The
// browser's own requests carry the initiator "not an origin"; a page's carry its origin
// ("null" for a file:// page) and a network isolation key naming it.
func pageRequests(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("chromium wrote no net log: %v", err)
	}
	var log struct {
		Constants struct {
			LogEventTypes map[string]int `json:"logEventTypes"`
		} `json:"constants"`
		Events []struct {
			Type   int `json:"type"`
			Params struct {
				URL                 string `json:"url"`
				Initiator           string `json:"initiator"`
				NetworkIsolationKey string `json:"network_isolation_key"`
			} `json:"params"`
		} `json:"events"`
	}
	if err := json.Unmarshal(raw, &log); err != nil {
		t.Fatalf("chromium's net log: %v", err)
	}
	start, ok := log.Constants.LogEventTypes["URL_REQUEST_START_JOB"]
	if !ok {
		t.Fatal("chromium's net log has no URL_REQUEST_START_JOB event type: its format changed")
	}
	var out []string
	for _, e := range log.Events {
		p := e.Params
		// A job's end event repeats its type without parameters.
		if e.Type == start && p.URL != "" && (p.Initiator != "not an origin" || strings.Contains(p.NetworkIsolationKey, "file://")) {
			out = append(out, p.URL)
		}
	}
	return out
}

// report.html loads in a real browser with no request leaving the file and no console message
// (no script error, no CSP violation), its script runs (the filters count the cases and mark
// the page), the matrix is in the DOM, and a screenshot shows a page, not a blank.
func TestHTMLInChromium(t *testing.T) {
	t.Parallel()
	bin := chromium(t)
	r := failingReport()
	dir := writeAll(t, r)
	shot := filepath.Join(dir, "report.png")
	run := load(t, bin, "file://"+filepath.Join(dir, "report.html"), "--screenshot="+shot, "--window-size=1280,2000", "--hide-scrollbars")

	if len(run.console) > 0 {
		t.Errorf("console messages while loading report.html:\n%s", strings.Join(run.console, "\n"))
	}
	if len(run.pageRequests) > 0 {
		t.Errorf("report.html made requests: %v", run.pageRequests)
	}
	dom := string(run.dom)
	for _, want := range []string{
		`data-js="ready"`, // the script ran to its end
		fmt.Sprintf("%d of %d cases shown", len(r.Cases), len(r.Cases)),
		`<section id="matrix">`, ">InitializeTenant<", ">ChangeIAM2ProjectState<", ">GetUserActiveTenant<",
		"&lt;script&gt;alert(",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered DOM lacks %s", want)
		}
	}
	if strings.Contains(dom, "<script>alert(") {
		t.Error("the hostile transcript became a script element")
	}
	checkScreenshot(t, shot)
	if out := os.Getenv("CONFORMANCE_ARTIFACTS_DIR"); out != "" {
		b, _ := os.ReadFile(shot)
		if err := os.WriteFile(filepath.Join(out, "report.png"), b, 0o644); err != nil {
			t.Error(err)
		}
		if err := os.WriteFile(filepath.Join(out, "report.html"), read(t, dir, "report.html"), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// The filters run client-side: a fragment selects them (as a shared link would), and the
// script hides every case that does not match and counts the rest.
func TestHTMLFiltersInChromium(t *testing.T) {
	t.Parallel()
	bin := chromium(t)
	r := failingReport()
	dir := writeAll(t, r)
	run := load(t, bin, "file://"+filepath.Join(dir, "report.html")+"#state=failed&provider=zstack")
	if len(run.console) > 0 || len(run.pageRequests) > 0 {
		t.Errorf("console %q, requests %q", run.console, run.pageRequests)
	}
	if !bytes.Contains(run.dom, []byte(fmt.Sprintf("1 of %d cases shown", len(r.Cases)))) {
		t.Errorf("the filters did not count one case shown")
	}
	doc, err := html.Parse(bytes.NewReader(run.dom))
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string]bool{}
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "details" {
			_, hidden := attrOK(n, "hidden")
			shown[strings.TrimPrefix(attr(n, "id"), "case-")] = !hidden
		}
	}
	for _, c := range r.Cases {
		want := c.State == reports.Failed && c.Provider == "zstack"
		if got, ok := shown[c.ID]; !ok || got != want {
			t.Errorf("case %s (%s, %s): shown %v, want %v", c.ID, c.Provider, c.State, got, want)
		}
	}
}

// checkScreenshot wants a 1280x2000 PNG with a real page on it: many colours, mostly not blank.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	b := img.Bounds()
	if b.Dx() != 1280 || b.Dy() != 2000 {
		t.Errorf("screenshot is %dx%d, want 1280x2000", b.Dx(), b.Dy())
	}
	colours := map[[3]uint32]bool{}
	inked := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			if r>>8 < 240 || g>>8 < 240 || bl>>8 < 240 {
				inked++
			}
		}
	}
	if len(colours) < 50 || inked < (b.Dx()*b.Dy()/4)/50 {
		t.Errorf("the screenshot looks blank: %d colours, %d inked pixels of %d sampled", len(colours), inked, b.Dx()*b.Dy()/4)
	}
}

// The two detectors above can fail: a page that loads an image from a local server shows up
// in pageRequests, and one its CSP blocks shows up on the console. Without this, a Chromium
// whose log format changed would let TestHTMLInChromium pass without looking.
func TestBrowserDetectorsWork(t *testing.T) {
	t.Parallel()
	bin := chromium(t)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "image/gif")
		io.WriteString(w, "GIF89a")
	}))
	defer srv.Close()
	page := filepath.Join(t.TempDir(), "leaky.html")
	doc := fmt.Sprintf(`<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src %s">
</head><body><img src="%s/allowed.gif"><img src="http://blocked.invalid/pixel.gif"></body></html>`, srv.URL, srv.URL)
	if err := os.WriteFile(page, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	run := load(t, bin, "file://"+page)
	if len(run.pageRequests) == 0 || !strings.HasPrefix(run.pageRequests[0], srv.URL) {
		t.Errorf("the net log shows no page request to %s: %v", srv.URL, run.pageRequests)
	}
	if hits.Load() == 0 {
		t.Error("the local server got no request: the control page did not load its image")
	}
	if !strings.Contains(strings.Join(run.console, "\n"), "Content Security Policy") {
		t.Errorf("no CSP violation on the console: %q", run.console)
	}
}
