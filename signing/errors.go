package signing

// Error is the class of a signing or verification failure. It is a string type so that the
// classes can be constants: callers test for them with errors.Is, and the package keeps no
// mutable global state.
type Error string

func (e Error) Error() string { return string(e) }

// The failure classes. Every error a verifier returns wraps exactly one of them.
const (
	// ErrNoCredentials means the request carries no signature at all: no Authorization
	// header, or no Signature query parameter.
	ErrNoCredentials Error = "signing: no credentials"
	// ErrMalformed means credentials are present but cannot be parsed, or a part of the
	// request the scheme needs (a date header, the query) is missing or unparseable.
	ErrMalformed Error = "signing: malformed request"
	// ErrUnknownKey means the access key named by the request is not known to the verifier.
	ErrUnknownKey Error = "signing: unknown access key"
	// ErrStale means the request's timestamp cannot be parsed, or lies further from the
	// verifier's clock than the allowed skew.
	ErrStale Error = "signing: request time outside the allowed window"
	// ErrSignatureMismatch means the signature does not match the request as received.
	ErrSignatureMismatch Error = "signing: signature mismatch"
)
