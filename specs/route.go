package specs

import (
	"net/http"
	"strings"
)

// router finds the operation of a request from the spec index alone, so that a new operation
// in a spec is routed without touching this file. REST operations match method and path
// template; RPC operations (Alibaba's) all live at one path and match method and action. It is
// built once with the Set, and shared by everything that meets requests it did not build: the
// reference target and the validating proxy.
type router struct {
	rest []restRoute
	rpc  map[rpcKey]*Operation
	// rpcPaths are the wire paths of RPC operations ("/"), and their provider.
	rpcPaths map[string]string
	// prefixes maps the first path segment of each REST template to its provider, so that an
	// unknown route is refused by the gateway that would have received it.
	prefixes map[string]string
}

type restRoute struct {
	op       *Operation
	segments []string // "{name}" captures a segment
	params   int      // how many do
}

type rpcKey struct{ method, path, action string }

func newRouter(ops []*Operation) *router {
	rt := &router{rpc: map[rpcKey]*Operation{}, rpcPaths: map[string]string{}, prefixes: map[string]string{}}
	for _, op := range ops {
		if op.Action != "" {
			rt.rpc[rpcKey{op.Method, op.Path, op.Action}] = op
			rt.rpcPaths[op.Path] = op.Provider
			continue
		}
		segs := strings.Split(strings.TrimPrefix(op.Path, "/"), "/")
		rt.rest = append(rt.rest, restRoute{op: op, segments: segs, params: PathParameterCount(op.Path)})
		rt.prefixes[segs[0]] = op.Provider
	}
	return rt
}

// Miss says why no operation matched a request, and which provider's gateway answers for its
// path.
type Miss struct {
	// Provider is the provider whose paths begin like the request's, "" when none does.
	Provider string
	// Action is the RPC action the request named ("" for REST paths, or when none was named).
	Action string
}

// Route finds the operation a request is for, and its path parameters (unescaped), from the
// method, the escaped path and, for an RPC path, the action: the query's Action or, for
// signature V3 clients that send no Action, the x-acs-action header. It reads nothing else
// of the request (no host: any target's requests route). When no operation matches, op is
// nil and miss says why.
func (s *Set) Route(r *http.Request) (op *Operation, params map[string]string, miss *Miss) {
	rt := s.routes
	path := r.URL.EscapedPath()
	if provider, ok := rt.rpcPaths[path]; ok {
		action := r.URL.Query().Get("Action")
		if action == "" {
			action = r.Header.Get("x-acs-action")
		}
		if op, ok := rt.rpc[rpcKey{r.Method, path, action}]; ok {
			return op, nil, nil
		}
		return nil, nil, &Miss{Provider: provider, Action: action}
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for _, rr := range rt.rest {
		if rr.op.Method != r.Method || len(rr.segments) != len(segs) {
			continue
		}
		// Of the same length, so that no base path is taken for a prefix: a route is the
		// whole path. Every parameter needs a value.
		if params, fits := PathValues(rr.op.Path, path); fits && len(params) == rr.params {
			return rr.op, params, nil
		}
	}
	return nil, nil, &Miss{Provider: rt.prefixes[segs[0]]}
}
