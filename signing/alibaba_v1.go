package signing

import (
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Names and values of Alibaba Cloud's RPC signature V1.
const (
	// AlibabaTimeLayout is the form of the V1 Timestamp parameter and of V3's x-acs-date.
	AlibabaTimeLayout     = "2006-01-02T15:04:05Z"
	aliV1SignatureMethod  = "HMAC-SHA1"
	aliV1SignatureVersion = "1.0"
	aliV1Scheme           = "Alibaba RPC signature V1"
)

// AlibabaV1 signs RPC-style requests with Alibaba Cloud's signature V1 (HMAC-SHA1 over
// every parameter), the way the official SDK github.com/aliyun/alibaba-cloud-sdk-go does.
type AlibabaV1 struct {
	AccessKeyID, Secret string
	// Now is the clock for Timestamp; nil means time.Now.
	Now func() time.Time
	// Nonce returns SignatureNonce; nil means 32 random hex digits.
	Nonce func() string
}

// Sign adds the common parameters to r's query, as the SDK does: Format=JSON (unless the
// caller set a Format), AccessKeyId, SignatureMethod, SignatureVersion, SignatureNonce,
// Timestamp, an empty SignatureType (the SDK sends and signs it), and then Signature. The
// caller sets Action, Version, RegionId and the operation's own parameters beforehand.
// Parameters of a url-encoded form body are signed too. The query is rewritten in
// url.Values order and encoding, which is what the SDK sends. Content-Type is set to the
// form type when absent, as the SDK always sends it.
func (a AlibabaV1) Sign(r *http.Request) error {
	if a.AccessKeyID == "" || a.Secret == "" {
		return errors.New("signing: Alibaba access key ID or secret is empty")
	}
	if r == nil || r.URL == nil {
		return errors.New("signing: Alibaba V1: request or its URL is nil")
	}
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	params, form, err := aliV1Params(r)
	if err != nil {
		return err
	}
	for _, k := range aliV1SignerParams() {
		if _, ok := form[k]; ok {
			return fmt.Errorf("signing: Alibaba V1: the form body sets %s, which Sign puts in the query", k)
		}
	}
	n, err := nonce(a.Nonce)
	if err != nil {
		return err
	}
	if _, ok := params["Format"]; !ok {
		params["Format"] = "JSON"
	}
	params["AccessKeyId"] = a.AccessKeyID
	params["SignatureMethod"] = aliV1SignatureMethod
	params["SignatureVersion"] = aliV1SignatureVersion
	params["SignatureNonce"] = n
	params["SignatureType"] = ""
	params["Timestamp"] = clock(a.Now).UTC().Format(AlibabaTimeLayout)
	delete(params, "Signature")

	signedParams, err := aliV1SignedParams(params, form)
	if err != nil {
		return err
	}
	sig := hmacSHA1(a.Secret+"&", aliV1StringToSign(method(r), signedParams))
	params["Signature"] = base64.StdEncoding.EncodeToString(sig)

	out := make(url.Values, len(params))
	for k, v := range params {
		out.Set(k, v)
	}
	r.URL.RawQuery = out.Encode()
	if r.Header.Get("Content-Type") == "" {
		r.Header.Set("Content-Type", formContentType)
	}
	return nil
}

// VerifyAlibabaV1 checks an RPC signature V1 as Alibaba's gateway does: every parameter
// received except the query's Signature is signed, empty ones included, and for a
// url-encoded form body the form parameters too (a form body is read and put back).
// secretFor maps an AccessKeyId to its secret; Timestamp must lie within maxSkew of now.
func VerifyAlibabaV1(r *http.Request, secretFor func(id string) (string, bool), now time.Time, maxSkew time.Duration) error {
	if err := checkRequest(r); err != nil {
		return err
	}
	params, form, err := aliV1Params(r)
	if err != nil {
		return err
	}
	sigText, hasSig := params["Signature"]
	delete(params, "Signature")
	all, err := aliV1SignedParams(params, form)
	if err != nil {
		return err
	}
	id := all["AccessKeyId"]
	switch {
	case !hasSig:
		return fmt.Errorf("%w: no Signature parameter in the query", ErrNoCredentials)
	case id == "":
		return fmt.Errorf("%w: Signature without AccessKeyId", ErrMalformed)
	}
	sig, err := base64.StdEncoding.DecodeString(sigText)
	if err != nil || len(sig) != 20 {
		return fmt.Errorf("%w: Signature is not a base64 HMAC-SHA1", ErrMalformed)
	}
	if m := all["SignatureMethod"]; m != aliV1SignatureMethod {
		return fmt.Errorf("%w: SignatureMethod %q is not %s", ErrMalformed, m, aliV1SignatureMethod)
	}
	if v := all["SignatureVersion"]; v != aliV1SignatureVersion {
		return fmt.Errorf("%w: SignatureVersion %q is not %s", ErrMalformed, v, aliV1SignatureVersion)
	}
	if st := all["SignatureType"]; st != "" {
		return fmt.Errorf("%w: SignatureType %q is not supported (only access-key signing)", ErrMalformed, st)
	}
	secret, err := lookupSecret(secretFor, id)
	if err != nil {
		return err
	}
	ts, ok := all["Timestamp"]
	if _, err := signingTime("Timestamp", ts, ok, layout(time.RFC3339), "ISO 8601 "+AlibabaTimeLayout, now, maxSkew); err != nil {
		return err
	}
	sts := aliV1StringToSign(method(r), all)
	if !hmac.Equal(hmacSHA1(secret+"&", sts), sig) {
		return fmt.Errorf("%w: %s over %s with parameters %s (string to sign sha256 %s)",
			ErrSignatureMismatch, aliV1Scheme, method(r), strings.Join(slices.Sorted(maps.Keys(all)), ","), hexSHA256([]byte(sts)))
	}
	return nil
}

// aliV1SignerParams are the parameters Sign writes into the query; a form body must not
// set them too.
func aliV1SignerParams() []string {
	return []string{"AccessKeyId", "Signature", "SignatureMethod", "SignatureNonce", "SignatureType", "SignatureVersion", "Timestamp"}
}

// aliV1SignedParams merges query and form parameters into the set the signature covers.
// A name in both is signed with its form value, as the SDK builds its map.
func aliV1SignedParams(query map[string]string, form url.Values) (map[string]string, error) {
	f, err := singleValues(form, "form")
	if err != nil {
		return nil, err
	}
	all := make(map[string]string, len(query)+len(f))
	for k, v := range query {
		all[k] = v
	}
	for k, v := range f {
		all[k] = v
	}
	return all, nil
}

// aliV1StringToSign is METHOD&%2F& followed by the escaped, sorted "name=value" list. The
// path is always "/" in V1.
func aliV1StringToSign(method string, params map[string]string) string {
	parts := make([]string, 0, len(params))
	for _, k := range slices.Sorted(maps.Keys(params)) {
		parts = append(parts, percentEncode(k)+"="+percentEncode(params[k]))
	}
	return method + "&%2F&" + percentEncode(strings.Join(parts, "&"))
}

// aliV1Params reads what V1 signs: the query's parameters (each once) and the form body's.
func aliV1Params(r *http.Request) (params map[string]string, form url.Values, err error) {
	q, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, nil, err
	}
	if params, err = singleValues(q, "query"); err != nil {
		return nil, nil, err
	}
	form, err = readForm(r)
	return params, form, err
}
