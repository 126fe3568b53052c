package conformance

import (
	"fmt"
	"mime"
	"strconv"
	"strings"

	"github.com/conformance-suite/conformance/fixtures"
)

// ContentTypeConformance fails when an answer whose documented response has a body comes with
// a Content-Type that is missing or not one of the documented media types.
var ContentTypeConformance = Check{
	Name:        "content_type_conformance",
	Description: "the Content-Type is one of the documented media types of the status",
	Needs:       []string{"response_received"},
	Run: func(x *Exchange) (bool, []Failure) {
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
		return true, []Failure{fail("content_type_conformance", "", strings.Join(doc.MediaTypes, " or "), fmt.Sprintf("%q", got))}
	},
}

// NoBodyOn204 fails when a 204 carries a body. HTTP clients drop a 204's body unread (Go's
// does), so the announced Content-Length counts as much as the bytes: a client that trusts it
// reads the body as the start of the next answer on the connection (RFC 9110 §8.6 forbids it).
var NoBodyOn204 = Check{
	Name:        "no_body_on_204",
	Description: "a 204 answer has no body and announces none",
	Needs:       []string{"response_received"},
	Run: func(x *Exchange) (bool, []Failure) {
		if x.Response.Status != 204 {
			return false, nil
		}
		if len(x.Response.Body) > 0 {
			return true, []Failure{fail("no_body_on_204", "", "no body", fmt.Sprintf("%d bytes: %s", len(x.Response.Body), excerpt(x.Response.Body)))}
		}
		if n, err := strconv.ParseInt(x.Response.Header.Get("Content-Length"), 10, 64); err == nil && n > 0 {
			return true, []Failure{fail("no_body_on_204", "", "no body (no Content-Length, or 0)", fmt.Sprintf("Content-Length: %d", n))}
		}
		return true, nil
	},
}

// ResponseSchemaConformance validates a documented 2xx body against its schema: every field,
// type, format, enum and required property. Errors travel through ErrorEnvelopeConformance.
var ResponseSchemaConformance = Check{
	Name:        "response_schema_conformance",
	Description: "a 2xx body matches the documented schema of its status",
	Needs:       []string{"response_received"},
	Run: func(x *Exchange) (bool, []Failure) {
		status := x.Response.Status
		doc := x.Op.Responses[status]
		if status < 200 || status > 299 || doc == nil || doc.Schema == nil {
			return false, nil
		}
		return true, validateBody("response_schema_conformance", doc.Schema, x.Response.Body)
	},
}

// ErrorEnvelopeConformance fails when a non-2xx answer does not carry the provider's error
// envelope (the documented schema of its status, else the provider's gateway envelope), when
// the error code differs from the one the fixture expects, or when a 2xx business failure
// (Alibaba's Success false) carries no error code.
var ErrorEnvelopeConformance = Check{
	Name:        "error_envelope_conformance",
	Description: "every error carries the provider's envelope and code, and a 2xx business failure its error code",
	Needs:       []string{"response_received"},
	Run: func(x *Exchange) (bool, []Failure) {
		const name = "error_envelope_conformance"
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
		schema := x.Op.Spec.Envelope
		if doc := x.Op.Responses[status]; doc != nil && doc.Schema != nil {
			schema = doc.Schema
		}
		if fs := validateBody(name, schema, x.Response.Body); len(fs) > 0 {
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
	if fs := validateBody("", doc.Schema, x.Response.Body); len(fs) > 0 {
		return false, nil
	}
	success, ok := businessSuccess(x)
	if !ok || success {
		return false, nil // a success; whether one was owed is negative_data_rejection's verdict
	}
	bf := doc.BusinessFailure
	ptr := "/" + bf.CodeField
	body, _ := decodeJSON(x.Response.Body)
	if code, _ := lookup(body, ptr).(string); code == "" {
		return true, []Failure{fail("error_envelope_conformance", ptr, "a non-empty error code beside "+bf.SuccessField+" false", jsonValue(lookup(body, ptr)))}
	}
	return true, expectCode(x, ptr)
}

// expectCode compares the error code at ptr with the one the fixture expects, if any.
func expectCode(x *Exchange, ptr string) []Failure {
	want := x.Case.Expect.ErrorCode
	if want == "" {
		return nil
	}
	body, _ := decodeJSON(x.Response.Body)
	got := lookup(body, ptr)
	if s, _ := got.(string); s != want {
		return []Failure{fail("error_envelope_conformance", ptr, fmt.Sprintf("error code %q", want), jsonValue(got))}
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
	_, err := decodeJSON(r.Body)
	return err == nil
}
