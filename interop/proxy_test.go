package interop_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/alibabacloud"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
	"github.com/conformance-suite/conformance/providers/zstack"
	"github.com/conformance-suite/conformance/proxy/proxytest"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/testtargets"
)

// proxyTimeout bounds one exchange through the proxy, and one case of the runs compared with
// it: long enough for the target's answers, short against the slow-response fault's 30 s.
const proxyTimeout = time.Second

// clientRoute is how the clients reach the service through the proxy.
type clientRoute struct {
	name string
	// forward: the clients name the service and send through the proxy as HTTP_PROXY;
	// otherwise they are pointed at the proxy as their endpoint.
	forward bool
}

var clientRoutes = []clientRoute{{"reverse", false}, {"forward", true}}

// endpoint is the base URL the clients are given and the HTTP proxy they send through.
func endpoint(s *proxytest.Session, r clientRoute) (string, *url.URL) {
	if !r.forward {
		return s.Server.URL, nil
	}
	via, _ := url.Parse(s.Server.URL)
	return s.Upstream, via
}

// travels reports whether a call can go by route r: reverse mode gives the upstream the
// upstream's Host, and Alibaba V3 signs host, so a V3 client must send through the proxy.
func (r clientRoute) travels(call sdkCall) bool { return r.forward || call.scheme != alibabaV3 }

// wrongSecret is the secret a misconfigured client signs with: the service holds another.
const wrongSecret = "not-the-secret-the-service-holds"

// sdkOutcome is what one call of the client traffic got.
type sdkOutcome struct {
	name string
	// call is the sdkCalls entry made, nil for the ZStack client's calls.
	call *sdkCall
	// refused marks a call signed with wrongSecret, which the service must refuse.
	refused bool
	answer  any
	err     error
}

// sendClientTraffic is what applications make with the official clients through the proxy:
// every call of sdkCalls, the same signed with wrongSecret (a misconfigured client, which
// the service refuses), and a ZStack login and two state changes (their jobs polled to the
// end). It returns what each call got.
func sendClientTraffic(t *testing.T, s *proxytest.Session, route clientRoute, creds providers.Credentials) []sdkOutcome {
	t.Helper()
	base, via := endpoint(s, route)
	wrong := creds.WithDefaults(nil)
	wrong[huaweicloud.SecretKey.Env], wrong[alibabacloud.KeySecret.Env] = wrongSecret, wrongSecret
	var out []sdkOutcome
	for _, refused := range []bool{false, true} {
		c := newSDKClients(t, base, map[bool]providers.Credentials{false: creds, true: wrong}[refused], via)
		for _, call := range sdkCalls() {
			if route.travels(call) {
				answer, err := call.send(c)
				out = append(out, sdkOutcome{name: call.name, call: &call, refused: refused, answer: answer, err: err})
			}
		}
	}
	z, err := newZStackClient(base, loopbackClient(via))
	if err != nil {
		t.Fatal(err)
	}
	if err := z.logIn(creds.Get(zstack.Account), creds.Get(zstack.Password)); err != nil {
		return append(out, sdkOutcome{name: "zstack LogInByAccount", err: err})
	}
	for _, event := range []string{"disable", "enable"} {
		status, body, err := z.changeProjectState(creds.Get(zstack.ProjectUUID), event)
		if err == nil && status != http.StatusOK {
			err = fmt.Errorf("%d %s", status, body)
		}
		out = append(out, sdkOutcome{name: "zstack ChangeIAM2ProjectState " + event, err: err})
	}
	return out
}

// TestOfficialClientsPassThroughTheProxy sends the official clients' traffic through
// `conformance proxy` to the reference target, by both routes: each call gets what it gets
// without the proxy (its answer, or the provider's refusal of a wrong secret), every
// exchange the proxy judges passes (the request's own conformance included), every operation
// the clients call is judged, and no secret the clients sent or were handed appears in a
// report or on the console.
func TestOfficialClientsPassThroughTheProxy(t *testing.T) {
	creds := providers.Defaults()
	for _, route := range clientRoutes {
		t.Run(route.name, func(t *testing.T) {
			tg := startTarget(t, mock.Options{Credentials: creds, AsyncZStack: true}) // jobs, as a management node runs them
			s := proxytest.Start(t, tg.URL(), creds, proxyTimeout, nil, nil)
			c := &sdkClients{creds: creds}
			for _, o := range sendClientTraffic(t, s, route, creds) {
				switch {
				case o.refused:
					want := refusals[o.call.scheme]
					if status, code, ok := want.read(o.err); !ok || status != want.status || code != want.code {
						t.Errorf("%s with a wrong secret: %v, want the SDK's %s of %d %s", o.name, o.err, want.errorType, want.status, want.code)
					}
				case o.err != nil:
					t.Errorf("%s through the proxy: %v", o.name, o.err)
				case o.call != nil:
					t.Run(o.name, func(t *testing.T) { o.call.check(t, c, o.answer) })
				}
			}
			sent := tg.take()
			r := s.Report(t)
			if len(r.Cases) != len(sent) {
				t.Errorf("the proxy judged %d exchanges, the target saw %d", len(r.Cases), len(sent))
			}
			judged := map[string]bool{}
			for _, c := range r.Cases {
				judged[c.Operation] = true
				if c.State != reports.Passed || c.Checks[string(conformance.CheckRequestConformance)] != "passed" {
					t.Errorf("%s (%s): %s %s, request_conformance %s: %+v", c.ID, c.Name, c.State, c.Reason,
						c.Checks[string(conformance.CheckRequestConformance)], c.Failures)
				}
			}
			for _, call := range sdkCalls() {
				if route.travels(call) && !judged[call.operation] {
					t.Errorf("no exchange of %s (%s) was judged", call.operation, call.name)
				}
			}
			for _, op := range []string{"LogInByAccount", "ChangeIAM2ProjectState", "GetAPIJobResult"} {
				if !judged[op] {
					t.Errorf("no exchange of %s was judged", op)
				}
			}
			testtargets.NoSecretIn(t, s.Console.String(), s.Dir, append(sentSecrets(creds, sent), wrongSecret), 4, 10)
		})
	}
}

// sentSecrets are the configured secrets and every credential that went over the wire:
// signatures (Authorization's Signature=, the query's Signature), tokens and sessions.
func sentSecrets(creds providers.Credentials, sent []exchange) []string {
	out := creds.Secrets()
	for _, e := range sent {
		for _, v := range e.header.Values("Authorization") {
			if _, sig, ok := strings.Cut(v, "Signature="); ok {
				out = append(out, sig)
			}
			if session, ok := strings.CutPrefix(v, "OAuth "); ok {
				out = append(out, session)
			}
		}
		out = append(out, e.header.Values("X-Session-Id")...)
		if u, err := url.Parse(e.requestURI); err == nil {
			out = append(out, u.Query()["Signature"]...)
		}
	}
	return out
}

// TestProxyReportsWhatTheRunReportsForEachFaultMode sends the official clients' traffic
// through the proxy to each fault mode of the reference target and runs the suite against
// the same mode: every failure the proxy reports (check and operation) is one the run
// reports too, and the fault's own check fails on each of its operations; a job that never
// ends included, since ZStack's client polls it for longer than --timeout. A fault whose
// check judges a case's expectation (a refusal owed, values expected) breaks nothing an
// exchange shows on its own: the proxy must report nothing there. No client request ever
// fails request_conformance.
func TestProxyReportsWhatTheRunReportsForEachFaultMode(t *testing.T) {
	if testing.Short() {
		t.Skip("a run and the clients' traffic per fault mode")
	}
	creds := providers.Defaults()
	for _, f := range mock.Faults() {
		t.Run(f.Name, func(t *testing.T) {
			// The reference target itself is the upstream: the recording target's own proxy
			// would turn a reset into a 502 and drop a 204's body.
			srv, err := mock.Start("127.0.0.1:0", mock.Options{Credentials: creds, Fault: f.Name, AsyncZStack: true})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			s := proxytest.Start(t, srv.URL(), creds, proxyTimeout, nil, nil)
			sendClientTraffic(t, s, clientRoute{"forward", true}, creds)
			proxied := failedChecks(s.Report(t).Cases)
			ran := runFailures(t, creds, f.Name)
			for k, id := range proxied {
				if k.check == conformance.CheckRequestConformance {
					t.Errorf("%s: a client's request fails request_conformance", id)
				} else if !ran[k] {
					t.Errorf("%s: the proxy reports %s on %s, which the run against %s does not", id, k.check, k.op, f.Name)
				}
			}
			visible := !conformance.JudgesCase(conformance.CheckName(f.Breaks))
			for _, op := range f.Operations {
				k := failedCheck{conformance.CheckName(f.Breaks), op}
				if !ran[k] {
					t.Errorf("the run against %s does not fail %s on %s", f.Name, k.check, op)
				}
				if _, ok := proxied[k]; visible && !ok {
					t.Errorf("no client exchange of %s fails %s through the proxy", op, k.check)
				}
			}
			if !visible && len(proxied) > 0 {
				t.Errorf("%s is invisible in traffic, yet the proxy reports %v", f.Name, proxied)
			}
		})
	}
}

// failedCheck is a check that failed on an operation.
type failedCheck struct {
	check conformance.CheckName
	op    string
}

// failedChecks are the checks the cases failed, each with the first case that failed it.
func failedChecks(cases []reports.Case) map[failedCheck]string {
	out := map[failedCheck]string{}
	for _, c := range cases {
		for _, fl := range c.Failures {
			k := failedCheck{conformance.CheckName(fl.Check), c.Operation}
			if _, ok := out[k]; !ok {
				out[k] = c.ID
			}
		}
	}
	return out
}

// runFailures runs every case of the suite, as `conformance run` does, against a reference
// target of its own in fault mode fault and returns the checks that failed.
func runFailures(t *testing.T, creds providers.Credentials, fault string) map[failedCheck]bool {
	t.Helper()
	srv, err := mock.Start("127.0.0.1:0", mock.Options{Credentials: creds, Fault: fault, AsyncZStack: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfg := runner.DefaultConfig()
	cfg.Target, cfg.Credentials, cfg.Timeout, cfg.ReportDir = srv.URL(), creds, proxyTimeout, t.TempDir()
	plan, err := runner.NewPlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	plan.Start(ctx)
	out := map[failedCheck]bool{}
	for _, pc := range plan.Cases {
		v := plan.Verdict(pc)
		for _, fl := range v.Result.Failures() {
			out[failedCheck{fl.Check, pc.Op.ID}] = true
		}
	}
	return out
}
