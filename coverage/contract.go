package coverage

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/specs"
)

// The spec extensions coverage reads.
const (
	// extUnreachable, beside a documented status (on the response or beside its $ref), says why
	// no client can provoke it (a 500, a 503): the status and everything documented only under
	// it leave the denominators, with that reason in the report.
	extUnreachable = "x-coverage-unreachable"
	// extErrorCodes lists error codes a response documents besides those of its examples.
	extErrorCodes = "x-error-codes"
)

// contract is what an operation's spec documents, as coverage items per dimension, and the
// lookups that turn an exchange into items.
type contract struct {
	op         *specs.Operation
	documented map[string][]string
	excluded   map[string][]reports.Exclusion

	statuses  map[int]bool                   // reachable documented statuses
	fields    map[int]map[string]bool        // status → response pointers
	respEnums map[int]map[string][]string    // status → pointer → enum values
	body      *openapi3.Schema               // the JSON request body's schema, nil without one
	bodyMedia []string                       // documented request media types
	bodyReq   bool                           // the request body is required
	bodyField map[string]*bodyField          // request pointer ("" the body) → its field
	params    []param                        // every parameter, path-item ones included
	codes     map[string]bool                // documented error codes
	schemes   []scheme                       // the operation's security schemes
	invalid   map[string]bool                // the inputs that count in invalid_inputs
	reqEnums  map[string][]string            // request item ("body /x", "query Format") → enum values
	failure   map[int]*specs.BusinessFailure // 2xx statuses that may carry a business failure
	// own holds each request schema's own constraints (shallow), made once here rather than
	// for every value of every exchange observed.
	own map[*openapi3.Schema]*openapi3.Schema
}

// bodyField is one documented place of the request body, with the coverage items it counts
// in, made once here rather than for every value of every exchange observed.
type bodyField struct {
	schema   *openapi3.Schema
	item     string          // "body /x" ("body" for the body itself)
	enum     string          // "request body /x", where its enum values count
	required []requiredField // the properties it requires, when an object
}

// requiredField is a property an object requires, and the input it is.
type requiredField struct{ name, item string }

// param is one documented parameter.
type param struct {
	in, name string
	schema   *openapi3.Schema
	required bool
}

func (p param) item() string { return p.in + " " + p.name }

// scheme is one security scheme of the operation, and how to tell that a request uses it: its
// credential's place and, where schemes share a place (an Authorization header), the prefix
// of the value (x-scheme-prefix, or a header's x-signature-scheme).
type scheme struct {
	name, in, key, prefix string
}

func newContract(op *specs.Operation) *contract {
	c := &contract{
		op:         op,
		documented: map[string][]string{},
		excluded:   map[string][]reports.Exclusion{},
		statuses:   map[int]bool{},
		fields:     map[int]map[string]bool{},
		respEnums:  map[int]map[string][]string{},
		bodyField:  map[string]*bodyField{},
		codes:      map[string]bool{},
		invalid:    map[string]bool{},
		reqEnums:   map[string][]string{},
		failure:    map[int]*specs.BusinessFailure{},
	}
	c.responses()
	c.request()
	c.security()
	c.own = map[*openapi3.Schema]*openapi3.Schema{}
	for ptr, f := range c.bodyField {
		c.own[f.schema] = shallow(f.schema, 0)
		for _, name := range requiredNames(f.schema) {
			f.required = append(f.required, requiredField{name, "body " + ptr + "/" + escape(name)})
		}
	}
	for _, p := range c.params {
		if p.schema != nil {
			c.own[p.schema] = shallow(p.schema, 0)
		}
	}
	return c
}

func (c *contract) document(dim, item string) { c.documented[dim] = append(c.documented[dim], item) }

func (c *contract) exclude(dim, item, reason string) {
	c.excluded[dim] = append(c.excluded[dim], reports.Exclusion{Item: item, Reason: reason})
}

// responses documents every status, its fields and enum values and its error codes; those of
// a status marked x-coverage-unreachable are excluded instead, with the spec's reason.
func (c *contract) responses() {
	codes := map[string]bool{}
	excludedCodes := map[string]string{}
	for _, status := range c.op.Statuses {
		ref := responseRef(c.op, status)
		resp := c.op.Responses[status]
		why := unreachable(ref)
		put := func(dim, item string) {
			if why != "" {
				c.exclude(dim, item, fmt.Sprintf("documented under %d, which %s", status, strings.TrimPrefix(why, strconv.Itoa(status)+" ")))
				return
			}
			c.document(dim, item)
		}
		if why != "" {
			c.exclude(reports.CoverStatuses, strconv.Itoa(status), why)
		} else {
			c.statuses[status] = true
			c.document(reports.CoverStatuses, strconv.Itoa(status))
		}
		if resp != nil && resp.Schema != nil {
			fields, enums := map[string]bool{}, map[string][]string{}
			walkSchema(resp.Schema, "", func(ptr string, s *openapi3.Schema) {
				fields[ptr] = true
				put(reports.CoverFields, fmt.Sprintf("%d %s", status, ptr))
				if vals := enumValues(s); len(vals) > 0 {
					enums[ptr] = vals
					for _, v := range vals {
						put(reports.CoverEnums, fmt.Sprintf("response %d %s = %s", status, ptr, v))
					}
				}
			})
			if why == "" {
				c.fields[status], c.respEnums[status] = fields, enums
			}
		}
		if resp != nil && resp.BusinessFailure != nil && status < 300 {
			c.failure[status] = resp.BusinessFailure
		}
		for _, code := range documentedCodes(c.op, status, ref) {
			if why == "" {
				codes[code] = true
			} else if _, ok := excludedCodes[code]; !ok {
				excludedCodes[code] = fmt.Sprintf("documented only under %d, which %s", status, strings.TrimPrefix(why, strconv.Itoa(status)+" "))
			}
		}
	}
	for code := range codes {
		c.codes[code] = true
		c.document(reports.CoverErrorCodes, code)
	}
	for code, why := range excludedCodes {
		if !codes[code] {
			c.exclude(reports.CoverErrorCodes, code, why)
		}
	}
}

// responseRef is the documented response of a status as written: its extensions may sit
// beside a $ref.
func responseRef(op *specs.Operation, status int) *openapi3.ResponseRef {
	if op.Route == nil || op.Route.Operation == nil || op.Route.Operation.Responses == nil {
		return nil
	}
	return op.Route.Operation.Responses.Status(status)
}

// unreachable is the x-coverage-unreachable reason of a response, "" when it has none.
func unreachable(ref *openapi3.ResponseRef) string {
	if ref == nil {
		return ""
	}
	for _, ext := range []map[string]any{ref.Extensions, responseExtensions(ref)} {
		if why, ok := ext[extUnreachable].(string); ok && strings.TrimSpace(why) != "" {
			return strings.TrimSpace(why)
		}
	}
	return ""
}

func responseExtensions(ref *openapi3.ResponseRef) map[string]any {
	if ref == nil || ref.Value == nil {
		return nil
	}
	return ref.Value.Extensions
}

// documentedCodes are the error codes a response documents: the code of each of its examples
// (at the provider envelope's code pointer, or in a 2xx's business-failure code field) and
// its x-error-codes list.
func documentedCodes(op *specs.Operation, status int, ref *openapi3.ResponseRef) []string {
	if ref == nil || ref.Value == nil {
		return nil
	}
	var out []string
	for _, ext := range []map[string]any{ref.Extensions, ref.Value.Extensions} {
		if list, ok := ext[extErrorCodes].([]any); ok {
			for _, v := range list {
				if s := scalar(v); s != "" {
					out = append(out, s)
				}
			}
		}
	}
	resp := op.Responses[status]
	for _, media := range ref.Value.Content {
		if media == nil {
			continue
		}
		examples := []any{}
		if media.Example != nil {
			examples = append(examples, media.Example)
		}
		for _, ex := range media.Examples {
			if ex != nil && ex.Value != nil && ex.Value.Value != nil {
				examples = append(examples, ex.Value.Value)
			}
		}
		for _, ex := range examples {
			if code := errorCode(op, resp, status, ex); code != "" {
				out = append(out, code)
			}
		}
	}
	return out
}

// errorCode reads the provider error code of a decoded body of a status, "" when it carries
// none: a non-2xx at the envelope's code pointer, a 2xx in its business-failure code field.
func errorCode(op *specs.Operation, resp *specs.Response, status int, body any) string {
	switch {
	case status >= 300 && op.Spec != nil:
		return scalar(lookup(body, op.Spec.EnvelopeCode))
	case resp != nil && resp.BusinessFailure != nil && resp.BusinessFailure.CodeField != "":
		return scalar(lookup(body, "/"+escape(resp.BusinessFailure.CodeField)))
	}
	return ""
}

// request documents the request body, its fields and enum values, and every parameter; the
// inputs that can be sent invalid count in invalid_inputs, the others are excluded there.
func (c *contract) request() {
	credential := map[string]bool{}
	for _, s := range c.schemeList() {
		credential[s.in+" "+strings.ToLower(s.key)] = true
	}
	if media, names, required := requestBody(c.op); media != nil && media.Schema != nil && media.Schema.Value != nil {
		c.body, c.bodyMedia, c.bodyReq = media.Schema.Value, names, required
		c.bodyField[""] = &bodyField{schema: c.body, item: "body"}
		c.input("body", true, "")
		walkSchema(c.body, "", func(ptr string, s *openapi3.Schema) {
			item := "body " + ptr
			c.bodyField[ptr] = &bodyField{schema: s, item: item, enum: "request " + item}
			if invalidable(s, false, false) {
				c.input(item, true, "")
			} else {
				c.input(item, false, "its schema accepts any JSON value: no value of it is invalid")
			}
			c.enum("request "+item, s)
		})
	}
	for _, p := range parameters(c.op) {
		c.params = append(c.params, p)
		switch {
		case credential[p.in+" "+strings.ToLower(p.name)]:
			c.input(p.item(), false, "a credential: sending it missing or wrong is the security dimension's")
		case invalidable(p.schema, true, p.required && p.in != "path"):
			c.input(p.item(), true, "")
		default:
			c.input(p.item(), false, "it takes any string and cannot be left out: no value of it is invalid")
		}
		c.enum("request "+p.item(), p.schema)
	}
}

// input documents one input: always in inputs, in invalid_inputs when it can be sent invalid.
func (c *contract) input(item string, invalid bool, why string) {
	c.document(reports.CoverInputs, item)
	if invalid {
		c.invalid[item] = true
		c.document(reports.CoverInvalidInputs, item)
	} else {
		c.exclude(reports.CoverInvalidInputs, item, why)
	}
}

// enum documents each value of an enum input; item is "request <input>".
func (c *contract) enum(item string, s *openapi3.Schema) {
	vals := enumValues(s)
	if len(vals) == 0 {
		return
	}
	c.reqEnums[item] = vals
	for _, v := range vals {
		c.document(reports.CoverEnums, item+" = "+v)
	}
}

// security documents each scheme sent valid and sent wrong, and a request with none.
func (c *contract) security() {
	if !c.op.Secured {
		return
	}
	c.schemes = c.schemeList()
	for _, s := range c.schemes {
		c.document(reports.CoverSecurity, s.name+" valid")
		c.document(reports.CoverSecurity, s.name+" wrong")
	}
	c.document(reports.CoverSecurity, "missing")
}

// schemeList is every security scheme any requirement of the operation names, sorted.
func (c *contract) schemeList() []scheme {
	if c.op.Route == nil || c.op.Route.Operation == nil || c.op.Spec == nil || c.op.Spec.Doc == nil {
		return nil
	}
	reqs := c.op.Spec.Doc.Security
	if c.op.Route.Operation.Security != nil {
		reqs = *c.op.Route.Operation.Security
	}
	var names []string
	for _, req := range reqs {
		for name := range req {
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	slices.Sort(names)
	var out []scheme
	for _, name := range names {
		s := scheme{name: name}
		if comps := c.op.Spec.Doc.Components; comps != nil {
			if ref := comps.SecuritySchemes[name]; ref != nil && ref.Value != nil {
				v := ref.Value
				s.in, s.key = v.In, v.Name
				if v.Type == "http" {
					s.in, s.key = "header", "Authorization"
					if v.Scheme != "" {
						s.prefix = v.Scheme
					}
				}
				if p, ok := v.Extensions["x-scheme-prefix"].(string); ok {
					s.prefix = p
				} else if p, ok := v.Extensions["x-signature-scheme"].(string); ok && s.in == "header" {
					s.prefix = p
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// requestBody is the JSON media type of the request body, every documented media type, and
// whether the body is required.
func requestBody(op *specs.Operation) (*openapi3.MediaType, []string, bool) {
	if op.Route == nil || op.Route.Operation == nil || op.Route.Operation.RequestBody == nil {
		return nil, nil, false
	}
	rb := op.Route.Operation.RequestBody.Value
	if rb == nil {
		return nil, nil, false
	}
	var names []string
	for name := range rb.Content {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if strings.Contains(name, "json") && rb.Content[name] != nil {
			return rb.Content[name], names, rb.Required
		}
	}
	return nil, names, rb.Required
}

// parameters are the operation's parameters, path-item ones included, an operation's own
// winning over the path item's, sorted by place and name. Header names compare without case.
func parameters(op *specs.Operation) []param {
	if op.Route == nil || op.Route.Operation == nil {
		return nil
	}
	byKey := map[string]param{}
	addAll := func(ps openapi3.Parameters) {
		for _, ref := range ps {
			if ref == nil || ref.Value == nil {
				continue
			}
			p := ref.Value
			key := p.In + " " + p.Name
			if p.In == "header" {
				key = p.In + " " + http.CanonicalHeaderKey(p.Name)
			}
			var s *openapi3.Schema
			if p.Schema != nil {
				s = p.Schema.Value
			}
			byKey[key] = param{in: p.In, name: p.Name, schema: s, required: p.Required}
		}
	}
	if op.Route.PathItem != nil {
		addAll(op.Route.PathItem.Parameters)
	}
	addAll(op.Route.Operation.Parameters)
	out := make([]param, 0, len(byKey))
	for _, k := range slices.Sorted(maps.Keys(byKey)) {
		out = append(out, byKey[k])
	}
	return out
}
