package mock_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/alibabacloud"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
)

// sdkCapture is a request exactly as an official SDK put it on the wire (CONTEXT.md section 2),
// with the key it was signed with and the moment it was signed at. The vectors are those of
// signing/vectors_test.go, recorded from the SDKs on loopback.
type sdkCapture struct {
	name           string
	method, target string
	host           string
	header         map[string]string
	body           string
	at             string // RFC 3339
	creds          providers.Credentials
}

// The keys the SDK captures were made with.
var (
	huaweiSDKKeys  = providers.Credentials{huaweicloud.AccessKey.Env: "AccessKey", huaweicloud.SecretKey.Env: "SecretKey", huaweicloud.ProjectID.Env: "0123456789abcdef0123456789abcdef"}
	alibabaSDKKeys = providers.Credentials{alibabacloud.KeyID.Env: "testAccessKeyId", alibabacloud.KeySecret.Env: "testAccessKeySecret", alibabacloud.Tid.Env: "3000"}
)

func sdkCaptures() []sdkCapture {
	huaweiUA := "huaweicloud-usdk-go/3.0; os/Debian_GNU/Linux#12_(bookworm)#amd64 go/go1.26.8; app/854dd139-f516-4b95-bb9a-e7639f9cc861"
	aliV1 := map[string]string{
		"Content-Type":               "application/x-www-form-urlencoded",
		"User-Agent":                 "AlibabaCloud (linux; amd64) Golang/1.26.8 Core/1.63.22",
		"X-Acs-Action":               "GetUserActiveTenant",
		"X-Acs-Credentials-Provider": "static_ak",
		"X-Acs-Version":              "2018-11-01",
		"X-Sdk-Client":               "golang/1.0.0",
		"X-Sdk-Core-Version":         "1.63.22",
		"X-Sdk-Invoke-Type":          "common",
	}
	aliV3 := func(auth, sha, nonce string, extra map[string]string) map[string]string {
		h := map[string]string{
			"Accept":                     "application/json",
			"Authorization":              auth,
			"User-Agent":                 "AlibabaCloud (linux; amd64) Golang/1.26.8 Core/0.01 TeaDSL/2",
			"X-Acs-Action":               "GetUserActiveTenant",
			"X-Acs-Content-Sha256":       sha,
			"X-Acs-Credentials-Provider": "static_ak",
			"X-Acs-Date":                 "2026-01-02T03:04:05Z",
			"X-Acs-Signature-Nonce":      nonce,
			"X-Acs-Version":              "2018-11-01",
		}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	return []sdkCapture{
		{name: "Huawei SDK v0.1.207 InitializeTenant", method: "POST",
			target: "/v1/0123456789abcdef0123456789abcdef/tenant/action/active", host: "appstream.cn-north-4.myhuaweicloud.com",
			header: map[string]string{
				"Authorization": "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=user-agent;x-project-id;x-sdk-date, Signature=47b2a036d236c5424b7f07d20a507037cfb10164ec454784a01bfaab5068ce0c",
				"Content-Type":  "application/json", "User-Agent": huaweiUA,
				"X-Project-Id": "0123456789abcdef0123456789abcdef", "X-Sdk-Date": "20260102T030405Z",
			},
			body: "{\"service_status\":\"active\"}\n", at: "2026-01-02T03:04:05Z", creds: huaweiSDKKeys},
		{name: "Huawei SDK v0.1.207 UpdateEnterpriseId", method: "PUT",
			target: "/v2/0123456789abcdef0123456789abcdef/workspaces/enterprise-id", host: "workspace.cn-north-4.myhuaweicloud.com",
			header: map[string]string{
				"Authorization": "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=user-agent;x-project-id;x-sdk-date, Signature=2e74ac0c4454a0c48b961ea32ef4f1733c326f128afc2d1b2e64f92840a77c5d",
				"Content-Type":  "application/json", "User-Agent": huaweiUA,
				"X-Project-Id": "0123456789abcdef0123456789abcdef", "X-Sdk-Date": "20260102T030405Z",
			},
			body: "{\"enterprise_id\":\"ent-001\"}\n", at: "2026-01-02T03:04:05Z", creds: huaweiSDKKeys},
		{name: "Alibaba SDK v1.63.107 signature V1, POST, everything in the query", method: "POST", host: "dms-enterprise.aliyuncs.com",
			target: "/?AccessKeyId=testAccessKeyId&Action=GetUserActiveTenant&Format=JSON&RegionId=cn-hangzhou&Signature=%2BrBpyq1a9vgA5CPQ2sey%2FQCzPHg%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=97c154ee9f5cc72ff823a293e748d5fc&SignatureType=&SignatureVersion=1.0&Tid=3000&Timestamp=2026-11-25T23%3A19%3A50Z&Version=2018-11-01",
			header: aliV1, at: "2026-11-25T23:19:50Z", creds: alibabaSDKKeys},
		{name: "Alibaba SDK v1.63.107 signature V1, GET with escaped values", method: "GET", host: "dms-enterprise.aliyuncs.com",
			target: "/?AccessKeyId=testAccessKeyId&Action=GetUserActiveTenant&Format=JSON&Odd=a+b%2Ac~d%2F%C3%A9%2B%26%3D&RegionId=cn-hangzhou&Signature=rGhbaSyu28e2qBx%2BkQ0UIC%2FSmKg%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=68bb6bdfb25c7ce498937b1d0fdec342&SignatureType=&SignatureVersion=1.0&Tid=3000&Timestamp=2026-11-25T23%3A19%3A50Z&Version=2018-11-01",
			header: aliV1, at: "2026-11-25T23:19:50Z", creds: alibabaSDKKeys},
		{name: "Alibaba SDK v1.63.107 signature V1, Tid in a form body", method: "POST", host: "dms-enterprise.aliyuncs.com",
			target: "/?AccessKeyId=testAccessKeyId&Action=GetUserActiveTenant&Format=JSON&RegionId=cn-hangzhou&Signature=T1pCi0oQm3FU%2BXmi77KNr6KVT9g%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=47f1fcf3763ba564fd17ae4322dda24f&SignatureType=&SignatureVersion=1.0&Timestamp=2026-11-25T23%3A19%3A50Z&Version=2018-11-01",
			header: aliV1, body: "Tid=3000", at: "2026-11-25T23:19:50Z", creds: alibabaSDKKeys},
		{name: "darabonba-openapi v2.1.13 signature V3, POST /?Tid=3000", method: "POST", target: "/?Tid=3000", host: "dms-enterprise.aliyuncs.com",
			header: aliV3("ACS3-HMAC-SHA256 Credential=testAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=dafa3cd80138011f93de8506c14d9a3664b90272f1eafca22d2e95e50a6871cf",
				"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "3c2e4f0a9b8d7c6e5f4a3b2c1d0e9f8a", nil),
			at: "2026-01-02T03:04:05Z", creds: alibabaSDKKeys},
		{name: "darabonba-openapi v2.1.13 signature V3, JSON body and escaped query", method: "POST", target: "/?Empty=&Odd=a+b%2Ac~d%2F%C3%A9%2B%26%3D&Tid=3000", host: "dms-enterprise.aliyuncs.com",
			header: aliV3("ACS3-HMAC-SHA256 Credential=testAccessKeyId,SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=65e36d75c928bed514e09794e43de03fb069de35b214e0089360959e088080dc",
				"cecceec09c3110ed573490cff241fead7311f638cf28fe3581d8263e0afd35be", "3c2e4f0a9b8d7c6e5f4a3b2c1d0e9f8b",
				map[string]string{"Content-Type": "application/json; charset=utf-8"}),
			body: `{"Name":"x y"}`, at: "2026-01-02T03:04:05Z", creds: alibabaSDKKeys},
	}
}

// replay sends a capture to a target whose keys and clock are the capture's, with the Host
// header the SDK sent (signature V3 signs it).
func (c sdkCapture) replay(t *testing.T, edit func(r *http.Request, body []byte) []byte) *exchange {
	t.Helper()
	at, err := time.Parse(time.RFC3339, c.at)
	if err != nil {
		t.Fatal(err)
	}
	tg := newTarget(t, mock.Options{Credentials: c.creds, Now: func() time.Time { return at }})
	r, err := http.NewRequest(c.method, tg.url+c.target, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Host = c.host
	for k, v := range c.header {
		r.Header.Set(k, v)
	}
	body := []byte(c.body)
	if edit != nil {
		body = edit(r, body)
	}
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	ex, err := tg.do(r, map[string]string{"project_id": tg.creds.Get(huaweicloud.ProjectID)})
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// The reference target accepts requests exactly as the official SDKs send them.
func TestAcceptsCapturedSDKRequests(t *testing.T) {
	for _, c := range sdkCaptures() {
		t.Run(c.name, func(t *testing.T) {
			ex := c.replay(t, nil)
			if ex.status != http.StatusOK {
				t.Fatalf("answered %d %s, want 200", ex.status, ex.body)
			}
			ex.mustConform(t)
		})
	}
}

// The same captures with one byte of the body, or one query value, changed are refused with
// the provider's signature error.
func TestRefusesTamperedSDKRequests(t *testing.T) {
	flipBody := func(_ *http.Request, body []byte) []byte {
		b := bytes.Clone(body)
		b[len(b)/2] ^= 0x01 // one bit of one byte, which stays printable ASCII
		return b
	}
	changeTid := func(r *http.Request, body []byte) []byte {
		r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "Tid=3000", "Tid=3001", 1)
		return body
	}
	addQuery := func(r *http.Request, body []byte) []byte {
		r.URL.RawQuery = "limit=1"
		return body
	}
	for _, c := range sdkCaptures() {
		huawei := strings.HasPrefix(c.name, "Huawei")
		edits := map[string]func(*http.Request, []byte) []byte{}
		switch {
		case huawei:
			edits["one body byte"], edits["one query value"] = flipBody, addQuery
		case strings.Contains(c.target, "Tid=3000"):
			edits["one query value"] = changeTid
		}
		if c.body != "" && !huawei {
			edits["one body byte"] = flipBody
		}
		for what, edit := range edits {
			t.Run(c.name+"/"+what, func(t *testing.T) {
				ex := c.replay(t, edit)
				want, code := http.StatusBadRequest, "SignatureDoesNotMatch"
				if huawei {
					want, code = http.StatusUnauthorized, "APIGW.0301"
				}
				if ex.status != want || ex.errorCode(t) != code {
					t.Fatalf("answered %d %s, want %d %s", ex.status, ex.body, want, code)
				}
				ex.mustConform(t)
			})
		}
	}
}

// Requests signed by our own signers are accepted, and refused once one byte of what was
// signed changes.
func TestOurSignersAndTampering(t *testing.T) {
	tg := newTarget(t, mock.Options{})
	cases := []struct {
		name     string
		rq       req
		tamper   func(r *http.Request) // nil: send as signed
		want     int
		wantCode string
	}{
		{"Huawei AK/SK", req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"signed"}`, auth: huaweiAKSK, query: map[string]string{"x": "1"}}, nil, 200, ""},
		{"Huawei AK/SK, body byte changed", req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"signed"}`, auth: huaweiAKSK},
			tamperBody(`{"enterprise_id":"signet"}`), 401, "APIGW.0301"},
		{"Huawei AK/SK, query value changed", req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"signed"}`, auth: huaweiAKSK, query: map[string]string{"x": "1"}},
			tamperQuery("x", "2"), 401, "APIGW.0301"},
		{"Alibaba V1", req{op: "GetUserActiveTenant", query: map[string]string{"Tid": "3000"}, auth: alibabaV1}, nil, 200, ""},
		{"Alibaba V1, query value changed", req{op: "GetUserActiveTenant", query: map[string]string{"Tid": "3000"}, auth: alibabaV1},
			tamperQuery("Tid", "3001"), 400, "SignatureDoesNotMatch"},
		{"Alibaba V3", req{op: "GetUserActiveTenant", query: map[string]string{"Tid": "3000"}, auth: alibabaV3}, nil, 200, ""},
		{"Alibaba V3, query value changed", req{op: "GetUserActiveTenant", query: map[string]string{"Tid": "3000"}, auth: alibabaV3},
			tamperQuery("Tid", "3001"), 400, "SignatureDoesNotMatch"},
		{"Alibaba V3, body byte changed", req{op: "GetUserActiveTenant", query: map[string]string{"Tid": "3000"}, body: `{"a":"b"}`, auth: alibabaV3},
			tamperBody(`{"a":"c"}`), 400, "SignatureDoesNotMatch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, params := tg.build(t, c.rq)
			if c.tamper != nil {
				c.tamper(r)
			}
			ex, err := tg.do(r, params)
			if err != nil {
				t.Fatal(err)
			}
			if ex.status != c.want {
				t.Fatalf("answered %d %s, want %d", ex.status, ex.body, c.want)
			}
			if c.wantCode != "" && ex.errorCode(t) != c.wantCode {
				t.Errorf("error code %q, want %q", ex.errorCode(t), c.wantCode)
			}
			ex.mustConform(t)
		})
	}
}

func tamperBody(body string) func(r *http.Request) {
	return func(r *http.Request) {
		r.Body, r.ContentLength, r.GetBody = io.NopCloser(strings.NewReader(body)), int64(len(body)), nil
	}
}

func tamperQuery(name, value string) func(r *http.Request) {
	return func(r *http.Request) {
		q, _ := url.ParseQuery(r.URL.RawQuery)
		q.Set(name, value)
		r.URL.RawQuery = q.Encode()
	}
}
