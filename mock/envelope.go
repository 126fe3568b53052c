package mock

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/conformance-suite/conformance/specs"
)

// reply is an answer before it is written, so that a fault can rewrite it and a transport
// fault can deliver it its own way.
type reply struct {
	status      int
	contentType string // empty when there is no body
	body        []byte
}

// jsonReply encodes v as the body of an answer. The values encoded here are the mock's own
// plain structs and maps, which always encode.
func jsonReply(status int, contentType string, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		panic("mock: encoding an answer: " + err.Error())
	}
	return reply{status: status, contentType: contentType, body: b}
}

// apiError is a refusal before a provider dresses it in its envelope.
type apiError struct {
	status  int
	code    string // the provider's error code, e.g. APIGW.0301, SignatureDoesNotMatch, SYS.1007
	message string
	// detail names what broke, where the envelope has room for it (Huawei error_detail,
	// ZStack details); elsewhere it is appended to the message.
	detail string
}

// provider is what differs between the clouds: their gateways' authentication, their error
// envelopes, and their operations.
type provider interface {
	// endpoints are the handlers of the provider's operations, by operationId.
	endpoints() map[string]endpoint
	// authenticate checks credentials as the provider's gateway does; nil means accepted.
	// body is the request body as received, which signatures cover.
	authenticate(r *http.Request, body []byte) *apiError
	// invalid is the refusal of a request that breaks the spec; reason names the field.
	invalid(op *specs.Operation, reason string) *apiError
	// notFound is the refusal of a request that matches no operation.
	notFound(r *http.Request, m *specs.Miss) *apiError
	// render dresses a refusal in the envelope of op (nil when no operation matched).
	render(op *specs.Operation, r *http.Request, e *apiError) reply
}

// endpoint is the handler of one operation.
type endpoint struct {
	handle func(c *call) reply
	// normalise, when set, rewrites the body before validation, e.g. to accept a spelling the
	// vendor page documents but the spec (which follows the real service) does not.
	normalise func(body []byte) []byte
}

// call is one authenticated, validated request, as a handler sees it.
type call struct {
	op     *specs.Operation
	r      *http.Request
	params map[string]string // path parameters
	// body is the request body, normalised; it was validated against the spec unless a fault
	// (accept-invalid-input) skipped that, so handlers decode it leniently.
	body []byte
}

// messageWithDetail is the message with what broke appended, for envelopes that have no
// field of their own for it.
func (e *apiError) messageWithDetail() string {
	if e.detail == "" {
		return e.message
	}
	return strings.TrimSuffix(e.message, ".") + ": " + e.detail
}
