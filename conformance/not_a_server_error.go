package conformance

import (
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/specs"
)

// CheckNotAServerError names NotAServerError.
const CheckNotAServerError CheckName = "not_a_server_error"

// NotAServerError fails on any 5xx, documented or not: a server error is never a conformant
// answer to a fixture request.
var NotAServerError = Check{
	Name:        CheckNotAServerError,
	Description: "the answer is not a 5xx server error",
	Profile:     fixtures.Core,
	Needs:       []CheckName{CheckResponseReceived},
	Run: func(x *Exchange, _ *Options) (bool, []Failure) {
		if s := x.Response.Status; s >= 500 {
			return true, []Failure{fail(CheckNotAServerError, "", "a status below 500", specs.StatusText(s)+" "+excerpt(x.Response.Body))}
		}
		return true, nil
	},
}
