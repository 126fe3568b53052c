package mock_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/conformance-suite/conformance/providers/huaweicloud"

	"github.com/conformance-suite/conformance/mock"
)

// BenchmarkMock measures UpdateEnterpriseId over loopback with a keep-alive client: routing,
// token check, validation, handler and the answer, as a runner sees them. The Makefile runs it
// with -cpu 1.
func BenchmarkMock(b *testing.B) {
	tg := newTarget(b, mock.Options{})
	url := tg.url + "/v2/" + tg.creds.Get(huaweicloud.ProjectID) + "/workspaces/enterprise-id"
	body := []byte(`{"enterprise_id":"bench"}`)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		r, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Auth-Token", tg.creds.Get(huaweicloud.Token))
		resp, err := tg.client.Do(r)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body) // read to the end, so the connection is reused
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("answered %d", resp.StatusCode)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "req/s")
}
