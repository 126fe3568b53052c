package conformance

import "github.com/conformance-suite/conformance/fixtures"

// CheckResponseSchemaConformance names ResponseSchemaConformance.
const CheckResponseSchemaConformance CheckName = "response_schema_conformance"

// ResponseSchemaConformance validates a documented 2xx body against its schema: every field,
// type, format, enum and required property. Errors travel through ErrorEnvelopeConformance.
var ResponseSchemaConformance = Check{
	Name:        CheckResponseSchemaConformance,
	Profile:     fixtures.Core,
	Description: "a 2xx body matches the documented schema of its status",
	Needs:       []CheckName{CheckResponseReceived, CheckContentEncodingConformance},
	Run: func(x *Exchange, _ *Options) (bool, []Failure) {
		status := x.Response.Status
		doc := x.Op.Responses[status]
		if status < 200 || status > 299 || doc == nil || doc.Schema == nil {
			return false, nil
		}
		return true, validateBody(CheckResponseSchemaConformance, doc.Schema, x.Response)
	},
}
