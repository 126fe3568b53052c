package proxy_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/specs"
)

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
