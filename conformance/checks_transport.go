package conformance

import (
	"github.com/conformance-suite/conformance/specs"
)

// ResponseReceived fails when no complete answer arrived: a timeout, a reset connection, a body
// over the size limit. Every other check needs an answer to judge.
var ResponseReceived = Check{
	Name:        "response_received",
	Description: "the target answers within the timeout with a complete response no larger than the size limit",
	Run: func(x *Exchange) (bool, []Failure) {
		if x.Err != nil || x.Response == nil {
			actual := "no answer"
			if x.Err != nil {
				actual = x.Err.Error()
			}
			return true, []Failure{fail("response_received", "", "a complete answer", actual)}
		}
		return true, nil
	},
}

// NotAServerError fails on any 5xx, documented or not: a server error is never a conformant
// answer to a fixture request.
var NotAServerError = Check{
	Name:        "not_a_server_error",
	Description: "the answer is not a 5xx server error",
	Needs:       []string{"response_received"},
	Run: func(x *Exchange) (bool, []Failure) {
		if s := x.Response.Status; s >= 500 {
			return true, []Failure{fail("not_a_server_error", "", "a status below 500", specs.StatusText(s)+" "+excerpt(x.Response.Body))}
		}
		return true, nil
	},
}
