package conformance

import (
	"fmt"
	"strings"

	"github.com/conformance-suite/conformance/fixtures"
)

// CheckContentTypeConformance names ContentTypeConformance.
const CheckContentTypeConformance CheckName = "content_type_conformance"

// ContentTypeConformance fails when an answer whose documented response has a body comes with
// a Content-Type that is missing or not one of the documented media types.
var ContentTypeConformance = Check{
	Name:        CheckContentTypeConformance,
	Profile:     fixtures.Core,
	Description: "the Content-Type is one of the documented media types of the status",
	Needs:       []CheckName{CheckResponseReceived},
	Run: func(x *Exchange, _ *Options) (bool, []Failure) {
		doc := x.Op.Responses[x.Response.Status]
		if doc == nil || !doc.HasBody() || plainTextRefusal(x) {
			return false, nil
		}
		got := x.Response.Header.Get("Content-Type")
		if doc.AcceptsMediaType(got) {
			return true, nil
		}
		if got == "" {
			got = "no Content-Type header"
		}
		return true, []Failure{fail(CheckContentTypeConformance, "", strings.Join(doc.MediaTypes, " or "), fmt.Sprintf("%q", got))}
	},
}
