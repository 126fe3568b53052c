package signing

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Names of ZStack's authentication headers and schemes.
const (
	zstackSessionScheme   = "OAuth"
	zstackAccessKeyScheme = "ZStack"
	zstackSessionHeader   = "X-Session-Id"
	// zstackContextPath is the servlet context path of ZStack's REST API. The management
	// node signs the request path without it, and so does ZStack's Go client.
	zstackContextPath = "/zstack"
)

// ZStackPasswordHash returns the lower-case hex SHA-512 of password: the login API
// (PUT /zstack/v1/accounts/login) takes the hash, never the password itself.
func ZStackPasswordHash(password string) string {
	sum := sha512.Sum512([]byte(password))
	return hex.EncodeToString(sum[:])
}

// ZStackSessionHeaders sets the session headers ZStack's Go client sends on every call:
// Authorization "OAuth <session>" and X-Session-Id "<session>".
func ZStackSessionHeaders(h http.Header, session string) {
	h.Set("Authorization", zstackSessionScheme+" "+session)
	h.Set(zstackSessionHeader, session)
}

// ZStackSession returns the session UUID of an "Authorization: OAuth <session>" header,
// read as the management node reads it (trimmed, scheme removed), so that a server can
// look the session up.
func ZStackSession(r *http.Request) (string, error) {
	if r == nil {
		return "", fmt.Errorf("%w: request is nil", ErrMalformed)
	}
	auth, err := authorization(r)
	if err != nil {
		return "", err
	}
	rest, ok := strings.CutPrefix(auth, zstackSessionScheme)
	if !ok {
		return "", fmt.Errorf("%w: Authorization scheme is not %s", ErrMalformed, zstackSessionScheme)
	}
	session := strings.TrimSpace(rest)
	if session == "" || strings.ContainsAny(session, " \t") {
		return "", fmt.Errorf("%w: Authorization %s carries no single session token", ErrMalformed, zstackSessionScheme)
	}
	return session, nil
}

// ZStackAccessKey signs requests with a ZStack access key, the management node's
// alternative to sessions.
type ZStackAccessKey struct {
	KeyID, Secret string
	// Now is the clock for the Date header; nil means time.Now.
	Now func() time.Time
}

// Sign sets Date (HTTP date, GMT) and Authorization
// "ZStack <keyId>:<base64 HMAC-SHA1(secret, METHOD\nDate\nURI)>", where URI is the request
// path without the /zstack context path and without the query. Neither query nor body is
// signed: that is ZStack's scheme, not an omission here.
func (z ZStackAccessKey) Sign(r *http.Request) error {
	if z.KeyID == "" || z.Secret == "" {
		return errors.New("signing: ZStack access key ID or secret is empty")
	}
	if r == nil || r.URL == nil {
		return errors.New("signing: ZStack: request or its URL is nil")
	}
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	date := clock(z.Now).UTC().Format(http.TimeFormat)
	r.Header.Set("Date", date)
	sig := hmacSHA1(z.Secret, zstackStringToSign(method(r), date, r.URL.Path))
	r.Header.Set("Authorization", zstackAccessKeyScheme+" "+z.KeyID+":"+base64.StdEncoding.EncodeToString(sig))
	return nil
}

// VerifyZStackAccessKey checks a "ZStack <keyId>:<signature>" Authorization as the
// management node does. The Date header must lie within maxSkew of now; secretFor maps a
// key ID to its secret.
func VerifyZStackAccessKey(r *http.Request, secretFor func(id string) (string, bool), now time.Time, maxSkew time.Duration) error {
	if err := checkRequest(r); err != nil {
		return err
	}
	auth, err := authorization(r)
	if err != nil {
		return err
	}
	rest, ok := strings.CutPrefix(auth, zstackAccessKeyScheme+" ")
	if !ok {
		return fmt.Errorf("%w: Authorization scheme is not %s", ErrMalformed, zstackAccessKeyScheme)
	}
	parts := strings.Split(strings.TrimSpace(rest), ":")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return fmt.Errorf("%w: Authorization is not %q", ErrMalformed, "ZStack <keyId>:<signature>")
	}
	sig, err := base64.StdEncoding.DecodeString(parts[1])
	if err != nil || len(sig) != 20 {
		return fmt.Errorf("%w: signature is not a base64 HMAC-SHA1", ErrMalformed)
	}
	secret, err := lookupSecret(secretFor, parts[0])
	if err != nil {
		return err
	}
	date := r.Header.Get("Date")
	if _, err := signingTime("Date", date, true, parseZStackDate, "RFC 1123", now, maxSkew); err != nil {
		return err
	}
	sts := zstackStringToSign(method(r), date, r.URL.Path)
	if !hmac.Equal(hmacSHA1(secret, sts), sig) {
		return fmt.Errorf("%w: %s over %s, URI %q, Date %q", ErrSignatureMismatch,
			zstackAccessKeyScheme, method(r), zstackURI(r.URL.Path), date)
	}
	return nil
}

func zstackStringToSign(method, date, path string) string {
	return method + "\n" + date + "\n" + zstackURI(path)
}

// zstackURI strips the /zstack context path, as the management node does before it
// checks a signature.
func zstackURI(path string) string {
	if path == zstackContextPath || strings.HasPrefix(path, zstackContextPath+"/") {
		return path[len(zstackContextPath):]
	}
	return path
}

// parseZStackDate reads "Mon, 02 Jan 2006 15:04:05 MST" (the management node's format) or
// the same with a numeric zone. Go resolves a zone abbreviation other than GMT or UTC only
// when the local zone uses it, and would otherwise read it as UTC; rather than guess, such a
// date is refused.
func parseZStackDate(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC1123Z, s)
	if err == nil {
		return t, nil
	}
	t, err = time.Parse(time.RFC1123, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: Date %q is not %q", ErrStale, s, time.RFC1123)
	}
	if name, offset := t.Zone(); offset == 0 && name != "GMT" && name != "UTC" {
		return time.Time{}, fmt.Errorf("%w: Date %q: zone %q has no known offset; send GMT", ErrStale, s, name)
	}
	return t, nil
}
