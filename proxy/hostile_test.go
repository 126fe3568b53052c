package proxy_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/proxy/proxytest"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/testtargets"
)

// A hostile upstream costs the client at most about --timeout and the proxy bounded memory,
// and every exchange is judged as a run judges it: a failure of response_received.
func TestHostileUpstreams(t *testing.T) {
	const timeout = time.Second
	bomb := testtargets.Gzipped(1 << 30)
	huge := strings.Repeat(" ", 64<<20)
	upstreams := map[string]http.HandlerFunc{
		"hang": func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body) // the server notices a closed connection once the body is read
			<-r.Context().Done()
		},
		"reset": func(w http.ResponseWriter, r *http.Request) {
			c, _, _ := w.(http.Hijacker).Hijack()
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		},
		"64 MiB body": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, huge) // unannounced: chunked
		},
		"64 MiB announced": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", fmt.Sprint(len(huge)))
			io.WriteString(w, huge)
		},
		"gzip bomb": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb)
		},
		"endless body": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			for r.Context().Err() == nil {
				if _, err := io.WriteString(w, "[0,0,0,0,0,0,0,0]"); err != nil {
					return
				}
			}
		},
	}
	for name, h := range upstreams {
		t.Run(name, func(t *testing.T) {
			up := httptest.NewServer(h)
			defer up.Close()
			s := proxytest.Start(t, up.URL, clientCredentials(), timeout, func(c *runner.Config) { c.MaxBody = 1 << 20 }, nil)
			req, _ := http.NewRequest(http.MethodPut, s.Server.URL+"/v2/0f5181caba0024e72f89c0045e707b91/workspaces/enterprise-id", strings.NewReader(`{"enterprise_id":"x"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept-Encoding", "gzip")
			req.Header.Set("X-Auth-Token", "a-client-token-0123456789")
			var before runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			resp, err := (&http.Client{Timeout: 10 * timeout}).Do(req)
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			if took := time.Since(start); took > timeout+time.Second {
				t.Errorf("the client waited %s, over the %s timeout", took, timeout)
			}
			r := s.Report(t)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 32<<20 {
				t.Errorf("the proxy's heap grew by %d MiB", grew>>20)
			}
			if len(r.Cases) != 1 {
				t.Fatalf("%d cases, want 1", len(r.Cases))
			}
			c := r.Cases[0]
			if c.State != reports.Failed || c.Checks["response_received"] != "failed" {
				t.Errorf("%s: %s %v %+v", c.ID, c.State, c.Checks, c.Failures)
			}
			for _, f := range c.Failures {
				t.Log(f.Message)
				if f.Check != "response_received" {
					t.Errorf("%s: %s", c.ID, f.Message)
				}
			}
		})
	}
}
