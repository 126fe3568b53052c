package recording

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-openapi/jsonpointer"
	"golang.org/x/net/http/httpguts"
	"gopkg.in/yaml.v3"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/specs"
)

// signingParams are the parameters of Alibaba's RPC signature V1, in the query or a form
// body: the replaying signer adds its own, and signing.AlibabaV1 refuses a form that sets them.
var signingParams = map[string]bool{
	"Signature": true, "SignatureMethod": true, "SignatureNonce": true, "SignatureVersion": true,
	"SignatureType": true, "Timestamp": true, "AccessKeyId": true, "SecurityToken": true,
}

// droppedHeaders are left out of every recording (canonical names): hop-by-hop and transport
// headers, which the replaying client sets for its own connection; what proxies add; and every
// credential and signing header of the providers (Huawei's SDK-HMAC-SHA256 and token, Alibaba's
// V3, ZStack's session and access-key Date), which the replaying run makes afresh.
var droppedHeaders = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Proxy-Authenticate": true,
	"Proxy-Authorization": true, "Te": true, "Trailer": true, "Transfer-Encoding": true,
	"Upgrade": true, "Host": true, "Content-Length": true, "User-Agent": true,
	"Accept-Encoding": true, "Expect": true, "Forwarded": true, "Via": true,
	"X-Forwarded-For": true, "X-Forwarded-Host": true, "X-Forwarded-Proto": true,

	"Authorization": true, "Cookie": true, "X-Auth-Token": true, "X-Subject-Token": true,
	"X-Security-Token": true, "X-Sdk-Date": true, "X-Sdk-Content-Sha256": true,
	"X-Session-Id": true, "Date": true,
	"X-Acs-Date": true, "X-Acs-Content-Sha256": true, "X-Acs-Security-Token": true,
	"X-Acs-Accesskey-Id": true, "X-Acs-Bearer-Token": true, "X-Acs-Credentials-Provider": true,
}

// droppedHeaderPrefix covers Alibaba's x-acs-signature-nonce, -method, -version and the rest.
const droppedHeaderPrefix = "X-Acs-Signature-"

// credentialHeaders and credentialParams carry a request's credentials: a request of a
// secured operation with none of them sent none, and is recorded as such (`credentials:
// none`), since replaying it signed would test something else.
var (
	credentialHeaders = []string{"Authorization", "X-Auth-Token", "X-Session-Id"}
	credentialParams  = []string{"Signature", "AccessKeyId"}
)

const formType = "application/x-www-form-urlencoded"

// maxDepth is the deepest JSON body recorded as YAML; a deeper one is recorded verbatim.
const maxDepth = 64

// rawRequest is what the recorded case holds before placeholders were put in, for the secrets
// check: the values kept and the body sent.
type rawRequest struct {
	strings []string
	body    []byte
}

// request turns a recorded request into a fixture request.
func (r *Recorder) request(op *specs.Operation, req conformance.Request) (fileRequest, rawRequest, error) {
	fr := fileRequest{Credentials: fixtures.Valid}
	var raw rawRequest
	provider := providers.Of(op)
	if s := provider.Session; s != nil && (op.ID == s.Login || op.ID == s.Logout) {
		return fr, raw, errors.New("a login or logout carries credentials in its body and its answer, and a replaying run logs in by itself")
	}
	if len(req.Body) > MaxBody {
		return fr, raw, fmt.Errorf("the request body has %d bytes, over MaxBody (%d)", len(req.Body), MaxBody)
	}
	// The URL may hold a signature: no error below quotes it.
	u, err := url.Parse(req.URL)
	if err != nil {
		return fr, raw, errors.New("the request URL does not parse")
	}
	managedHeaders, managedParams := managed(provider, op)
	carried := false

	values, ok := specs.PathValues(op.Path, u.EscapedPath())
	if !ok || len(values) < specs.PathParameterCount(op.Path) { // an empty parameter does not replay
		return fr, raw, fmt.Errorf("the request path does not fit the operation's template %s", op.Path)
	}
	fills := map[string]string{}
	for _, p := range provider.Placeholders {
		for _, param := range p.Fills {
			fills[param] = p.Name
		}
	}
	for name, v := range values {
		raw.strings = append(raw.strings, v)
		if err := literalBraces(v); err != nil {
			return fr, raw, err
		}
		if r.byValue[v] != "" && r.byValue[v] == fills[name] {
			continue // the runner fills a parameter left out with this very placeholder
		}
		if fr.Path == nil {
			fr.Path = map[string]string{}
		}
		fr.Path[name], _ = r.placeholder(v)
	}

	// params keeps a query's or a form's parameters but the signature's and the client's own.
	params := func(vs url.Values, where string) (map[string]string, error) {
		var out map[string]string
		for _, k := range slices.Sorted(maps.Keys(vs)) {
			if slices.Contains(credentialParams, k) && vs.Get(k) != "" {
				carried = true
			}
			if signingParams[k] || dropManaged(managedParams, k, vs.Get(k)) {
				continue
			}
			if len(vs[k]) > 1 {
				return nil, fmt.Errorf("%s parameter %q is given %d times; a fixture holds one value", where, k, len(vs[k]))
			}
			v := vs[k][0]
			raw.strings = append(raw.strings, v)
			if err := literalBraces(v); err != nil {
				return nil, err
			}
			if out == nil {
				out = map[string]string{}
			}
			out[k], _ = r.placeholder(v)
		}
		return out, nil
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return fr, raw, errors.New("the request query does not parse")
	}
	if fr.Query, err = params(q, "query"); err != nil {
		return fr, raw, err
	}

	contentType := ""
	for _, name := range slices.Sorted(maps.Keys(req.Header)) {
		if !httpguts.ValidHeaderFieldName(name) {
			return fr, raw, fmt.Errorf("header name %q is not a field name", name)
		}
		key, value := http.CanonicalHeaderKey(name), strings.Join(req.Header[name], ", ")
		if !httpguts.ValidHeaderFieldValue(value) {
			return fr, raw, fmt.Errorf("header %s holds bytes no request may carry", key)
		}
		if slices.Contains(credentialHeaders, key) && strings.TrimSpace(value) != "" {
			carried = true
		}
		if key == "Content-Type" {
			contentType = value
			continue
		}
		if droppedHeaders[key] || strings.HasPrefix(key, droppedHeaderPrefix) || dropManaged(managedHeaders, key, value) || hopByHop(req.Header, key) {
			continue
		}
		raw.strings = append(raw.strings, value)
		if err := literalBraces(value); err != nil {
			return fr, raw, err
		}
		if fr.Headers == nil {
			fr.Headers = map[string]string{}
		}
		v, _ := r.placeholder(value)
		if prev, ok := fr.Headers[key]; ok {
			v = prev + ", " + v // the same name spelt twice: one field, as HTTP reads it
		}
		fr.Headers[key] = v
	}

	mt, _, _ := mime.ParseMediaType(contentType)
	switch {
	case len(req.Body) == 0:
	case op.Action != "" && strings.EqualFold(mt, formType):
		// An RPC call may carry its parameters in a form body; the fixture format has no form, so
		// the body is raw_body, which the runner sends with the client's form Content-Type.
		form, err := url.ParseQuery(string(req.Body))
		if err != nil {
			return fr, raw, errors.New("the form body does not parse")
		}
		kept, err := params(form, "form")
		if err != nil {
			return fr, raw, err
		}
		if text := r.formText(kept); text != "" {
			fr.RawBody, raw.body = &text, []byte(text)
		}
	default:
		raw.body = req.Body
		if err := literalBraces(string(req.Body)); err != nil {
			return fr, raw, err
		}
		if node, ok := r.jsonNode(req.Body); ok {
			fr.Body = node
		} else {
			text := string(req.Body)
			fr.RawBody = &text
		}
	}

	// The runner's default, which the case need not repeat: the client's Content-Type with a
	// body, and with an empty form POST where the client sends one (runner/session.go build).
	// Without a body the client's own type is taken for its default too: Alibaba's V1 signer
	// adds it to every request and V3's does not, and it says nothing of an empty body.
	cl, hasBody := provider.Client, fr.Body != nil || fr.RawBody != nil
	def := ""
	if hasBody || cl.ContentType == formType && op.Method == http.MethodPost {
		def = cl.ContentType
	}
	if !sameMediaType(contentType, def) && (hasBody || !sameMediaType(contentType, cl.ContentType)) {
		fr.ContentType = &contentType // "" sends none
	}
	if op.Secured && !carried {
		fr.Credentials = fixtures.NoCredentials
	}
	return fr, raw, nil
}

// placeholder is v as a fixture writes it: the placeholder whose run value it is, else itself.
func (r *Recorder) placeholder(v string) (string, bool) {
	if name, ok := r.byValue[v]; ok {
		return "{" + name + "}", true
	}
	return v, false
}

// formText encodes form parameters as a body, in name order, with the placeholders put in
// left as they are for the runner to expand (url.Values.Encode would escape their braces). A
// value cannot hold a placeholder of its own: literalBraces refused it.
func (r *Recorder) formText(params map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(params)) {
		v := params[k]
		if !fixtures.PlaceholderPattern.MatchString(v) {
			v = url.QueryEscape(v)
		}
		parts = append(parts, url.QueryEscape(k)+"="+v)
	}
	return strings.Join(parts, "&")
}

// literalBraces refuses a value the runner would take for a placeholder: the fixture format
// has no way to write a literal {name}.
func literalBraces(s string) error {
	if m := fixtures.PlaceholderPattern.FindString(s); m != "" {
		return fmt.Errorf("a value holds %s, which a fixture reads as a placeholder (the format has no escape for it)", m)
	}
	return nil
}

// hopByHop reports a header that the request's Connection header names: hop-by-hop by
// declaration (RFC 9110 section 7.6.1).
func hopByHop(h http.Header, key string) bool {
	for _, v := range h.Values("Connection") {
		for _, name := range strings.Split(v, ",") {
			if http.CanonicalHeaderKey(strings.TrimSpace(name)) == key {
				return true
			}
		}
	}
	return false
}

// sameMediaType reports whether two Content-Type values say the same: media type and parameter
// names regardless of case, parameter values (a charset) too.
func sameMediaType(a, b string) bool {
	if a == b {
		return true
	}
	ma, pa, errA := mime.ParseMediaType(a)
	mb, pb, errB := mime.ParseMediaType(b)
	return errA == nil && errB == nil && strings.EqualFold(ma, mb) && maps.EqualFunc(pa, pb, strings.EqualFold)
}

// managed are the headers and query parameters the provider's official client sets by itself
// (providers.Client.Prepare), found by letting it prepare an empty request for two runs that
// differ in every credential and setting. A value that differs between them comes from the run
// (the RegionId, the project): a replaying run's client sends its own, so it is never recorded
// (nil). A value that does not is the operation's (its Action and Version): it is recorded
// only where the request sent another, since the runner sends a fixture's value instead.
func managed(p *providers.Provider, op *specs.Operation) (headers, params map[string]*string) {
	headers, params = map[string]*string{}, map[string]*string{}
	var reqs [2]*http.Request
	for i, run := range []prepareRun{{providers.Defaults(), ""}, {providers.Defaults(), "recording"}} {
		if i == 1 {
			for k, v := range run.creds {
				run.creds[k] = v + "-recording"
			}
		}
		req, err := http.NewRequest(op.Method, "http://recording.invalid/", http.NoBody)
		if err != nil {
			return headers, params
		}
		p.Client.Prepare(req, op, run)
		reqs[i] = req
	}
	constant := func(a, b string) *string {
		if a != b {
			return nil
		}
		return &a
	}
	for k := range reqs[0].Header {
		headers[http.CanonicalHeaderKey(k)] = constant(reqs[0].Header.Get(k), reqs[1].Header.Get(k))
	}
	q0, q1 := reqs[0].URL.Query(), reqs[1].URL.Query()
	for k := range q0 {
		params[k] = constant(q0.Get(k), q1.Get(k))
	}
	return headers, params
}

// dropManaged reports whether a value the client also sets is left out of the recording.
func dropManaged(managed map[string]*string, name, value string) bool {
	v, ok := managed[name]
	return ok && (v == nil || *v == value)
}

// prepareRun is a run a client prepares an empty request for in managed.
type prepareRun struct {
	creds   providers.Credentials
	setting string
}

func (p prepareRun) Credentials() providers.Credentials  { return p.creds }
func (prepareRun) Clock(providers.Mode) func() time.Time { return time.Now }
func (prepareRun) Signed(*http.Request)                  {}
func (p prepareRun) Setting(string) string               { return p.setting }
func (prepareRun) Session(context.Context) (string, error) {
	return "", errors.New("no session while recording")
}

// jsonNode is a JSON body as the YAML node of a fixture's body, in the body's own key order,
// its numbers as written and its strings equal to a run value as placeholders. ok is false for
// what a body: cannot hold faithfully, which is then recorded verbatim: a scalar or nothing at
// the top, invalid UTF-8, a repeated key, trailing data, nesting deeper than maxDepth.
func (r *Recorder) jsonNode(data []byte) (*yaml.Node, bool) {
	if !utf8.Valid(data) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := r.jsonValue(dec, 0)
	if err != nil || n.Kind == yaml.ScalarNode {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return n, true
}

var errUnfaithful = errors.New("not representable as a fixture body")

// yaml11Bool are the plain words YAML 1.1 reads as booleans, which yaml.v3 writes unquoted.
var yaml11Bool = map[string]bool{"y": true, "yes": true, "n": true, "no": true, "on": true, "off": true}

func (r *Recorder) jsonValue(dec *json.Decoder, depth int) (*yaml.Node, error) {
	if depth > maxDepth {
		return nil, errUnfaithful
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	scalar := func(tag, v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v} }
	switch t := tok.(type) {
	case json.Delim:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		seen := map[string]bool{}
		if t == '{' {
			n.Kind, n.Tag = yaml.MappingNode, "!!map"
		}
		for dec.More() {
			if t == '{' {
				k, err := dec.Token()
				key, _ := k.(string)
				if err != nil || seen[key] {
					return nil, errUnfaithful
				}
				seen[key] = true
				n.Content = append(n.Content, scalar("!!str", key))
			}
			v, err := r.jsonValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, v)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
		return n, nil
	case string:
		s, _ := r.placeholder(t)
		n := scalar("!!str", s)
		if yaml11Bool[strings.ToLower(s)] {
			n.Style = yaml.DoubleQuotedStyle // "ON" stays a string for YAML 1.1 readers too
		}
		return n, nil
	case json.Number:
		if strings.ContainsAny(t.String(), ".eE") {
			return scalar("!!float", t.String()), nil
		}
		return scalar("!!int", t.String()), nil
	case bool:
		if t {
			return scalar("!!bool", "true"), nil
		}
		return scalar("!!bool", "false"), nil
	case nil:
		return scalar("!!null", "null"), nil
	}
	return nil, errUnfaithful
}

// lookup follows a JSON pointer into a decoded body, nil when it leads nowhere.
func lookup(v any, ptr string) any {
	p, err := jsonpointer.New(ptr)
	if err != nil {
		return nil
	}
	got, _, err := p.Get(v)
	if err != nil {
		return nil
	}
	return got
}
