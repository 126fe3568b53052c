package conformance

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/conformance-suite/conformance/specs"
)

// maxDifferences bounds the fields a message lists: enough to see the variation, short enough
// to read.
const maxDifferences = 5

// exampleDifference names the fields in which the JSON body sent differs from the nearest
// documented example of the operation's request, e.g. "fields that differ from the documented
// example: /function_config/values (not in the example)". It is "" when the operation
// documents no example or the body is not JSON.
func exampleDifference(x *Exchange) string {
	body := x.Request.Body
	if len(body) == 0 {
		body = x.Case.Request.Body
	}
	sent, err := decodeJSON(body)
	if err != nil {
		return ""
	}
	var best []string
	found := false
	for _, ex := range requestExamples(x) {
		var diffs []string
		difference(sent, ex, "", &diffs)
		if !found || len(diffs) < len(best) {
			best, found = diffs, true
		}
	}
	switch {
	case !found:
		return ""
	case len(best) == 0:
		return "the body is the documented example itself"
	case len(best) > maxDifferences:
		best = append(best[:maxDifferences], fmt.Sprintf("and %d more", len(best)-maxDifferences))
	}
	return "fields that differ from the documented example: " + strings.Join(best, ", ")
}

// requestExamples are the documented examples of the operation's JSON request body, as
// encoding/json decodes them, in the order of their names.
func requestExamples(x *Exchange) []any {
	if x.Op == nil || x.Op.Route == nil || x.Op.Route.Operation == nil {
		return nil
	}
	rb := x.Op.Route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		return nil
	}
	var out []any
	add := func(v any) {
		// Normalise through JSON, so that numbers compare as the sent body's do.
		if raw, err := json.Marshal(v); err == nil {
			if d, err := decodeJSON(raw); err == nil {
				out = append(out, d)
			}
		}
	}
	for _, mt := range sortedMapKeys(rb.Value.Content) {
		media := rb.Value.Content[mt]
		if !strings.Contains(mt, "json") || media == nil {
			continue
		}
		if media.Example != nil {
			add(media.Example)
		}
		for _, name := range sortedMapKeys(media.Examples) {
			if ref := media.Examples[name]; ref != nil && ref.Value != nil && ref.Value.Value != nil {
				add(ref.Value.Value)
			}
		}
	}
	return out
}

// difference appends to out one entry per field where sent and example differ, by JSON pointer.
func difference(sent, example any, ptr string, out *[]string) {
	switch s := sent.(type) {
	case map[string]any:
		e, ok := example.(map[string]any)
		if !ok {
			break
		}
		keys := mapKeys(s)
		for k := range e {
			if _, dup := s[k]; !dup {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := ptr + specs.Pointer([]string{k})
			sv, inSent := s[k]
			ev, inExample := e[k]
			switch {
			case !inExample:
				*out = append(*out, p+" (not in the example)")
			case !inSent:
				*out = append(*out, p+" (absent; the example has "+jsonValue(ev)+")")
			default:
				difference(sv, ev, p, out)
			}
		}
		return
	case []any:
		e, ok := example.([]any)
		if !ok {
			break
		}
		for i := 0; i < min(len(s), len(e)); i++ {
			difference(s[i], e[i], ptr+"/"+strconv.Itoa(i), out)
		}
		if len(s) != len(e) {
			*out = append(*out, fmt.Sprintf("%s (%d items; the example has %d)", orRoot(ptr), len(s), len(e)))
		}
		return
	}
	if !equalJSON(sent, example) {
		*out = append(*out, fmt.Sprintf("%s (%s; the example has %s)", orRoot(ptr), jsonValue(sent), jsonValue(example)))
	}
}

func orRoot(ptr string) string {
	if ptr == "" {
		return "the body"
	}
	return ptr
}

// equalJSON compares two decoded JSON values by type and value.
func equalJSON(a, b any) bool {
	ra, err1 := json.Marshal(a)
	rb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ra) == string(rb)
}

func mapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

func sortedMapKeys[V any](m map[string]V) []string {
	keys := mapKeys(m)
	slices.Sort(keys)
	return keys
}
