package runner

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/specs"
)

// Observer judges exchanges the suite did not make, a validating proxy's or a recording's,
// with the checks, limits, redaction, coverage and reports of a run. Each exchange becomes a
// case of its own, with no expectation: what the client meant cannot be known, so the checks
// that judge a case's expectation (negative_data_rejection, positive_data_acceptance,
// ignored_auth, response_values_conformance, and the expected status and error code of
// status_code_conformance and error_envelope_conformance) are not applicable, and
// request_conformance judges the request instead (conformance.Exchange.Observed). It is safe
// for concurrent use.
type Observer struct {
	s       *session
	started time.Time
	target  string
	targets map[string]string

	mu sync.Mutex
	// cases are the judged exchanges in the order Judge numbered them; a slot is reserved
	// (ID "") while its exchange is being judged.
	cases []reports.Case
	seen  map[string]int // operationId, or unrouted → exchanges numbered so far
	// jobs are the asynchronous jobs started and not yet ended, by the path they are polled on.
	jobs map[string]*job
	// write serialises the writing of the reports (a flush and the shutdown may meet).
	write sync.Mutex
}

// unrouted is the id prefix of an exchange no documented operation matches; its case names
// unroutedOperation as its operation, and unknownProvider when no provider's paths begin like
// its path, so that every report's tables group it apart from the documented operations.
const (
	unrouted          = "unrouted"
	unroutedOperation = "(unrouted)"
	unknownProvider   = "(unknown)"
)

// NewObserver prepares the judging of observed traffic under cfg: the specs loaded as a run
// loads them (LoadSpecs), the run's selection of checks and per-operation settings, the
// report directory checked, and the credentials of cfg.Credentials known to the redactor. Like
// NewPlan, it returns a UsageError for a configuration that cannot work.
func NewObserver(cfg Config) (*Observer, error) {
	set, err := cfg.loadSpecs()
	if err != nil {
		return nil, err
	}
	if err := cfg.prepareDirs(); err != nil {
		return nil, err
	}
	s, err := newSession(cfg, cfg.Credentials, set, cfg.targets())
	if err != nil {
		return nil, UsageError{err}
	}
	for _, p := range providers.All() {
		if p.Session != nil && p.Session.LoginBody != nil {
			_, derived := p.Session.LoginBody(cfg.Credentials) // a password hash a client sends
			for _, secret := range derived {
				s.redact.add(secret)
			}
		}
	}
	s.openEvidence()
	o := &Observer{s: s, started: time.Now(), target: cfg.Description, targets: map[string]string{}, seen: map[string]int{}, jobs: map[string]*job{}}
	for svc, u := range s.base {
		o.targets[svc] = s.redact.URL(u.String())
	}
	if o.target == "" {
		o.target = cfg.Target
	}
	if o.target == "" {
		o.target = "per-service upstreams"
	}
	return o, nil
}

// MaxBody is the largest body judged (--max-body): whoever records an exchange keeps at most
// one byte more of each body, so that Judge can tell a body over the limit.
func (o *Observer) MaxBody() int64 { return o.s.cfg.MaxBody }

// ReportDir is where Write puts the reports (--report-dir).
func (o *Observer) ReportDir() string { return o.s.cfg.ReportDir }

// Judge routes one observed exchange to its operation, judges it and returns its case, redacted
// as a run's: the secrets it carries (a signature, a token, a session, a password) are learnt
// first, so that neither this case nor any later one shows them. req and resp are the request
// and the answer as they went over the wire; each body may be cut one byte past MaxBody, and
// an encoded answer is decoded, within MaxBody, only when the request accepted its encoding,
// as a run decodes it. err is why no complete answer came (resp is then nil); d is the time
// from the request to the answer's last byte. Judge is Admit, then Judge of what it admitted.
//
// An exchange no documented operation matches is a failed case of request_conformance (a case
// skipped with the reason when that check is disabled): a client under test that calls what the
// specs do not document is exactly what a validating proxy is for, and dropping it would let a
// session that exercised nothing pass.
func (o *Observer) Judge(req conformance.Request, resp *conformance.Response, err error, d time.Duration) reports.Case {
	return o.Admit(req, resp).Judge(err, d)
}

// Admitted is an observed exchange routed, numbered and known to the observer's jobs, not yet
// judged.
type Admitted struct {
	o    *Observer
	hr   *http.Request
	req  conformance.Request
	resp *conformance.Response
	op   *specs.Operation
	miss *specs.Miss
	c    *fixtures.Case
	slot int
	// job, when set, is the job this exchange ended: it is judged as the answer of the
	// operation that started the job, to the request that started it.
	job *job
}

// Admit takes in an exchange as it ends, before it is judged (Judge judges it): it is routed,
// its secrets are learnt, it is numbered in the order the exchanges were admitted, and an
// exchange that starts or ends an asynchronous job is noted as such (observe_jobs.go). A proxy
// admits each exchange the moment it is relayed and judges it later, off the client's path:
// the poll that ends a job is admitted only after its own round trip to the service, by which
// time the 202 that named the job has long been admitted. (Not a guarantee: a poll admitted
// first is judged as the polling operation's answer.)
func (o *Observer) Admit(req conformance.Request, resp *conformance.Response) *Admitted {
	return o.begin(req, resp, true)
}

// Judge judges the admitted exchange; err and d are as Observer.Judge takes them.
func (a *Admitted) Judge(err error, d time.Duration) reports.Case {
	o, c := a.o, a.c
	opts := o.s.cfg.options(c)
	var rc reports.Case
	if a.op == nil {
		rc = o.unroutedCase(c, a.miss, a.req, opts)
	} else {
		resp, err := o.read(a.hr, a.req, a.resp, err)
		x := &conformance.Exchange{Case: c, Op: a.op, Request: a.req, Observed: true, Response: resp, Duration: d, Vars: o.s.vars()}
		shown := a.hr
		if j := a.job; j != nil {
			// The answer to the request that started the job, its 202 as a step, and the curl
			// of that request.
			x.Request, x.Steps, shown = j.request, []*conformance.Response{j.accepted}, j.hr
			if j.err != nil && resp != nil { // still running when it should have ended: evidence
				x.Steps, x.Response, err = append(x.Steps, resp), nil, j.err
			}
		}
		if err != nil {
			x.Err = o.s.bounded(err)
		}
		x.Curl = o.s.redact.curl(shown, x.Request.Body)
		pc := &conformance.Planned{Case: c, Op: a.op, Labels: []string{a.op.Provider, a.op.Service, a.op.ID, "observed"}, Options: opts}
		res := conformance.Evaluate(x, opts)
		o.s.record.add(pc, x) // before Trim, as a run records (proxy --record)
		traffic := *x
		traffic.Case = nil // coverage infers the credentials of traffic from the exchange itself
		o.s.coverage.Observe(&traffic)
		x.Trim(evidenceLimit)
		rc = o.s.caseVerdict(pc, conformance.Verdict{Planned: pc, Exchange: x, Result: res}, true)
	}
	o.finish(a.slot, &rc)
	return rc
}

// begin routes an observed request, learns its secrets and numbers it: its synthetic case
// ("<operationId>/observed-<n>", n counting the operation's exchanges from 1, or
// "unrouted/observed-<n>") and the slot its report takes, in arrival order. judged is false
// for an exchange that is only recorded as skipped: it neither starts nor ends a job.
func (o *Observer) begin(req conformance.Request, resp *conformance.Response, judged bool) *Admitted {
	hr := &http.Request{Method: req.Method, Header: req.Header, URL: &url.URL{}}
	if u, err := url.Parse(req.URL); err == nil {
		hr.URL = u
	}
	if hr.Header == nil {
		hr.Header = http.Header{}
	}
	a := &Admitted{o: o, hr: hr, req: req, resp: resp}
	a.op, _, a.miss = o.s.specs.Route(hr)
	o.learn(hr, a.op, req.Body, resp)
	key, name := unrouted, req.Method+" "+o.requestTarget(req.URL)
	if a.op != nil {
		key = a.op.ID
	}
	var location string
	var accepted *conformance.Response
	if judged {
		location, accepted = o.jobLocation(a) // decoded before the lock: it may be compressed
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if judged {
		if a.job = o.jobEnded(hr, resp); a.job != nil {
			a.op, key = a.job.op, a.job.op.ID
			name += " (the end of the job of " + a.job.started + ")"
		}
	}
	o.seen[key]++
	a.c = &fixtures.Case{ID: key + "/observed-" + strconv.Itoa(o.seen[key]), Name: name, Profile: fixtures.Core}
	if a.op != nil {
		a.c.Operation = a.op.ID
	}
	if a.job == nil {
		o.jobStarted(a, location, accepted)
	}
	o.cases = append(o.cases, reports.Case{})
	a.slot = len(o.cases) - 1
	return a
}

// finish puts a judged case into its slot, its evidence kept on disk (a session of a
// long-lived proxy keeps its verdicts in memory, not its transcripts); the caller's rc keeps
// its own.
func (o *Observer) finish(slot int, rc *reports.Case) {
	rc.Order = slot + 1
	c := *rc
	o.s.evidence.Keep(&c)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.cases[slot] = c
}

// read applies a run's limits to an observed exchange: a request body over MaxBody fails the
// exchange, and the answer is read as the runner reads one (readBody), so that an answer over
// MaxBody, before or after a decoding the request asked for, fails with a run's own words.
func (o *Observer) read(hr *http.Request, req conformance.Request, resp *conformance.Response, err error) (*conformance.Response, error) {
	if int64(len(req.Body)) > o.s.cfg.MaxBody {
		return nil, overLimit("request", -1, o.s.cfg.MaxBody)
	}
	if err != nil {
		if errors.Is(err, errTooLarge) {
			return nil, err
		}
		return nil, o.s.transportError(hr, err) // in a run's words: a timeout, a reset, a refusal
	}
	if resp == nil {
		return nil, errors.New("no answer was recorded")
	}
	length := int64(-1)
	if n, perr := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64); perr == nil && n >= 0 {
		length = n
	}
	wire := &http.Response{StatusCode: resp.Status, Header: resp.Header.Clone(), ContentLength: length, Body: io.NopCloser(bytes.NewReader(resp.Body))}
	if wire.Header == nil {
		wire.Header = http.Header{}
	}
	body, rerr := o.s.readBody(hr, wire)
	if rerr != nil {
		return nil, rerr
	}
	return &conformance.Response{Status: resp.Status, Header: wire.Header, Body: body}, nil
}

// unroutedCase is the case of a request no documented operation matches.
func (o *Observer) unroutedCase(c *fixtures.Case, miss *specs.Miss, req conformance.Request, opts *conformance.Options) reports.Case {
	rc := reports.Case{
		ID: c.ID, Name: c.Name, Labels: []string{"observed", unrouted}, Profile: string(fixtures.Core),
		Failures: []reports.Failure{}, Exchange: &reports.Exchange{Request: reports.Message{
			Method: req.Method, URL: o.s.redact.URL(req.URL), Headers: o.s.redact.Header(req.Header),
			Body: o.s.redact.body(req.Body[:min(len(req.Body), evidenceLimit)], len(req.Body)), BodyBytes: len(req.Body),
		}},
	}
	rc.Provider, rc.Operation = unknownProvider, unroutedOperation
	if miss != nil && miss.Provider != "" {
		rc.Provider = miss.Provider // the gateway whose paths it shares
	}
	why := "no documented operation matches " + c.Name
	switch {
	case miss != nil && miss.Action != "":
		why += " with the RPC action " + strconv.Quote(o.s.redact.text(miss.Action))
	case miss != nil && miss.Provider != "" && o.rpcProvider(miss.Provider):
		why += ", which names no RPC action (the query's Action or the x-acs-action header)"
	}
	if opts.Disabled[conformance.CheckRequestConformance] {
		rc.State, rc.Reason = reports.Skipped, why+": not judged (request_conformance is disabled)"
		return rc
	}
	rc.State = reports.Failed
	rc.Checks = map[string]string{string(conformance.CheckRequestConformance): string(conformance.Failed)}
	rc.Failures = append(rc.Failures, reports.Failure{
		Check:    string(conformance.CheckRequestConformance),
		Message:  string(conformance.CheckRequestConformance) + ": " + why,
		Expected: "a documented operation (method and path, or RPC action)",
		Actual:   c.Name,
		Profile:  string(fixtures.Core),
	})
	return rc
}

// rpcProvider reports whether a provider's requests name an RPC action.
func (o *Observer) rpcProvider(provider string) bool {
	for _, op := range o.s.specs.Operations {
		if op.Provider == provider && op.Action != "" {
			return true
		}
	}
	return false
}

// requestTarget is a request URL's path and query as a case name shows it, secrets redacted.
func (o *Observer) requestTarget(raw string) string {
	shown := o.s.redact.URL(raw)
	if u, err := url.Parse(shown); err == nil {
		return u.RequestURI()
	}
	return shown
}

// Report is the report of every exchange judged so far, in the order they were judged, with
// the coverage of every documented operation (what the traffic never exercised shows as
// missing).
func (o *Observer) Report() *reports.Report {
	r := o.s.newReport(o.target, o.targets, o.started)
	o.mu.Lock()
	for _, c := range o.cases {
		if c.ID != "" {
			r.Cases = append(r.Cases, c)
		}
	}
	o.mu.Unlock()
	o.s.closeReport(r, o.s.specs.Operations)
	return r
}

// Write writes the four reports of Report to the report directory, as a run writes them.
func (o *Observer) Write() (*reports.Report, error) {
	o.write.Lock()
	defer o.write.Unlock()
	r := o.Report()
	if err := reports.WriteAll(o.s.cfg.ReportDir, r); err != nil {
		return r, fmt.Errorf("--report-dir: %w", err)
	}
	if _, err := o.s.record.flush(); err != nil {
		return r, fmt.Errorf("--record: %w", err)
	}
	return r, nil
}

// Close ends the session: the evidence of its cases, kept on disk until the reports are
// written, is removed. Write no report after it.
func (o *Observer) Close() error { return o.s.evidence.Close() }

// Skip records an observed exchange that was not judged, and why (the client went away before
// the answer was complete; the proxy could not keep its bodies): a skipped case, redacted as
// every other, so that a session says what it did not judge.
func (o *Observer) Skip(req conformance.Request, reason string) reports.Case {
	a := o.begin(req, nil, false)
	op, miss, c := a.op, a.miss, a.c
	rc := reports.Case{
		ID: c.ID, Name: c.Name, Labels: []string{"observed"}, State: reports.Skipped,
		Reason: o.s.redact.text(reason), Profile: string(fixtures.Core), Failures: []reports.Failure{},
	}
	switch {
	case op != nil:
		rc.Provider, rc.Service, rc.Operation = op.Provider, op.Service, op.ID
		rc.Labels = []string{op.Provider, op.Service, op.ID, "observed"}
	default:
		rc.Provider, rc.Operation = unknownProvider, unroutedOperation
		if miss != nil && miss.Provider != "" {
			rc.Provider = miss.Provider
		}
	}
	o.finish(a.slot, &rc)
	return rc
}

// Specs are the specs the observer routes and judges with, as a run loads them.
func (o *Observer) Specs() *specs.Set { return o.s.specs }
