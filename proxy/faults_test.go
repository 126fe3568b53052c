package proxy_test

import (
	"slices"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/proxy/proxytest"
	"github.com/conformance-suite/conformance/reports"
)

// Through the proxy to each fault mode of the reference target, the run's traffic makes the
// proxy report the check the fault breaks, on the fault's operations and nowhere else, as
// `conformance run` does against that mode (cmd/conformance/run_test.go). request_conformance
// aside: the run's negative and auth cases send invalid requests on purpose, which it rightly
// reports. A fault whose check judges a case's expectation (a refusal owed, values expected)
// breaks nothing an exchange shows on its own: the proxy has no expectation, so it reports
// nothing there. A job that never ends is not seen either: the runner, the client here, is
// refused the upstream's job location (reverse mode), so no poll goes through the proxy; the
// official clients' traffic shows it (interop/proxy_test.go).
func TestEachFaultModeFailsItsCheckThroughTheProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("sends the whole run once per fault mode")
	}
	creds := clientCredentials()
	for _, f := range mock.Faults() {
		t.Run(f.Name, func(t *testing.T) {
			if conformance.JudgesCase(conformance.CheckName(f.Breaks)) || f.Name == "job-never-finishes" {
				t.Skipf("%s breaks %s, which only an expectation can show", f.Name, f.Breaks)
			}
			srv, err := mock.Start("127.0.0.1:0", mock.Options{Fault: f.Name})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			s := proxytest.Start(t, srv.URL(), creds, time.Second, nil, nil)
			drive(t, s.Server.URL, creds, "", nil)
			r := s.Report(t)
			failed := map[string]bool{}
			for _, c := range r.Cases {
				for _, fl := range c.Failures {
					if fl.Check == string(conformance.CheckRequestConformance) {
						continue
					}
					if fl.Check != f.Breaks || !slices.Contains(f.Operations, c.Operation) {
						t.Errorf("%s (%s): %s", c.ID, c.Name, fl.Message)
					}
					failed[c.Operation] = true
				}
				if c.State == reports.Skipped {
					t.Errorf("%s not judged: %s", c.ID, c.Reason)
				}
			}
			for _, op := range f.Operations {
				if !failed[op] {
					t.Errorf("no exchange of %s failed %s", op, f.Breaks)
				}
			}
		})
	}
}
