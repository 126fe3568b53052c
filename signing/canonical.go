package signing

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxFormBytes bounds how much of a form body a verifier reads, as net/http's ParseForm does.
const maxFormBytes = 10 << 20

// formContentType is the media type whose body parameters Alibaba's RPC signature covers.
const formContentType = "application/x-www-form-urlencoded"

// clock returns now(), or the wall clock when now is nil.
func clock(now func() time.Time) time.Time {
	if now == nil {
		return time.Now()
	}
	return now()
}

// nonce returns next(), or 16 random bytes in hex when next is nil: the SDKs send 32 hex
// digits, and a nonce must not repeat.
func nonce(next func() string) (string, error) {
	if next != nil {
		return next(), nil
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("signing: generating a nonce: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// percentEncode escapes s as RFC 3986 asks: every byte but A-Z a-z 0-9 - _ . ~ becomes %XX
// with upper-case hex. Huawei's signer escapes this way, and Alibaba's
// url.QueryEscape-then-patch (+ to %20, * to %2A, %7E to ~) comes to the same thing.
func percentEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func hmacSHA256(key, msg string) []byte {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func hmacSHA1(key, msg string) []byte {
	m := hmac.New(sha1.New, []byte(key))
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// requestHost is the host a request is sent to (client side) or was received for (server
// side). Go keeps it in r.Host, not in r.Header.
func requestHost(r *http.Request) string {
	if r.Host != "" {
		return r.Host
	}
	if r.URL != nil {
		return r.URL.Host
	}
	return ""
}

// headerValues returns every value of the header name, matched case-insensitively so that
// keys set without canonicalisation count too. The host header comes from r.Host when
// r.Header has none, because that is where Go keeps it.
func headerValues(r *http.Request, name string) []string {
	var vs []string
	for k, v := range r.Header {
		if strings.EqualFold(k, name) {
			vs = append(vs, v...)
		}
	}
	if len(vs) == 0 && strings.EqualFold(name, "host") {
		if h := requestHost(r); h != "" {
			vs = []string{h}
		}
	}
	return vs
}

// method returns r.Method, with Go's convention that an empty method means GET.
func method(r *http.Request) string {
	if r.Method == "" {
		return http.MethodGet
	}
	return r.Method
}

// missingSignedHeader is the error for a header named in SignedHeaders that the request
// does not carry: the request is not the one that was signed.
func missingSignedHeader(name string) error {
	return fmt.Errorf("%w: signed header %q is absent from the request", ErrSignatureMismatch, name)
}

// parseQuery parses a raw query, naming the query in the error.
func parseQuery(raw string) (url.Values, error) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: query %q: %v", ErrMalformed, raw, err)
	}
	return q, nil
}

// singleValues flattens q for the Alibaba schemes, whose SDKs keep parameters in a map and
// so never send a name twice; a repeated name cannot have been signed and is refused.
func singleValues(q url.Values, where string) (map[string]string, error) {
	m := make(map[string]string, len(q))
	for k, vs := range q {
		if len(vs) != 1 {
			return nil, fmt.Errorf("%w: %s parameter %q appears %d times", ErrMalformed, where, k, len(vs))
		}
		m[k] = vs[0]
	}
	return m, nil
}

// readForm returns the url-encoded form parameters of a request body, which Alibaba's RPC
// signature covers. Only a form body counts. The body is left readable: on the client the
// copy comes from GetBody, on the server the bytes read are put back, and a form already
// parsed by ParseForm is taken from r.PostForm.
func readForm(r *http.Request) (url.Values, error) {
	if r.PostForm != nil {
		return r.PostForm, nil
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
	default:
		return nil, nil
	}
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != formContentType {
		return nil, nil
	}
	src := r.Body
	if r.GetBody != nil {
		if src, err = r.GetBody(); err != nil {
			return nil, fmt.Errorf("%w: form body: %v", ErrMalformed, err)
		}
		defer src.Close()
	}
	b, err := io.ReadAll(io.LimitReader(src, maxFormBytes+1))
	if r.GetBody == nil {
		r.Body = readCloser{io.MultiReader(bytes.NewReader(b), r.Body), r.Body}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: reading form body: %v", ErrMalformed, err)
	}
	if len(b) > maxFormBytes {
		return nil, fmt.Errorf("%w: form body larger than %d bytes", ErrMalformed, maxFormBytes)
	}
	q, err := url.ParseQuery(string(b))
	if err != nil {
		return nil, fmt.Errorf("%w: form body: %v", ErrMalformed, err)
	}
	return q, nil
}

// readCloser puts read bytes back in front of a body while keeping its Close.
type readCloser struct {
	io.Reader
	io.Closer
}

// authParams splits the "k=v, k=v" list after an Authorization scheme into its fields,
// accepting only the names in want, each exactly once.
func authParams(s string, want ...string) (map[string]string, error) {
	m := make(map[string]string, len(want))
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("%w: Authorization field %q is not name=value", ErrMalformed, part)
		}
		known := false
		for _, w := range want {
			known = known || k == w
		}
		if !known {
			return nil, fmt.Errorf("%w: Authorization has unexpected field %q", ErrMalformed, k)
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("%w: Authorization repeats field %q", ErrMalformed, k)
		}
		if v == "" {
			return nil, fmt.Errorf("%w: Authorization field %q is empty", ErrMalformed, k)
		}
		m[k] = v
	}
	for _, w := range want {
		if _, ok := m[w]; !ok {
			return nil, fmt.Errorf("%w: Authorization lacks field %q", ErrMalformed, w)
		}
	}
	return m, nil
}

// signedHeaderList splits a SignedHeaders value; an empty name means the list is corrupt.
func signedHeaderList(s string) ([]string, error) {
	names := strings.Split(s, ";")
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			return nil, fmt.Errorf("%w: SignedHeaders %q has an empty name", ErrMalformed, s)
		}
	}
	return names, nil
}

// authorization returns the Authorization header, or ErrNoCredentials.
func authorization(r *http.Request) (string, error) {
	a := strings.TrimSpace(r.Header.Get("Authorization"))
	if a == "" {
		return "", fmt.Errorf("%w: no Authorization header", ErrNoCredentials)
	}
	return a, nil
}

// checkRequest refuses what no verifier can read, so that verifiers never dereference nil.
func checkRequest(r *http.Request) error {
	if r == nil || r.URL == nil {
		return fmt.Errorf("%w: request or its URL is nil", ErrMalformed)
	}
	return nil
}

// lookupSecret asks secretFor for a key's secret; a nil secretFor knows no keys.
func lookupSecret(secretFor func(string) (string, bool), id string) (string, error) {
	if secretFor != nil {
		if s, ok := secretFor(id); ok {
			return s, nil
		}
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownKey, id)
}

// checkSkew fails with ErrStale when t lies more than maxSkew from now, in either direction.
// signingTime reads the time a signature was made at from what (a header or a parameter, its
// value and whether it was sent) and checks it lies within maxSkew of now. Absent, the
// request is malformed; unreadable in the scheme's form or outside the window, it is stale,
// as the gateways answer.
func signingTime(what, value string, sent bool, parse func(string) (time.Time, error), form string, now time.Time, maxSkew time.Duration) (time.Time, error) {
	if !sent || value == "" {
		return time.Time{}, fmt.Errorf("%w: no %s", ErrMalformed, what)
	}
	t, err := parse(value)
	if errors.Is(err, ErrStale) {
		return time.Time{}, err // the parser says why itself
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %s %q is not in the form %s", ErrStale, what, value, form)
	}
	return t, checkSkew(what, t, now, maxSkew)
}

// layout is a parse function of signingTime for one time layout.
func layout(l string) func(string) (time.Time, error) {
	return func(s string) (time.Time, error) { return time.Parse(l, s) }
}

func checkSkew(what string, t, now time.Time, maxSkew time.Duration) error {
	d := now.Sub(t)
	if d < 0 {
		d = -d
	}
	if d > maxSkew {
		return fmt.Errorf("%w: %s %s is %v from the verifier's clock %s, more than %v",
			ErrStale, what, t.UTC().Format(time.RFC3339), d, now.UTC().Format(time.RFC3339), maxSkew)
	}
	return nil
}

// mismatch describes a failed comparison by what was signed, never by the signature the
// verifier expected.
func mismatch(scheme, method, canonicalURI string, signed []string, canonical string) error {
	return fmt.Errorf("%w: %s over %s, canonical URI %q, signed headers %q (canonical request sha256 %s)",
		ErrSignatureMismatch, scheme, method, canonicalURI, strings.Join(signed, ";"), hexSHA256([]byte(canonical)))
}

// hmacAuthorization is a parsed "<ALGORITHM> <KeyField>=...,SignedHeaders=...,Signature=<hex>"
// header, the shape Huawei's SDK-HMAC-SHA256 and Alibaba's ACS3-HMAC-SHA256 share.
type hmacAuthorization struct {
	key           string
	signedHeaders []string
	signature     []byte
}

// parseHMACAuthorization accepts the fields with or without spaces after the commas: the SDKs
// differ (Huawei writes them, Alibaba's SDK does not, its documentation does).
func parseHMACAuthorization(s, algorithm, keyField string) (hmacAuthorization, error) {
	scheme, rest, _ := strings.Cut(s, " ")
	if scheme != algorithm {
		return hmacAuthorization{}, fmt.Errorf("%w: Authorization scheme %q is not %s", ErrMalformed, scheme, algorithm)
	}
	p, err := authParams(rest, keyField, "SignedHeaders", "Signature")
	if err != nil {
		return hmacAuthorization{}, err
	}
	signed, err := signedHeaderList(p["SignedHeaders"])
	if err != nil {
		return hmacAuthorization{}, err
	}
	sig, err := hex.DecodeString(p["Signature"])
	if err != nil || len(sig) != 32 {
		return hmacAuthorization{}, fmt.Errorf("%w: Signature is not 64 hex digits", ErrMalformed)
	}
	return hmacAuthorization{key: p[keyField], signedHeaders: signed, signature: sig}, nil
}

// hmacCredentials reads an HMAC Authorization header and finds the secret of its key: the
// steps both HMAC verifiers take before they rebuild what was signed.
func hmacCredentials(r *http.Request, algorithm, keyField string, secretFor func(string) (string, bool)) (hmacAuthorization, string, error) {
	if err := checkRequest(r); err != nil {
		return hmacAuthorization{}, "", err
	}
	auth, err := authorization(r)
	if err != nil {
		return hmacAuthorization{}, "", err
	}
	a, err := parseHMACAuthorization(auth, algorithm, keyField)
	if err != nil {
		return hmacAuthorization{}, "", err
	}
	secret, err := lookupSecret(secretFor, a.key)
	return a, secret, err
}
