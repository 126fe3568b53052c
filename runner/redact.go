package runner

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/conformance-suite/conformance/runner/credentials"
)

// Redacted replaces a secret wherever output would show it.
const Redacted = "REDACTED"

// redactor keeps secrets (tokens, keys, signatures, session ids, password hashes) out of every
// line the runner prints or writes. Where a secret came from an environment variable, the curl
// command names the variable instead, so that it still reproduces the request.
type redactor struct {
	mu      sync.RWMutex
	secrets []string
	envOf   map[string]string // secret value → the variable that holds it
}

// secretHeaders are headers whose whole value is a credential.
var secretHeaders = map[string]bool{
	"Authorization": true, "X-Auth-Token": true, "X-Session-Id": true, "X-Security-Token": true,
	"Cookie": true, "X-Subject-Token": true,
}

// secretParams are query parameters that carry a signature or a key.
var secretParams = map[string]bool{"Signature": true, "AccessKeyId": true, "SecurityToken": true}

func newRedactor(c credentials.Set) *redactor {
	r := &redactor{envOf: map[string]string{}}
	for _, v := range c.Secrets() {
		r.add(v)
	}
	r.envOf[c.HuaweiToken] = credentials.EnvHuaweiToken
	r.envOf[c.ZStackSession] = credentials.EnvZStackSession
	delete(r.envOf, "")
	return r
}

// add registers one more secret, e.g. a session handed out by a login.
func (r *redactor) add(secret string) {
	if len(secret) < 4 {
		return // too short to be a credential; replacing it would mangle ordinary text
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets = append(r.secrets, secret)
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
}

// text replaces every known secret in s.
func (r *redactor) text(s string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, Redacted)
	}
	return s
}

// header redacts one header value: a credential header keeps only its scheme word.
func (r *redactor) header(name, value string) string {
	if !secretHeaders[http.CanonicalHeaderKey(name)] {
		return r.text(value)
	}
	if scheme, _, ok := strings.Cut(value, " "); ok && authSchemes[scheme] {
		return scheme + " " + Redacted
	}
	return Redacted
}

// authSchemes are the Authorization schemes worth showing: they say how a request was
// authenticated without saying with what. Anything else in a credential header is hidden whole.
var authSchemes = map[string]bool{
	"OAuth": true, "Bearer": true, "Basic": true, "ZStack": true,
	"SDK-HMAC-SHA256": true, "ACS3-HMAC-SHA256": true,
}

// Header redacts a whole header set.
func (r *redactor) Header(h http.Header) map[string][]string {
	out := make(map[string][]string, len(h))
	for k, vs := range h {
		for _, v := range vs {
			out[k] = append(out[k], r.header(k, v))
		}
	}
	return out
}

// URL redacts the signature and key parameters of a URL's query.
func (r *redactor) URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return r.text(raw)
	}
	q := u.Query()
	for k := range q {
		if secretParams[k] {
			q.Set(k, Redacted)
		}
	}
	u.RawQuery = q.Encode()
	return r.text(u.String())
}

// curl renders a request as a curl command that reproduces it. A credential from the
// environment is written as a reference to its variable (double-quoted so the shell expands
// it); any other secret, such as a signature, is REDACTED and must be computed anew.
func (r *redactor) curl(req *http.Request, body []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "curl -sS -X %s %s", req.Method, shellQuote(r.URL(req.URL.String())))
	names := make([]string, 0, len(req.Header))
	for k := range req.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range req.Header[k] {
			b.WriteString(" -H ")
			b.WriteString(r.curlHeader(k, v))
		}
	}
	if len(body) > 0 {
		b.WriteString(" --data-raw ")
		b.WriteString(shellQuote(r.text(string(body))))
	}
	return b.String()
}

func (r *redactor) curlHeader(name, value string) string {
	if secretHeaders[http.CanonicalHeaderKey(name)] {
		scheme, cred, found := strings.Cut(value, " ")
		if !found {
			scheme, cred = "", value
		}
		if env, ok := r.envOf[cred]; ok {
			if scheme != "" {
				scheme += " "
			}
			return `"` + name + ": " + scheme + "$" + env + `"`
		}
	}
	return shellQuote(name + ": " + r.header(name, value))
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
