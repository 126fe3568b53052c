package runner

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/specs"
)

// login is the session of one provider that declares one (providers.Session): configured, or
// from logging in once, as the provider's own client does.
type login struct {
	provider *providers.Provider // its Session says how
	once     sync.Once
	session  string
	err      error
	loggedIn bool
}

// providerSession is the session to send to a provider, logging in once if none is configured.
func (s *session) providerSession(provider *providers.Provider) (string, error) {
	l := s.logins[provider.Name]
	if l == nil {
		return "", fmt.Errorf("%s declares no session", provider.Title)
	}
	l.once.Do(func() {
		if v := s.creds.Get(l.provider.Session.Configured); v != "" {
			l.session = v
			return
		}
		l.session, l.err = s.logIn(l)
		if l.err == nil {
			l.loggedIn = true
			s.redact.add(l.session)
		}
	})
	return l.session, l.err
}

func (s *session) logIn(l *login) (string, error) {
	op, ok := s.specs.Operation(l.provider.Session.Login)
	if !ok {
		return "", fmt.Errorf("the specs have no %s operation", l.provider.Session.Login)
	}
	body, secrets := l.provider.Session.LoginBody(s.creds)
	for _, secret := range secrets {
		s.redact.add(secret)
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
	defer cancel()
	u := *s.base[op.Service]
	u.Path = strings.TrimSuffix(u.Path, "/") + op.Path
	req, err := http.NewRequestWithContext(ctx, op.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", l.provider.Client.ContentType)
	resp, err := s.do(op.Service, req)
	if err != nil {
		return "", fmt.Errorf("%s login: %w", l.provider.Title, err)
	}
	session := ""
	if resp.Status == http.StatusOK {
		session = l.provider.Session.SessionOf(resp.Body)
	}
	if session == "" {
		// The body is quoted in part only: this error is every case's of the provider, and a
		// target may refuse with megabytes.
		return "", fmt.Errorf("%s login as %q failed: %s %s", l.provider.Title, s.creds.Get(l.provider.Session.Account), specs.StatusText(resp.Status),
			s.redact.excerpt(string(resp.Body), loginBodyExcerpt))
	}
	return session, nil
}
