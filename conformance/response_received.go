package conformance

import "github.com/conformance-suite/conformance/fixtures"

// CheckResponseReceived names ResponseReceived.
const CheckResponseReceived CheckName = "response_received"

// ResponseReceived fails when no complete answer arrived: a timeout, a reset connection, a body
// over the size limit, headers over their limits, a target that stopped answering. Every other
// check needs an answer to judge.
var ResponseReceived = Check{
	Name:        CheckResponseReceived,
	Description: "the target answers within the timeout with a complete response no larger than the size limits",
	Profile:     fixtures.Core,
	Run: func(x *Exchange, _ *Options) (bool, []Failure) {
		if x.Err != nil || x.Response == nil {
			actual := "no answer"
			if x.Err != nil {
				actual = x.Err.Error()
			}
			return true, []Failure{fail(CheckResponseReceived, "", "a complete answer", actual)}
		}
		return true, nil
	},
}
