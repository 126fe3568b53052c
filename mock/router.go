package mock

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/conformance-suite/conformance/specs"
)

// router finds the operation of a request from the spec index alone, so that a new operation
// in a spec is routed without touching this file. REST operations match method and path
// template; RPC operations (Alibaba's) all live at one path and match method and action.
type router struct {
	rest []restRoute
	rpc  map[rpcKey]*specs.Operation
	// rpcPaths are the wire paths of RPC operations ("/"), and their provider.
	rpcPaths map[string]string
	// prefixes maps the first path segment of each REST template to its provider, so that an
	// unknown route is refused by the gateway that would have received it.
	prefixes map[string]string
}

type restRoute struct {
	op       *specs.Operation
	segments []string // "{name}" captures a segment
}

type rpcKey struct{ method, path, action string }

// route is a matched operation with its path parameters.
type route struct {
	op     *specs.Operation
	params map[string]string
}

func newRouter(set *specs.Set) *router {
	rt := &router{rpc: map[rpcKey]*specs.Operation{}, rpcPaths: map[string]string{}, prefixes: map[string]string{}}
	for _, op := range set.Operations {
		if op.Action != "" {
			rt.rpc[rpcKey{op.Method, op.Path, op.Action}] = op
			rt.rpcPaths[op.Path] = op.Provider
			continue
		}
		segs := strings.Split(strings.TrimPrefix(op.Path, "/"), "/")
		rt.rest = append(rt.rest, restRoute{op: op, segments: segs})
		rt.prefixes[segs[0]] = op.Provider
	}
	return rt
}

// miss says why no operation matched, and which provider's gateway answers for the path.
type miss struct {
	provider string
	// action is the RPC action named by the request ("" for REST paths, or when none was named).
	action string
}

// match finds the operation of r. The RPC action comes from the query's Action or, for
// signature V3 clients that send no Action, the x-acs-action header.
func (rt *router) match(r *http.Request) (route, *miss) {
	path := r.URL.EscapedPath()
	if provider, ok := rt.rpcPaths[path]; ok {
		action := r.URL.Query().Get("Action")
		if action == "" {
			action = r.Header.Get("x-acs-action")
		}
		if op, ok := rt.rpc[rpcKey{r.Method, path, action}]; ok {
			return route{op: op}, nil
		}
		return route{}, &miss{provider: provider, action: action}
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for _, rr := range rt.rest {
		if rr.op.Method != r.Method || len(rr.segments) != len(segs) {
			continue
		}
		if params, ok := matchSegments(rr.segments, segs); ok {
			return route{op: rr.op, params: params}, nil
		}
	}
	return route{}, &miss{provider: rt.prefixes[segs[0]]}
}

// matchSegments compares a template with an escaped path, unescaping captured segments.
func matchSegments(template, segs []string) (map[string]string, bool) {
	params := map[string]string{}
	for i, t := range template {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			v, err := url.PathUnescape(segs[i])
			if err != nil || v == "" {
				return nil, false
			}
			params[t[1:len(t)-1]] = v
			continue
		}
		if t != segs[i] {
			return nil, false
		}
	}
	return params, true
}
