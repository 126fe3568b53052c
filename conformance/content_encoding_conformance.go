package conformance

import (
	"fmt"
	"strings"

	"github.com/conformance-suite/conformance/fixtures"
)

// CheckContentEncodingConformance names ContentEncodingConformance.
const CheckContentEncodingConformance CheckName = "content_encoding_conformance"

// ContentEncodingConformance fails when an answer comes in a Content-Encoding the request did
// not accept (RFC 9110 §12.5.3): the runner sends no Accept-Encoding unless a case asks, as
// the providers' SDKs do not, so a gzip body is then one no client of the page can read. The
// runner decodes an encoding it asked for and drops the header, so one still present is
// unreadable either way. The body checks need this one: they would only say "invalid JSON".
var ContentEncodingConformance = Check{
	Name:        CheckContentEncodingConformance,
	Description: "the answer is not compressed unless the request accepted the encoding",
	Profile:     fixtures.Core,
	Needs:       []CheckName{CheckResponseReceived},
	Run: func(x *Exchange, _ *Options) (bool, []Failure) {
		enc := strings.TrimSpace(x.Response.Header.Get("Content-Encoding"))
		if enc == "" || strings.EqualFold(enc, "identity") {
			return true, nil
		}
		accepted := x.Request.Header.Get("Accept-Encoding")
		expected := "no Content-Encoding (the request sent no Accept-Encoding)"
		if accepted != "" {
			expected = fmt.Sprintf("a body the client can read (Accept-Encoding: %s)", accepted)
		}
		return true, []Failure{fail(CheckContentEncodingConformance, "", expected, fmt.Sprintf("Content-Encoding %q", enc))}
	},
}
