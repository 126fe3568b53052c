package signing

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// maxSkew is the window the tests verify with: Huawei's gateway and Alibaba's both allow
// 15 minutes.
const maxSkew = 15 * time.Minute

// mutation is one change to a correctly signed request, and the verdict it must earn.
type mutation struct {
	name string
	// change alters the request and returns the body to verify with.
	change func(r *http.Request, body []byte) []byte
	// at moves the verifier's clock from the request's own time.
	at time.Duration
	// secrets replaces the verifier's key table when set.
	secrets func(string) (string, bool)
	// want is the error class expected; nil means the request must verify.
	want error
}

// keep is the mutation that changes nothing.
func keep(_ *http.Request, body []byte) []byte { return body }

// setHeader returns a change that sets one header.
func setHeader(name, value string) func(*http.Request, []byte) []byte {
	return func(r *http.Request, body []byte) []byte { r.Header.Set(name, value); return body }
}

// delHeader returns a change that removes one header.
func delHeader(name string) func(*http.Request, []byte) []byte {
	return func(r *http.Request, body []byte) []byte { r.Header.Del(name); return body }
}

// setRawQuery returns a change that replaces the query.
func setRawQuery(q string) func(*http.Request, []byte) []byte {
	return func(r *http.Request, body []byte) []byte { r.URL.RawQuery = q; return body }
}

// flipBodyByte returns the body with its first byte changed, or one byte for an empty body.
func flipBodyByte(_ *http.Request, body []byte) []byte {
	if len(body) == 0 {
		return []byte("x")
	}
	b := append([]byte(nil), body...)
	b[0] ^= 0x01
	return b
}

func otherSecret(string) (string, bool) { return "not-the-secret", true }

// checkVerdict fails unless err is of class want (nil: no error), and fails if the
// message carries any of leaks (secrets, expected signatures).
func checkVerdict(t *testing.T, err, want error, leaks ...string) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Fatalf("verify failed: %v", err)
	case want != nil && !errors.Is(err, want):
		t.Fatalf("verify returned %v, want an error wrapping %q", err, want)
	}
	if err == nil {
		return
	}
	for _, l := range leaks {
		if l != "" && strings.Contains(err.Error(), l) {
			t.Fatalf("error message %q leaks %q", err, l)
		}
	}
}

// fixedNonce returns a Nonce func for a signer.
func fixedNonce(n string) func() string { return func() string { return n } }

// fixedClock returns a Now func for a signer.
func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }
