package signing

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

const (
	zstackKeyID  = "zstack-key-id"
	zstackSecret = "zstack-secret"
)

func zstackSecrets(id string) (string, bool) { return zstackSecret, id == zstackKeyID }

// TestZStackPasswordHash pins SHA-512 of "password" as `printf password | sha512sum`
// (GNU coreutils) prints it.
func TestZStackPasswordHash(t *testing.T) {
	const want = "b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86"
	if got := ZStackPasswordHash("password"); got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

// TestZStackSession: the headers ZStack's Go client sends, and how a server reads them.
func TestZStackSession(t *testing.T) {
	h := http.Header{}
	ZStackSessionHeaders(h, "2b1d9a0e6c3f4e5a8b7c6d5e4f3a2b1c")
	if got := h.Get("Authorization"); got != "OAuth 2b1d9a0e6c3f4e5a8b7c6d5e4f3a2b1c" {
		t.Errorf("Authorization = %q", got)
	}
	if got := h.Get("X-Session-Id"); got != "2b1d9a0e6c3f4e5a8b7c6d5e4f3a2b1c" {
		t.Errorf("X-Session-Id = %q", got)
	}
	for _, tc := range []struct {
		auth, session string
		want          error
	}{
		{"OAuth 2b1d9a0e6c3f4e5a8b7c6d5e4f3a2b1c", "2b1d9a0e6c3f4e5a8b7c6d5e4f3a2b1c", nil},
		{"  OAuth   abc  ", "abc", nil},
		{"", "", ErrNoCredentials},
		{"OAuth", "", ErrMalformed},
		{"OAuth a b", "", ErrMalformed},
		{"Bearer abc", "", ErrMalformed},
	} {
		r := httptest.NewRequest("GET", "/zstack/v1/iam2/projects", nil)
		if tc.auth != "" {
			r.Header.Set("Authorization", tc.auth)
		}
		got, err := ZStackSession(r)
		checkVerdict(t, err, tc.want)
		if got != tc.session {
			t.Errorf("ZStackSession(%q) = %q, want %q", tc.auth, got, tc.session)
		}
	}
}

// TestZStackAccessKeySignVector pins a signature computed independently of this package:
// printf 'PUT\nFri, 02 Jan 2026 03:04:05 GMT\n/v1/iam2/projects/2b1d9a0e6c3f4e5a8b7c6d5e4f3a2b1c/actions' |
// openssl dgst -sha1 -hmac zstack-secret -binary | base64 (OpenSSL 3.0.19). The signed URI
// lacks the /zstack context path, as in ZStack's Go client (zstack-sdk-go
// pkg/client/zstack_http_client.go getAccessKeyHeader) and its management node.
func TestZStackAccessKeySignVector(t *testing.T) {
	r := httptest.NewRequest("PUT", "http://zstack.example:8080/zstack/v1/iam2/projects/2b1d9a0e6c3f4e5a8b7c6d5e4f3a2b1c/actions?ignored=1", nil)
	z := ZStackAccessKey{KeyID: zstackKeyID, Secret: zstackSecret, Now: fixedClock(time.Date(2026, 1, 2, 11, 4, 5, 0, time.FixedZone("CST", 8*3600)))}
	if err := z.Sign(r); err != nil {
		t.Fatal(err)
	}
	if got, want := r.Header.Get("Date"), "Fri, 02 Jan 2026 03:04:05 GMT"; got != want {
		t.Errorf("Date = %q, want %q", got, want)
	}
	if got, want := r.Header.Get("Authorization"), "ZStack zstack-key-id:ZwbaWVBiNGVyewi19dPne+eoz/4="; got != want {
		t.Errorf("Authorization = %q, want %q", got, want)
	}
}

func TestVerifyZStackAccessKey(t *testing.T) {
	signedAt := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	mutations := []mutation{
		{name: "as signed", change: keep},
		{name: "query changed: ZStack does not sign it", change: setRawQuery("other=2")},
		{name: "body changed: ZStack does not sign it", change: flipBodyByte},
		{name: "clock 14 minutes behind", change: keep, at: -14 * time.Minute},
		{name: "path changed", change: func(r *http.Request, b []byte) []byte { r.URL.Path += "x"; return b }, want: ErrSignatureMismatch},
		{name: "method changed", change: func(r *http.Request, b []byte) []byte { r.Method = "POST"; return b }, want: ErrSignatureMismatch},
		{name: "Date moved one second", change: setHeader("Date", "Fri, 02 Jan 2026 03:04:06 GMT"), want: ErrSignatureMismatch},
		{name: "secret differs", change: keep, secrets: otherSecret, want: ErrSignatureMismatch},
		{name: "clock 16 minutes ahead", change: keep, at: 16 * time.Minute, want: ErrStale},
		{name: "Date unparseable", change: setHeader("Date", "2026-01-02T03:04:05Z"), want: ErrStale},
		{name: "Date in a zone without a known offset", change: setHeader("Date", "Fri, 02 Jan 2026 11:04:05 XYZ"), want: ErrStale},
		{name: "Date missing", change: delHeader("Date"), want: ErrMalformed},
		{name: "unknown key", change: keep, secrets: func(string) (string, bool) { return "", false }, want: ErrUnknownKey},
		{name: "no Authorization", change: delHeader("Authorization"), want: ErrNoCredentials},
		{name: "session instead of a key", change: setHeader("Authorization", "OAuth abc"), want: ErrMalformed},
		{name: "no colon", change: setHeader("Authorization", "ZStack zstack-key-id"), want: ErrMalformed},
		{name: "two colons", change: setHeader("Authorization", "ZStack a:b:c"), want: ErrMalformed},
		{name: "signature not base64", change: setHeader("Authorization", "ZStack zstack-key-id:!!!"), want: ErrMalformed},
	}
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			r := httptest.NewRequest("PUT", "http://zstack.example:8080/zstack/v1/iam2/projects/p/actions?q=1", nil)
			if err := (ZStackAccessKey{KeyID: zstackKeyID, Secret: zstackSecret, Now: fixedClock(signedAt)}).Sign(r); err != nil {
				t.Fatal(err)
			}
			m.change(r, []byte("{}"))
			secrets := zstackSecrets
			if m.secrets != nil {
				secrets = m.secrets
			}
			err := VerifyZStackAccessKey(r, secrets, signedAt.Add(m.at), maxSkew)
			want := base64.StdEncoding.EncodeToString(hmacSHA1(zstackSecret, zstackStringToSign(method(r), r.Header.Get("Date"), r.URL.Path)))
			checkVerdict(t, err, m.want, zstackSecret, want)
		})
	}
}

// TestZStackDates: the management node's format in GMT or UTC, or with a numeric zone.
func TestZStackDates(t *testing.T) {
	want := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, s := range []string{"Fri, 02 Jan 2026 03:04:05 GMT", "Fri, 02 Jan 2026 03:04:05 UTC", "Fri, 02 Jan 2026 11:04:05 +0800"} {
		got, err := parseZStackDate(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseZStackDate(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
}

// TestZStackRoundTripOverHTTP signs on a client and verifies on a server.
func TestZStackRoundTripOverHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := VerifyZStackAccessKey(r, zstackSecrets, time.Now(), maxSkew); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
		}
	}))
	defer srv.Close()
	for _, path := range []string{"/zstack/v1/iam2/projects/p/actions", "/zstack/v1/api-jobs/j", "/v1/accounts/login"} {
		r, err := http.NewRequest("PUT", srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := (ZStackAccessKey{KeyID: zstackKeyID, Secret: zstackSecret}).Sign(r); err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("PUT %s: %d %s", path, resp.StatusCode, msg)
		}
	}
}
