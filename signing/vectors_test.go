package signing

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// captured is a request exactly as an official SDK put it on the wire, recorded by a
// loopback server (see the comment on each vector for SDK, version and call).
type captured struct {
	method, target, host string
	header               map[string]string
	body                 string
}

// capturedCase names a captured request.
type capturedCase struct {
	name string
	req  captured
}

// request rebuilds the captured request as a server receives it.
func (c captured) request(t testing.TB) *http.Request {
	t.Helper()
	r := httptest.NewRequest(c.method, "http://"+c.host+c.target, strings.NewReader(c.body))
	for k, v := range c.header {
		r.Header.Set(k, v)
	}
	return r
}

func mustTime(t testing.TB, layout, s string) time.Time {
	t.Helper()
	v, err := time.Parse(layout, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The secrets the vectors below were made with.
const (
	huaweiAK = "AccessKey" // as in the Huawei SDK's core/auth/signer/signer_test.go
	huaweiSK = "SecretKey"
	aliID    = "testAccessKeyId"
	aliKey   = "testAccessKeySecret"
)

func huaweiSecrets(ak string) (string, bool) { return huaweiSK, ak == huaweiAK }
func aliSecrets(id string) (string, bool)    { return aliKey, id == aliID }

// huaweiCaptured: github.com/huaweicloud/huaweicloud-sdk-go-v3 v0.1.207, full clients
// (workspaceapp/v1 WorkspaceAppClient.InitializeTenantInvoker and workspace/v2
// WorkspaceClient.UpdateEnterpriseIdInvoker, basic credentials AK "AccessKey", SK
// "SecretKey", project 0123456789abcdef0123456789abcdef), X-Sdk-Date pinned with
// Invoker.AddHeader, sent through a RoundTripper to an httptest server that recorded them.
// Accept-Encoding and Content-Length, added by net/http, are left out.
func huaweiCaptured() []capturedCase {
	return []capturedCase{
		{"workspaceapp v1 InitializeTenant", captured{
			method: "POST", target: "/v1/0123456789abcdef0123456789abcdef/tenant/action/active",
			host: "appstream.cn-north-4.myhuaweicloud.com",
			header: map[string]string{
				"Authorization": "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=user-agent;x-project-id;x-sdk-date, Signature=47b2a036d236c5424b7f07d20a507037cfb10164ec454784a01bfaab5068ce0c",
				"Content-Type":  "application/json",
				"User-Agent":    "huaweicloud-usdk-go/3.0; os/Debian_GNU/Linux#12_(bookworm)#amd64 go/go1.26.8; app/854dd139-f516-4b95-bb9a-e7639f9cc861",
				"X-Project-Id":  "0123456789abcdef0123456789abcdef",
				"X-Sdk-Date":    "20260102T030405Z",
			},
			body: "{\"service_status\":\"active\"}\n",
		}},
		{"workspace v2 UpdateEnterpriseId", captured{
			method: "PUT", target: "/v2/0123456789abcdef0123456789abcdef/workspaces/enterprise-id",
			host: "workspace.cn-north-4.myhuaweicloud.com",
			header: map[string]string{
				"Authorization": "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=user-agent;x-project-id;x-sdk-date, Signature=2e74ac0c4454a0c48b961ea32ef4f1733c326f128afc2d1b2e64f92840a77c5d",
				"Content-Type":  "application/json",
				"User-Agent":    "huaweicloud-usdk-go/3.0; os/Debian_GNU/Linux#12_(bookworm)#amd64 go/go1.26.8; app/854dd139-f516-4b95-bb9a-e7639f9cc861",
				"X-Project-Id":  "0123456789abcdef0123456789abcdef",
				"X-Sdk-Date":    "20260102T030405Z",
			},
			body: "{\"enterprise_id\":\"ent-001\"}\n",
		}},
	}
}

// huaweiSignerVector is one run of the Huawei SDK's signer.
type huaweiSignerVector struct {
	name, method, url string
	header            map[string]string
	body              string
	authorization     string
}

// huaweiSignerVectors: the signer itself, github.com/huaweicloud/huaweicloud-sdk-go-v3
// v0.1.207 core/auth/signer Signer.Sign with AK "AccessKey", SK "SecretKey" on requests
// built with core/request.HttpRequestBuilder. The first two are the SDK's own
// TestSigner_Sign cases (signer_test.go: the TEST_UNDERSCORE header is not signed, the
// JSON body is encoded with a trailing newline); the rest were run on the SDK for this
// package. url is what the SDK's ConvertRequest put on the wire.
func huaweiSignerVectors() []huaweiSignerVector {
	return []huaweiSignerVector{
		{"sdk test1 GET /path?limit=1", "GET", "https://example.huaweicloud.com/path?limit=1",
			map[string]string{"X-Sdk-Date": "20060102T150405Z", "TEST_UNDERSCORE": "TEST_VALUE"}, "",
			"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"},
		{"sdk test2 POST /path?key=value JSON body", "POST", "https://example.huaweicloud.com/path?key=value",
			map[string]string{"X-Sdk-Date": "20060102T150405Z", "TEST_UNDERSCORE": "TEST_VALUE", "Content-Type": "application/json"},
			"{\"Name\":\"test\",\"Id\":1}\n",
			"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"},
		{"trailing slash, repeated and escaped query, empty value", "GET",
			"https://example.huaweicloud.com/v2/proj/tenant-configs/?empty&multi=b&multi=a&multi=c%20d&q=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29~",
			map[string]string{"X-Sdk-Date": "20060102T150405Z", "X-Project-Id": "proj", "User-Agent": "huaweicloud-usdk-go/3.0"}, "",
			"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=user-agent;x-project-id;x-sdk-date, Signature=1d10157b30a554f7388f0cb20890b734c660467b0c3cccdc77cb16509e45e133"},
		{"non-JSON body is UNSIGNED-PAYLOAD", "PUT", "https://example.huaweicloud.com/v1/upload",
			map[string]string{"X-Sdk-Date": "20060102T150405Z", "Content-Type": "application/octet-stream"}, "raw-bytes",
			"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-content-sha256;x-sdk-date, Signature=19804d65cbd843ba832e9bd3bf5a403d1a3cbc4c82b9f9fee46f4281c5e77922"},
		{"escaped path segments, padded header value", "DELETE", "https://example.huaweicloud.com/v1/a%20b/%C3%BC:x%281%29?a=1&b=2",
			map[string]string{"X-Sdk-Date": "20060102T150405Z", "X-Custom": "  padded value  "}, "",
			"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-custom;x-sdk-date, Signature=f47b96fdcfd3d4e7ea22f9a031045eb65fb8c9470a76500f5a1430cb05982d08"},
	}
}

// aliV1Captured: github.com/aliyun/alibaba-cloud-sdk-go v1.63.107,
// sdk.NewClientWithAccessKey("cn-hangzhou", "testAccessKeyId", "testAccessKeySecret") and
// ProcessCommonRequest on a CommonRequest (Domain dms-enterprise.aliyuncs.com, Version
// 2018-11-01, ApiName GetUserActiveTenant, QueryParams Tid=3000), sent through
// Client.SetTransport to an httptest server that recorded it. The SDK fixes Timestamp and
// SignatureNonce itself, so they are whatever the run produced; the vectors verify at
// that Timestamp. Accept-Encoding and Content-Length are left out.
func aliV1Captured() []capturedCase {
	return []capturedCase{
		{"POST, everything in the query, empty body", captured{
			method: "POST", host: "dms-enterprise.aliyuncs.com",
			target: "/?AccessKeyId=testAccessKeyId&Action=GetUserActiveTenant&Format=JSON&RegionId=cn-hangzhou&Signature=%2BrBpyq1a9vgA5CPQ2sey%2FQCzPHg%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=97c154ee9f5cc72ff823a293e748d5fc&SignatureType=&SignatureVersion=1.0&Tid=3000&Timestamp=2026-11-25T23%3A19%3A50Z&Version=2018-11-01",
			header: aliV1SDKHeaders(),
		}},
		{"GET with a value needing escapes (QueryParams Odd)", captured{
			method: "GET", host: "dms-enterprise.aliyuncs.com",
			target: "/?AccessKeyId=testAccessKeyId&Action=GetUserActiveTenant&Format=JSON&Odd=a+b%2Ac~d%2F%C3%A9%2B%26%3D&RegionId=cn-hangzhou&Signature=rGhbaSyu28e2qBx%2BkQ0UIC%2FSmKg%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=68bb6bdfb25c7ce498937b1d0fdec342&SignatureType=&SignatureVersion=1.0&Tid=3000&Timestamp=2026-11-25T23%3A19%3A50Z&Version=2018-11-01",
			header: aliV1SDKHeaders(),
		}},
		{"POST with Tid in a form body (FormParams)", captured{
			method: "POST", host: "dms-enterprise.aliyuncs.com",
			target: "/?AccessKeyId=testAccessKeyId&Action=GetUserActiveTenant&Format=JSON&RegionId=cn-hangzhou&Signature=T1pCi0oQm3FU%2BXmi77KNr6KVT9g%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=47f1fcf3763ba564fd17ae4322dda24f&SignatureType=&SignatureVersion=1.0&Timestamp=2026-11-25T23%3A19%3A50Z&Version=2018-11-01",
			header: aliV1SDKHeaders(),
			body:   "Tid=3000",
		}},
	}
}

// aliV1CapturedTime is the Timestamp of every aliV1Captured request.
const aliV1CapturedTime = "2026-11-25T23:19:50Z"

// aliV1SDKHeaders are the headers alibaba-cloud-sdk-go v1.63.107 sent with every request.
func aliV1SDKHeaders() map[string]string {
	return map[string]string{
		"Content-Type":               "application/x-www-form-urlencoded",
		"User-Agent":                 "AlibabaCloud (linux; amd64) Golang/1.26.8 Core/1.63.22",
		"X-Acs-Action":               "GetUserActiveTenant",
		"X-Acs-Credentials-Provider": "static_ak",
		"X-Acs-Version":              "2018-11-01",
		"X-Sdk-Client":               "golang/1.0.0",
		"X-Sdk-Core-Version":         "1.63.22",
		"X-Sdk-Invoke-Type":          "common",
	}
}

// aliV3Captured: github.com/alibabacloud-go/darabonba-openapi/v2 v2.1.13 (utils from the
// same module, github.com/alibabacloud-go/tea v1.3.13), client.NewClient with AccessKeyId
// "testAccessKeyId", AccessKeySecret "testAccessKeySecret", Endpoint
// dms-enterprise.aliyuncs.com, then CallApi with Params{Action GetUserActiveTenant,
// Version 2018-11-01, Pathname "/", Method POST, AuthType AK, Style RPC, BodyType json}
// and x-acs-date / x-acs-signature-nonce pinned through OpenApiRequest.Headers (which the
// SDK lets override its own), sent through Config.HttpClient to an httptest server that
// recorded it. Accept-Encoding and Content-Length are left out.
func aliV3Captured() []capturedCase {
	return []capturedCase{
		{"POST /?Tid=3000, empty body (ReqBodyType formData)", captured{
			method: "POST", target: "/?Tid=3000", host: "dms-enterprise.aliyuncs.com",
			header: map[string]string{
				"Accept":                     "application/json",
				"Authorization":              "ACS3-HMAC-SHA256 Credential=testAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=dafa3cd80138011f93de8506c14d9a3664b90272f1eafca22d2e95e50a6871cf",
				"User-Agent":                 "AlibabaCloud (linux; amd64) Golang/1.26.8 Core/0.01 TeaDSL/2",
				"X-Acs-Action":               "GetUserActiveTenant",
				"X-Acs-Content-Sha256":       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
				"X-Acs-Credentials-Provider": "static_ak",
				"X-Acs-Date":                 "2026-01-02T03:04:05Z",
				"X-Acs-Signature-Nonce":      "3c2e4f0a9b8d7c6e5f4a3b2c1d0e9f8a",
				"X-Acs-Version":              "2018-11-01",
			},
		}},
		{"POST JSON body, escaped and empty query values (ReqBodyType json)", captured{
			method: "POST", target: "/?Empty=&Odd=a+b%2Ac~d%2F%C3%A9%2B%26%3D&Tid=3000", host: "dms-enterprise.aliyuncs.com",
			header: map[string]string{
				"Accept":                     "application/json",
				"Authorization":              "ACS3-HMAC-SHA256 Credential=testAccessKeyId,SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=65e36d75c928bed514e09794e43de03fb069de35b214e0089360959e088080dc",
				"Content-Type":               "application/json; charset=utf-8",
				"User-Agent":                 "AlibabaCloud (linux; amd64) Golang/1.26.8 Core/0.01 TeaDSL/2",
				"X-Acs-Action":               "GetUserActiveTenant",
				"X-Acs-Content-Sha256":       "cecceec09c3110ed573490cff241fead7311f638cf28fe3581d8263e0afd35be",
				"X-Acs-Credentials-Provider": "static_ak",
				"X-Acs-Date":                 "2026-01-02T03:04:05Z",
				"X-Acs-Signature-Nonce":      "3c2e4f0a9b8d7c6e5f4a3b2c1d0e9f8b",
				"X-Acs-Version":              "2018-11-01",
			},
			body: "{\"Name\":\"x y\"}",
		}},
	}
}

// aliV3CapturedTime is the x-acs-date of every aliV3Captured request.
const aliV3CapturedTime = "2026-01-02T03:04:05Z"
