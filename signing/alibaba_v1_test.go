package signing

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// aliV1Common are the parameters Sign adds; the rest of a captured query is what the
// caller gave the SDK.
func aliV1Common() []string {
	return []string{"AccessKeyId", "Format", "Signature", "SignatureMethod", "SignatureNonce", "SignatureType", "SignatureVersion", "Timestamp"}
}

// TestAlibabaV1SignMatchesCapturedSDKRequests gives Sign the caller's parameters of each
// captured request, with the SDK's Timestamp and SignatureNonce, and expects the query
// the SDK sent, byte for byte.
func TestAlibabaV1SignMatchesCapturedSDKRequests(t *testing.T) {
	for _, c := range aliV1Captured() {
		t.Run(c.name, func(t *testing.T) {
			sent := c.req.request(t)
			q := sent.URL.Query()
			n := q.Get("SignatureNonce")
			for _, k := range aliV1Common() {
				q.Del(k)
			}
			r := httptest.NewRequest(c.req.method, "http://"+c.req.host+"/?"+q.Encode(), strings.NewReader(c.req.body))
			r.Header.Set("Content-Type", formContentType)
			s := AlibabaV1{AccessKeyID: aliID, Secret: aliKey,
				Now: fixedClock(mustTime(t, time.RFC3339, aliV1CapturedTime)), Nonce: fixedNonce(n)}
			if err := s.Sign(r); err != nil {
				t.Fatal(err)
			}
			if got, want := r.URL.RawQuery, sent.URL.RawQuery; got != want {
				t.Fatalf("query\n got %s\nwant %s", got, want)
			}
			if b, _ := io.ReadAll(r.Body); string(b) != c.req.body {
				t.Fatalf("Sign consumed the body: %q left of %q", b, c.req.body)
			}
		})
	}
}

// TestVerifyAlibabaV1CapturedSDKRequests verifies requests shaped exactly as the SDK sent
// them (POST / with every parameter in the query, SignatureType present and empty,
// x-acs-action/x-acs-version headers), and the verdicts on each after one change.
func TestVerifyAlibabaV1CapturedSDKRequests(t *testing.T) {
	replace := func(name, value string) func(*http.Request, []byte) []byte {
		return func(r *http.Request, b []byte) []byte {
			q := r.URL.Query()
			q.Set(name, value)
			r.URL.RawQuery = q.Encode()
			return b
		}
	}
	remove := func(name string) func(*http.Request, []byte) []byte {
		return func(r *http.Request, b []byte) []byte {
			q := r.URL.Query()
			q.Del(name)
			r.URL.RawQuery = q.Encode()
			return b
		}
	}
	mutations := []mutation{
		{name: "as the SDK sent it", change: keep},
		{name: "x-acs-action changed: headers are not signed in V1", change: setHeader("X-Acs-Action", "Other")},
		{name: "parameters reordered", change: func(r *http.Request, b []byte) []byte { r.URL.RawQuery = r.URL.Query().Encode(); return b }},
		{name: "clock 14 minutes behind", change: keep, at: -14 * time.Minute},
		{name: "Version changed", change: replace("Version", "2018-11-02"), want: ErrSignatureMismatch},
		{name: "empty SignatureType dropped: empty parameters are signed", change: remove("SignatureType"), want: ErrSignatureMismatch},
		{name: "parameter added", change: replace("PageSize", "10"), want: ErrSignatureMismatch},
		{name: "empty parameter added", change: replace("Extra", ""), want: ErrSignatureMismatch},
		{name: "method changed", change: func(r *http.Request, b []byte) []byte {
			if r.Method == "GET" {
				r.Method = "POST"
			} else {
				r.Method = "GET"
			}
			return b
		}, want: ErrSignatureMismatch},
		{name: "Signature of another secret", change: keep, secrets: otherSecret, want: ErrSignatureMismatch},
		{name: "clock 16 minutes ahead", change: keep, at: 16 * time.Minute, want: ErrStale},
		{name: "Timestamp unparseable", change: replace("Timestamp", "2026-11-25 23:19:50"), want: ErrStale},
		{name: "Timestamp missing", change: remove("Timestamp"), want: ErrMalformed},
		{name: "unknown AccessKeyId", change: keep, secrets: func(string) (string, bool) { return "", false }, want: ErrUnknownKey},
		{name: "Signature missing", change: remove("Signature"), want: ErrNoCredentials},
		{name: "no parameters at all", change: setRawQuery(""), want: ErrNoCredentials},
		{name: "Signature not base64", change: replace("Signature", "%%%"), want: ErrMalformed},
		{name: "Signature too short", change: replace("Signature", "AAAA"), want: ErrMalformed},
		{name: "AccessKeyId missing", change: remove("AccessKeyId"), want: ErrMalformed},
		{name: "SignatureMethod HMAC-SHA256", change: replace("SignatureMethod", "HMAC-SHA256"), want: ErrMalformed},
		{name: "SignatureVersion 2.0", change: replace("SignatureVersion", "2.0"), want: ErrMalformed},
		{name: "SignatureType BEARERTOKEN", change: replace("SignatureType", "BEARERTOKEN"), want: ErrMalformed},
		{name: "a parameter repeated", change: func(r *http.Request, b []byte) []byte { r.URL.RawQuery += "&Version=2018-11-01"; return b }, want: ErrMalformed},
		{name: "query with a bad escape", change: func(r *http.Request, b []byte) []byte { r.URL.RawQuery += "&x=%zz"; return b }, want: ErrMalformed},
	}
	for _, c := range aliV1Captured() {
		for _, m := range mutations {
			t.Run(c.name+"/"+m.name, func(t *testing.T) {
				r := c.req.request(t)
				m.change(r, nil)
				secrets := aliSecrets
				if m.secrets != nil {
					secrets = m.secrets
				}
				now := mustTime(t, time.RFC3339, aliV1CapturedTime).Add(m.at)
				err := VerifyAlibabaV1(r, secrets, now, maxSkew)
				checkVerdict(t, err, m.want, aliKey, expectedAliV1(r))
			})
		}
	}
}

// expectedAliV1 is the Signature the verifier computes for r, to prove that no error
// message reveals it.
func expectedAliV1(r *http.Request) string {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return ""
	}
	params := map[string]string{}
	for k := range q {
		params[k] = q.Get(k)
	}
	delete(params, "Signature")
	return base64.StdEncoding.EncodeToString(hmacSHA1(aliKey+"&", aliV1StringToSign(method(r), params)))
}

// TestVerifyAlibabaV1FormBody: with a url-encoded body the form parameters are signed, a
// changed form value is a mismatch, and the body stays readable for the handler.
func TestVerifyAlibabaV1FormBody(t *testing.T) {
	c := aliV1Captured()[2]
	now := mustTime(t, time.RFC3339, aliV1CapturedTime)
	for _, tc := range []struct {
		name, body, contentType string
		want                    error
	}{
		{"as the SDK sent it", "Tid=3000", formContentType, nil},
		{"form value changed", "Tid=3001", formContentType, ErrSignatureMismatch},
		{"form parameter added", "Tid=3000&X=1", formContentType, ErrSignatureMismatch},
		{"body not a form: its parameters are not signed", "Tid=3000", "application/json", ErrSignatureMismatch},
		{"form with a bad escape", "Tid=%zz", formContentType, ErrMalformed},
		{"form repeats a name", "Tid=3000&Tid=3000", formContentType, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.req.request(t)
			r.Body = io.NopCloser(strings.NewReader(tc.body))
			r.Header.Set("Content-Type", tc.contentType)
			checkVerdict(t, VerifyAlibabaV1(r, aliSecrets, now, maxSkew), tc.want, aliKey)
			if b, _ := io.ReadAll(r.Body); string(b) != tc.body {
				t.Fatalf("body after verification is %q, want %q", b, tc.body)
			}
		})
	}
}

// TestAlibabaV1StringToSignSDKUnitVectors pins the SDK's own composer tests
// (alibaba-cloud-sdk-go v1.63.107, sdk/auth/rpc_signature_composer_test.go:
// TestRpcSignatureComposer_buildRpcStringToSign and TestRpcSignatureComposer, whose hooks
// fix Timestamp "mock date" and SignatureNonce "MOCK_UUID").
func TestAlibabaV1StringToSignSDKUnitVectors(t *testing.T) {
	for _, tc := range []struct {
		params map[string]string
		want   string
	}{
		{map[string]string{}, "GET&%2F&"},
		{map[string]string{"key": "value"}, "GET&%2F&key%3Dvalue"},
		{map[string]string{"key": "value", "q": "value"}, "GET&%2F&key%3Dvalue%26q%3Dvalue"},
		{map[string]string{"key": "value", "q": "http://domain/?q=value&q2=value2"},
			"GET&%2F&key%3Dvalue%26q%3Dhttp%253A%252F%252Fdomain%252F%253Fq%253Dvalue%2526q2%253Dvalue2"},
	} {
		if got := aliV1StringToSign("GET", tc.params); got != tc.want {
			t.Errorf("aliV1StringToSign(%v)\n got %s\nwant %s", tc.params, got, tc.want)
		}
	}
	params := map[string]string{
		"Version": "", "Action": "", "Format": "JSON", "Timestamp": "mock date",
		"SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "SignatureType": "",
		"SignatureNonce": "MOCK_UUID", "AccessKeyId": "accessKeyId", "RegionId": "regionId",
	}
	sign := func() string {
		return base64.StdEncoding.EncodeToString(hmacSHA1("accessKeySecret&", aliV1StringToSign("GET", params)))
	}
	if got, want := sign(), "7loPmFjvDnzOVnQeQNj85S6nFGY="; got != want {
		t.Errorf("access key credential: Signature %s, want %s", got, want)
	}
	params["SecurityToken"] = "accessKeyStsToken"
	if got, want := sign(), "5Nxdcler+ihqWqv0Hr2On4PsBf4="; got != want {
		t.Errorf("STS credential: Signature %s, want %s", got, want)
	}
}

// TestPercentEncodeIsPatchedQueryEscape: percentEncode must equal what the Alibaba SDKs
// do, url.QueryEscape with + to %20, * to %2A and %7E to ~.
func TestPercentEncodeIsPatchedQueryEscape(t *testing.T) {
	for _, s := range []string{"", "a b", "a+b", "*", "~", "%7E", "é/?#&=", "\x00\xff", "Tid=3000&x"} {
		if got, want := percentEncode(s), acs3Patch(url.QueryEscape(s)); got != want {
			t.Errorf("percentEncode(%q) = %q, patched QueryEscape = %q", s, got, want)
		}
	}
}

// TestAlibabaV1SignParameters: Sign adds the common parameters, replaces a stale
// Signature, keeps the caller's Format and sets Content-Type only when absent.
func TestAlibabaV1SignParameters(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	r := httptest.NewRequest("GET", "http://dms-enterprise.aliyuncs.com/?Action=GetUserActiveTenant&Version=2018-11-01&Format=XML&Signature=old", nil)
	r.Header.Set("Content-Type", "text/plain")
	if err := (AlibabaV1{AccessKeyID: aliID, Secret: aliKey, Now: fixedClock(now), Nonce: fixedNonce("n1")}).Sign(r); err != nil {
		t.Fatal(err)
	}
	q := r.URL.Query()
	for k, want := range map[string]string{
		"Format": "XML", "AccessKeyId": aliID, "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
		"SignatureNonce": "n1", "Timestamp": "2026-01-02T03:04:05Z", "Action": "GetUserActiveTenant",
	} {
		if got := q.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if vs, ok := q["SignatureType"]; !ok || len(vs) != 1 || vs[0] != "" {
		t.Errorf("SignatureType = %q, want one empty value", vs)
	}
	if got := q["Signature"]; len(got) != 1 || got[0] == "old" {
		t.Errorf("Signature = %q, want one fresh value", got)
	}
	if got := r.Header.Get("Content-Type"); got != "text/plain" {
		t.Errorf("Content-Type = %q, want the caller's", got)
	}
	checkVerdict(t, VerifyAlibabaV1(r, aliSecrets, now, maxSkew), nil)

	dup := httptest.NewRequest("GET", "http://x/?Tid=1&Tid=2", nil)
	if err := (AlibabaV1{AccessKeyID: aliID, Secret: aliKey}).Sign(dup); err == nil {
		t.Error("Sign accepted a repeated parameter, which the signature cannot express")
	}
}

// TestAlibabaV1RoundTripOverHTTP signs on a client and verifies on a server, query-only
// and with a form body.
func TestAlibabaV1RoundTripOverHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := VerifyAlibabaV1(r, aliSecrets, time.Now(), maxSkew); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, "body unreadable after verification: "+err.Error(), http.StatusBadRequest)
		}
	}))
	defer srv.Close()
	for _, tc := range []struct{ method, query, body string }{
		{"POST", "Action=GetUserActiveTenant&Version=2018-11-01&RegionId=cn-hangzhou&Tid=3000", ""},
		{"GET", "Action=GetUserActiveTenant&Version=2018-11-01&Odd=a+b%2Ac~d%2F%C3%A9%2B%26%3D&Empty=", ""},
		{"POST", "Action=GetUserActiveTenant&Version=2018-11-01", "Tid=3000&Name=x+y"},
	} {
		r, err := http.NewRequest(tc.method, srv.URL+"/?"+tc.query, strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Content-Type", formContentType)
		if err := (AlibabaV1{AccessKeyID: aliID, Secret: aliKey}).Sign(r); err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s ?%s body %q: %d %s", tc.method, tc.query, tc.body, resp.StatusCode, msg)
		}
	}
}
