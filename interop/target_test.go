package interop_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/mock"
)

// callTimeout bounds every HTTP exchange of these tests; the target answers in microseconds.
const callTimeout = 10 * time.Second

// target is the reference target behind a recording reverse proxy, both on loopback. The SDKs
// talk to the proxy, which records each request exactly as it arrived and forwards it with
// its Host unchanged (Alibaba's V3 signature covers it).
type target struct {
	server *mock.Server
	front  *httptest.Server

	mu   sync.Mutex
	seen []*exchange
}

// exchange is one request as an SDK put it on the wire, and the status the target answered.
type exchange struct {
	method, requestURI, host string
	header                   http.Header
	body                     []byte
	status                   int
}

// request rebuilds the recorded request as a server receives it: Host in r.Host, the body
// readable once.
func (e exchange) request() *http.Request {
	r := httptest.NewRequest(e.method, e.requestURI, bytes.NewReader(e.body))
	r.Host = e.host
	r.Header = e.header.Clone()
	return r
}

func (e exchange) String() string { return e.method + " " + e.requestURI }

// startTarget starts the reference target as opts configure it (the credentials it accepts,
// a fault mode), and the recording proxy in front of it; both stop when the test ends.
func startTarget(t *testing.T, opts mock.Options) *target {
	t.Helper()
	srv, err := mock.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatalf("starting the reference target: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	backend, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	tg := &target{server: srv}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(backend)
			pr.Out.Host = pr.In.Host
		},
		Transport: loopbackTransport(nil),
	}
	tg.front = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "interop proxy: reading the request body: "+err.Error(), http.StatusBadGateway)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		// Recorded before it is forwarded, and its status as soon as the answer starts: the
		// SDK may have read the whole answer before this handler returns.
		e := &exchange{method: r.Method, requestURI: r.RequestURI, host: r.Host, header: r.Header.Clone(), body: body}
		tg.mu.Lock()
		tg.seen = append(tg.seen, e)
		tg.mu.Unlock()
		proxy.ServeHTTP(&statusRecorder{ResponseWriter: w, tg: tg, e: e}, r)
	}))
	t.Cleanup(tg.front.Close)
	return tg
}

// URL is the base URL the SDKs are pointed at: the recording proxy.
func (tg *target) URL() string { return tg.front.URL }

// Host is the proxy's host:port.
func (tg *target) Host() string { return tg.front.Listener.Addr().String() }

// take returns the exchanges recorded since the last call, oldest first.
func (tg *target) take() []exchange {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	out := make([]exchange, len(tg.seen))
	for i, e := range tg.seen {
		out[i] = *e
	}
	tg.seen = nil
	return out
}

// statusRecorder notes the status of the answer to e when its header is written.
type statusRecorder struct {
	http.ResponseWriter
	tg *target
	e  *exchange
}

func (s *statusRecorder) WriteHeader(code int) {
	s.note(code)
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.note(http.StatusOK) // the implicit status of a body written without a header
	return s.ResponseWriter.Write(b)
}

// note keeps the first status only, as net/http does.
func (s *statusRecorder) note(code int) {
	s.tg.mu.Lock()
	defer s.tg.mu.Unlock()
	if s.e.status == 0 {
		s.e.status = code
	}
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// loopbackTransport is the only transport these tests use. It dials loopback addresses only,
// so an SDK that tried a region endpoint, a location service or a metadata server would fail
// at once instead of reaching the network; it sends through the HTTP proxy via when via is
// not nil (as HTTP_PROXY would), and through none otherwise, whatever the environment says;
// and it adds no Accept-Encoding, so a recorded request carries exactly the SDK's headers.
func loopbackTransport(via *url.URL) *http.Transport {
	dialer := &net.Dialer{Timeout: callTimeout}
	var proxy func(*http.Request) (*url.URL, error)
	if via != nil {
		proxy = http.ProxyURL(via)
	}
	return &http.Transport{
		Proxy: proxy,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return nil, fmt.Errorf("interop: refusing to dial %s: these tests stay on loopback", addr)
			}
			return dialer.DialContext(ctx, network, addr)
		},
		DisableCompression:    true,
		ResponseHeaderTimeout: callTimeout,
		MaxIdleConnsPerHost:   4,
	}
}

// loopbackRoundTripper hides the transport's type from SDKs that reconfigure an
// *http.Transport they are given (alibaba-cloud-sdk-go replaces its dialer and proxy).
type loopbackRoundTripper struct{ t *http.Transport }

func (l loopbackRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	return l.t.RoundTrip(r)
}

// loopbackClient is an http.Client over loopbackTransport(via) with the call timeout.
func loopbackClient(via *url.URL) *http.Client {
	return &http.Client{Transport: loopbackTransport(via), Timeout: callTimeout}
}
