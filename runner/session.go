package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/coverage"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/recording"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/specs"
)

// session sends the cases of one run: it holds the resolved targets, the credentials, the HTTP
// client and whatever a provider's login handed out.
type session struct {
	cfg    Config
	creds  providers.Credentials
	specs  *specs.Set
	http   *http.Client
	now    func() time.Time
	redact *redactor
	base   map[string]*url.URL // service → base URL
	// breaker stops sending to a service after --max-transport-failures transport failures
	// in a row; chunks are the reusable buffers of bodies of unannounced length (readAll).
	breaker *breaker
	chunks  sync.Pool
	// bodies bounds the body bytes all requests in flight may hold at once (bodyBudget).
	bodies *semaphore.Weighted
	// coverage records what each judged exchange exercised of its contract (schedule.go).
	coverage *coverage.Recorder

	logins map[string]*login // provider → its session, for providers that declare one (login.go)
	// record, when set, writes each exchange as a fixture case (--record, record.go).
	record *record
	// placeholders are the placeholder values of this run, read once from the credentials:
	// every request and every exchange shares the map, which nobody writes.
	placeholders map[string]string

	// evidence keeps the transcripts and curls of the judged cases on disk until the reports
	// are written (reports.Evidence); nil keeps them in memory.
	evidence *reports.Evidence
	// suiteReads is set by a run, whose one reader of the verdicts is the Ginkgo suite: each
	// verdict keeps only what the suite reads of it (conformance.Verdict.Light) once its case
	// is reported.
	suiteReads bool

	mu      sync.Mutex
	results map[string]*future // case ID → its verdict, see schedule.go
	// reports are the reports of Start's cases, in its order: each judged case's is written
	// by publish, the others by caseReports, which returns them as the report's cases.
	reports []reports.Case
	// checkSets shares the Checks map of every case whose checks ended alike (checkStates).
	checkSets sync.Map
	sent      chan struct{} // closed once Start has sent or given up every case
}

func newSession(cfg Config, creds providers.Credentials, set *specs.Set, targets map[string]string) (*session, error) {
	s := &session{
		cfg:     cfg,
		creds:   creds,
		specs:   set,
		now:     time.Now,
		redact:  newRedactor(creds),
		base:    map[string]*url.URL{},
		breaker: newBreaker(cfg.MaxTransportFailures),
		bodies:  semaphore.NewWeighted(bodyBudget),
		results: map[string]*future{},
		logins:  map[string]*login{},

		coverage: coverage.NewRecorder(),
	}
	for _, p := range providers.All() {
		if p.Session != nil {
			s.logins[p.Name] = &login{provider: p}
		}
	}
	s.placeholders = map[string]string{}
	for _, p := range providers.Placeholders() {
		s.placeholders[p.Name] = creds.Get(p.From)
	}
	if cfg.RecordDir != "" {
		s.record = &record{Recorder: recording.New(cfg.RecordDir, recording.Options{Values: s.placeholders, Secrets: creds.Secrets()})}
	}
	for _, sp := range set.Specs {
		raw := targets[sp.Service]
		if raw == "" {
			raw = targets[""]
		}
		if raw == "" {
			if region := cfg.region(sp.Provider); region != "" {
				raw, _ = sp.RegionURL(region)
			}
		}
		if raw == "" {
			continue // its cases are skipped: no target
		}
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("target of %s: %w", sp.Service, err)
		}
		s.redact.addURL(u)
		s.base[sp.Service] = u
	}
	dial := cfg.Dial
	if dial == nil {
		dial = (&net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}).DialContext
	}
	transport := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         dial,
		MaxIdleConnsPerHost: cfg.Parallel,
		TLSHandshakeTimeout: cfg.Timeout,
		// The answer is judged as sent: no transparent gzip, no redirects followed. A body is
		// decompressed only where a case asked for it (readBody).
		DisableCompression: true,
		// A header block beyond this fails the case (see maxResponseHeaderBytes).
		MaxResponseHeaderBytes: maxResponseHeaderBytes,
	}
	s.http = &http.Client{
		Transport:     transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return s, nil
}

// send builds, signs and sends one case, and records what came back. Nothing is sent to a
// service that stopped answering (breaker); every error text kept is redacted and bounded.
// Ending parent aborts the exchange (an interrupted run).
func (s *session) send(parent context.Context, p *conformance.Planned) *conformance.Exchange {
	x := &conformance.Exchange{Case: p.Case, Op: p.Op, Vars: s.vars()}
	ctx, cancel := context.WithTimeout(parent, s.cfg.Timeout)
	defer cancel()
	req, body, err := s.build(ctx, p)
	if err != nil {
		x.Err = s.bounded(fmt.Errorf("could not build the request: %w", err))
		return x
	}
	sent := *req.URL
	sent.User = nil // a password in the target URL is the user's, never evidence
	x.Request = conformance.Request{Method: req.Method, URL: sent.String(), Header: req.Header.Clone(), Body: body}
	x.Curl = s.redact.curl(req, body) // a case not sent still says how to send it
	if err := s.breaker.refuse(p.Op.Service); err != nil {
		x.Err = s.bounded(err)
		return x
	}
	start := time.Now()
	x.Response, x.Err = s.do(p.Op.Service, req)
	if async := providers.Of(p.Op).Async; x.Err == nil && p.Op.Async && async != nil {
		x.Response, x.Steps, x.Err = s.poll(ctx, p.Op.Service, async, req, x.Response)
	}
	x.Duration = time.Since(start)
	if x.Err != nil {
		x.Err = s.bounded(x.Err)
	}
	return x
}

// boundedError is an error whose text was redacted and bounded (errorTextLimit); it still
// unwraps to what it says.
type boundedError struct {
	msg string
	err error
}

func (e *boundedError) Error() string { return e.msg }
func (e *boundedError) Unwrap() error { return e.err }

func (s *session) bounded(err error) error {
	var b *boundedError
	if errors.As(err, &b) && b == err {
		return err
	}
	return &boundedError{msg: s.redact.excerpt(err.Error(), errorTextLimit), err: err}
}

// do sends a request to a service and reads the whole answer, within the timeout and the
// limits on headers and body, and tells the breaker whether any answer came.
func (s *session) do(svc string, req *http.Request) (*conformance.Response, error) {
	resp, err := s.roundTrip(req)
	s.breaker.record(svc, err)
	return resp, err
}

func (s *session) roundTrip(req *http.Request) (*conformance.Response, error) {
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, s.transportError(req, err)
	}
	defer resp.Body.Close()
	if n := headerCount(resp); n > maxResponseHeaders {
		return nil, fmt.Errorf("the answer has %d header fields, over the runner's limit of %d (real cloud answers send fewer than 30)", n, maxResponseHeaders)
	}
	data, err := s.readBody(req, resp)
	if err != nil {
		return nil, err
	}
	if n := headerCount(resp); n > maxResponseHeaders {
		return nil, fmt.Errorf("the answer has %d header and trailer fields, over the runner's limit of %d", n, maxResponseHeaders)
	}
	return &conformance.Response{Status: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

// transportError says in plain words why no complete answer came, without the URL (its query
// may hold a signature). A timeout, a refused connection or a failure to reach the target is
// a transportFailure, which the breaker counts.
func (s *session) transportError(req *http.Request, err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	var nerr net.Error
	var msg string
	switch {
	case strings.Contains(err.Error(), "server response headers exceeded"):
		return fmt.Errorf("the answer's header block exceeds %d bytes, the runner's limit on response headers (real cloud answers send a few KiB)", maxResponseHeaderBytes)
	case errors.Is(err, context.Canceled):
		return errors.New("the run was interrupted before the answer was complete") // no fault of the target's
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &nerr) && nerr.Timeout():
		msg = fmt.Sprintf("no complete answer within %s (--timeout)", s.cfg.Timeout)
	case errors.Is(err, syscall.ECONNRESET):
		// A reset or an early close is a live peer answering at once, not a service that is
		// gone: it costs no --timeout, so the breaker does not count it (one operation that
		// resets must not silence its service's others).
		return errors.New("the target reset the connection")
	case errors.Is(err, syscall.ECONNREFUSED) && req != nil:
		msg = fmt.Sprintf("connection refused: nothing listens at %s", req.URL.Host)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the target closed the connection before a complete answer")
	default:
		msg = s.redact.excerpt(err.Error(), errorTextLimit)
	}
	return &transportFailure{msg: msg}
}

// build makes the request of a case as the provider's official client would send it.
func (s *session) build(ctx context.Context, p *conformance.Planned) (*http.Request, []byte, error) {
	op, c := p.Op, p.Case
	provider := providers.Of(op)
	cl := provider.Client
	vars := s.vars()
	path, err := expandPath(op.Path, c.Request.Path, vars, fills(provider))
	if err != nil {
		return nil, nil, err
	}
	var body []byte
	switch {
	case c.Request.RawBody != nil:
		body = []byte(fixtures.Expand(*c.Request.RawBody, vars))
	case c.Request.Body != nil:
		body = []byte(fixtures.Expand(string(c.Request.Body), jsonEscaped(vars)))
	}
	u := *s.base[op.Service]
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawPath = ""
	req, err := http.NewRequestWithContext(ctx, op.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	if body == nil {
		req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
	}
	cl.Prepare(req, op, run{s, provider})
	if len(c.Request.Query) > 0 {
		q := req.URL.Query()
		for k, v := range c.Request.Query {
			q.Set(k, fixtures.Expand(v, vars))
		}
		req.URL.RawQuery = q.Encode()
	}
	switch {
	case c.Request.ContentType != nil:
		if *c.Request.ContentType != "" {
			req.Header.Set("Content-Type", *c.Request.ContentType)
		}
	case body != nil || cl.ContentType == "application/x-www-form-urlencoded" && op.Method == http.MethodPost:
		req.Header.Set("Content-Type", cl.ContentType)
	}
	for k, v := range c.Request.Headers {
		req.Header.Set(k, fixtures.Expand(v, vars))
	}
	if err := cl.Authenticate(req, body, c.Request.Credentials, run{s, provider}); err != nil {
		return nil, nil, err
	}
	if c.Request.Credentials == fixtures.TamperedCredentials {
		body = tamper(req, body, c)
	}
	return req, body, nil
}

// tamper changes what was signed, after signing: one space appended to a non-empty body, else
// the digit 0 appended to the case's first query parameter, else a query parameter added
// (fixtures.TamperedCredentials).
func tamper(req *http.Request, body []byte, c *fixtures.Case) []byte {
	if len(body) > 0 {
		body = append(append([]byte(nil), body...), ' ')
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		return body
	}
	q := req.URL.Query()
	if keys := slices.Sorted(maps.Keys(c.Request.Query)); len(keys) > 0 {
		q.Set(keys[0], q.Get(keys[0])+"0")
	} else {
		q.Set("Tampered", "1") // nothing of the case's own to change: add what was not signed
	}
	req.URL.RawQuery = q.Encode()
	return body
}

// clock is the signing clock of a credential mode: an hour behind for a stale signature,
// outside every gateway's 15-minute window.
func (s *session) clock(mode fixtures.Credentials) func() time.Time {
	if mode == fixtures.StaleCredentials {
		return func() time.Time { return s.now().Add(-time.Hour) }
	}
	return s.now
}

// loopback reports whether a target is on this machine, by its URL alone: a host name that
// merely resolves to loopback is treated as remote, since it may not tomorrow.
func loopback(u *url.URL) bool {
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// vars are the placeholder values of this run.
func (s *session) vars() map[string]string { return s.placeholders }

// fills names, per path parameter, the placeholder of the provider that fills it when a case
// gives none (providers.Placeholder.Fills).
func fills(provider *providers.Provider) map[string]string {
	out := map[string]string{}
	for _, p := range provider.Placeholders {
		for _, param := range p.Fills {
			out[param] = p.Name
		}
	}
	return out
}

// expandPath fills a path template: a parameter the case gives (placeholders expanded), else
// the placeholder that fills it.
func expandPath(template string, given, vars, fills map[string]string) (string, error) {
	var b strings.Builder
	rest := template
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return "", fmt.Errorf("path template %q has an unclosed {", template)
		}
		name := rest[open+1 : open+end]
		value, ok := given[name]
		if ok {
			value = fixtures.Expand(value, vars)
		} else {
			value = vars[fills[name]]
		}
		if value == "" {
			return "", fmt.Errorf("no value for path parameter {%s}", name)
		}
		b.WriteString(rest[:open])
		b.WriteString(url.PathEscape(value))
		rest = rest[open+end+1:]
	}
}

// jsonEscaped quotes placeholder values for use inside JSON strings.
func jsonEscaped(vars map[string]string) map[string]string {
	out := make(map[string]string, len(vars))
	for k, v := range vars {
		b, _ := json.Marshal(v)
		out[k] = string(b[1 : len(b)-1])
	}
	return out
}

// openEvidence opens the session's evidence file in the report directory, which prepareDirs
// found writable; should it fail all the same, the cases keep their evidence in memory, which
// costs memory, not a report.
func (s *session) openEvidence() {
	if s.cfg.ReportDir != "" && s.evidence == nil {
		s.evidence, _ = reports.NewEvidence(s.cfg.ReportDir)
	}
}
