package proxy_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
	"github.com/conformance-suite/conformance/proxy/proxytest"
	"github.com/conformance-suite/conformance/reports"
)

// A client whose requests break the documentation is reported by request_conformance through
// the proxy, with field, expected and actual, while its answers are judged as usual: a field
// of an undocumented type, and no Content-Type where the operation mandates one
// (UpdateEnterpriseId, x-content-type-required). The same request, well formed, passes.
func TestRequestConformanceThroughTheProxy(t *testing.T) {
	srv, err := mock.Start("127.0.0.1:0", mock.Options{}) // the default credentials, token included
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	creds := providers.Defaults()
	s := proxytest.Start(t, srv.URL(), creds, 5*time.Second, nil, nil)
	path := "/v2/" + creds.Get(huaweicloud.ProjectID) + "/workspaces/enterprise-id"
	send := func(body, contentType string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPut, s.Server.URL+path, strings.NewReader(body))
		req.Header.Set("X-Auth-Token", creds.Get(huaweicloud.Token))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	send(`{"enterprise_id":"conformance-enterprise-0002"}`, "application/json")
	send(`{"enterprise_id":42}`, "application/json")
	send(`{"enterprise_id":"conformance-enterprise-0003"}`, "")
	r := s.Report(t)
	if len(r.Cases) != 3 {
		t.Fatalf("%d cases, want 3: %+v", len(r.Cases), r.Cases)
	}
	if c := r.Cases[0]; c.State != reports.Passed {
		t.Errorf("the well-formed request: %s %+v", c.State, c.Failures)
	}
	want := []struct{ pointer, expected, actual string }{
		{"/enterprise_id", "string", "42"},
		{"", "a Content-Type header of application/json (the operation mandates one)", "no Content-Type header"},
	}
	for i, w := range want {
		c := r.Cases[i+1]
		var found *reports.Failure
		for j, fl := range c.Failures {
			if fl.Check == string(conformance.CheckRequestConformance) {
				found = &c.Failures[j]
			}
		}
		if c.State != reports.Failed || found == nil {
			t.Errorf("%s (%s): %s %+v, want a request_conformance failure", c.ID, c.Name, c.State, c.Failures)
			continue
		}
		if found.Pointer != w.pointer || !strings.Contains(found.Expected, w.expected) || !strings.Contains(found.Actual, w.actual) {
			t.Errorf("%s: pointer %q, expected %q, actual %q; want %q, %q, %q", c.ID, found.Pointer, found.Expected, found.Actual, w.pointer, w.expected, w.actual)
		}
	}
}
