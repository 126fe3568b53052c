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
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/runner/credentials"
	"github.com/conformance-suite/conformance/specs"
)

// session sends the cases of one run: it holds the resolved targets, the credentials, the HTTP
// client and whatever a provider's login handed out.
type session struct {
	cfg    Config
	creds  credentials.Set
	specs  *specs.Set
	http   *http.Client
	now    func() time.Time
	redact *redactor
	base   map[string]*url.URL // service → base URL

	zstackOnce sync.Once
	zstack     string // session uuid, from the environment or a login
	zstackErr  error
	loggedIn   bool

	mu      sync.Mutex
	results map[string]*future // case ID → its exchange
}

type future struct {
	done chan struct{}
	x    *conformance.Exchange
}

func newSession(cfg Config, creds credentials.Set, set *specs.Set, targets map[string]string) (*session, error) {
	s := &session{
		cfg:     cfg,
		creds:   creds,
		specs:   set,
		now:     time.Now,
		redact:  newRedactor(creds),
		base:    map[string]*url.URL{},
		results: map[string]*future{},
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
		// The answer is judged as sent: no transparent gzip, no redirects followed.
		DisableCompression: true,
	}
	s.http = &http.Client{
		Transport:     transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return s, nil
}

// Exchange returns the case's exchange, sending it now unless a prefetch already did.
func (s *session) Exchange(p *conformance.Planned) *conformance.Exchange {
	s.mu.Lock()
	f, ok := s.results[p.Case.ID]
	if !ok {
		f = &future{done: make(chan struct{})}
		s.results[p.Case.ID] = f
		s.mu.Unlock()
		f.x = s.send(p)
		close(f.done)
		return f.x
	}
	s.mu.Unlock()
	<-f.done
	return f.x
}

// Prefetch sends every runnable case with cfg.Parallel requests in flight; Ginkgo runs its
// specs serially, so the concurrency comes from here, and the specs then judge what was recorded.
func (s *session) Prefetch(cases []*conformance.Planned) {
	work := make(chan *conformance.Planned)
	var wg sync.WaitGroup
	for range s.cfg.Parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				s.Exchange(p)
			}
		}()
	}
	go func() {
		sequences := map[string][]*conformance.Planned{}
		for _, p := range cases {
			switch {
			case p.Skip != "":
			case p.Case.Sequence != "":
				sequences[p.Case.Sequence] = append(sequences[p.Case.Sequence], p)
			default:
				work <- p
			}
		}
		close(work)
		wg.Wait()
		// The steps of a sequence go one after the other, in step order, once nothing else
		// is in flight: each step judges the state the previous one left.
		for _, steps := range sequences {
			sort.SliceStable(steps, func(i, j int) bool { return steps[i].Case.Step < steps[j].Case.Step })
			for _, p := range steps {
				s.Exchange(p)
			}
		}
	}()
}

// send builds, signs and sends one case, and records what came back.
func (s *session) send(p *conformance.Planned) *conformance.Exchange {
	x := &conformance.Exchange{Case: p.Case, Op: p.Op, Vars: s.vars()}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
	defer cancel()
	req, body, err := s.build(ctx, p)
	if err != nil {
		x.Err = fmt.Errorf("could not build the request: %v", s.redact.text(err.Error()))
		return x
	}
	x.Request = conformance.Request{Method: req.Method, URL: req.URL.String(), Header: req.Header.Clone(), Body: body}
	x.Curl = s.redact.curl(req, body)
	start := time.Now()
	x.Response, x.Err = s.do(req)
	if x.Err == nil && p.Op.Async {
		x.Response, x.Steps, x.Err = s.poll(ctx, req, x.Response)
	}
	x.Duration = time.Since(start)
	return x
}

// do sends a request and reads the whole answer, within the timeout and the size limit.
func (s *session) do(req *http.Request) (*conformance.Response, error) {
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, s.transportError(req, err)
	}
	defer resp.Body.Close()
	if resp.ContentLength > s.cfg.MaxBody {
		return nil, fmt.Errorf("the answer announces a %d-byte body, over the %d-byte limit (--max-body)", resp.ContentLength, s.cfg.MaxBody)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, s.cfg.MaxBody+1))
	if err != nil {
		return nil, s.transportError(req, err)
	}
	if int64(len(data)) > s.cfg.MaxBody {
		return nil, fmt.Errorf("the answer body exceeds the %d-byte limit (--max-body)", s.cfg.MaxBody)
	}
	return &conformance.Response{Status: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

// transportError says in plain words why no complete answer came, without the URL (its query
// may hold a signature).
func (s *session) transportError(req *http.Request, err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	var nerr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &nerr) && nerr.Timeout():
		return fmt.Errorf("no complete answer within %s (--timeout)", s.cfg.Timeout)
	case errors.Is(err, syscall.ECONNRESET):
		return errors.New("the target reset the connection")
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("connection refused: nothing listens at %s", req.URL.Host)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the target closed the connection before a complete answer")
	}
	return errors.New(s.redact.text(err.Error()))
}

// build makes the request of a case as the provider's official client would send it.
func (s *session) build(ctx context.Context, p *conformance.Planned) (*http.Request, []byte, error) {
	op, c := p.Op, p.Case
	cl := clients[op.Provider]
	vars := s.vars()
	path, err := expandPath(op.Path, c.Request.Path, vars)
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
	cl.prepare(req, op, s)
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
	case body != nil || cl.contentType == "application/x-www-form-urlencoded" && op.Method == http.MethodPost:
		req.Header.Set("Content-Type", cl.contentType)
	}
	for k, v := range c.Request.Headers {
		req.Header.Set(k, fixtures.Expand(v, vars))
	}
	if err := cl.authenticate(req, body, c.Request.Credentials, s); err != nil {
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
func (s *session) vars() map[string]string {
	return map[string]string{
		"project_id":          s.creds.HuaweiProjectID,
		"tid":                 s.creds.AlibabaTid,
		"zstack_project_uuid": s.creds.ZStackProjectUUID,
	}
}

// pathDefaults names the placeholder that fills a path parameter a case leaves out.
var pathDefaults = map[string]string{
	"project_id": "project_id",
	"uuid":       "zstack_project_uuid",
}

func expandPath(template string, given, vars map[string]string) (string, error) {
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
			value = vars[pathDefaults[name]]
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
