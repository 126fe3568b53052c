package mock

import (
	"errors"
	"strings"
	"time"

	"github.com/conformance-suite/conformance/signing"
)

// maxSkew is how far a signed request's timestamp may lie from the target's clock: 15 minutes,
// the window of both Huawei's and Alibaba's gateways.
const maxSkew = 15 * time.Minute

// signingFailure says why a signature was refused, by failure class; scheme names the
// signature ("SDK-HMAC-SHA256 signature"), dateField the timestamp it carries. It never quotes
// the request's credentials: a verifier's message about a malformed header may contain them,
// so only the messages known to hold none (stale times, and mismatches, which describe what
// was signed, not the signature) are passed on.
func signingFailure(err error, scheme, dateField string) string {
	switch {
	case errors.Is(err, signing.ErrNoCredentials):
		return "the request carries no " + scheme
	case errors.Is(err, signing.ErrUnknownKey):
		return "the access key of the " + scheme + " is unknown"
	case errors.Is(err, signing.ErrStale):
		return "the " + dateField + " is unreadable or outside the " + maxSkew.String() + " window (" + verdict(err, signing.ErrStale) + ")"
	case errors.Is(err, signing.ErrSignatureMismatch):
		return "the " + scheme + " does not match the request as received (" + verdict(err, signing.ErrSignatureMismatch) + ")"
	default:
		return "the " + scheme + ", or the " + dateField + " it needs, is malformed or incomplete"
	}
}

// verdict is a verifier's message without its class prefix, which the caller has said already.
func verdict(err error, class signing.Error) string {
	return strings.TrimPrefix(err.Error(), string(class)+": ")
}
