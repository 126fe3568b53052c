package runner

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/specs"
)

// learn registers the secrets an observed exchange carries before anything of it is shown: a
// client under test may use credentials the proxy was never given. They are the signatures a
// run's own requests would carry (addSigned), the whole value of every credential header and
// its part after the scheme word (a token, "OAuth <session>"), the key id and signature of a
// signed Authorization, the key and signature parameters of a query or a form body (Alibaba
// V1), string members of a JSON body named like a secret (a ZStack login's password hash), and
// the session a login answer hands out (providers.Session.SessionOf).
func (o *Observer) learn(r *http.Request, op *specs.Operation, body []byte, resp *conformance.Response) {
	red := o.s.redact
	red.addSigned(r)
	headers := []http.Header{r.Header}
	if resp != nil {
		headers = append(headers, resp.Header) // Set-Cookie, X-Subject-Token
	}
	for _, h := range headers {
		for name, vs := range h {
			if !secretHeaders[http.CanonicalHeaderKey(name)] {
				continue
			}
			for _, v := range vs {
				red.add(v)
				if _, cred, ok := strings.Cut(v, " "); ok {
					red.add(strings.TrimSpace(cred))
					learnPairs(red, cred)
				}
			}
		}
	}
	params := []url.Values{r.URL.Query()}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case mt == "application/x-www-form-urlencoded":
		if form, err := url.ParseQuery(string(body)); err == nil {
			params = append(params, form)
		}
	case strings.HasSuffix(mt, "json") || mt == "":
		var v any
		if json.Unmarshal(body, &v) == nil {
			learnJSON(red, v)
		}
	}
	for _, p := range params {
		for k := range secretParams {
			for _, v := range p[k] {
				red.add(v)
			}
		}
	}
	if op != nil && resp != nil {
		if s := providers.Of(op).Session; s != nil && s.SessionOf != nil && op.ID == s.Login {
			red.add(s.SessionOf(resp.Body))
		}
	}
}

// learnPairs registers the key id and the signature of a signed Authorization's
// comma-separated key=value list (Access=, Credential=, Signature=).
func learnPairs(red *redactor, cred string) {
	for part := range strings.SplitSeq(cred, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && (k == "Access" || k == "Credential" || k == "Signature") {
			red.add(v)
		}
	}
}

// secretName matches the JSON member names whose string values are secrets.
var secretName = regexp.MustCompile(`(?i)password|secret|token|session|signature`)

// learnJSON registers the string members of a JSON value named like a secret, at any depth.
func learnJSON(red *redactor, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, m := range v {
			if s, ok := m.(string); ok && secretName.MatchString(k) {
				red.add(s)
				continue
			}
			learnJSON(red, m)
		}
	case []any:
		for _, m := range v {
			learnJSON(red, m)
		}
	}
}
