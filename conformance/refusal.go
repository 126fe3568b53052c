package conformance

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/conformance-suite/conformance/specs"
)

// refused reports whether the answer is one of the refusals in statuses: a 4xx in the set, or
// a 2xx in the set that is a business failure.
func refused(x *Exchange, statuses []int) bool {
	status := x.Response.Status
	if !slices.Contains(statuses, status) {
		return false
	}
	if status >= 400 {
		return true
	}
	success, ok := businessSuccess(x)
	return ok && !success
}

// businessSuccess reads the documented success flag of a 2xx body (Alibaba's Success); ok is
// false when the response documents none or the body does not hold a boolean there.
func businessSuccess(x *Exchange) (success, ok bool) {
	r := x.Op.Responses[x.Response.Status]
	if r == nil || r.BusinessFailure == nil {
		return false, false
	}
	body, err := x.Response.JSON()
	if err != nil {
		return false, false
	}
	m, _ := body.(map[string]any)
	success, ok = m[r.BusinessFailure.SuccessField].(bool)
	return success, ok
}

func expectedRefusal(statuses []int) string {
	var parts []string
	for _, s := range statuses {
		if s < 400 {
			parts = append(parts, strconv.Itoa(s)+" with a business failure")
		} else {
			parts = append(parts, strconv.Itoa(s))
		}
	}
	return "status " + strings.Join(parts, " or ")
}

func acceptedAnswer(x *Exchange) string {
	return specs.StatusText(x.Response.Status) + " " + excerpt(x.Response.Body)
}

// inputSummary names the input that was sent, so that a message about an accepted invalid
// request or a refused valid one says what the target was given.
func inputSummary(x *Exchange) string {
	r := x.Case.Request
	var parts []string
	if r.RawBody != nil {
		parts = append(parts, "raw body "+excerpt([]byte(*r.RawBody)))
	} else if r.Body != nil {
		parts = append(parts, "body "+excerpt(r.Body))
	}
	switch {
	case r.ContentType != nil && *r.ContentType == "":
		parts = append(parts, "no Content-Type header")
	case r.ContentType != nil:
		parts = append(parts, fmt.Sprintf("Content-Type %q", *r.ContentType))
	}
	for _, k := range slices.Sorted(maps.Keys(r.Path)) {
		parts = append(parts, fmt.Sprintf("path %s=%q", k, r.Path[k]))
	}
	for _, k := range slices.Sorted(maps.Keys(r.Query)) {
		parts = append(parts, fmt.Sprintf("query %s=%q", k, r.Query[k]))
	}
	if len(parts) == 0 {
		if x.Request.Method == "" {
			return "no body and no parameters"
		}
		return x.Request.Method + " " + x.Request.URL
	}
	return strings.Join(parts, ", ")
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}
