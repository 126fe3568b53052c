package signing

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// The fuzz targets feed the verifiers arbitrary requests, which must never make them
// panic, and check that whatever Sign accepts, the matching verifier accepts too.

func FuzzVerifyHuawei(f *testing.F) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range huaweiCaptured() {
		r := c.req.request(f)
		f.Add(r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), r.Header.Get("X-Sdk-Date"), r.Header.Get("X-Project-Id"), []byte(c.req.body))
	}
	f.Add("GET", "/v2/p/a b/ü/", "multi=b&multi=a&empty&q=%E4%B8%80+%2A", "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-project-id;x-sdk-date, Signature=00", "20260102T030405Z", " p ", []byte{})
	f.Add("", "", "%", "SDK-HMAC-SHA256 ,,,=;", "2026", "", []byte(nil))
	f.Add("PUT", "//", "a=1;b=2", "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=;, Signature=", "20260102T030405Z", "\x00", []byte("\xff"))
	f.Fuzz(func(t *testing.T, method, path, query, auth, date, project string, body []byte) {
		r := &http.Request{Method: method, URL: &url.URL{Path: path, RawQuery: query}, Host: "workspace.example", Header: http.Header{
			"Authorization": {auth}, "X-Sdk-Date": {date}, "X-Project-Id": {project},
		}}
		_ = VerifyHuawei(r, body, huaweiSecrets, now, maxSkew)

		s := &http.Request{Method: method, URL: &url.URL{Path: path, RawQuery: query}, Host: "workspace.example", Header: http.Header{
			"X-Project-Id": {project},
		}}
		if err := (Huawei{AccessKey: huaweiAK, SecretKey: huaweiSK, Now: fixedClock(now)}).Sign(s, body); err != nil {
			return
		}
		if err := VerifyHuawei(s, body, huaweiSecrets, now, maxSkew); err != nil {
			t.Fatalf("signed request does not verify: %v", err)
		}
	})
}

func FuzzVerifyAlibabaV1(f *testing.F) {
	now := time.Date(2026, 11, 25, 23, 19, 50, 0, time.UTC)
	for _, c := range aliV1Captured() {
		r := c.req.request(f)
		f.Add(r.Method, r.URL.RawQuery, r.Header.Get("Content-Type"), []byte(c.req.body))
	}
	f.Add("POST", "Action=X&Tid=1", formContentType+"; charset=utf-8", []byte("Tid=2&Name=a+b"))
	f.Add("GET", "Signature=%%&AccessKeyId=", "", []byte(nil))
	f.Add("POST", "Signature=AAAA&AccessKeyId=testAccessKeyId&Timestamp=x", formContentType, []byte("Signature=x&Timestamp=y"))
	f.Fuzz(func(t *testing.T, method, query, contentType string, body []byte) {
		if got, want := percentEncode(query), acs3Patch(url.QueryEscape(query)); got != want {
			t.Fatalf("percentEncode(%q) = %q, patched QueryEscape = %q", query, got, want)
		}
		r := &http.Request{Method: method, URL: &url.URL{Path: "/", RawQuery: query}, Host: "dms-enterprise.aliyuncs.com",
			Header: http.Header{"Content-Type": {contentType}}, Body: io.NopCloser(bytes.NewReader(body))}
		_ = VerifyAlibabaV1(r, aliSecrets, now, maxSkew)

		s := &http.Request{Method: method, URL: &url.URL{Path: "/", RawQuery: query}, Host: "dms-enterprise.aliyuncs.com",
			Header: http.Header{"Content-Type": {contentType}}, Body: io.NopCloser(bytes.NewReader(body))}
		if err := (AlibabaV1{AccessKeyID: aliID, Secret: aliKey, Now: fixedClock(now), Nonce: fixedNonce("n")}).Sign(s); err != nil {
			return
		}
		if err := VerifyAlibabaV1(s, aliSecrets, now, maxSkew); err != nil {
			t.Fatalf("signed request does not verify: %v", err)
		}
	})
}

func FuzzVerifyAlibabaV3(f *testing.F) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range aliV3Captured() {
		r := c.req.request(f)
		f.Add(r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), r.Header.Get("X-Acs-Date"), r.Header.Get("X-Acs-Content-Sha256"), []byte(c.req.body))
	}
	f.Add("GET", "/a b/c*d~", "x=1&y=&x=2", "ACS3-HMAC-SHA256 Credential=testAccessKeyId, SignedHeaders=host;;x, Signature=zz", "2026-01-02T03:04:05+08:00", "", []byte("{}"))
	f.Add("", "", "=", "ACS3-HMAC-SHA256 ", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", []byte(nil))
	f.Fuzz(func(t *testing.T, method, path, query, auth, date, contentSHA string, body []byte) {
		r := &http.Request{Method: method, URL: &url.URL{Path: path, RawQuery: query}, Host: "dms-enterprise.aliyuncs.com", Header: http.Header{
			"Authorization": {auth}, "X-Acs-Date": {date}, "X-Acs-Content-Sha256": {contentSHA}, "X-Acs-Action": {"GetUserActiveTenant"},
		}}
		_ = VerifyAlibabaV3(r, body, aliSecrets, now, maxSkew)

		s := &http.Request{Method: method, URL: &url.URL{Path: path, RawQuery: query}, Host: "dms-enterprise.aliyuncs.com", Header: http.Header{
			"X-Acs-Action": {"GetUserActiveTenant"}, "X-Acs-Version": {"2018-11-01"},
		}}
		if err := (AlibabaV3{AccessKeyID: aliID, Secret: aliKey, Now: fixedClock(now), Nonce: fixedNonce("n")}).Sign(s, body); err != nil {
			return
		}
		if err := VerifyAlibabaV3(s, body, aliSecrets, now, maxSkew); err != nil {
			t.Fatalf("signed request does not verify: %v", err)
		}
	})
}

func FuzzVerifyZStackAccessKey(f *testing.F) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Add("PUT", "/zstack/v1/iam2/projects/p/actions", "ZStack zstack-key-id:ZwbaWVBiNGVyewi19dPne+eoz/4=", "Fri, 02 Jan 2026 03:04:05 GMT")
	f.Add("GET", "/zstack", "ZStack ::", "Fri, 02 Jan 2026 11:04:05 CST")
	f.Fuzz(func(t *testing.T, method, path, auth, date string) {
		r := &http.Request{Method: method, URL: &url.URL{Path: path}, Header: http.Header{"Authorization": {auth}, "Date": {date}}}
		_ = VerifyZStackAccessKey(r, zstackSecrets, now, maxSkew)

		s := &http.Request{Method: method, URL: &url.URL{Path: path}, Header: http.Header{}}
		if err := (ZStackAccessKey{KeyID: zstackKeyID, Secret: zstackSecret, Now: fixedClock(now)}).Sign(s); err != nil {
			return
		}
		if err := VerifyZStackAccessKey(s, zstackSecrets, now, maxSkew); err != nil {
			t.Fatalf("signed request does not verify: %v", err)
		}
	})
}
