package coverage

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/specs"
)

// observation is what one exchange exercised: per dimension, documented items and
// undocumented ones.
type observation struct {
	observed, undocumented map[string][]string
}

func (o *observation) saw(dim, item string)    { o.observed[dim] = append(o.observed[dim], item) }
func (o *observation) odd(dim, item string)    { o.undocumented[dim] = append(o.undocumented[dim], item) }
func (o *observation) sentInvalid(item string) { o.saw(reports.CoverInvalidInputs, item) }

// observe reads one exchange against the contract: what its answers showed (statuses, fields,
// enum values, error codes), what its request sent (inputs, invalid inputs, enum values) and
// with which credentials.
func (c *contract) observe(x *conformance.Exchange) observation {
	o := observation{observed: map[string][]string{}, undocumented: map[string][]string{}}
	c.observeAnswers(x, &o)
	query := url.Values{}
	path := ""
	if u, err := url.Parse(x.Request.URL); err == nil {
		query, path = u.Query(), u.EscapedPath()
	}
	c.observeParameters(x.Request, query, path, &o)
	c.observeBody(x.Request, &o)
	c.observeSecurity(x, query, &o)
	return o
}

// observeAnswers reads the answer and the earlier answers that led to it (the 202s of an
// async job), each against the documentation of its own status.
func (c *contract) observeAnswers(x *conformance.Exchange, o *observation) {
	answers := slices.Clone(x.Steps)
	if x.Response != nil {
		answers = append(answers, x.Response)
	}
	for _, resp := range answers {
		if resp == nil {
			continue
		}
		status := resp.Status
		switch {
		case c.statuses[status]:
			o.saw(reports.CoverStatuses, strconv.Itoa(status))
		case !c.op.Documented(status):
			o.odd(reports.CoverStatuses, strconv.Itoa(status))
		}
		body, err := resp.JSON() // decoded once, shared with the checks
		if err != nil {
			continue
		}
		fields, enums := c.fields[status], c.respEnums[status]
		walkValue(body, "", func(ptr string, v any) {
			if fields[ptr] {
				o.saw(reports.CoverFields, strconv.Itoa(status)+" "+ptr)
			}
			if vals := enums[ptr]; len(vals) > 0 {
				if s := scalar(v); slices.Contains(vals, s) {
					o.saw(reports.CoverEnums, fmt.Sprintf("response %d %s = %s", status, ptr, s))
				}
			}
		})
		if code := errorCode(c.op, c.op.Responses[status], status, body); code != "" {
			if c.codes[code] {
				o.saw(reports.CoverErrorCodes, code)
			} else {
				o.odd(reports.CoverErrorCodes, code)
			}
		}
	}
}

// observeParameters reads every documented parameter: sent (with its value), sent invalid
// (a value its schema refuses, or a required one left out) and its enum value.
func (c *contract) observeParameters(req conformance.Request, query url.Values, path string, o *observation) {
	inPath, _ := specs.PathValues(c.op.Path, path)
	for _, p := range c.params {
		var raw string
		var sent bool
		switch p.in {
		case "query":
			var vs []string
			vs, sent = query[p.name]
			if len(vs) > 0 {
				raw = vs[0]
			}
		case "header":
			if vs := req.Header.Values(p.name); len(vs) > 0 {
				raw, sent = vs[0], true
			}
		case "path":
			raw, sent = inPath[p.name]
		case "cookie":
			r := http.Request{Header: req.Header}
			if ck, err := r.Cookie(p.name); err == nil {
				raw, sent = ck.Value, true
			}
		}
		item := p.item()
		if !sent {
			if p.required && p.in != "path" && c.invalid[item] {
				o.sentInvalid(item)
			}
			continue
		}
		o.saw(reports.CoverInputs, item)
		if v, ok := coerce(p.schema, raw); c.invalid[item] && (!ok || !c.valid(p.schema, v)) {
			o.sentInvalid(item)
		}
		if vals := c.reqEnums["request "+item]; slices.Contains(vals, raw) {
			o.saw(reports.CoverEnums, "request "+item+" = "+raw)
		}
	}
}

// observeBody reads the JSON request body: the body itself is sent invalid when it is not
// JSON, not of its schema's type, or not sent in a documented media type; each documented
// field when its value breaks its own schema or, required, it is left out of an object sent.
func (c *contract) observeBody(req conformance.Request, o *observation) {
	if c.body == nil {
		return
	}
	if len(req.Body) == 0 {
		if c.bodyReq {
			o.sentInvalid("body")
		}
		return
	}
	o.saw(reports.CoverInputs, "body")
	v, ok := decode(req.Body)
	if !ok || !c.documentedMedia(req.Header.Get("Content-Type")) || !c.valid(c.body, v) {
		o.sentInvalid("body")
	}
	if !ok {
		return
	}
	c.requiredLeftOut("", v, o)
	walkValue(v, "", func(ptr string, val any) {
		f, documented := c.bodyField[ptr]
		if !documented {
			return
		}
		o.saw(reports.CoverInputs, f.item)
		if c.invalid[f.item] && !c.valid(f.schema, val) { // validating only what counts
			o.sentInvalid(f.item)
		}
		c.requiredLeftOut(ptr, val, o)
		if vals := c.reqEnums[f.enum]; len(vals) > 0 {
			if str := scalar(val); slices.Contains(vals, str) {
				o.saw(reports.CoverEnums, f.enum+" = "+str)
			}
		}
	})
}

// requiredLeftOut marks the required properties an object sent at ptr lacks as sent invalid.
func (c *contract) requiredLeftOut(ptr string, v any, o *observation) {
	obj, ok := v.(map[string]any)
	if !ok {
		return
	}
	f := c.bodyField[ptr]
	if f == nil {
		return
	}
	for _, r := range f.required {
		if _, present := obj[r.name]; !present && c.invalid[r.item] {
			o.sentInvalid(r.item)
		}
	}
}

func (c *contract) documentedMedia(header string) bool {
	mt, _, err := mime.ParseMediaType(header)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(c.bodyMedia, func(m string) bool { return strings.EqualFold(m, mt) })
}

// observeSecurity reads the credentials: the case's mode when the exchange is a case's (valid
// or forbidden, none, or one of the wrong kinds: wrong, malformed, tampered, stale), else
// inferred from the request and its answer (none sent: missing; refused with 401 or 403:
// wrong; else valid). A forbidden case counts as valid: an identity without the permission
// still sends valid credentials. The schemes are those whose credential the request carries.
func (c *contract) observeSecurity(x *conformance.Exchange, query url.Values, o *observation) {
	if len(c.schemes) == 0 {
		return
	}
	var used []string
	for _, s := range c.schemes {
		if s.carriedBy(x.Request, query) {
			used = append(used, s.name)
		}
	}
	mode := fixtures.Valid
	switch {
	case x.Case != nil && x.Case.Request.Credentials != "":
		mode = x.Case.Request.Credentials
	case x.Case != nil:
	case len(used) == 0:
		mode = fixtures.NoCredentials
	case x.Response != nil && (x.Response.Status == http.StatusUnauthorized || x.Response.Status == http.StatusForbidden):
		mode = fixtures.WrongCredentials
	}
	switch mode {
	case fixtures.NoCredentials:
		o.saw(reports.CoverSecurity, "missing")
	case fixtures.Valid, fixtures.ForbiddenCredentials:
		for _, name := range used {
			o.saw(reports.CoverSecurity, name+" valid")
		}
	default:
		for _, name := range used {
			o.saw(reports.CoverSecurity, name+" wrong")
		}
	}
}

// carriedBy reports whether a request carries this scheme's credential: a non-empty value in
// its place, starting with its prefix where it has one.
func (s scheme) carriedBy(req conformance.Request, query url.Values) bool {
	var v string
	switch s.in {
	case "header":
		v = req.Header.Get(s.key)
	case "query":
		v = query.Get(s.key)
	case "cookie":
		r := http.Request{Header: req.Header}
		if ck, err := r.Cookie(s.key); err == nil {
			v = ck.Value
		}
	}
	if strings.TrimSpace(v) == "" {
		return false
	}
	return s.prefix == "" || len(v) >= len(s.prefix) && strings.EqualFold(v[:len(s.prefix)], s.prefix)
}
