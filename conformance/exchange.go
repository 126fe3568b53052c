// Package conformance holds the named checks that a recorded exchange (one request to a target
// and its answer) must pass, and the Ginkgo suite that turns fixture cases into table entries.
//
// The checks are plain functions over an Exchange, usable without Ginkgo: the suite, the
// runner's reports and the tests all call Evaluate. Check names follow Schemathesis' where they
// mean the same thing.
package conformance

import (
	"net/http"
	"time"

	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/specs"
)

// Exchange is one request sent to a target and what came back.
type Exchange struct {
	Case *fixtures.Case
	Op   *specs.Operation
	// Request is what was sent, after placeholders were filled and the request was signed.
	Request Request
	// Observed marks an exchange the suite did not make: a request a client under test sent
	// through a proxy, or one a HAR file recorded, under a synthetic case. Only such a request
	// is judged against the documentation (RequestConformance): the runner's own requests are
	// built by the suite's signers, and its negative and auth cases are invalid on purpose.
	// Whoever builds an observed exchange sets it.
	Observed bool
	// Response is the answer; nil when none arrived complete (see Err).
	Response *Response
	// Err is why no complete answer arrived: a timeout, a reset connection, a body over the
	// size limit. Nil when Response is set.
	Err error
	// Duration is from the first byte sent to the last byte read.
	Duration time.Duration
	// Curl is a command that reproduces the request, with every secret redacted.
	Curl string
	// Steps are earlier answers that led to Response, e.g. the 202 of an async job that was
	// then polled; the checks judge Response, each step is judged against the spec alone.
	Steps []*Response
	// Vars are the run's placeholder values ("tid" → "3000"), for expectations that hold
	// placeholders. A placeholder missing here takes the value it was sent with, read back
	// from the recorded request (see ResponseValuesConformance).
	Vars map[string]string
}

// Request is the recorded request.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
}

// Response is the recorded answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Size is the body's size as received, kept when Trim cuts Body down to evidence.
	Size int

	// The body decoded as JSON, once for every check that reads it (JSON).
	decoded   any
	decodeErr error
	isDecoded bool
}

// JSON is the body decoded as JSON (numbers as float64), decoded once and shared by every
// check: a large answer costs one decoding, not one per check.
func (r *Response) JSON() (any, error) {
	if !r.isDecoded {
		r.decoded, r.decodeErr = decodeJSON(r.Body)
		r.isDecoded = true
	}
	return r.decoded, r.decodeErr
}

// Trim keeps at most limit bytes of each answer's body once the exchange is judged, noting the sizes
// received: the checks see whole bodies, the reports only evidence, so a run's memory does not
// grow with what a target sends.
func (x *Exchange) Trim(limit int) {
	for _, r := range append([]*Response{x.Response}, x.Steps...) {
		if r == nil {
			continue
		}
		if r.Size < len(r.Body) {
			r.Size = len(r.Body)
		}
		if len(r.Body) > limit {
			r.Body = append([]byte(nil), r.Body[:limit]...)
		}
		r.decoded, r.decodeErr, r.isDecoded = nil, nil, false
	}
}
