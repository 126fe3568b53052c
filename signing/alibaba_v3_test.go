package signing

import (
	"bytes"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestAlibabaV3SignMatchesCapturedSDKRequests gives Sign the headers darabonba-openapi
// set before signing, with its x-acs-date and nonce, and expects the Authorization and
// x-acs-content-sha256 it sent.
func TestAlibabaV3SignMatchesCapturedSDKRequests(t *testing.T) {
	for _, c := range aliV3Captured() {
		t.Run(c.name, func(t *testing.T) {
			sent := c.req.request(t)
			r := httptest.NewRequest(c.req.method, "http://"+c.req.host+c.req.target, strings.NewReader(c.req.body))
			for _, k := range []string{"Accept", "User-Agent", "Content-Type", "X-Acs-Action", "X-Acs-Version", "X-Acs-Credentials-Provider"} {
				if v := sent.Header.Get(k); v != "" {
					r.Header.Set(k, v)
				}
			}
			s := AlibabaV3{AccessKeyID: aliID, Secret: aliKey,
				Now:   fixedClock(mustTime(t, time.RFC3339, sent.Header.Get("X-Acs-Date"))),
				Nonce: fixedNonce(sent.Header.Get("X-Acs-Signature-Nonce"))}
			if err := s.Sign(r, []byte(c.req.body)); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"Authorization", "X-Acs-Content-Sha256", "X-Acs-Date", "X-Acs-Signature-Nonce"} {
				if got, want := r.Header.Get(k), sent.Header.Get(k); got != want {
					t.Errorf("%s\n got %s\nwant %s", k, got, want)
				}
			}
		})
	}
}

// TestVerifyAlibabaV3CapturedSDKRequests verifies requests shaped exactly as
// darabonba-openapi sent them (POST /?Tid=3000, Action and Version only as x-acs-*
// headers), and the verdicts on each after one change.
func TestVerifyAlibabaV3CapturedSDKRequests(t *testing.T) {
	spaced := func(r *http.Request, b []byte) []byte {
		r.Header.Set("Authorization", strings.ReplaceAll(r.Header.Get("Authorization"), ",", ", "))
		return b
	}
	mutations := []mutation{
		{name: "as the SDK sent it", change: keep},
		{name: "Authorization with spaces after the commas", change: spaced},
		{name: "User-Agent and Accept changed: not signed", change: func(r *http.Request, b []byte) []byte {
			r.Header.Set("User-Agent", "other")
			r.Header.Set("Accept", "text/xml")
			return b
		}},
		{name: "x-acs-date 14 minutes old", change: keep, at: 14 * time.Minute},
		{name: "one body byte changed, or one added to an empty body", change: flipBodyByte, want: ErrSignatureMismatch},
		{name: "body and its hash changed", change: func(r *http.Request, b []byte) []byte {
			b = append(append([]byte(nil), b...), ' ')
			r.Header.Set("X-Acs-Content-Sha256", hexSHA256(b))
			return b
		}, want: ErrSignatureMismatch},
		{name: "query value changed", change: func(r *http.Request, b []byte) []byte {
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "Tid=3000", "Tid=3001", 1)
			return b
		}, want: ErrSignatureMismatch},
		{name: "query parameter added", change: func(r *http.Request, b []byte) []byte { r.URL.RawQuery += "&Action=GetUserActiveTenant"; return b }, want: ErrSignatureMismatch},
		{name: "x-acs-action changed", change: setHeader("X-Acs-Action", "ListUsers"), want: ErrSignatureMismatch},
		{name: "x-acs-signature-nonce changed", change: setHeader("X-Acs-Signature-Nonce", "replayed"), want: ErrSignatureMismatch},
		{name: "host changed", change: func(r *http.Request, b []byte) []byte { r.Host = "dms-enterprise.cn-hangzhou.aliyuncs.com"; return b }, want: ErrSignatureMismatch},
		{name: "signed header removed", change: delHeader("X-Acs-Credentials-Provider"), want: ErrSignatureMismatch},
		{name: "path changed", change: func(r *http.Request, b []byte) []byte { r.URL.Path = "/x"; return b }, want: ErrSignatureMismatch},
		{name: "secret differs", change: keep, secrets: otherSecret, want: ErrSignatureMismatch},
		{name: "x-acs-date 16 minutes old", change: keep, at: 16 * time.Minute, want: ErrStale},
		{name: "x-acs-date unparseable", change: setHeader("X-Acs-Date", "20260102T030405Z"), want: ErrStale},
		{name: "x-acs-date missing", change: delHeader("X-Acs-Date"), want: ErrMalformed},
		{name: "x-acs-content-sha256 missing", change: delHeader("X-Acs-Content-Sha256"), want: ErrMalformed},
		{name: "query repeats a name", change: func(r *http.Request, b []byte) []byte { r.URL.RawQuery += "&Tid=3000"; return b }, want: ErrMalformed},
		{name: "unknown access key", change: keep, secrets: func(string) (string, bool) { return "", false }, want: ErrUnknownKey},
		{name: "no Authorization", change: delHeader("Authorization"), want: ErrNoCredentials},
	}
	for _, bad := range []string{
		"garbage",
		"ACS3-HMAC-SHA256",
		"ACS3-HMAC-SHA256 Credential=testAccessKeyId",
		"ACS3-HMAC-SHA256 Credential=testAccessKeyId,SignedHeaders=host,Signature=zz",
		"ACS3-HMAC-SHA256 Credential=testAccessKeyId,SignedHeaders=host;,Signature=" + strings.Repeat("0", 64),
		"ACS3-HMAC-SM3 Credential=testAccessKeyId,SignedHeaders=host,Signature=" + strings.Repeat("0", 64),
		"acs testAccessKeyId:c2lnbmF0dXJl",
	} {
		mutations = append(mutations, mutation{name: "Authorization " + bad, change: setHeader("Authorization", bad), want: ErrMalformed})
	}
	for _, c := range aliV3Captured() {
		for _, m := range mutations {
			t.Run(c.name+"/"+m.name, func(t *testing.T) {
				r := c.req.request(t)
				body := m.change(r, []byte(c.req.body))
				secrets := aliSecrets
				if m.secrets != nil {
					secrets = m.secrets
				}
				now := mustTime(t, time.RFC3339, aliV3CapturedTime).Add(m.at)
				err := VerifyAlibabaV3(r, body, secrets, now, maxSkew)
				checkVerdict(t, err, m.want, aliKey, expectedAliV3(r))
			})
		}
	}
}

// expectedAliV3 is the signature the verifier computes for r, to prove that no error
// message reveals it.
func expectedAliV3(r *http.Request) string {
	a, err := parseHMACAuthorization(r.Header.Get("Authorization"), acs3Algorithm, "Credential")
	if err != nil {
		return ""
	}
	sig, _, err := acs3Signature(r, a.signedHeaders, r.Header.Get(acs3ContentSHA256), aliKey)
	if err != nil {
		return ""
	}
	return hex.EncodeToString(sig)
}

// TestAlibabaV3SDKUnitVector pins darabonba-openapi's own Test_GetAuthorization
// (v2.1.13, utils/client_test.go): method and path empty, a query with an empty value, and
// one header sent under two spellings, whose values join sorted as "http,https".
func TestAlibabaV3SDKUnitVector(t *testing.T) {
	r := httptest.NewRequest("GET", "http://example/?test=ok&empty=", nil)
	r.URL.Path, r.URL.RawPath = "", ""
	r.Header = http.Header{"x-acs-test": {"http"}, "x-acs-TEST": {"https"}}
	const payload = "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23"
	signed := []string{"x-acs-test"}
	c, err := acs3CanonicalRequest("", r, signed, payload)
	if err != nil {
		t.Fatal(err)
	}
	got := hex.EncodeToString(hmacSHA256("secret", acs3StringToSign(c.text)))
	if want := "4ab59fffe3c5738ff8a2729f90cc04fe18b02a4b15b2102cbaf92f9ff3df2ea3"; got != want {
		t.Fatalf("signature %s, want %s (canonical request %q)", got, want, c.text)
	}
}

// TestAlibabaV3Canonicalisation covers the SDK's escaping quirks: the query value is
// QueryEscaped then patched (+ to %20, * to %2A, %7E to ~), names are not escaped, and
// the path is the escaped path as sent.
func TestAlibabaV3Canonicalisation(t *testing.T) {
	if got, want := acs3CanonicalQuery(map[string]string{"b": "a b*c~d/é+&=", "a": "", "Tid": "3000"}),
		"Tid=3000&a=&b=a%20b%2Ac~d%2F%C3%A9%2B%26%3D"; got != want {
		t.Errorf("query\n got %s\nwant %s", got, want)
	}
	for in, want := range map[string]string{"": "/", "/": "/", "/a%20b/c*d": "/a%20b/c%2Ad", "/x+y": "/x%20y"} {
		if got := acs3CanonicalURI(in); got != want {
			t.Errorf("acs3CanonicalURI(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAlibabaV3SignHeaders: a caller's x-acs-date and nonce win, as in the SDK;
// x-acs-content-sha256 always follows the body; host, content-type and x-acs-* are signed.
func TestAlibabaV3SignHeaders(t *testing.T) {
	r := httptest.NewRequest("POST", "http://dms-enterprise.aliyuncs.com/", nil)
	r.Header.Set("X-Acs-Date", "2026-01-02T03:04:05Z")
	r.Header.Set("X-Acs-Signature-Nonce", "mine")
	r.Header.Set("X-Acs-Content-Sha256", "stale")
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "conformance")
	body := []byte(`{}`)
	s := AlibabaV3{AccessKeyID: aliID, Secret: aliKey, Now: fixedClock(time.Unix(0, 0)), Nonce: fixedNonce("theirs")}
	if err := s.Sign(r, body); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"X-Acs-Date": "2026-01-02T03:04:05Z", "X-Acs-Signature-Nonce": "mine", "X-Acs-Content-Sha256": hexSHA256(body),
	} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(r.Header.Get("Authorization"), ",SignedHeaders=content-type;host;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce,") {
		t.Errorf("Authorization %q does not sign content-type;host;x-acs-*", r.Header.Get("Authorization"))
	}
}

// TestAlibabaV3RoundTripOverHTTP signs on a client and verifies on a server.
func TestAlibabaV3RoundTripOverHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := VerifyAlibabaV3(r, body, aliSecrets, time.Now(), maxSkew); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
		}
	}))
	defer srv.Close()
	for _, tc := range []struct{ method, target, body, contentType string }{
		{"POST", "/?Tid=3000", "", ""},
		{"POST", "/?Odd=a+b%2Ac~d%2F%C3%A9%2B%26%3D&Empty=&Tid=1", `{"Name":"x y"}`, "application/json; charset=utf-8"},
		{"GET", "/a%20b/c*d/?x=1", "", ""},
	} {
		body := []byte(tc.body)
		r, err := http.NewRequest(tc.method, srv.URL+tc.target, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("x-acs-action", "GetUserActiveTenant")
		r.Header.Set("x-acs-version", "2018-11-01")
		if tc.contentType != "" {
			r.Header.Set("Content-Type", tc.contentType)
		}
		if err := (AlibabaV3{AccessKeyID: aliID, Secret: aliKey}).Sign(r, body); err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s %s: %d %s", tc.method, tc.target, resp.StatusCode, msg)
		}
	}
}
