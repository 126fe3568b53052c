// Package proxytest starts `conformance proxy` on loopback for tests, as net/http/httptest
// starts a server: the proxy's own tests and the interop tests of the official clients judge
// traffic through the same session.
package proxytest

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/console"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/proxy"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/testtargets"
)

// Session is a proxy on loopback in front of an upstream, with its observer and console.
type Session struct {
	Observer *runner.Observer
	Proxy    *proxy.Proxy
	// Server is the proxy's listener: its URL is the clients' endpoint (reverse mode) or
	// their HTTP proxy (forward mode).
	Server *httptest.Server
	// Upstream is where reverse-mode requests go ("" for forward mode only).
	Upstream string
	Console  *testtargets.Output
	// Dir is the report directory.
	Dir string
}

// Start starts a proxy forwarding to upstream, knowing creds (for redaction only: it
// verifies nothing), judging with the run's defaults as edit (when not nil) leaves them;
// transport, when not nil, replaces the proxy's own. It stops when the test ends.
func Start(t testing.TB, upstream string, creds providers.Credentials, timeout time.Duration, edit func(*runner.Config), transport http.RoundTripper) *Session {
	t.Helper()
	cfg := runner.DefaultConfig()
	cfg.ReportDir, cfg.Credentials, cfg.Target, cfg.Timeout = t.TempDir(), creds, upstream, timeout
	if edit != nil {
		edit(&cfg)
	}
	obs, err := runner.NewObserver(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { obs.Close() })
	out := &testtargets.Output{}
	p, err := proxy.New(proxy.Options{Observer: obs, Upstream: upstream, Timeout: timeout, Transport: transport,
		Console: console.New(out, out, console.Lines, console.Terminal{Width: console.DefaultWidth})})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return &Session{Observer: obs, Proxy: p, Server: srv, Upstream: upstream, Console: out, Dir: cfg.ReportDir}
}

// Report waits for every judgement and writes the four reports.
func (s *Session) Report(t testing.TB) *reports.Report {
	t.Helper()
	s.Proxy.Wait()
	r, err := s.Observer.Write()
	if err != nil {
		t.Fatal(err)
	}
	return r
}
