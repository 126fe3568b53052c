package proxy_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
	"github.com/conformance-suite/conformance/proxy/proxytest"
	"github.com/conformance-suite/conformance/reports"
)

// A client configured with the proxy (HTTP_PROXY, here Transport.Proxy) sends absolute-URI
// requests: they go where they name, Host kept, and are judged like reverse-mode ones; a
// request no operation documents is reported as such, and CONNECT is refused with 501.
func TestForwardModeAndUnknownRoutes(t *testing.T) {
	srv, err := mock.Start("127.0.0.1:0", mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	d := providers.Defaults()
	s := proxytest.Start(t, "", d, 2*time.Second, nil, nil)
	proxyURL, _ := url.Parse(s.Server.URL)
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL)}}
	send := func(method, target, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("X-Auth-Token", d.Get(huaweicloud.Token))
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	project := d.Get(huaweicloud.ProjectID)
	if resp := send(http.MethodPut, srv.URL()+"/v2/"+project+"/tenant-configs", `{"function_config":{"status":"ON"}}`); resp.StatusCode != http.StatusNoContent {
		t.Errorf("forwarded UpdateTenantConfig: %s", resp.Status)
	}
	if resp := send(http.MethodPut, srv.URL()+"/v2/"+project+"/no-such-thing", `{}`); resp.StatusCode != http.StatusNotFound {
		t.Errorf("forwarded unknown route: %s, want the upstream's 404", resp.Status)
	}
	tunnel := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL)}}
	if _, err := tunnel.Get("https://" + srv.Addr().String() + "/"); err == nil || !strings.Contains(err.Error(), "Not Implemented") {
		t.Errorf("CONNECT: %v, want 501 Not Implemented", err)
	}
	r := s.Report(t)
	if len(r.Cases) != 2 {
		t.Fatalf("%d cases, want 2: %+v", len(r.Cases), r.Cases)
	}
	if c := r.Cases[0]; c.ID != "UpdateTenantConfig/observed-1" || c.State != reports.Passed {
		t.Errorf("%s: %s %+v", c.ID, c.State, c.Failures)
	}
	c := r.Cases[1]
	want := "request_conformance: no documented operation matches PUT /v2/" + project + "/no-such-thing"
	if c.ID != "unrouted/observed-1" || c.State != reports.Failed || len(c.Failures) != 1 || c.Failures[0].Message != want {
		t.Errorf("unknown route: %s %s %+v, want the failure %q", c.ID, c.State, c.Failures, want)
	}
	if !strings.Contains(s.Console.String(), "FAIL  unrouted/observed-1") {
		t.Errorf("no console line for the unknown route:\n%s", s.Console.String())
	}
}
