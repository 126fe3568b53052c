// Package proxy is the validating proxy of `conformance proxy`: it sits between a client under
// test and a service, relays every exchange unchanged and judges it afterwards with the checks,
// limits, redaction and reports of a run (runner.Observer), so that the traffic of an official
// SDK, a Terraform provider or an application is held to the same contract as the suite's own.
//
// Reverse mode: the client is pointed at the proxy as its endpoint, and each request goes to
// the upstream of its service. Forward mode: a client configured with HTTP_PROXY sends
// absolute-URI requests, which go where they name with the Host the client sent, so that
// signatures covering the host (Alibaba V3) stay valid. CONNECT (HTTPS through the proxy) is
// refused: a tunnel's exchanges cannot be read, so they cannot be judged.
package proxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/specs"
)

// Options configure a Proxy.
type Options struct {
	// Observer judges every exchange and keeps the session's report.
	Observer *runner.Observer
	// Upstream is the base URL of every service in reverse mode; Upstreams, by service name
	// (as --target-<service>), override it. A request of a service with neither is answered
	// 502 and reported.
	Upstream  string
	Upstreams map[string]string
	// Timeout bounds one exchange, the request's first byte to the answer's last (--timeout):
	// a hanging upstream costs the client no more.
	Timeout time.Duration
	// Console shows each judged exchange; nil shows nothing.
	Console runner.Console
	// Budget bounds the body bytes kept at once for judging across every exchange in flight
	// or waiting to be judged; 0 is DefaultBudget or four bodies of the Observer's MaxBody,
	// whichever is more. An exchange that finds it spent is relayed but not judged (skipped).
	Budget int64
	// Transport, when set, replaces the proxy's own (tests).
	Transport http.RoundTripper
}

// DefaultBudget is the least Budget: room for the bodies of many exchanges at once, a few
// hundred bytes each for every documented operation.
const DefaultBudget = 64 << 20

// maxResponseHeaderBytes bounds an answer's header block, as a run bounds it.
const maxResponseHeaderBytes = 64 << 10

// Proxy relays and judges exchanges; it is an http.Handler.
type Proxy struct {
	obs       *runner.Observer
	set       *specs.Set
	upstream  *url.URL
	upstreams map[string]*url.URL
	timeout   time.Duration
	con       runner.Console
	rp        *httputil.ReverseProxy
	budget    *semaphore.Weighted
	budgetMax int64
	// workers bounds the judgements at once; judging waits for every exchange handed over.
	workers chan struct{}
	judging sync.WaitGroup
}

// New builds a proxy from o. The upstream URLs must be absolute http or https URLs.
func New(o Options) (*Proxy, error) {
	if o.Observer == nil {
		return nil, errors.New("proxy: no Observer")
	}
	p := &Proxy{obs: o.Observer, set: o.Observer.Specs(), upstreams: map[string]*url.URL{}, timeout: o.Timeout, con: o.Console}
	if p.timeout <= 0 {
		return nil, errors.New("proxy: Timeout must be positive")
	}
	var err error
	if o.Upstream != "" {
		if p.upstream, err = parseUpstream(o.Upstream); err != nil {
			return nil, err
		}
	}
	for svc, raw := range o.Upstreams {
		if _, ok := p.set.Service(svc); !ok {
			return nil, fmt.Errorf("proxy: no service %q in the specs", svc)
		}
		if p.upstreams[svc], err = parseUpstream(raw); err != nil {
			return nil, err
		}
	}
	p.budgetMax = o.Budget
	if p.budgetMax <= 0 {
		p.budgetMax = max(DefaultBudget, 4*(p.obs.MaxBody()+1))
	}
	p.budget = semaphore.NewWeighted(p.budgetMax)
	p.workers = make(chan struct{}, 4)
	transport := o.Transport
	if transport == nil {
		transport = &http.Transport{
			// The proxy's own HTTP_PROXY is not followed: the proxy is the client's.
			DialContext:         (&net.Dialer{Timeout: p.timeout, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout: p.timeout,
			// An answer is relayed as sent: no Accept-Encoding added, nothing decompressed.
			DisableCompression:     true,
			MaxResponseHeaderBytes: maxResponseHeaderBytes,
			MaxIdleConnsPerHost:    16,
			IdleConnTimeout:        90 * time.Second,
		}
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite:        p.rewrite,
		Transport:      transport,
		FlushInterval:  -1, // stream: every read of the answer is passed on at once
		ModifyResponse: p.tapResponse,
		ErrorHandler:   p.upstreamFailed,
		ErrorLog:       log.New(io.Discard, "", 0), // each failure is in the exchange's case
	}
	return p, nil
}

func parseUpstream(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("proxy: upstream %q is not an absolute http or https URL", raw)
	}
	return u, nil
}

// exchange is what the proxy records of one exchange while it relays it.
type exchange struct {
	start   time.Time
	base    *url.URL // the upstream in reverse mode, nil in forward mode
	request conformance.Request
	req     *capture
	resp    *capture
	status  int
	header  http.Header
	err     error // why the upstream gave no answer
}

type exchangeKey struct{}

func exchangeOf(ctx context.Context) *exchange { return ctx.Value(exchangeKey{}).(*exchange) }

// connectRefusal answers a CONNECT request.
const connectRefusal = "conformance proxy: CONNECT (HTTPS through the proxy) is not supported: a tunnel's exchanges cannot be read, so they cannot be judged. Point the client at the proxy as its endpoint (reverse mode, --upstream https://...), or send http:// URLs through HTTP_PROXY."

// ServeHTTP relays one exchange, then hands it to the judging: the client's answer is
// complete before anything of it is judged.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		http.Error(w, connectRefusal, http.StatusNotImplemented)
		return
	}
	p.judging.Add(1) // from the first byte: Wait waits for the exchanges still being relayed
	x := &exchange{start: time.Now()}
	if !r.URL.IsAbs() {
		base, why := p.upstreamFor(r)
		if base == nil {
			http.Error(w, "conformance proxy: "+why, http.StatusBadGateway)
			x.request = conformance.Request{Method: r.Method, URL: r.URL.String(), Header: r.Header.Clone()}
			x.err = errors.New("not forwarded: " + why)
			p.handOver(x, r.Context())
			return
		}
		x.base = base
	}
	if p.loops(r, x.destination(r)) {
		http.Error(w, "conformance proxy: the request names the proxy itself as its destination", http.StatusLoopDetected)
		p.judging.Done()
		return
	}
	x.req = &capture{r: r.Body, limit: p.obs.MaxBody() + 1, budget: p.budget}
	r.Body = x.req
	ctx, cancel := context.WithTimeout(r.Context(), p.timeout)
	defer cancel()
	// Deferred, so that an answer cut off mid-body (ReverseProxy then aborts the handler with
	// http.ErrAbortHandler) is judged too.
	defer p.handOver(x, r.Context())
	p.rp.ServeHTTP(w, r.WithContext(context.WithValue(ctx, exchangeKey{}, x)))
}

// upstreamFor is the upstream of a reverse-mode request: its service's, else --upstream;
// a request no operation matches goes to an upstream of the provider whose paths it shares.
func (p *Proxy) upstreamFor(r *http.Request) (*url.URL, string) {
	op, _, miss := p.set.Route(r)
	if op != nil {
		if u := p.upstreams[op.Service]; u != nil {
			return u, ""
		}
	}
	if p.upstream != nil {
		return p.upstream, ""
	}
	if op != nil {
		return nil, "no upstream for " + op.Service + ": give --upstream or --upstream-" + op.Service
	}
	for _, sp := range p.set.Specs {
		if u := p.upstreams[sp.Service]; u != nil && miss != nil && sp.Provider == miss.Provider {
			return u, ""
		}
	}
	return nil, "no documented operation matches this request, and no --upstream is given to forward it to"
}

// destination is where a request goes: its upstream in reverse mode, its own absolute URL in
// forward mode.
func (x *exchange) destination(r *http.Request) *url.URL {
	if x.base != nil {
		return x.base
	}
	return r.URL
}

// loops reports whether target is the address the request came in on: a client (or an
// --upstream) that names the proxy itself would otherwise open connections to it until the
// timeout.
func (p *Proxy) loops(r *http.Request, target *url.URL) bool {
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return false
	}
	_, localPort, err := net.SplitHostPort(local.String())
	if err != nil || target.Port() != localPort {
		return false
	}
	host := target.Hostname()
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && (ip.IsLoopback() || ip.IsUnspecified() || local.String() == net.JoinHostPort(host, localPort))
}

// rewrite routes the outbound request and records it as it goes: in reverse mode to the
// upstream, with the upstream's Host; in forward mode unchanged, Host included. Nothing else
// is altered: httputil.ReverseProxy has removed the hop-by-hop headers (RFC 9110, 7.6.1) and,
// with Rewrite, adds no X-Forwarded-* header.
func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	x := exchangeOf(pr.In.Context())
	if x.base != nil {
		pr.SetURL(x.base)
	}
	recorded := *pr.Out.URL
	recorded.Path, recorded.RawPath = pr.In.URL.Path, pr.In.URL.RawPath // the path the specs route
	x.request = conformance.Request{Method: pr.Out.Method, URL: recorded.String(), Header: pr.Out.Header.Clone()}
}

// tapResponse keeps the answer's status and headers, and tees its body into the exchange.
func (p *Proxy) tapResponse(resp *http.Response) error {
	x := exchangeOf(resp.Request.Context())
	limit := p.obs.MaxBody() + 1
	if resp.ContentLength > p.obs.MaxBody() {
		limit = 0 // judged by its announced length alone
	}
	x.status, x.header = resp.StatusCode, resp.Header.Clone()
	x.resp = &capture{r: resp.Body, limit: limit, budget: p.budget}
	resp.Body = x.resp
	return nil
}

// upstreamFailed answers a request the upstream gave no answer to, in plain words and
// without its URL (the query may hold a signature).
func (p *Proxy) upstreamFailed(w http.ResponseWriter, r *http.Request, err error) {
	x := exchangeOf(r.Context())
	x.err = err
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	status := http.StatusBadGateway
	if errors.Is(err, context.DeadlineExceeded) {
		status = http.StatusGatewayTimeout
	}
	http.Error(w, "conformance proxy: the upstream gave no answer: "+err.Error(), status)
}

// Wait returns once every exchange begun so far is relayed, judged and shown.
func (p *Proxy) Wait() { p.judging.Wait() }
