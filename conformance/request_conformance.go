package conformance

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/signing"
	"github.com/conformance-suite/conformance/specs"
)

// CheckRequestConformance names RequestConformance.
const CheckRequestConformance CheckName = "request_conformance"

// RequestConformance judges the request of an observed exchange, one that a client under test
// sent through a proxy or that a HAR file recorded (Exchange.Observed), against the operation's
// documentation: the path fits its template; every documented path, query and header parameter
// the operation requires is present and each one sent has the documented type, enum and pattern;
// a documented body comes with a documented Content-Type (the one the operation mandates, when
// it mandates one) and matches its schema; and the credentials of one of the operation's
// security requirements are present in their documented form (a Huawei SDK-HMAC-SHA256
// Authorization with X-Sdk-Date, or X-Auth-Token; Alibaba's signature V1 parameters in the query
// or a form body, or an ACS3-HMAC-SHA256 Authorization with its x-acs- headers; ZStack's
// "OAuth <session>" or "ZStack <key>:<signature>" with a Date). Kin-openapi's openapi3filter does
// the parameters, the body and the choice among security requirements; this check only says
// what each documented credential looks like, without verifying any signature: a signature is
// the target's to verify, and a check that held the secrets would judge the target, not the client.
//
// The runner's own exchanges are not judged: its negative and auth cases send invalid requests
// on purpose, and its positive ones are built by the same signers this check would vouch for.
// Nor are parameters and body fields the documentation does not name: OpenAPI allows them, and
// official clients send many (User-Agent, X-Project-Id, x-acs-*). A failure never quotes a
// credential: it names the form that was expected and the part that was missing or malformed.
//
// The fault this check exists to catch is in the client, not the target, so no fault mode of
// the reference target breaks it: its failing cases are shown by the table tests of
// request_conformance_test.go, each a request of an official client with one thing broken, and
// by the proxy's tests against deliberately wrong clients.
var RequestConformance = Check{
	Name:        CheckRequestConformance,
	Profile:     fixtures.Core,
	Description: "an observed request carries the documented parameters, Content-Type, body and credentials",
	Run: func(x *Exchange, _ *Options) (bool, []Failure) {
		if !x.Observed || x.Op == nil || x.Op.Route == nil || x.Op.Route.Operation == nil {
			return false, nil
		}
		return true, judgeRequest(x.Op, x.Request)
	},
}

// judgeRequest is RequestConformance's verdict on one request.
func judgeRequest(op *specs.Operation, r Request) []Failure {
	u, err := url.Parse(r.URL)
	if err != nil {
		return []Failure{fail(CheckRequestConformance, "", "a request URL", "an unreadable URL: "+err.Error())}
	}
	header := r.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	req := &http.Request{Method: r.Method, URL: u, Header: header, Host: u.Host}
	input := &openapi3filter.RequestValidationInput{
		Request:     req,
		Route:       op.Route,
		QueryParams: requestParams(op, u, header, r.Body),
	}
	var out []Failure
	var pathFits bool
	input.PathParams, pathFits = specs.PathValues(op.Path, u.EscapedPath())
	if !pathFits {
		out = append(out, fail(CheckRequestConformance, "", "a path of the template "+op.Path, strconv.Quote(u.EscapedPath())))
	}
	carriers := credentialCarriers(op)
	var denied *openapi3filter.SecurityRequirementsError
	input.Options = &openapi3filter.Options{
		MultiError:          true,
		SkipSettingDefaults: true, // the request is judged as sent
		ExcludeRequestBody:  true, // judged below, after its Content-Type
		AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
			return formOf(in.SecurityScheme).check(in.RequestValidationInput.Request.Header, in.RequestValidationInput.GetQueryParams())
		},
	}
	for _, e := range multi(openapi3filter.ValidateRequest(context.Background(), input)) {
		var re *openapi3filter.RequestError
		switch {
		case errors.As(e, &denied):
		case errors.As(e, &re) && re.Parameter != nil:
			p := re.Parameter
			switch {
			case p.In == openapi3.ParameterInPath && !pathFits:
				// The path is already reported whole.
			case p.In == openapi3.ParameterInHeader && ignoredHeader(p.Name):
				// OpenAPI ignores these header parameters; Content-Type is judged with the body.
			case carriers[p.In+" "+strings.ToLower(p.Name)]:
				// A credential's place is judged as a credential, and its value never quoted.
			default:
				out = append(out, parameterFailures(p, re.Err)...)
			}
		default:
			out = append(out, fail(CheckRequestConformance, "", "a request the documentation describes", e.Error()))
		}
	}
	out = append(out, repeatedParams(op, input.GetQueryParams(), carriers)...)
	body, err := bodyFailures(op, input, r.Body)
	out = append(out, body...)
	if err != nil {
		out = append(out, fail(CheckRequestConformance, "", "a request the documentation describes", err.Error()))
	}
	if denied != nil {
		out = append(out, credentialFailure(op, denied))
	}
	return out
}

// multi lists the errors of kin-openapi's MultiError, keeping each one whole: a parameter's
// error wraps the schema errors of its value, and must still say which parameter it is.
func multi(err error) []error {
	me, ok := err.(openapi3.MultiError)
	if !ok {
		if err == nil {
			return nil
		}
		return []error{err}
	}
	var out []error
	for _, e := range me {
		out = append(out, multi(e)...)
	}
	return out
}

// requestParams are the request's query parameters and, for an RPC action posted as a form, the
// form's parameters too: Alibaba's RPC clients may carry Action, Version and the signature's
// common parameters in either place, and the documentation declares them as query parameters.
func requestParams(op *specs.Operation, u *url.URL, h http.Header, body []byte) url.Values {
	q := u.Query()
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if op.Action == "" || len(body) == 0 || !strings.EqualFold(mt, "application/x-www-form-urlencoded") {
		return q
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return q
	}
	for k, vs := range form {
		if _, ok := q[k]; !ok {
			q[k] = vs
		}
	}
	return q
}

// repeatedParams fails a documented query parameter of a single value that the request sends
// more than once: kin-openapi judges the first value alone, while gateways differ on which one
// they take, so the request means different things to different servers.
func repeatedParams(op *specs.Operation, q url.Values, carriers map[string]bool) []Failure {
	var params openapi3.Parameters
	params = append(params, op.Route.PathItem.Parameters...)
	params = append(params, op.Route.Operation.Parameters...)
	var out []Failure
	seen := map[string]bool{}
	for _, ref := range params {
		p := ref.Value
		if p == nil || p.In != openapi3.ParameterInQuery || seen[p.Name] || carriers["query "+strings.ToLower(p.Name)] {
			continue
		}
		seen[p.Name] = true
		if p.Schema != nil && p.Schema.Value != nil && p.Schema.Value.Type.Is(openapi3.TypeArray) {
			continue
		}
		if n := len(q[p.Name]); n > 1 {
			out = append(out, fail(CheckRequestConformance, "", fmt.Sprintf("query parameter %q once (it takes one value)", p.Name), fmt.Sprintf("%d values", n)))
		}
	}
	return out
}

// ignoredHeader names the header parameters OpenAPI 3.0 says to ignore: their meaning is the
// request's media type and credentials, which the spec describes elsewhere.
func ignoredHeader(name string) bool {
	return strings.EqualFold(name, "Content-Type") || strings.EqualFold(name, "Accept") || strings.EqualFold(name, "Authorization")
}

// parameterFailures turns kin-openapi's verdict on one parameter into failures that name the
// parameter where it was sent: parameters are not in the body, so the pointer stays empty.
func parameterFailures(p *openapi3.Parameter, err error) []Failure {
	where := fmt.Sprintf("%s parameter %q", p.In, p.Name)
	quote := func(s string) string {
		if secretName(p.Name) {
			return secretWithheld
		}
		return s
	}
	var parse *openapi3filter.ParseError
	switch {
	case errors.Is(err, openapi3filter.ErrInvalidRequired):
		return []Failure{fail(CheckRequestConformance, "", "required "+where, "absent")}
	case errors.Is(err, openapi3filter.ErrInvalidEmptyValue):
		return []Failure{fail(CheckRequestConformance, "", where+": a non-empty value", "an empty value")}
	case errors.As(err, &parse):
		expected := where + " as documented"
		if p.Schema != nil && p.Schema.Value != nil {
			expected = where + ": " + expectation(&openapi3.SchemaError{SchemaField: "type", Schema: p.Schema.Value})
		}
		actual := fmt.Sprintf("%q", fmt.Sprint(parse.RootCause()))
		if v, ok := parse.Value.(string); ok {
			actual = fmt.Sprintf("%q", v)
		}
		if parse.Reason != "" {
			actual += " (" + parse.Reason + ")"
		}
		return []Failure{fail(CheckRequestConformance, "", expected, quote(actual))}
	}
	var out []Failure
	for _, e := range flatten(err) {
		var se *openapi3.SchemaError
		if errors.As(e, &se) {
			out = append(out, fail(CheckRequestConformance, "", where+": "+expectation(se), quote(jsonValue(se.Value))))
			continue
		}
		out = append(out, fail(CheckRequestConformance, "", where+" as documented", quote(e.Error())))
	}
	return out
}

// bodyFailures judges the body of an operation that documents one: its Content-Type first, then,
// when the body can be read as a documented media type, the body against its schema, with
// kin-openapi's request body validation (readOnly properties may not be sent). Without a
// Content-Type, where the operation does not mandate one, the body is read as the documented
// JSON, as the services read it; err is a validation kin-openapi could not finish.
func bodyFailures(op *specs.Operation, input *openapi3filter.RequestValidationInput, body []byte) (out []Failure, err error) {
	rbRef := op.Route.Operation.RequestBody
	if rbRef == nil || rbRef.Value == nil {
		return nil, nil
	}
	rb := rbRef.Value
	types := slices.Sorted(maps.Keys(rb.Content))
	documented := strings.Join(types, " or ")
	ct := input.Request.Header.Get("Content-Type")
	switch {
	case ct == "" && op.ContentTypeRequired:
		out = append(out, fail(CheckRequestConformance, "", "a Content-Type header of "+documented+" (the operation mandates one)", "no Content-Type header"))
		fallthrough
	case ct == "":
		if len(types) == 0 {
			break
		}
		read := types[0]
		for _, t := range types {
			if strings.HasSuffix(strings.ToLower(strings.TrimSpace(strings.Split(t, ";")[0])), "json") {
				read = t
				break
			}
		}
		input.Request.Header.Set("Content-Type", read)
	case rb.Content.Get(ct) == nil:
		// A body of an undocumented media type cannot be read against the schema.
		return append(out, fail(CheckRequestConformance, "", "a Content-Type of "+documented, strconv.Quote(ct))), nil
	}
	input.Request.Body = http.NoBody
	if len(body) > 0 {
		input.Request.Body = io.NopCloser(bytes.NewReader(body))
	}
	input.Request.ContentLength = int64(len(body))
	verr := openapi3filter.ValidateRequestBody(context.Background(), input, rb)
	if verr == nil {
		return out, nil
	}
	var re *openapi3filter.RequestError
	switch {
	case errors.Is(verr, openapi3filter.ErrInvalidRequired):
		return append(out, fail(CheckRequestConformance, "", "a request body (the operation requires one)", "no body")), nil
	case !errors.As(verr, &re):
		return out, verr
	case re.Err == nil:
		return append(out, fail(CheckRequestConformance, "", "a body kin-openapi can read as "+documented, re.Reason)), nil
	}
	var parse *openapi3filter.ParseError
	if errors.As(re.Err, &parse) {
		return append(out, fail(CheckRequestConformance, "", "a body of "+input.Request.Header.Get("Content-Type"), "a body that does not decode as one: "+fmt.Sprint(parse.RootCause()))), nil
	}
	return append(out, bodySchemaFailures(re.Err)...), nil
}

// bodySchemaFailures turns kin-openapi's schema errors into one failure per broken field, each
// with its JSON pointer, as validateBody does for answers; a value that may be a secret (a
// password, a token) is described, never quoted.
func bodySchemaFailures(err error) []Failure {
	return schemaFailures(CheckRequestConformance, err, secretValue)
}

// secretWithheld stands for a value that a failure must not quote.
const secretWithheld = "a value not quoted here (it may be a secret)"

// secretWords mark a field or parameter whose value may be a credential.
var secretWords = []string{"password", "secret", "token", "signature", "credential", "session", "accesskey"}

func secretName(name string) bool {
	name = strings.ToLower(name)
	return slices.ContainsFunc(secretWords, func(w string) bool { return strings.Contains(name, w) })
}

// secretValue reports whether a failing body value may hold a secret: its schema says so
// (format password, writeOnly), its name or an enclosing one sounds like one, or it is an
// object or array that holds such a field.
func secretValue(se *openapi3.SchemaError, path []string) bool {
	if s := se.Schema; s != nil && (s.Format == "password" || s.WriteOnly) {
		return true
	}
	if slices.ContainsFunc(path, secretName) {
		return true
	}
	var holds func(v any) bool
	holds = func(v any) bool {
		switch t := v.(type) {
		case map[string]any:
			for k, child := range t {
				if secretName(k) || holds(child) {
					return true
				}
			}
		case []any:
			return slices.ContainsFunc(t, holds)
		}
		return false
	}
	return holds(se.Value)
}

// securityOf is the operation's security requirements, as kin-openapi reads them: its own, or
// else the document's.
func securityOf(op *specs.Operation) openapi3.SecurityRequirements {
	if s := op.Route.Operation.Security; s != nil {
		return *s
	}
	if op.Spec != nil && op.Spec.Doc != nil {
		return op.Spec.Doc.Security
	}
	return nil
}

// schemeOf is a security scheme of the operation's document by name, nil when undeclared.
func schemeOf(op *specs.Operation, name string) *openapi3.SecurityScheme {
	if op.Spec == nil || op.Spec.Doc == nil || op.Spec.Doc.Components == nil {
		return nil
	}
	if ref := op.Spec.Doc.Components.SecuritySchemes[name]; ref != nil {
		return ref.Value
	}
	return nil
}

// credentialCarriers are the places ("header x-auth-token", "query signature") where the
// operation's credentials travel: parameters documented there are judged as credentials.
func credentialCarriers(op *specs.Operation) map[string]bool {
	out := map[string]bool{}
	for _, req := range securityOf(op) {
		for name := range req {
			if s := schemeOf(op, name); s != nil {
				for _, place := range formOf(s).carriers {
					out[strings.ToLower(place)] = true
				}
			}
		}
	}
	return out
}

// credentialFailure says which documented forms of credentials were expected, and what the
// request carried instead, in words that quote none of it.
func credentialFailure(op *specs.Operation, denied *openapi3filter.SecurityRequirementsError) Failure {
	var forms []string
	for _, req := range securityOf(op) {
		var all []string
		for _, name := range slices.Sorted(maps.Keys(req)) {
			if s := schemeOf(op, name); s != nil {
				all = append(all, formOf(s).describe)
			} else {
				all = append(all, "the undeclared scheme "+strconv.Quote(name))
			}
		}
		forms = append(forms, strings.Join(all, " and "))
	}
	var flawed, foreign []string
	for _, e := range denied.Errors {
		var ce *credentialError
		switch {
		case !errors.As(e, &ce):
			flawed = appendNew(flawed, e.Error())
		case ce.flaw != "":
			flawed = appendNew(flawed, ce.flaw)
		case ce.foreign != "":
			foreign = appendNew(foreign, ce.foreign)
		}
	}
	actual := "no credentials"
	switch {
	case len(flawed) > 0:
		actual = strings.Join(flawed, "; ")
	case len(foreign) > 0:
		actual = strings.Join(foreign, "; ")
	}
	return fail(CheckRequestConformance, "", "credentials in a documented form: "+strings.Join(forms, ", or "), actual)
}

// appendNew appends to list those of add it does not hold yet, in their order.
func appendNew(list []string, add ...string) []string {
	for _, s := range add {
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}

// credentialError is why a request does not carry one scheme's credential: nothing in its
// place (both fields empty), something in its place that is not of its scheme (foreign), or a
// credential of its scheme with a part missing or malformed (flaw). Neither text quotes the
// credential.
type credentialError struct {
	foreign, flaw string
}

func (e *credentialError) Error() string {
	switch {
	case e.flaw != "":
		return e.flaw
	case e.foreign != "":
		return e.foreign
	}
	return "no credentials"
}

// credentialForm is the documented shape of one security scheme's credential.
type credentialForm struct {
	// describe is the form in words, for the expected side of a failure.
	describe string
	// carriers are the places the credential travels in ("header Authorization").
	carriers []string
	// check returns nil when the request carries the credential in this form.
	check func(h http.Header, params url.Values) error
}

// formOf is the form of a scheme's credential. The signature schemes a spec names in
// x-signature-scheme, and the Authorization schemes it names in x-scheme-prefix, have the forms
// their signers write (package signing; CONTEXT.md section 2); any other apiKey scheme is a
// non-empty value in its place, and an http scheme an Authorization header of its scheme.
func formOf(s *openapi3.SecurityScheme) credentialForm {
	signature, _ := s.Extensions["x-signature-scheme"].(string)
	prefix, _ := s.Extensions["x-scheme-prefix"].(string)
	switch {
	case s.Type == "apiKey" && s.In == "header" && strings.EqualFold(s.Name, "Authorization") && signature == "SDK-HMAC-SHA256":
		return hmacForm(signature, "Access", ", ", dated("X-Sdk-Date", signing.HuaweiDateLayout))
	case s.Type == "apiKey" && s.In == "header" && strings.EqualFold(s.Name, "Authorization") && signature == "ACS3-HMAC-SHA256":
		return hmacForm(signature, "Credential", ",", dated("x-acs-date", signing.AlibabaTimeLayout), present("x-acs-signature-nonce"), hexDigest("x-acs-content-sha256"))
	case s.Type == "apiKey" && s.In == "query" && signature == "HMAC-SHA1":
		return rpcSignatureForm(s.Name)
	case s.Type == "apiKey" && s.In == "header" && strings.EqualFold(s.Name, "Authorization") && prefix == "OAuth":
		return sessionForm(prefix)
	case s.Type == "apiKey" && s.In == "header" && strings.EqualFold(s.Name, "Authorization") && prefix == "ZStack":
		return accessKeyForm(prefix)
	case s.Type == "apiKey":
		return valueForm(s.In, s.Name, cmp.Or(prefix, signature))
	case s.Type == "http":
		scheme := s.Scheme
		if len(scheme) > 0 {
			scheme = strings.ToUpper(scheme[:1]) + scheme[1:]
		}
		return valueForm("header", "Authorization", scheme)
	case s.Type == "oauth2" || s.Type == "openIdConnect":
		return valueForm("header", "Authorization", "Bearer")
	}
	// mutualTLS and the like leave no trace in a recorded request: nothing to judge.
	return credentialForm{describe: "a " + s.Type + " credential", check: func(http.Header, url.Values) error { return nil }}
}

// companion is a header that goes with a signed Authorization header: described, and checked
// for form without quoting anything but a date.
type companion struct {
	describe string
	check    func(h http.Header) string // "" when the header is in form, else what is wrong
}

func dated(name, layout string) companion {
	return companion{describe: fmt.Sprintf("%s %s header of form %s", article(name), name, layout), check: func(h http.Header) string {
		v := h.Get(name)
		if v == "" {
			return "no " + name + " header"
		}
		if _, err := time.Parse(layout, v); err != nil {
			return fmt.Sprintf("%s %s header %s not of form %s", article(name), name, clipQuote(v), layout)
		}
		return ""
	}}
}

func present(name string) companion {
	return companion{describe: article(name) + " " + name + " header", check: func(h http.Header) string {
		if strings.TrimSpace(h.Get(name)) == "" {
			return "no " + name + " header"
		}
		return ""
	}}
}

func hexDigest(name string) companion {
	return companion{describe: article(name) + " " + name + " header of 64 hex digits", check: func(h http.Header) string {
		v := h.Get(name)
		if v == "" {
			return "no " + name + " header"
		}
		if b, err := hex.DecodeString(v); err != nil || len(b) != 32 {
			return article(name) + " " + name + " header that is not 64 hex digits"
		}
		return ""
	}}
}

// article is the indefinite article of a name as it is read aloud: "an X-Sdk-Date", "a Date".
func article(name string) string {
	if name != "" && strings.ContainsRune("AEIOUXaeioux", rune(name[0])) {
		return "an"
	}
	return "a"
}

// clipQuote quotes a short, harmless value (a date) for a message.
func clipQuote(v string) string {
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	return strconv.Quote(v)
}

// withheld is how a failure speaks of a credential it must not quote.
const withheld = "its value not quoted here"

// hmacForm is an Authorization header "<ALGORITHM> <keyField>=…, SignedHeaders=…,
// Signature=<64 hex digits>" (Huawei's SDK-HMAC-SHA256, Alibaba's ACS3-HMAC-SHA256), with the
// headers that go with it. Spaces after the commas are optional: the SDKs differ.
func hmacForm(algorithm, keyField, sep string, with ...companion) credentialForm {
	describe := fmt.Sprintf("an Authorization header of form %s %s=…%sSignedHeaders=…%sSignature=<64 hex digits>", algorithm, keyField, sep, sep)
	var parts []string
	for _, c := range with {
		parts = append(parts, c.describe)
	}
	if len(parts) > 0 {
		describe += " with " + strings.Join(parts, ", ")
	}
	return credentialForm{describe: describe, carriers: []string{"header Authorization"}, check: func(h http.Header, _ url.Values) error {
		auth := strings.TrimSpace(h.Get("Authorization"))
		scheme, rest, _ := strings.Cut(auth, " ")
		if scheme != algorithm {
			return foreignAuthorization(auth)
		}
		what := "an Authorization header of form " + algorithm
		fields := map[string]string{}
		for _, part := range strings.Split(rest, ",") {
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || fields[k] != "" || v == "" || !slices.Contains([]string{keyField, "SignedHeaders", "Signature"}, k) {
				return &credentialError{flaw: what + " whose fields are not exactly " + keyField + ", SignedHeaders and Signature, each name=value (" + withheld + ")"}
			}
			fields[k] = v
		}
		for _, k := range []string{keyField, "SignedHeaders", "Signature"} {
			if fields[k] == "" {
				return &credentialError{flaw: what + " lacking its " + k + " field"}
			}
		}
		if b, err := hex.DecodeString(fields["Signature"]); err != nil || len(b) != 32 {
			return &credentialError{flaw: what + " whose Signature is not 64 hex digits (" + withheld + ")"}
		}
		for _, c := range with {
			if problem := c.check(h); problem != "" {
				return &credentialError{flaw: what + " with " + problem}
			}
		}
		return nil
	}}
}

// rpcSignatureForm is Alibaba's RPC signature V1: Signature, the base64 HMAC-SHA1, and the
// common parameters it signs, in the query or the form body.
func rpcSignatureForm(name string) credentialForm {
	common := []string{"AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp"}
	return credentialForm{
		describe: fmt.Sprintf("signature V1 query or form parameters %s (base64 HMAC-SHA1), %s and %s (form %s)", name, strings.Join(common[:len(common)-1], ", "), "Timestamp", signing.AlibabaTimeLayout),
		carriers: []string{"query " + name, "query AccessKeyId"},
		check: func(_ http.Header, params url.Values) error {
			sig, ok := params[name]
			if !ok {
				return &credentialError{}
			}
			what := article(name) + " " + name + " parameter"
			if b, err := base64.StdEncoding.DecodeString(strings.Join(sig, "")); len(sig) != 1 || err != nil || len(b) != 20 {
				return &credentialError{flaw: what + " that is not one base64 HMAC-SHA1 (" + withheld + ")"}
			}
			var missing []string
			for _, p := range common {
				if strings.TrimSpace(params.Get(p)) == "" {
					missing = append(missing, p)
				}
			}
			if len(missing) > 0 {
				return &credentialError{flaw: what + " without " + strings.Join(missing, ", ")}
			}
			if ts := params.Get("Timestamp"); !parses(signing.AlibabaTimeLayout, ts) {
				return &credentialError{flaw: fmt.Sprintf("%s with a Timestamp %s not of form %s", what, clipQuote(ts), signing.AlibabaTimeLayout)}
			}
			return nil
		},
	}
}

func parses(layout, v string) bool {
	_, err := time.Parse(layout, v)
	return err == nil
}

// sessionForm is ZStack's "Authorization: OAuth <session uuid>": one token after the scheme.
func sessionForm(scheme string) credentialForm {
	return credentialForm{describe: "an Authorization header of form " + scheme + " <session uuid>", carriers: []string{"header Authorization"},
		check: func(h http.Header, _ url.Values) error {
			auth := strings.TrimSpace(h.Get("Authorization"))
			word, rest, _ := strings.Cut(auth, " ")
			if word != scheme {
				return foreignAuthorization(auth)
			}
			if rest = strings.TrimSpace(rest); rest == "" || strings.ContainsAny(rest, " \t") {
				return &credentialError{flaw: "an Authorization header of form " + scheme + " without one session token after it (" + withheld + ")"}
			}
			return nil
		}}
}

// accessKeyForm is ZStack's access-key signature, "Authorization: ZStack <keyId>:<base64
// HMAC-SHA1>", with the Date header it signs.
func accessKeyForm(scheme string) credentialForm {
	return credentialForm{describe: "an Authorization header of form " + scheme + " <keyId>:<base64 signature> with a Date header", carriers: []string{"header Authorization"},
		check: func(h http.Header, _ url.Values) error {
			auth := strings.TrimSpace(h.Get("Authorization"))
			word, rest, _ := strings.Cut(auth, " ")
			if word != scheme {
				return foreignAuthorization(auth)
			}
			what := "an Authorization header of form " + scheme
			id, sig, ok := strings.Cut(strings.TrimSpace(rest), ":")
			if _, err := base64.StdEncoding.DecodeString(sig); !ok || id == "" || sig == "" || err != nil {
				return &credentialError{flaw: what + " that is not <keyId>:<base64 signature> (" + withheld + ")"}
			}
			date := h.Get("Date")
			if date == "" {
				return &credentialError{flaw: what + " without a Date header"}
			}
			if _, err := http.ParseTime(date); err != nil {
				return &credentialError{flaw: fmt.Sprintf("%s with a Date header %s that is not an HTTP date", what, clipQuote(date))}
			}
			return nil
		}}
}

// valueForm is a credential that is any non-empty value in its place (an IAM token in
// X-Auth-Token), starting with a scheme word where the scheme names one.
func valueForm(in, name, scheme string) credentialForm {
	place := fmt.Sprintf("%s %s %s", article(name), name, placeWord(in))
	describe := place
	if scheme != "" {
		describe = fmt.Sprintf("%s of form %s …", place, scheme)
	}
	return credentialForm{describe: describe, carriers: []string{in + " " + name}, check: func(h http.Header, params url.Values) error {
		var v string
		switch in {
		case "header":
			v = h.Get(name)
		case "query":
			v = params.Get(name)
		case "cookie":
			if c, err := (&http.Request{Header: h}).Cookie(name); err == nil {
				v = c.Value
			}
		}
		v = strings.TrimSpace(v)
		switch {
		case v == "":
			return &credentialError{}
		case scheme != "" && !(len(v) > len(scheme) && strings.EqualFold(v[:len(scheme)], scheme) && v[len(scheme)] == ' '):
			return &credentialError{foreign: fmt.Sprintf("%s of an undocumented form (%s)", place, withheld)}
		}
		return nil
	}}
}

func placeWord(in string) string {
	if in == "query" {
		return "query parameter"
	}
	return in
}

// foreignAuthorization is the verdict of a scheme on an Authorization header that is not of
// its scheme: nothing, or a header of another form, which another of the operation's schemes
// may take.
func foreignAuthorization(auth string) error {
	if auth == "" {
		return &credentialError{}
	}
	return &credentialError{foreign: "an Authorization header of an undocumented form (" + withheld + ")"}
}
