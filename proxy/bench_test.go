package proxy_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/proxy/proxytest"
)

// BenchmarkProxyOverhead sends one signed-shaped ZStack GET (a documented operation, so every
// exchange is routed and judged) directly to an upstream and through the proxy, and reports
// the latency of each (p50, p99) and the exchanges per second: the proxy's cost to a client
// is the difference. make bench runs it on one core.
func BenchmarkProxyOverhead(b *testing.B) {
	body := `{"inventory":{"uuid":"2dce5dc485554d21a3796500c1db007a","name":"p","state":"Enabled"}}`
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}))
	defer upstream.Close()
	s := proxytest.Start(b, upstream.URL, providers.Defaults(), 10*time.Second, nil, nil)
	path := "/zstack/v1/iam2/projects/2dce5dc485554d21a3796500c1db007a/actions"
	payload := `{"changeIAM2ProjectState":{"stateEvent":"enable"}}`
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	for _, via := range []struct{ name, base string }{{"direct", upstream.URL}, {"proxy", s.Server.URL}} {
		b.Run(via.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				req, _ := http.NewRequest(http.MethodPut, via.base+path, strings.NewReader(payload))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "OAuth b86c9016b4f24953a9edefb53ca0678c")
				start := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			if via.name == "proxy" {
				s.Proxy.Wait() // every exchange judged: the judging is part of the cost
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "exchanges/s")
		})
	}
}
