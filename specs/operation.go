package specs

import (
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// Operation is one documented operation, indexed for routing, request building and checking.
type Operation struct {
	Spec     *Spec
	Provider string
	Service  string
	ID       string // operationId
	Method   string // upper case
	// Path is the wire path template, e.g. "/v2/{project_id}/tenant-configs". For RPC actions,
	// keyed "/#Action=<Name>" in the document, it is the path before the fragment ("/").
	Path string
	// Action is the RPC action (x-rpc-action), empty for REST operations.
	Action string
	// Version is the RPC API version (info.x-rpc-version), empty for REST operations.
	Version string
	// Mutates says whether a successful call changes server state (x-mutates).
	Mutates bool
	// Async says the real service may answer 202 + location and finish later (x-async).
	Async bool
	// Snapshot names the read operation that shows the state this one changes (x-snapshot),
	// so a run against a real tenant can record it first and restore it at the end.
	Snapshot string
	// ContentTypeRequired says the page makes the Content-Type header mandatory
	// (x-content-type-required), which OpenAPI itself cannot express.
	ContentTypeRequired bool
	// Secured says the operation needs credentials (document or operation security not empty).
	Secured   bool
	Statuses  []int // documented statuses, ascending
	Responses map[int]*Response
	Route     *routers.Route // for openapi3filter, routed on the path alone so any host works
}

// Response is one documented status of an operation.
type Response struct {
	Status int
	// MediaTypes are the documented content types; empty when the response has no body.
	MediaTypes []string
	// Schema is the JSON schema of the body, nil when there is none.
	Schema *openapi3.Schema
	// BusinessFailure is set where a 2xx can still be a failure (Alibaba's Success false).
	BusinessFailure *BusinessFailure
}

// BusinessFailure names the fields of a 2xx body that carry a failure (x-business-failure).
type BusinessFailure struct {
	SuccessField, CodeField, MessageField string
}

// HasBody reports whether the documented response carries content.
func (r *Response) HasBody() bool { return len(r.MediaTypes) > 0 }

// AcceptsMediaType reports whether a Content-Type header value matches a documented media type,
// ignoring parameters such as charset and letter case.
func (r *Response) AcceptsMediaType(header string) bool {
	mt, _, err := mime.ParseMediaType(header)
	if err != nil {
		return false
	}
	for _, m := range r.MediaTypes {
		if strings.EqualFold(m, mt) {
			return true
		}
	}
	return false
}

// Documented reports whether status is a documented status of the operation.
func (o *Operation) Documented(status int) bool {
	_, ok := o.Responses[status]
	return ok
}

// Key names the operation in messages: "huaweicloud-workspace UpdateEnterpriseId".
func (o *Operation) Key() string { return o.Service + " " + o.ID }

func (sp *Spec) operations() []*Operation {
	var ops []*Operation
	version, _ := sp.Doc.Info.Extensions["x-rpc-version"].(string)
	for _, key := range sp.Doc.Paths.InMatchingOrder() {
		item := sp.Doc.Paths.Value(key)
		wire, _, _ := strings.Cut(key, "#")
		for method, op := range item.Operations() {
			o := &Operation{
				Spec:      sp,
				Provider:  sp.Provider,
				Service:   sp.Service,
				ID:        op.OperationID,
				Method:    strings.ToUpper(method),
				Path:      wire,
				Responses: map[int]*Response{},
				Route:     &routers.Route{Spec: sp.Doc, Path: key, PathItem: item, Method: strings.ToUpper(method), Operation: op},
			}
			o.Action, _ = op.Extensions["x-rpc-action"].(string)
			if o.Action != "" {
				o.Version = version
			}
			o.Mutates, _ = op.Extensions["x-mutates"].(bool)
			o.Async, _ = op.Extensions["x-async"].(bool)
			o.Snapshot, _ = op.Extensions["x-snapshot"].(string)
			o.ContentTypeRequired, _ = op.Extensions["x-content-type-required"].(bool)
			security := sp.Doc.Security
			if op.Security != nil {
				security = *op.Security
			}
			o.Secured = len(security) > 0
			for code, ref := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil || ref.Value == nil {
					continue // "default" or a range: not a documented status
				}
				o.Statuses = append(o.Statuses, status)
				o.Responses[status] = newResponse(status, ref)
			}
			sort.Ints(o.Statuses)
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	return ops
}

func newResponse(status int, ref *openapi3.ResponseRef) *Response {
	r := &Response{Status: status}
	for mt, media := range ref.Value.Content {
		r.MediaTypes = append(r.MediaTypes, mt)
		if media.Schema != nil && strings.Contains(mt, "json") {
			r.Schema = media.Schema.Value
		}
	}
	sort.Strings(r.MediaTypes)
	if bf, ok := ref.Value.Extensions["x-business-failure"].(map[string]any); ok {
		r.BusinessFailure = &BusinessFailure{}
		r.BusinessFailure.SuccessField, _ = bf["success-field"].(string)
		r.BusinessFailure.CodeField, _ = bf["code-field"].(string)
		r.BusinessFailure.MessageField, _ = bf["message-field"].(string)
	}
	return r
}

// StatusText is http.StatusText with the number, for messages: "404 Not Found".
func StatusText(status int) string {
	return strconv.Itoa(status) + " " + http.StatusText(status)
}

// RegionURL returns the service's public endpoint in a region: the first server URL with a
// "region" or "regionId" variable, the variable set to region. ok is false for services that
// have no regional endpoint (a ZStack management node is wherever its owner runs it).
func (sp *Spec) RegionURL(region string) (u string, ok bool) {
	for _, srv := range sp.Doc.Servers {
		for _, name := range []string{"region", "regionId"} {
			if _, has := srv.Variables[name]; has {
				return strings.ReplaceAll(srv.URL, "{"+name+"}", region), true
			}
		}
	}
	return "", false
}

// PathParameters are the names in the operation's path template, in order:
// "/v2/{project_id}/tenant-configs" gives [project_id].
func (o *Operation) PathParameters() []string {
	var out []string
	for _, part := range strings.Split(o.Path, "/") {
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			out = append(out, part[1:len(part)-1])
		}
	}
	return out
}

// RequestMedia is the JSON media type of the operation's request body (the first JSON one by
// name), nil when the operation takes no JSON body.
func (o *Operation) RequestMedia() *openapi3.MediaType {
	if o.Route == nil || o.Route.Operation == nil {
		return nil
	}
	rb := o.Route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(rb.Value.Content)) {
		if mt := rb.Value.Content[name]; strings.HasSuffix(mediaType(name), "json") && mt != nil {
			return mt
		}
	}
	return nil
}

// RequestSchema is the schema of the operation's JSON request body, nil when there is none.
func (o *Operation) RequestSchema() *openapi3.Schema {
	if m := o.RequestMedia(); m != nil && m.Schema != nil {
		return m.Schema.Value
	}
	return nil
}

// mediaType is a media type without its parameters.
func mediaType(s string) string {
	mt, _, _ := strings.Cut(s, ";")
	return strings.TrimSpace(mt)
}

// PathValues reads the parameters of a path template from a request's escaped path, aligning
// the two at their ends, since a target's base URL may add a prefix ("/prefix/v1/..."). fits is
// false when the path is shorter than the template, a segment does not unescape, or a literal
// segment differs. An empty segment leaves its parameter out of values, so that a validator
// reports it absent and a router can refuse it (Empty). An RPC action's "/" fits any path, with
// no values.
func PathValues(template, escapedPath string) (values map[string]string, fits bool) {
	t := strings.Split(strings.Trim(template, "/"), "/")
	if len(t) == 1 && t[0] == "" {
		return nil, true
	}
	p := strings.Split(strings.Trim(escapedPath, "/"), "/")
	if len(p) < len(t) {
		return nil, false
	}
	p = p[len(p)-len(t):]
	values = map[string]string{}
	for i, seg := range t {
		v, err := url.PathUnescape(p[i])
		if err != nil {
			return nil, false
		}
		if name, ok := templateParameter(seg); ok {
			if v != "" {
				values[name] = v
			}
		} else if v != seg {
			return nil, false
		}
	}
	return values, true
}

// templateParameter is the name of a "{name}" segment of a path template.
func templateParameter(seg string) (string, bool) {
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}

// PathParameterCount is how many "{name}" segments a path template has: PathValues gave a
// value for each when len(values) equals it.
func PathParameterCount(template string) int {
	n := 0
	for seg := range strings.SplitSeq(strings.Trim(template, "/"), "/") {
		if _, ok := templateParameter(seg); ok {
			n++
		}
	}
	return n
}
