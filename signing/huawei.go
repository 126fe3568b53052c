package signing

import (
	"crypto/hmac"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// Names and formats of Huawei Cloud's SDK-HMAC-SHA256 scheme.
const (
	huaweiAlgorithm  = "SDK-HMAC-SHA256"
	huaweiDateHeader = "X-Sdk-Date"
	// HuaweiDateLayout is the form of X-Sdk-Date (and of the date in the string to sign).
	HuaweiDateLayout    = "20060102T150405Z"
	huaweiContentSHA256 = "X-Sdk-Content-Sha256"
	// huaweiUnsignedPayload replaces the body hash for bodies that are neither JSON nor
	// BSON: the SDK then signs this literal, and the body is not covered.
	huaweiUnsignedPayload = "UNSIGNED-PAYLOAD"
)

// Huawei signs requests with an access key pair as Huawei Cloud's API Gateway expects
// (SDK-HMAC-SHA256), the way the official Go SDK (huaweicloud-sdk-go-v3) does.
type Huawei struct {
	AccessKey, SecretKey string
	// Now is the clock for X-Sdk-Date; nil means time.Now.
	Now func() time.Time
}

// Sign sets X-Sdk-Date (unless the request already has a valid one, which the SDK keeps)
// and Authorization. Like the SDK it signs every header already in r.Header except
// Content-Type and names containing "_", so set User-Agent, X-Project-Id and the like
// before signing; host is signed only if r.Header has a Host key. A Content-Type that is
// neither JSON nor BSON makes it send and sign X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD
// instead of the body hash, as the SDK does. body must be the bytes that will be sent.
func (h Huawei) Sign(r *http.Request, body []byte) error {
	if h.AccessKey == "" || h.SecretKey == "" {
		return errors.New("signing: Huawei access key or secret key is empty")
	}
	if r == nil || r.URL == nil {
		return errors.New("signing: Huawei: request or its URL is nil")
	}
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	t, err := time.Parse(HuaweiDateLayout, r.Header.Get(huaweiDateHeader))
	if err != nil {
		t = clock(h.Now)
	}
	date := t.UTC().Format(HuaweiDateLayout)
	r.Header.Set(huaweiDateHeader, date)
	if ct := headerValues(r, "Content-Type"); len(ct) > 0 &&
		!strings.Contains(ct[0], "application/json") && !strings.Contains(ct[0], "application/bson") {
		r.Header.Set(huaweiContentSHA256, huaweiUnsignedPayload)
	}
	r.Header.Del("Authorization")

	signed := huaweiSignedHeaders(r.Header)
	c, err := huaweiCanonicalRequest(r, body, signed)
	if err != nil {
		return err
	}
	sig := hmacSHA256(h.SecretKey, huaweiStringToSign(date, c.text))
	r.Header.Set("Authorization", fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%s",
		huaweiAlgorithm, h.AccessKey, strings.Join(signed, ";"), hex.EncodeToString(sig)))
	return nil
}

// VerifyHuawei checks an SDK-HMAC-SHA256 signature as the API Gateway does, rebuilding the
// canonical request from the SignedHeaders the request names. secretFor maps an access key
// to its secret key; X-Sdk-Date must lie within maxSkew of now. body is the request body as
// received.
func VerifyHuawei(r *http.Request, body []byte, secretFor func(accessKey string) (string, bool), now time.Time, maxSkew time.Duration) error {
	a, secret, err := hmacCredentials(r, huaweiAlgorithm, "Access", secretFor)
	if err != nil {
		return err
	}
	date := r.Header.Get(huaweiDateHeader)
	t, err := signingTime(huaweiDateHeader, date, true, layout(HuaweiDateLayout), HuaweiDateLayout, now, maxSkew)
	if err != nil {
		return err
	}
	want, c, err := huaweiSignature(r, body, a.signedHeaders, t.UTC().Format(HuaweiDateLayout), secret)
	if err != nil {
		return err
	}
	if c.payloadHash != huaweiUnsignedPayload && !strings.EqualFold(c.payloadHash, hexSHA256(body)) {
		return fmt.Errorf("%w: %s does not match the body", ErrSignatureMismatch, huaweiContentSHA256)
	}
	if !hmac.Equal(want, a.signature) {
		return mismatch(huaweiAlgorithm, method(r), c.uri, a.signedHeaders, c.text)
	}
	return nil
}

// huaweiSignedHeaders is the header set the SDK signs: every header it holds, lower-cased
// and sorted, except Content-Type (and any name starting so) and names containing "_".
// Authorization is left out because it is the output.
func huaweiSignedHeaders(h http.Header) []string {
	seen := make(map[string]bool, len(h))
	var names []string
	for k := range h {
		n := strings.ToLower(k)
		if strings.HasPrefix(n, "content-type") || strings.Contains(n, "_") || n == "authorization" || seen[n] {
			continue
		}
		seen[n] = true
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// huaweiCanonical is a canonical request and the parts a verifier reports or checks.
type huaweiCanonical struct {
	text, uri, payloadHash string
}

// huaweiCanonicalRequest builds the canonical request: method, URI path with a trailing
// slash, sorted query, signed headers, their names, and the payload hash.
func huaweiCanonicalRequest(r *http.Request, body []byte, signed []string) (huaweiCanonical, error) {
	q, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		return huaweiCanonical{}, err
	}
	headers, err := huaweiCanonicalHeaders(r, signed)
	if err != nil {
		return huaweiCanonical{}, err
	}
	payload := hexSHA256(body)
	if v := headerValues(r, huaweiContentSHA256); len(v) > 0 {
		payload = v[0]
	}
	uri := huaweiCanonicalURI(r.URL.Path)
	text := strings.Join([]string{
		method(r), uri, huaweiCanonicalQuery(q), headers, strings.Join(signed, ";"), payload,
	}, "\n")
	return huaweiCanonical{text: text, uri: uri, payloadHash: payload}, nil
}

// huaweiSignature is the HMAC a request must carry, with the canonical request it covers.
func huaweiSignature(r *http.Request, body []byte, signed []string, date, secret string) ([]byte, huaweiCanonical, error) {
	c, err := huaweiCanonicalRequest(r, body, signed)
	if err != nil {
		return nil, c, err
	}
	return hmacSHA256(secret, huaweiStringToSign(date, c.text)), c, nil
}

func huaweiStringToSign(date, canonical string) string {
	return huaweiAlgorithm + "\n" + date + "\n" + hexSHA256([]byte(canonical))
}

// huaweiCanonicalURI escapes each segment of the decoded path and ends it with "/", adding
// none when it already ends so: "/v1/x" and "/v1/x/" sign alike.
func huaweiCanonicalURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = percentEncode(s)
	}
	uri := strings.Join(segs, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return uri
}

// huaweiCanonicalQuery sorts by name, then the values of a repeated name among themselves,
// and escapes both; an empty value still yields "name=".
func huaweiCanonicalQuery(q map[string][]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(q)) {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, percentEncode(k)+"="+percentEncode(v))
		}
	}
	return strings.Join(parts, "&")
}

// huaweiCanonicalHeaders writes "name:value\n" per value of each signed header, values
// trimmed and sorted; with no values at all the SDK still writes one "\n".
func huaweiCanonicalHeaders(r *http.Request, signed []string) (string, error) {
	if len(signed) == 0 {
		return "\n", nil
	}
	var b strings.Builder
	for _, name := range signed {
		vs := headerValues(r, name)
		if len(vs) == 0 {
			return "", missingSignedHeader(name)
		}
		vs = append([]string(nil), vs...)
		sort.Strings(vs)
		for _, v := range vs {
			b.WriteString(name + ":" + strings.TrimSpace(v) + "\n")
		}
	}
	return b.String(), nil
}
