package signing

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The benchmarks re-sign one request shaped like the captured SDK requests; each Sign
// replaces what the previous one wrote.

func BenchmarkHuaweiSign(b *testing.B) {
	body := []byte(`{"service_status":"active"}`)
	r := httptest.NewRequest("POST", "https://appstream.cn-north-4.myhuaweicloud.com/v1/0123456789abcdef0123456789abcdef/tenant/action/active", nil)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "conformance")
	r.Header.Set("X-Project-Id", "0123456789abcdef0123456789abcdef")
	s := Huawei{AccessKey: huaweiAK, SecretKey: huaweiSK, Now: fixedClock(time.Unix(1767323045, 0))}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Sign(r, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAlibabaV1Sign(b *testing.B) {
	r := httptest.NewRequest("POST", "http://dms-enterprise.aliyuncs.com/?Action=GetUserActiveTenant&Version=2018-11-01&RegionId=cn-hangzhou&Tid=3000", strings.NewReader(""))
	s := AlibabaV1{AccessKeyID: aliID, Secret: aliKey, Now: fixedClock(time.Unix(1767323045, 0)), Nonce: fixedNonce("97c154ee9f5cc72ff823a293e748d5fc")}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Sign(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAlibabaV3Sign(b *testing.B) {
	r := httptest.NewRequest("POST", "http://dms-enterprise.aliyuncs.com/?Tid=3000", nil)
	r.Header.Set("X-Acs-Action", "GetUserActiveTenant")
	r.Header.Set("X-Acs-Version", "2018-11-01")
	s := AlibabaV3{AccessKeyID: aliID, Secret: aliKey, Now: fixedClock(time.Unix(1767323045, 0)), Nonce: fixedNonce("3c2e4f0a9b8d7c6e5f4a3b2c1d0e9f8a")}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Sign(r, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkZStackAccessKeySign(b *testing.B) {
	r := httptest.NewRequest("PUT", "http://zstack.example:8080/zstack/v1/iam2/projects/p/actions", nil)
	s := ZStackAccessKey{KeyID: zstackKeyID, Secret: zstackSecret, Now: fixedClock(time.Unix(1767323045, 0))}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Sign(r); err != nil {
			b.Fatal(err)
		}
	}
}
