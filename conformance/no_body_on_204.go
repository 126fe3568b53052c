package conformance

import (
	"fmt"
	"strconv"

	"github.com/conformance-suite/conformance/fixtures"
)

// CheckNoBodyOn204 names NoBodyOn204.
const CheckNoBodyOn204 CheckName = "no_body_on_204"

// NoBodyOn204 fails when a 204 carries a body. HTTP clients drop a 204's body unread (Go's
// does), so the announced Content-Length counts as much as the bytes: a client that trusts it
// reads the body as the start of the next answer on the connection (RFC 9110 §8.6 forbids it).
var NoBodyOn204 = Check{
	Name:        CheckNoBodyOn204,
	Profile:     fixtures.Core,
	Description: "a 204 answer has no body and announces none",
	Needs:       []CheckName{CheckResponseReceived},
	Run: func(x *Exchange, _ *Options) (bool, []Failure) {
		if x.Response.Status != 204 {
			return false, nil
		}
		if len(x.Response.Body) > 0 {
			return true, []Failure{fail(CheckNoBodyOn204, "", "no body", fmt.Sprintf("%d bytes: %s", len(x.Response.Body), excerpt(x.Response.Body)))}
		}
		if n, err := strconv.ParseInt(x.Response.Header.Get("Content-Length"), 10, 64); err == nil && n > 0 {
			return true, []Failure{fail(CheckNoBodyOn204, "", "no body (no Content-Length, or 0)", fmt.Sprintf("Content-Length: %d", n))}
		}
		return true, nil
	},
}
