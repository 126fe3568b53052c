package signing

import (
	"crypto/hmac"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// Names and formats of Alibaba Cloud's signature V3.
const (
	acs3Algorithm     = "ACS3-HMAC-SHA256"
	acs3DateHeader    = "X-Acs-Date"
	acs3NonceHeader   = "X-Acs-Signature-Nonce"
	acs3ContentSHA256 = "X-Acs-Content-Sha256"
	acs3HeaderPrefix  = "x-acs-"
)

// AlibabaV3 signs requests with Alibaba Cloud's signature V3 (ACS3-HMAC-SHA256), the way
// the generic Go client github.com/alibabacloud-go/darabonba-openapi/v2 does by default.
type AlibabaV3 struct {
	AccessKeyID, Secret string
	// Now is the clock for x-acs-date; nil means time.Now.
	Now func() time.Time
	// Nonce returns x-acs-signature-nonce; nil means 32 random hex digits.
	Nonce func() string
}

// Sign sets x-acs-date and x-acs-signature-nonce (a value the caller already set wins, as
// in the SDK), x-acs-content-sha256 (hex SHA-256 of body) and Authorization
// "ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<list>,Signature=<hex>". Like the SDK it
// signs host, content-type when present, and every x-acs-* header, so the caller sets
// x-acs-action and x-acs-version (RPC operations carry them instead of Action/Version
// query parameters) before signing. body must be the bytes that will be sent.
func (a AlibabaV3) Sign(r *http.Request, body []byte) error {
	if a.AccessKeyID == "" || a.Secret == "" {
		return errors.New("signing: Alibaba access key ID or secret is empty")
	}
	if r == nil || r.URL == nil {
		return errors.New("signing: Alibaba V3: request or its URL is nil")
	}
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	if len(headerValues(r, acs3DateHeader)) == 0 {
		r.Header.Set(acs3DateHeader, clock(a.Now).UTC().Format(AlibabaTimeLayout))
	}
	if len(headerValues(r, acs3NonceHeader)) == 0 {
		n, err := nonce(a.Nonce)
		if err != nil {
			return err
		}
		r.Header.Set(acs3NonceHeader, n)
	}
	payload := hexSHA256(body)
	r.Header.Set(acs3ContentSHA256, payload)
	r.Header.Del("Authorization")

	signed := acs3SignedHeaders(r.Header)
	c, err := acs3CanonicalRequest(method(r), r, signed, payload)
	if err != nil {
		return err
	}
	sig := hmacSHA256(a.Secret, acs3StringToSign(c.text))
	r.Header.Set("Authorization", acs3Algorithm+" Credential="+a.AccessKeyID+
		",SignedHeaders="+strings.Join(signed, ";")+",Signature="+hex.EncodeToString(sig))
	return nil
}

// VerifyAlibabaV3 checks an ACS3-HMAC-SHA256 signature, rebuilding the canonical request
// from the SignedHeaders the request names. x-acs-content-sha256 must be the hash of body,
// and x-acs-date must lie within maxSkew of now. secretFor maps an access key ID to its
// secret.
func VerifyAlibabaV3(r *http.Request, body []byte, secretFor func(id string) (string, bool), now time.Time, maxSkew time.Duration) error {
	a, secret, err := hmacCredentials(r, acs3Algorithm, "Credential", secretFor)
	if err != nil {
		return err
	}
	date := r.Header.Get(acs3DateHeader)
	if _, err := signingTime("x-acs-date", date, true, layout(time.RFC3339), "ISO 8601 "+AlibabaTimeLayout, now, maxSkew); err != nil {
		return err
	}
	payload := r.Header.Get(acs3ContentSHA256)
	if payload == "" {
		return fmt.Errorf("%w: no x-acs-content-sha256 header", ErrMalformed)
	}
	if !strings.EqualFold(payload, hexSHA256(body)) {
		return fmt.Errorf("%w: x-acs-content-sha256 does not match the body", ErrSignatureMismatch)
	}
	want, c, err := acs3Signature(r, a.signedHeaders, payload, secret)
	if err != nil {
		return err
	}
	if !hmac.Equal(want, a.signature) {
		return mismatch(acs3Algorithm, method(r), c.uri, a.signedHeaders, c.text)
	}
	return nil
}

// acs3SignedHeaders is the header set the SDK signs: host (always: the SDK keeps it among
// its headers), content-type when present, and every x-acs-* header, lower-cased and sorted.
func acs3SignedHeaders(h http.Header) []string {
	set := map[string]bool{"host": true}
	for k := range h {
		n := strings.ToLower(k)
		if n == "content-type" || strings.HasPrefix(n, acs3HeaderPrefix) {
			set[n] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// acs3Canonical is a canonical request and the URI a verifier reports.
type acs3Canonical struct {
	text, uri string
}

// acs3CanonicalRequest builds method, URI, query, "name:values" lines, the signed-header
// list and the payload hash, joined by newlines.
func acs3CanonicalRequest(method string, r *http.Request, signed []string, payload string) (acs3Canonical, error) {
	q, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		return acs3Canonical{}, err
	}
	params, err := singleValues(q, "query")
	if err != nil {
		return acs3Canonical{}, err
	}
	var headers strings.Builder
	for _, name := range signed {
		vs := headerValues(r, name)
		if len(vs) == 0 {
			return acs3Canonical{}, missingSignedHeader(name)
		}
		trimmed := make([]string, len(vs))
		for i, v := range vs {
			trimmed[i] = strings.TrimSpace(v)
		}
		sort.Strings(trimmed)
		headers.WriteString(name + ":" + strings.Join(trimmed, ",") + "\n")
	}
	uri := acs3CanonicalURI(r.URL.EscapedPath())
	text := method + "\n" + uri + "\n" + acs3CanonicalQuery(params) + "\n" +
		headers.String() + "\n" + strings.Join(signed, ";") + "\n" + payload
	return acs3Canonical{text: text, uri: uri}, nil
}

// acs3Signature is the HMAC a request must carry, with the canonical request it covers.
func acs3Signature(r *http.Request, signed []string, payload, secret string) ([]byte, acs3Canonical, error) {
	c, err := acs3CanonicalRequest(method(r), r, signed, payload)
	if err != nil {
		return nil, c, err
	}
	return hmacSHA256(secret, acs3StringToSign(c.text)), c, nil
}

func acs3StringToSign(canonical string) string {
	return acs3Algorithm + "\n" + hexSHA256([]byte(canonical))
}

// acs3Patch applies the SDK's fix-ups after url.QueryEscape, which turn it into RFC 3986
// escaping.
func acs3Patch(s string) string {
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(s)
}

// acs3CanonicalURI is the path as sent (escaped), "/" when empty, with the SDK's fix-ups.
func acs3CanonicalURI(escapedPath string) string {
	if escapedPath == "" {
		escapedPath = "/"
	}
	return acs3Patch(escapedPath)
}

// acs3CanonicalQuery sorts by name and writes "name=escaped value". As in the SDK the names
// are not escaped, only patched along with the values, and every leading "&" is trimmed.
func acs3CanonicalQuery(params map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(params)) {
		b.WriteString("&" + k + "=")
		if v := params[k]; v != "" {
			b.WriteString(url.QueryEscape(v))
		}
	}
	return strings.TrimLeft(acs3Patch(b.String()), "&")
}
