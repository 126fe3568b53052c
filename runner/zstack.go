package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/runner/signing"
)

// zstackSession returns the session to send: CONFORMANCE_ZSTACK_SESSION, or one from logging
// in once with the account and the SHA-512 hex of its password, as ZStack's own client does.
func (s *session) zstackSession(ctx context.Context) (string, error) {
	s.zstackOnce.Do(func() {
		if s.creds.ZStackSession != "" {
			s.zstack = s.creds.ZStackSession
			return
		}
		s.zstack, s.zstackErr = s.zstackLogin()
		if s.zstackErr == nil {
			s.loggedIn = true
			s.redact.add(s.zstack)
		}
	})
	return s.zstack, s.zstackErr
}

func (s *session) zstackLogin() (string, error) {
	op, ok := s.specs.Operation("LogInByAccount")
	if !ok {
		return "", errors.New("the specs have no LogInByAccount operation")
	}
	hash := signing.ZStackPasswordHash(s.creds.ZStackPassword)
	s.redact.add(hash)
	body, _ := json.Marshal(map[string]any{"logInByAccount": map[string]string{
		"accountName": s.creds.ZStackAccount,
		"password":    hash,
	}})
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
	defer cancel()
	u := *s.base[op.Service]
	u.Path = strings.TrimSuffix(u.Path, "/") + op.Path
	req, err := http.NewRequestWithContext(ctx, op.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", zstackContentType)
	resp, err := s.do(req)
	if err != nil {
		return "", fmt.Errorf("ZStack login: %w", err)
	}
	var reply struct {
		Inventory struct {
			UUID string `json:"uuid"`
		} `json:"inventory"`
	}
	if resp.Status != http.StatusOK || json.Unmarshal(resp.Body, &reply) != nil || reply.Inventory.UUID == "" {
		return "", fmt.Errorf("ZStack login as %q failed: %d %s", s.creds.ZStackAccount, resp.Status, s.redact.text(string(resp.Body)))
	}
	return reply.Inventory.UUID, nil
}

// poll follows a 202 + location answer as ZStack's client does, GETting the location with
// the same credentials until the job is no longer running or the case's timeout ends.
// The 202 answers come back as steps; the final answer is what the checks judge.
func (s *session) poll(ctx context.Context, orig *http.Request, resp *conformance.Response) (*conformance.Response, []*conformance.Response, error) {
	var steps []*conformance.Response
	delay := 20 * time.Millisecond
	for resp.Status == http.StatusAccepted {
		var job struct {
			Location string `json:"location"`
		}
		if json.Unmarshal(resp.Body, &job) != nil || job.Location == "" {
			return resp, steps, nil // a 202 without a location is judged as it is
		}
		loc, err := orig.URL.Parse(job.Location)
		if err != nil {
			return nil, steps, fmt.Errorf("the 202 answer's location %q is not a URL", job.Location)
		}
		steps = append(steps, resp)
		select {
		case <-ctx.Done():
			return nil, steps, fmt.Errorf("the async job was still running (202) after %s (--timeout), %d polls", s.cfg.Timeout, len(steps)-1)
		case <-time.After(delay):
		}
		delay = min(2*delay, time.Second)
		next, err := http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
		if err != nil {
			return nil, steps, err
		}
		for _, h := range []string{"Authorization", "X-Session-Id", "Date"} {
			if v := orig.Header.Get(h); v != "" {
				next.Header.Set(h, v)
			}
		}
		if resp, err = s.do(next); err != nil {
			if ctx.Err() != nil {
				return nil, steps, fmt.Errorf("the async job was still running (202) after %s (--timeout), %d polls", s.cfg.Timeout, len(steps))
			}
			return nil, steps, fmt.Errorf("polling %s: %w", redactedURL(loc), err)
		}
	}
	return resp, steps, nil
}

func redactedURL(u *url.URL) string {
	c := *u
	c.RawQuery = ""
	return c.String()
}
