package interop_test

import (
	"net/http"
	"reflect"
	"testing"
	"time"

	hwsigner "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	hwrequest "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/alibabacloud"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
	"github.com/conformance-suite/conformance/signing"
)

// TestSignersReproduceSDKSignatures re-signs a copy of every request the official SDKs sent
// for sdkCalls with the suite's own signer, its clock and nonce fixed to the values the SDK
// used, and demands the SDK's signature byte for byte: the Authorization header for Huawei
// and Alibaba V3, the Signature parameter and the whole query for Alibaba V1.
func TestSignersReproduceSDKSignatures(t *testing.T) {
	creds := providers.Defaults()
	tg := startTarget(t, mock.Options{Credentials: creds})
	c := newSDKClients(t, tg.URL(), creds, nil)
	for _, call := range sdkCalls() {
		t.Run(call.name, func(t *testing.T) {
			if _, err := call.send(c); err != nil {
				t.Fatalf("the SDK call failed: %v", err)
			}
			sent := tg.take()
			if len(sent) == 0 {
				t.Fatal("the SDK sent nothing")
			}
			for _, e := range sent {
				resign[call.scheme](t, creds, e)
			}
		})
	}
}

// resign re-signs a recorded request with the suite's signer for its scheme and compares.
var resign = map[string]func(t *testing.T, creds providers.Credentials, e exchange){
	huaweiAKSK: func(t *testing.T, creds providers.Credentials, e exchange) {
		r := asSent(e)
		want := r.Header.Get("Authorization")
		r.Header.Del("Authorization")
		date := mustParse(t, "20060102T150405Z", r.Header.Get("X-Sdk-Date"))
		s := signing.Huawei{AccessKey: creds.Get(huaweicloud.AccessKey), SecretKey: creds.Get(huaweicloud.SecretKey), Now: fixed(date)}
		if err := s.Sign(r, e.body); err != nil {
			t.Fatalf("signing.Huawei.Sign: %v", err)
		}
		same(t, e, "Authorization", r.Header.Get("Authorization"), want)
	},
	alibabaV1: func(t *testing.T, creds providers.Credentials, e exchange) {
		r := asSent(e)
		q := r.URL.Query()
		wantQuery, wantSig := r.URL.RawQuery, q.Get("Signature")
		s := signing.AlibabaV1{
			AccessKeyID: creds.Get(alibabacloud.KeyID), Secret: creds.Get(alibabacloud.KeySecret),
			Now:   fixed(mustParse(t, time.RFC3339, q.Get("Timestamp"))),
			Nonce: func() string { return q.Get("SignatureNonce") },
		}
		if err := s.Sign(r); err != nil {
			t.Fatalf("signing.AlibabaV1.Sign: %v", err)
		}
		same(t, e, "Signature", r.URL.Query().Get("Signature"), wantSig)
		same(t, e, "query", r.URL.RawQuery, wantQuery)
	},
	alibabaV3: func(t *testing.T, creds providers.Credentials, e exchange) {
		r := asSent(e)
		want := r.Header.Get("Authorization")
		r.Header.Del("Authorization")
		// x-acs-date and x-acs-signature-nonce are in the copy: Sign keeps them, as the SDK
		// keeps values the caller set. A clock or nonce read would be a bug.
		s := signing.AlibabaV3{
			AccessKeyID: creds.Get(alibabacloud.KeyID), Secret: creds.Get(alibabacloud.KeySecret),
			Now: func() time.Time {
				t.Error("AlibabaV3.Sign read the clock although x-acs-date was set")
				return time.Time{}
			},
			Nonce: func() string {
				t.Error("AlibabaV3.Sign drew a nonce although x-acs-signature-nonce was set")
				return ""
			},
		}
		if err := s.Sign(r, e.body); err != nil {
			t.Fatalf("signing.AlibabaV3.Sign: %v", err)
		}
		same(t, e, "Authorization", r.Header.Get("Authorization"), want)
		same(t, e, "x-acs-content-sha256", r.Header.Get("x-acs-content-sha256"), e.header.Get("x-acs-content-sha256"))
	},
}

// asSent is the recorded request as the SDK handed it to net/http: without the Content-Length
// header, which net/http's client writes from the body's length on the wire (Host, the other
// header it writes, is kept in r.Host). The loopback transport adds no Accept-Encoding.
func asSent(e exchange) *http.Request {
	r := e.request()
	r.Header.Del("Content-Length")
	return r
}

func same(t *testing.T, e exchange, what, ours, sdk string) {
	t.Helper()
	if ours != sdk {
		t.Errorf("%s: %s differs\n ours %s\n  SDK %s\nheaders: %v", e, what, ours, sdk, e.header)
	}
}

func mustParse(t *testing.T, layout, value string) time.Time {
	t.Helper()
	v, err := time.Parse(layout, value)
	if err != nil {
		t.Fatalf("the SDK's timestamp %q is not in the form %s: %v", value, layout, err)
	}
	return v
}

func fixed(v time.Time) func() time.Time { return func() time.Time { return v } }

// TestHuaweiSignerMatchesSDKSigner runs the SDK's own signer (core/auth/signer) and the
// suite's on the same requests with the date fixed, where the SDK's calls above cannot reach:
// query strings, escaped paths, header values with spaces, and bodies that are not JSON. The
// suite's signer signs the request the SDK's ConvertRequest builds, which is what the SDK
// puts on the wire.
func TestHuaweiSignerMatchesSDKSigner(t *testing.T) {
	const date = "20060102T150405Z"
	creds := providers.Defaults()
	cases := []struct {
		name, method, path string
		query              map[string]any
		header             map[string]string
		body               any
	}{
		// The SDK's own signer_test.go vectors.
		{name: "sdk test GET with query", method: "GET", path: "/path",
			query:  map[string]any{"limit": 1},
			header: map[string]string{"TEST_UNDERSCORE": "TEST_VALUE"}},
		{name: "sdk test POST JSON body", method: "POST", path: "/path",
			query:  map[string]any{"key": "value"},
			header: map[string]string{"TEST_UNDERSCORE": "TEST_VALUE", "Content-Type": "application/json"},
			body:   &struct{ Name string }{"test"}},
		// The shape of the Workspace calls, with the headers the clients add.
		{name: "workspace PUT with project header", method: "PUT", path: "/v2/" + creds.Get(huaweicloud.ProjectID) + "/tenant-configs",
			header: map[string]string{"Content-Type": "application/json", "X-Project-Id": creds.Get(huaweicloud.ProjectID), "User-Agent": "huaweicloud-usdk-go/3.0"},
			body:   map[string]any{"function_config": map[string]any{"status": "ON"}}},
		{name: "reserved characters, repeated and empty query values", method: "GET", path: "/v2/p/tenant-configs/",
			query: map[string]any{"multi": []string{"b", "a", "c d"}, "q": "一 (&=?!#%.*)~+", "empty": ""}},
		{name: "escaped path segments", method: "DELETE", path: "/v1/a b/ü:x(1)",
			query: map[string]any{"b": "2", "a": "1"}},
		{name: "header value with spaces", method: "GET", path: "/v1/x",
			header: map[string]string{"X-Custom": "  padded  value  "}},
		{name: "octet-stream body is not signed", method: "PUT", path: "/v1/upload",
			header: map[string]string{"Content-Type": "application/octet-stream"}, body: "raw bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := hwrequest.NewHttpRequestBuilder().WithMethod(c.method).
				WithEndpoint("https://workspace.cn-north-4.myhuaweicloud.com").WithPath(c.path).
				AddHeaderParam("X-Sdk-Date", date)
			for k, v := range c.query {
				b.AddQueryParam(k, reflect.ValueOf(v))
			}
			for k, v := range c.header {
				b.AddHeaderParam(k, v)
			}
			if c.body != nil {
				b.WithBody("body", c.body)
			}
			req := b.Build()
			out, err := hwsigner.Signer{}.Sign(req, creds.Get(huaweicloud.AccessKey), creds.Get(huaweicloud.SecretKey))
			if err != nil {
				t.Fatalf("the SDK's signer: %v", err)
			}
			wire, err := req.ConvertRequest()
			if err != nil {
				t.Fatalf("the SDK's ConvertRequest: %v", err)
			}
			body, err := req.GetBodyToBytes()
			if err != nil {
				t.Fatal(err)
			}
			s := signing.Huawei{AccessKey: creds.Get(huaweicloud.AccessKey), SecretKey: creds.Get(huaweicloud.SecretKey),
				Now: fixed(mustParse(t, "20060102T150405Z", date))}
			if err := s.Sign(wire, body.Bytes()); err != nil {
				t.Fatalf("signing.Huawei.Sign: %v", err)
			}
			if got, want := wire.Header.Get("Authorization"), out["Authorization"]; got != want {
				t.Errorf("%s %s: Authorization differs\n ours %s\n  SDK %s", wire.Method, wire.URL, got, want)
			}
		})
	}
}
