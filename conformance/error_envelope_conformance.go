package conformance

import (
	"fmt"
	"mime"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/conformance-suite/conformance/fixtures"
)

// CheckErrorEnvelopeConformance names ErrorEnvelopeConformance.
const CheckErrorEnvelopeConformance CheckName = "error_envelope_conformance"

// ErrorEnvelopeConformance fails when a non-2xx answer does not carry the provider's error
// envelope (the documented schema of its status, else the provider's gateway envelope), when
// the error code differs from the one the fixture expects, or when a 2xx business failure
// (Alibaba's Success false) carries no error code.
var ErrorEnvelopeConformance = Check{
	Name:        CheckErrorEnvelopeConformance,
	Profile:     fixtures.Core,
	Description: "every error carries the provider's envelope and code, and a 2xx business failure its error code",
	Needs:       []CheckName{CheckResponseReceived, CheckContentEncodingConformance},
	Run: func(x *Exchange, _ *Options) (bool, []Failure) {
		status := x.Response.Status
		if status >= 200 && status <= 299 {
			return businessFailure(x)
		}
		if status < 400 {
			return false, nil
		}
		if plainTextRefusal(x) {
			return false, nil // the refusal is judged by ignored_auth; no envelope is owed
		}
		if fs := validateBody(CheckErrorEnvelopeConformance, errorSchema(x), x.Response); len(fs) > 0 {
			return true, fs
		}
		return true, expectCode(x, x.Op.Spec.EnvelopeCode)
	},
}

// businessFailure judges a 2xx answer whose documented response can carry a business failure.
// It needs the body to have passed its schema, which ResponseSchemaConformance reports.
func businessFailure(x *Exchange) (bool, []Failure) {
	doc := x.Op.Responses[x.Response.Status]
	if doc == nil || doc.BusinessFailure == nil {
		return false, nil
	}
	if fs := validateBody("", doc.Schema, x.Response); len(fs) > 0 {
		return false, nil
	}
	success, ok := businessSuccess(x)
	if !ok || success {
		return false, nil // a success; whether one was owed is negative_data_rejection's verdict
	}
	bf := doc.BusinessFailure
	ptr := "/" + bf.CodeField
	body, _ := x.Response.JSON()
	if code, _ := lookup(body, ptr).(string); code == "" {
		return true, []Failure{fail(CheckErrorEnvelopeConformance, ptr, "a non-empty error code beside "+bf.SuccessField+" false", jsonValue(lookup(body, ptr)))}
	}
	return true, expectCode(x, ptr)
}

// expectCode compares the error code at ptr with the one the fixture expects, if any.
func expectCode(x *Exchange, ptr string) []Failure {
	want := x.Case.Expect.ErrorCode
	if want == "" {
		return nil
	}
	body, _ := x.Response.JSON()
	got := lookup(body, ptr)
	if s, _ := got.(string); s != want {
		return []Failure{fail(CheckErrorEnvelopeConformance, ptr, fmt.Sprintf("error code %q", want), jsonValue(got))}
	}
	return nil
}

// plainTextRefusal reports a refusal of bad credentials in plain text, which some deployments
// of the provider send (x-error-envelope.plain-text-auth-refusal): neither envelope nor JSON
// media type is owed then, only the refusal.
func plainTextRefusal(x *Exchange) bool {
	return x.Op.Spec.PlainTextAuthRefusal && x.Case.Kind == fixtures.Auth &&
		x.Response.Status >= 400 && !isJSON(x.Response)
}

func isJSON(r *Response) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if strings.HasSuffix(mt, "json") {
		return true
	}
	_, err := r.JSON()
	return err == nil
}

// errorSchema is the schema an error answer's body must match: the documented one of its
// status, else the provider's envelope.
func errorSchema(x *Exchange) *openapi3.Schema {
	if doc := x.Op.Responses[x.Response.Status]; doc != nil && doc.Schema != nil {
		return doc.Schema
	}
	return x.Op.Spec.Envelope
}
