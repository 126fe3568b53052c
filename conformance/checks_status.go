package conformance

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/specs"
)

// StatusCodeConformance fails when the status is not documented for the operation, and, for a
// positive case, when a status below 400 is not the one the fixture expects (a 201 for a 200,
// a redirect). A 4xx to a positive case is a refusal of valid input, judged by
// PositiveDataAcceptance alone; whether a negative or auth case was refused is judged by
// NegativeDataRejection and IgnoredAuth. An undocumented refusal thus fails both this check
// (the status is not documented) and the one that owns the refusal: two broken points.
var StatusCodeConformance = Check{
	Name:        "status_code_conformance",
	Description: "the status is documented for the operation and, for a positive case that was not refused, the one the fixture expects",
	Needs:       []string{"response_received", "not_a_server_error"},
	Run: func(x *Exchange) (bool, []Failure) {
		status := x.Response.Status
		if !x.Op.Documented(status) {
			return true, []Failure{fail("status_code_conformance", "", "a documented status ("+joinInts(x.Op.Statuses)+")", specs.StatusText(status)+" "+excerpt(x.Response.Body))}
		}
		expect := x.Case.Expect.Status
		if x.Case.Kind == fixtures.Positive && status < 400 && len(expect) > 0 && !slices.Contains(expect, status) {
			return true, []Failure{fail("status_code_conformance", "", specs.StatusText(expect[0]), specs.StatusText(status)+" "+excerpt(x.Response.Body))}
		}
		return true, nil
	},
}

// PositiveDataAcceptance fails when a valid request (a positive case) is refused: answered
// with a 4xx the fixture does not expect, or with a 2xx that is a documented business failure
// (Alibaba's Success false). The message names the input sent and the request fields that
// differ from the operation's documented example, so that a refused generated request says
// which variation the target did not take. It owns the refusal of valid input alone:
// StatusCodeConformance leaves positive 4xx answers to it.
var PositiveDataAcceptance = Check{
	Name:        "positive_data_acceptance",
	Description: "a valid request is accepted: neither a 4xx nor a business failure",
	Needs:       []string{"response_received", "not_a_server_error"},
	Run: func(x *Exchange) (bool, []Failure) {
		if x.Case.Kind != fixtures.Positive {
			return false, nil
		}
		status := x.Response.Status
		var refusal string
		switch {
		case status >= 400 && status < 500 && !slices.Contains(x.Case.Expect.Status, status):
			refusal = acceptedAnswer(x)
		case status >= 200 && status < 300:
			if success, ok := businessSuccess(x); ok && !success {
				refusal = acceptedAnswer(x) + " (a business failure)"
			}
		}
		if refusal == "" {
			return true, nil
		}
		expected := "acceptance of a valid request"
		if len(x.Case.Expect.Status) > 0 {
			expected += ": " + specs.StatusText(x.Case.Expect.Status[0])
		}
		actual := refusal + "; input sent: " + inputSummary(x)
		if d := exampleDifference(x); d != "" {
			actual += "; " + d
		}
		return true, []Failure{fail("positive_data_acceptance", "", expected, actual)}
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
		return true, []Failure{fail("ignored_auth", "", "a refusal of "+credentialsSent(x.Case.Request.Credentials)+": "+expectedRefusal(x), acceptedAnswer(x))}
	},
}

// credentialsSent says in words what an auth case sent.
func credentialsSent(mode fixtures.Credentials) string {
	switch mode {
	case fixtures.NoCredentials:
		return "no credentials"
	case fixtures.WrongCredentials:
		return "wrong credentials"
	case fixtures.MalformedCredentials:
		return "a malformed credential"
	case fixtures.TamperedCredentials:
		return "a signature over content changed after signing"
	case fixtures.StaleCredentials:
		return "a signature an hour old"
	}
	return "credentials " + strconv.Quote(string(mode))
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
