package runner

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/providers"
)

// poll follows a 202 + location answer as the provider's client does (providers.Async), GETting the location with
// the same credentials until the job is no longer running or the case's timeout ends.
// A location is followed only on the scheme, host and port of the request that started the
// job, or on a host of --allow-job-host: the poll carries the session, and a target must not
// be able to send it elsewhere. The first 202 and the last few come back as steps (a job may
// be polled many times); the final answer is what the checks judge.
func (s *session) poll(ctx context.Context, svc string, async *providers.Async, orig *http.Request, resp *conformance.Response) (*conformance.Response, []*conformance.Response, error) {
	var steps []*conformance.Response
	polls := 0
	delay := 20 * time.Millisecond
	for resp.Status == http.StatusAccepted {
		location := async.Location(resp.Body)
		if location == "" {
			return resp, steps, nil // a 202 without a location is judged as it is
		}
		loc, err := orig.URL.Parse(location)
		if err != nil {
			return nil, steps, fmt.Errorf("the 202 answer's location %s is not a URL", s.redact.excerpt(strconv.Quote(displayURL(location)), errorTextLimit))
		}
		if why := s.refuseLocation(orig.URL, loc); why != "" {
			return nil, steps, fmt.Errorf("not polled: the job location %s %s; nothing was sent there", s.redact.excerpt(redactedURL(loc), errorTextLimit), why)
		}
		if len(steps) >= maxSteps {
			steps = append(steps[:1], steps[2:]...) // the first 202 and the latest are evidence enough
		}
		steps = append(steps, resp)
		select {
		case <-ctx.Done():
			return nil, steps, stillRunning(s.cfg.Timeout, polls)
		case <-time.After(delay):
		}
		delay = min(2*delay, time.Second)
		next, err := http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
		if err != nil {
			return nil, steps, err
		}
		for _, h := range async.Carry {
			if v := orig.Header.Get(h); v != "" {
				next.Header.Set(h, v)
			}
		}
		polls++
		if resp, err = s.do(svc, next); err != nil {
			if ctx.Err() != nil {
				return nil, steps, stillRunning(s.cfg.Timeout, polls)
			}
			return nil, steps, fmt.Errorf("polling %s: %w", s.redact.excerpt(redactedURL(loc), errorTextLimit), err)
		}
	}
	return resp, steps, nil
}

// stillRunning is the failure of a job that a poll found still running (202) once --timeout
// had passed since it was accepted: a run's, and an observed client's (observe_jobs.go).
func stillRunning(timeout time.Duration, polls int) error {
	return fmt.Errorf("the async job was still running (202) after %s (--timeout), %d polls", timeout, polls)
}

// maxSteps bounds the 202 answers an exchange keeps, however often its job was polled.
const maxSteps = 4

// refuseLocation says why a job location may not be polled, "" when it may: it must be on the
// origin (scheme, host and port) of the request that started the job, or on a host the user
// allowed (--allow-job-host), never from https down to http.
func (s *session) refuseLocation(orig, loc *url.URL) string {
	if loc.Scheme != "http" && loc.Scheme != "https" {
		return "is not an http or https URL"
	}
	if orig.Scheme == "https" && loc.Scheme == "http" {
		return "would send the session unencrypted (https to http)"
	}
	if loc.User != nil && (orig.User == nil || loc.User.String() != orig.User.String()) {
		return "carries credentials of its own"
	}
	if loc.Scheme == orig.Scheme && strings.EqualFold(hostPort(loc), hostPort(orig)) {
		return ""
	}
	for _, allowed := range s.cfg.AllowJobHosts {
		if strings.EqualFold(allowed, loc.Hostname()) || strings.EqualFold(allowed, hostPort(loc)) {
			return ""
		}
	}
	return fmt.Sprintf("is not on %s, where the job was started, nor on a host allowed by --allow-job-host", redactedURL(&url.URL{Scheme: orig.Scheme, Host: orig.Host}))
}

// hostPort is a URL's host and port, the scheme's default port filled in.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// redactedURL shows a URL without its query (it may hold a signature) and userinfo.
func redactedURL(u *url.URL) string {
	c := *u
	c.RawQuery, c.User, c.Fragment = "", nil, ""
	return c.String()
}
