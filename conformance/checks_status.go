package conformance

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/specs"
)

// StatusCodeConformance fails when the status is not documented for the operation, and, for a
// positive case, when it is not the status the fixture expects. Whether a negative or auth case
// was refused is judged by NegativeDataRejection and IgnoredAuth.
var StatusCodeConformance = Check{
	Name:        "status_code_conformance",
	Description: "the status is documented for the operation and, for a positive case, the one the fixture expects",
	Needs:       []string{"response_received", "not_a_server_error"},
	Run: func(x *Exchange) (bool, []Failure) {
		status := x.Response.Status
		if !x.Op.Documented(status) {
			return true, []Failure{fail("status_code_conformance", "", "a documented status ("+joinInts(x.Op.Statuses)+")", specs.StatusText(status)+" "+excerpt(x.Response.Body))}
		}
		if x.Case.Kind == fixtures.Positive && !slices.Contains(x.Case.Expect.Status, status) {
			return true, []Failure{fail("status_code_conformance", "", specs.StatusText(x.Case.Expect.Status[0]), specs.StatusText(status)+" "+excerpt(x.Response.Body))}
		}
		return true, nil
	},
}

// NegativeDataRejection fails when invalid input is not refused with one of the statuses the
// fixture expects (a documented 4xx), or, where the fixture expects a business failure, when the
// 2xx answer does not say so. A body that broke its schema cannot be judged, hence the Needs.
var NegativeDataRejection = Check{
	Name:        "negative_data_rejection",
	Description: "invalid input is refused with a documented 4xx (or a documented business failure)",
	Needs:       []string{"response_received", "not_a_server_error", "response_schema_conformance"},
	Run: func(x *Exchange) (bool, []Failure) {
		if x.Case.Kind != fixtures.Negative {
			return false, nil
		}
		if refused(x) {
			return true, nil
		}
		return true, []Failure{fail("negative_data_rejection", "", "a refusal: "+expectedRefusal(x), acceptedAnswer(x)+"; input sent: "+inputSummary(x))}
	},
}

// IgnoredAuth fails when a request with missing or wrong credentials is not refused.
var IgnoredAuth = Check{
	Name:        "ignored_auth",
	Description: "a request without valid credentials is refused",
	Needs:       []string{"response_received", "not_a_server_error"},
	Run: func(x *Exchange) (bool, []Failure) {
		if x.Case.Kind != fixtures.Auth {
			return false, nil
		}
		if refused(x) {
			return true, nil
		}
		what := "no credentials"
		if x.Case.Request.Credentials == fixtures.WrongCredentials {
			what = "wrong credentials"
		}
		return true, []Failure{fail("ignored_auth", "", "a refusal of "+what+": "+expectedRefusal(x), acceptedAnswer(x))}
	},
}

// refused reports whether the answer is one of the refusals the fixture expects: a 4xx in its
// set, or a 2xx in its set that is a business failure.
func refused(x *Exchange) bool {
	status := x.Response.Status
	if !slices.Contains(x.Case.Expect.Status, status) {
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
	body, err := decodeJSON(x.Response.Body)
	if err != nil {
		return false, false
	}
	m, _ := body.(map[string]any)
	success, ok = m[r.BusinessFailure.SuccessField].(bool)
	return success, ok
}

func expectedRefusal(x *Exchange) string {
	var parts []string
	for _, s := range x.Case.Expect.Status {
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

// inputSummary names the invalid input that was sent, so the message says what was accepted.
func inputSummary(x *Exchange) string {
	r := x.Case.Request
	var parts []string
	if r.RawBody != nil {
		parts = append(parts, "raw body "+excerpt([]byte(*r.RawBody)))
	} else if r.Body != nil {
		parts = append(parts, "body "+excerpt(r.Body))
	}
	if r.ContentType != nil && *r.ContentType == "" {
		parts = append(parts, "no Content-Type header")
	}
	for _, k := range sortedKeys(r.Path) {
		parts = append(parts, fmt.Sprintf("path %s=%q", k, r.Path[k]))
	}
	for _, k := range sortedKeys(r.Query) {
		parts = append(parts, fmt.Sprintf("query %s=%q", k, r.Query[k]))
	}
	if len(parts) == 0 {
		return x.Request.Method + " " + x.Request.URL
	}
	return strings.Join(parts, ", ")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}
