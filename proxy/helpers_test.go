package proxy_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/console"
	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/proxy"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/specs"
	"github.com/conformance-suite/conformance/testtargets"
)

// session is a proxy on loopback in front of an upstream, with its observer and console.
type session struct {
	obs     *runner.Observer
	proxy   *proxy.Proxy
	srv     *httptest.Server
	console *testtargets.Output
	dir     string
}

// builtinUpstream starts the built-in reference target and returns it with the credentials
// its clients send.
func builtinUpstream(t testing.TB) (*mock.Server, providers.Credentials) {
	t.Helper()
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv, creds, err := mock.StartBuiltin(nil, set)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, creds
}

// startProxy starts a proxy forwarding to upstream ("" for forward mode only), knowing creds
// for redaction, judging with cfg as edit leaves it.
func startProxy(t testing.TB, upstream string, creds providers.Credentials, timeout time.Duration, edit func(*runner.Config), transport ...http.RoundTripper) *session {
	t.Helper()
	cfg := runner.DefaultConfig()
	cfg.ReportDir = t.TempDir()
	cfg.Credentials = creds
	cfg.Target = upstream
	cfg.Timeout = timeout
	if edit != nil {
		edit(&cfg)
	}
	obs, err := runner.NewObserver(cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := &testtargets.Output{}
	opts := proxy.Options{Observer: obs, Upstream: upstream, Timeout: timeout,
		Console: console.New(out, out, console.Lines, console.Terminal{Width: console.DefaultWidth})}
	if len(transport) > 0 {
		opts.Transport = transport[0]
	}
	p, err := proxy.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return &session{obs: obs, proxy: p, srv: srv, console: out, dir: cfg.ReportDir}
}

// report waits for every judgement and writes the four reports.
func (s *session) report(t *testing.T) *reports.Report {
	t.Helper()
	s.proxy.Wait()
	r, err := s.obs.Write()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// drive sends the runner's cases selected by filter to target (the proxy) and returns their
// verdicts by case id: the runner is the client under test.
func drive(t *testing.T, target string, creds providers.Credentials, filter string, edit func(*runner.Config)) map[string]conformance.Verdict {
	t.Helper()
	cfg := runner.DefaultConfig()
	cfg.Target, cfg.Credentials, cfg.LabelFilter = target, creds, filter
	cfg.ReportDir = t.TempDir()
	cfg.Timeout = 5 * time.Second
	if edit != nil {
		edit(&cfg)
	}
	plan, err := runner.NewPlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	plan.Start(ctx)
	out := map[string]conformance.Verdict{}
	for _, pc := range plan.Cases {
		out[pc.Case.ID] = plan.Verdict(pc)
	}
	return out
}

// clientCredentials are the credentials a client of the reference target sends: its
// defaults, less those a client omits (the token: Huawei requests are then signed).
func clientCredentials() providers.Credentials {
	c := providers.Defaults()
	for _, v := range providers.Variables() {
		if v.ClientOmits {
			delete(c, v.Env)
		}
	}
	return c
}

// readAndRestore reads an answer's body and puts it back, for a transport that peeks at it.
func readAndRestore(resp *http.Response) ([]byte, error) {
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return body, err
}
