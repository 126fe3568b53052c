package signing

import (
	"bytes"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestHuaweiSignMatchesSDKSigner signs the requests of huaweiSignerVectors and expects
// the SDK's Authorization byte for byte; each signed request must then verify.
func TestHuaweiSignMatchesSDKSigner(t *testing.T) {
	for _, v := range huaweiSignerVectors() {
		t.Run(v.name, func(t *testing.T) {
			r := httptest.NewRequest(v.method, v.url, strings.NewReader(v.body))
			for k, val := range v.header {
				r.Header.Set(k, val)
			}
			s := Huawei{AccessKey: huaweiAK, SecretKey: huaweiSK, Now: func() time.Time {
				t.Error("Sign read the clock although X-Sdk-Date was set")
				return time.Time{}
			}}
			if err := s.Sign(r, []byte(v.body)); err != nil {
				t.Fatal(err)
			}
			if got := r.Header.Get("Authorization"); got != v.authorization {
				t.Fatalf("Authorization\n got %s\nwant %s", got, v.authorization)
			}
			now := mustTime(t, HuaweiDateLayout, "20060102T150405Z")
			checkVerdict(t, VerifyHuawei(r, []byte(v.body), huaweiSecrets, now, maxSkew), nil)
		})
	}
}

// TestHuaweiSignMatchesCapturedSDKRequests gives Sign the headers the SDK's client set
// and expects the Authorization the client sent.
func TestHuaweiSignMatchesCapturedSDKRequests(t *testing.T) {
	for _, c := range huaweiCaptured() {
		t.Run(c.name, func(t *testing.T) {
			r := c.req.request(t)
			want := r.Header.Get("Authorization")
			r.Header.Del("Authorization")
			if err := (Huawei{AccessKey: huaweiAK, SecretKey: huaweiSK}).Sign(r, []byte(c.req.body)); err != nil {
				t.Fatal(err)
			}
			if got := r.Header.Get("Authorization"); got != want {
				t.Fatalf("Authorization\n got %s\nwant %s", got, want)
			}
		})
	}
}

// TestVerifyHuaweiCapturedSDKRequests verifies requests shaped exactly as the SDK sent
// them (SignedHeaders=user-agent;x-project-id;x-sdk-date, Content-Type not signed), and
// the verdicts on each after one change.
func TestVerifyHuaweiCapturedSDKRequests(t *testing.T) {
	mutations := []mutation{
		{name: "as the SDK sent it", change: keep},
		{name: "Content-Type changed: not signed", change: setHeader("Content-Type", "text/plain")},
		{name: "unsigned header added", change: setHeader("X-Request-Id", "abc")},
		{name: "trailing slash added: same canonical URI", change: func(r *http.Request, b []byte) []byte { r.URL.Path += "/"; return b }},
		{name: "signed header value padded: values are trimmed", change: setHeader("X-Project-Id", "  0123456789abcdef0123456789abcdef\t")},
		{name: "clock 14 minutes ahead", change: keep, at: 14 * time.Minute},
		{name: "one body byte changed", change: flipBodyByte, want: ErrSignatureMismatch},
		{name: "body dropped", change: func(*http.Request, []byte) []byte { return nil }, want: ErrSignatureMismatch},
		{name: "query parameter added", change: setRawQuery("limit=1"), want: ErrSignatureMismatch},
		{name: "signed header X-Project-Id changed", change: setHeader("X-Project-Id", "fedcba9876543210fedcba9876543210"), want: ErrSignatureMismatch},
		{name: "signed header User-Agent removed", change: delHeader("User-Agent"), want: ErrSignatureMismatch},
		{name: "method changed", change: func(r *http.Request, b []byte) []byte { r.Method = "PATCH"; return b }, want: ErrSignatureMismatch},
		{name: "path changed", change: func(r *http.Request, b []byte) []byte { r.URL.Path += "x"; return b }, want: ErrSignatureMismatch},
		{name: "X-Sdk-Date moved one second", change: setHeader("X-Sdk-Date", "20260102T030406Z"), want: ErrSignatureMismatch},
		{name: "secret differs", change: keep, secrets: otherSecret, want: ErrSignatureMismatch},
		{name: "clock 16 minutes ahead", change: keep, at: 16 * time.Minute, want: ErrStale},
		{name: "clock 16 minutes behind", change: keep, at: -16 * time.Minute, want: ErrStale},
		{name: "X-Sdk-Date unparseable", change: setHeader("X-Sdk-Date", "2026-01-02T03:04:05Z"), want: ErrStale},
		{name: "X-Sdk-Date missing", change: delHeader("X-Sdk-Date"), want: ErrMalformed},
		{name: "unknown access key", change: keep, secrets: func(string) (string, bool) { return "", false }, want: ErrUnknownKey},
		{name: "no Authorization", change: delHeader("Authorization"), want: ErrNoCredentials},
		{name: "X-Auth-Token instead of a signature", change: func(r *http.Request, b []byte) []byte {
			r.Header.Del("Authorization")
			r.Header.Set("X-Auth-Token", "token")
			return b
		}, want: ErrNoCredentials},
		{name: "query with a bad escape", change: setRawQuery("a=%zz"), want: ErrMalformed},
	}
	for _, bad := range []string{
		"garbage",
		"SDK-HMAC-SHA256",
		"SDK-HMAC-SHA256 Access=AccessKey",
		"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date",
		"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=xyz",
		"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=abcd",
		"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=a;;b, Signature=" + strings.Repeat("0", 64),
		"SDK-HMAC-SHA256 Access=, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("0", 64),
		"SDK-HMAC-SHA256 Access=AccessKey, Access=AccessKey, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("0", 64),
		"SDK-HMAC-SHA256 Access=AccessKey, Region=x, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("0", 64),
		"SDK-HMAC-SHA1 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("0", 64),
		"Bearer abc",
	} {
		mutations = append(mutations, mutation{name: "Authorization " + bad, change: setHeader("Authorization", bad), want: ErrMalformed})
	}

	for _, c := range huaweiCaptured() {
		for _, m := range mutations {
			t.Run(c.name+"/"+m.name, func(t *testing.T) {
				r := c.req.request(t)
				body := m.change(r, []byte(c.req.body))
				secrets := huaweiSecrets
				if m.secrets != nil {
					secrets = m.secrets
				}
				now := mustTime(t, HuaweiDateLayout, "20260102T030405Z").Add(m.at)
				err := VerifyHuawei(r, body, secrets, now, maxSkew)
				checkVerdict(t, err, m.want, huaweiSK, expectedHuawei(r, body))
			})
		}
	}
}

// expectedHuawei is the signature the verifier computes for r, to prove that no error
// message reveals it; "" when r cannot be signed.
func expectedHuawei(r *http.Request, body []byte) string {
	a, err := parseHMACAuthorization(r.Header.Get("Authorization"), huaweiAlgorithm, "Access")
	if err != nil {
		return ""
	}
	sig, _, err := huaweiSignature(r, body, a.signedHeaders, r.Header.Get(huaweiDateHeader), huaweiSK)
	if err != nil {
		return ""
	}
	return hex.EncodeToString(sig)
}

// TestVerifyHuaweiQuery covers the query rules: repeated names sort by value, so their
// order on the wire does not matter, and any value change is a mismatch.
func TestVerifyHuaweiQuery(t *testing.T) {
	date := mustTime(t, HuaweiDateLayout, "20260102T030405Z")
	mutations := []mutation{
		{name: "as signed", change: keep},
		{name: "repeated name in another order", change: setRawQuery("marker=b&limit=10&marker=a&name=x%20y"), want: nil},
		{name: "space sent as plus", change: setRawQuery("limit=10&marker=a&marker=b&name=x+y")},
		{name: "one value changed", change: setRawQuery("limit=11&marker=a&marker=b&name=x%20y"), want: ErrSignatureMismatch},
		{name: "one repeated value dropped", change: setRawQuery("limit=10&marker=a&name=x%20y"), want: ErrSignatureMismatch},
		{name: "empty value added", change: setRawQuery("limit=10&marker=a&marker=b&name=x%20y&empty"), want: ErrSignatureMismatch},
	}
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "https://workspace.example/v2/p/tenant-configs?limit=10&marker=a&marker=b&name=x%20y", nil)
			r.Header.Set("X-Project-Id", "p")
			if err := (Huawei{AccessKey: huaweiAK, SecretKey: huaweiSK, Now: fixedClock(date)}).Sign(r, nil); err != nil {
				t.Fatal(err)
			}
			body := m.change(r, nil)
			checkVerdict(t, VerifyHuawei(r, body, huaweiSecrets, date, maxSkew), m.want, huaweiSK, expectedHuawei(r, body))
		})
	}
}

// TestHuaweiCanonicalQuery pins the SDK's TestSigner_canonicalQueryString
// (huaweicloud-sdk-go-v3 v0.1.207, core/auth/signer/signer_test.go).
func TestHuaweiCanonicalQuery(t *testing.T) {
	q := url.Values{
		"limit":  {"1"},
		"enable": {"true"},
		"test":   {"一 (&=?!#%.*)"},
		"path":   {"/tmp/123"},
		"multi":  {"1", "2", "3"},
	}
	const want = "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
	if got := huaweiCanonicalQuery(q); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestHuaweiCanonicalURI(t *testing.T) {
	for path, want := range map[string]string{
		"":                  "/",
		"/":                 "/",
		"/path":             "/path/",
		"/path/":            "/path/",
		"/v1/a b/ü:x(1)":    "/v1/a%20b/%C3%BC%3Ax%281%29/",
		"/v1/p/tenant//x/y": "/v1/p/tenant//x/y/",
	} {
		if got := huaweiCanonicalURI(path); got != want {
			t.Errorf("huaweiCanonicalURI(%q) = %q, want %q", path, got, want)
		}
	}
}

// TestHuaweiSignDate: Sign stamps X-Sdk-Date from Now when it is absent or unparseable,
// and keeps a valid one, as the SDK does.
func TestHuaweiSignDate(t *testing.T) {
	now := time.Date(2026, 1, 2, 11, 4, 5, 0, time.FixedZone("CST", 8*3600))
	for _, tc := range []struct{ given, want string }{
		{"", "20260102T030405Z"},
		{"yesterday", "20260102T030405Z"},
		{"20250101T000000Z", "20250101T000000Z"},
	} {
		r := httptest.NewRequest("GET", "https://x.example/v1", nil)
		if tc.given != "" {
			r.Header.Set("X-Sdk-Date", tc.given)
		}
		if err := (Huawei{AccessKey: huaweiAK, SecretKey: huaweiSK, Now: fixedClock(now)}).Sign(r, nil); err != nil {
			t.Fatal(err)
		}
		if got := r.Header.Get("X-Sdk-Date"); got != tc.want {
			t.Errorf("given X-Sdk-Date %q: got %q, want %q", tc.given, got, tc.want)
		}
	}
	if err := (Huawei{AccessKey: huaweiAK}).Sign(httptest.NewRequest("GET", "/", nil), nil); err == nil {
		t.Error("Sign without a secret key succeeded")
	}
}

// TestHuaweiRoundTripOverHTTP signs on a client and verifies on a server, so that what
// net/http changes on the way (Host moved out of the header map, header keys
// canonicalised, the query re-read from the request line) is covered.
func TestHuaweiRoundTripOverHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := VerifyHuawei(r, body, huaweiSecrets, time.Now(), maxSkew); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	for _, tc := range []struct{ method, path, query, body, contentType string }{
		{"POST", "/v1/p/tenant/action/active", "", `{"service_status":"active"}`, "application/json"},
		{"PUT", "/v2/p/tenant-configs/", "a=2&a=1&b=%E4%B8%80+%2A", `{"function_config":{}}`, "application/json;charset=UTF-8"},
		{"GET", "/v2/p/a%20b/ü", "empty&x=", "", ""},
		{"PUT", "/v1/upload", "", "raw", "application/octet-stream"},
	} {
		body := []byte(tc.body)
		r, err := http.NewRequest(tc.method, srv.URL+tc.path+"?"+tc.query, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("User-Agent", "conformance")
		r.Header.Set("X-Project-Id", "p")
		if tc.contentType != "" {
			r.Header.Set("Content-Type", tc.contentType)
		}
		if err := (Huawei{AccessKey: huaweiAK, SecretKey: huaweiSK}).Sign(r, body); err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s %s?%s: %d %s", tc.method, tc.path, tc.query, resp.StatusCode, msg)
		}
	}
}
