package conformance

import (
	"slices"

	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/specs"
)

// CheckPositiveDataAcceptance names PositiveDataAcceptance.
const CheckPositiveDataAcceptance CheckName = "positive_data_acceptance"

// PositiveDataAcceptance fails when a valid request (a positive case) is refused: answered
// with a 4xx the fixture does not expect, or with a 2xx that is a documented business failure
// (Alibaba's Success false). The message names the input sent and the request fields that
// differ from the operation's documented example, so that a refused generated request says
// which variation the target did not take. It owns the refusal of valid input alone:
// StatusCodeConformance leaves positive 4xx answers to it.
var PositiveDataAcceptance = Check{
	Name:        CheckPositiveDataAcceptance,
	Profile:     fixtures.Core,
	JudgesCase:  true,
	Description: "a valid request is accepted: neither a 4xx nor a business failure",
	Needs:       []CheckName{CheckResponseReceived, CheckNotAServerError},
	Run: func(x *Exchange, _ *Options) (bool, []Failure) {
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
		return true, []Failure{fail(CheckPositiveDataAcceptance, "", expected, actual)}
	},
}
