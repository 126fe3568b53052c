package runner

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/alibabacloud"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
	"github.com/conformance-suite/conformance/providers/zstack"
	"github.com/conformance-suite/conformance/specs"
	"github.com/conformance-suite/conformance/testtargets"
)

// The hostile targets of issue 13, one send at a time: each test drives the session's own
// send (build, sign, send, read, poll) against a loopback target written for the purpose and
// bounds the time it may take. The whole-run view (exit status, every output file) is in
// cmd/conformance/hostile_test.go.

// probe are credentials no real service knows, so that finding one in an output proves a leak.
func probe() providers.Credentials {
	return providers.Credentials{
		huaweicloud.AccessKey.Env:  "PROBEHWAK7f3c9a1e0b",
		huaweicloud.SecretKey.Env:  "probe-huawei-secret/+=7c1d",
		huaweicloud.ProjectID.Env:  "0f5181caba0024e72f89c0045e707b91",
		alibabacloud.KeyID.Env:     "LTAIprobe5d8e2b4a91",
		alibabacloud.KeySecret.Env: "probe-alibaba-secret&?=9e4f",
		alibabacloud.Tid.Env:       "3000",
		zstack.Session.Env:         "probezstacksession0123456789abcdef",
		zstack.ProjectUUID.Env:     "2dce5dc485554d21a3796500c1db007a",
	}
}

// hostileSession is a session against target with the probe credentials and the default
// limits, as `conformance run --target target` would build it.
func hostileSession(t *testing.T, target string, edit func(*Config)) *session {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Target = target
	cfg.Timeout = 2 * time.Second
	cfg.Credentials = probe()
	if edit != nil {
		edit(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSession(cfg, cfg.Credentials, set, cfg.targets())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.http.CloseIdleConnections)
	return s
}

// planned is a positive case of an operation with valid credentials and the given headers.
func planned(t *testing.T, s *session, opID string, headers map[string]string) *conformance.Planned {
	t.Helper()
	op, ok := s.specs.Operation(opID)
	if !ok {
		t.Fatalf("no operation %s", opID)
	}
	c := &fixtures.Case{ID: opID + "/hostile", Name: "hostile", Operation: opID, Kind: fixtures.Positive,
		Request: fixtures.Request{Credentials: fixtures.Valid, Headers: headers}}
	switch opID {
	case "UpdateEnterpriseId":
		c.Request.Body = []byte(`{"enterprise_id":"e1"}`)
	case "ChangeIAM2ProjectState":
		c.Request.Body = []byte(`{"changeIAM2ProjectState":{"stateEvent":"enable"}}`)
	}
	return &conformance.Planned{Case: c, Op: op}
}

// sendWithin sends p and fails the test when it takes longer than limit.
func sendWithin(t *testing.T, s *session, p *conformance.Planned, limit time.Duration) *conformance.Exchange {
	t.Helper()
	start := time.Now()
	x := s.send(context.Background(), p)
	if took := time.Since(start); took > limit {
		t.Errorf("the exchange took %s, over %s", took, limit)
	}
	return x
}

func wantErr(t *testing.T, x *conformance.Exchange, want string) {
	t.Helper()
	if x.Err == nil {
		t.Fatalf("no error, want one saying %q (status %d)", want, x.Response.Status)
	}
	if !strings.Contains(x.Err.Error(), want) {
		t.Fatalf("error %q, want it to say %q", x.Err, want)
	}
	if n := len(x.Err.Error()); n > 2*errorTextLimit {
		t.Errorf("the error text is %d bytes, over the bound", n)
	}
}

func TestHugeResponseHeadersFailResponseReceived(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header func(w io.Writer)
		want   string
	}{
		{"10 MB of one header", func(w io.Writer) {
			io.WriteString(w, "X-Big: ")
			chunk := strings.Repeat("a", 64<<10)
			for range 160 {
				io.WriteString(w, chunk)
			}
			io.WriteString(w, "\r\n")
		}, "header block exceeds 65536 bytes"},
		{"100k small headers", func(w io.Writer) {
			for i := range 100_000 {
				fmt.Fprintf(w, "X-H%d: v\r\n", i)
			}
		}, "header block exceeds 65536 bytes"},
		{"150 headers in a few KiB", func(w io.Writer) {
			for i := range 150 {
				fmt.Fprintf(w, "X-H%d: v\r\n", i)
			}
		}, "152 header fields, over the runner's limit of 100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := testtargets.Raw(t, func(c net.Conn) {
				w := bufio.NewWriter(c)
				io.WriteString(w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
				tc.header(w)
				io.WriteString(w, "Content-Length: 2\r\n\r\n{}")
				w.Flush()
			})
			s := hostileSession(t, target, nil)
			x := sendWithin(t, s, planned(t, s, "UpdateEnterpriseId", nil), 3*time.Second)
			wantErr(t, x, tc.want)
			// A hostile answer is an answer: it does not count towards the breaker.
			if s.breaker.refuse("huaweicloud-workspace") != nil {
				t.Error("the breaker opened on oversized headers")
			}
		})
	}
}

// A chunked body that would go on for 1 GiB is read to --max-body and no further.
func TestChunkedGigabyteBodyIsCutAtMaxBody(t *testing.T) {
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := bytes.Repeat([]byte("a"), 32<<10)
		for written.Load() < 1<<30 {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	s := hostileSession(t, srv.URL, nil)
	x := sendWithin(t, s, planned(t, s, "UpdateEnterpriseId", nil), 5*time.Second)
	wantErr(t, x, "exceeds the 8388608-byte limit (--max-body)")
	srv.CloseClientConnections()
	time.Sleep(100 * time.Millisecond)
	if n := written.Load(); n > 64<<20 {
		t.Errorf("the target got to write %d bytes: the runner read far past --max-body", n)
	}
}

// A gzip bomb: 1 GiB of zeros in about 1 MB. Decompressed only when the case asked for gzip,
// and then only to --max-body.
func TestGzipBombIsBoundedAfterDecompression(t *testing.T) {
	bomb := testtargets.Gzipped(1 << 30)
	small := testtargets.Gzipped(0)
	var zb bytes.Buffer
	zw := zlib.NewWriter(&zb)
	zw.Write([]byte(`{"enterprise_id":"e1"}`))
	zw.Close()
	bodies := map[string][]byte{"bomb": bomb, "small": small, "deflate": zb.Bytes()}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		which := r.URL.Query().Get("which")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", map[string]string{"deflate": "deflate"}[which]+map[bool]string{true: "gzip"}[which != "deflate"])
		w.Write(bodies[which])
	}))
	defer srv.Close()
	s := hostileSession(t, srv.URL, nil)
	with := func(which, accept string) *conformance.Exchange {
		p := planned(t, s, "UpdateEnterpriseId", nil)
		if accept != "" {
			p.Case.Request.Headers = map[string]string{"Accept-Encoding": accept}
		}
		p.Case.Request.Query = map[string]string{"which": which}
		return sendWithin(t, s, p, 5*time.Second)
	}

	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	x := with("bomb", "gzip")
	wantErr(t, x, "exceeds the 8388608-byte limit (--max-body) after decompression")
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("decompressing the bomb allocated %d MiB", grew>>20)
	}

	// Not asked for: left as sent, for the checks to report.
	x = with("bomb", "")
	if x.Err != nil || len(x.Response.Body) != len(bomb) || x.Response.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("an encoding not asked for: err %v, want the compressed body as sent", x.Err)
	}
	x = with("bomb", "gzip;q=0, br")
	if x.Err != nil || len(x.Response.Body) != len(bomb) {
		t.Fatalf("gzip refused with q=0 was decompressed: %v", x.Err)
	}
	x = with("deflate", "gzip, deflate")
	if x.Err != nil || string(x.Response.Body) != `{"enterprise_id":"e1"}` || x.Response.Header.Get("Content-Encoding") != "" {
		t.Fatalf("deflate asked for: err %v, body %q", x.Err, x.Response.Body)
	}
	x = with("small", "gzip")
	if x.Err != nil || len(x.Response.Body) != 0 {
		t.Fatalf("an empty gzip body: err %v, body %d bytes", x.Err, len(x.Response.Body))
	}
}

// The poll carries the session: a location elsewhere is refused before anything is sent.
func TestJobLocationOnAnotherPortIsNotPolled(t *testing.T) {
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"inventory":{}}`))
	}))
	defer other.Close()
	job := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprintf(w, `{"location":%q}`, other.URL+"/zstack/v1/api-jobs/1?token=probe-query-secret")
	}))
	defer job.Close()

	s := hostileSession(t, job.URL, nil)
	x := sendWithin(t, s, planned(t, s, "ChangeIAM2ProjectState", nil), 3*time.Second)
	wantErr(t, x, "not polled: the job location "+other.URL+"/zstack/v1/api-jobs/1 is not on "+job.URL)
	if strings.Contains(x.Err.Error(), "probe-query-secret") {
		t.Errorf("the refusal shows the location's query: %s", x.Err)
	}
	if n := elsewhere.Load(); n != 0 {
		t.Fatalf("%d requests reached the other port", n)
	}

	allowed := strings.TrimPrefix(other.URL, "http://")
	s = hostileSession(t, job.URL, func(c *Config) { c.AllowJobHosts = []string{allowed} })
	x = sendWithin(t, s, planned(t, s, "ChangeIAM2ProjectState", nil), 3*time.Second)
	if x.Err != nil || x.Response.Status != http.StatusOK || elsewhere.Load() != 1 {
		t.Fatalf("--allow-job-host %s: err %v, %d polls there", allowed, x.Err, elsewhere.Load())
	}
	for _, tc := range []struct{ orig, loc, want string }{
		{"https://a.test", "http://a.test/j", "unencrypted"},
		{"http://a.test", "ftp://a.test/j", "not an http or https URL"},
		{"http://a.test", "http://a.test:81/j", "is not on http://a.test"},
		{"http://a.test", "https://a.test/j", "is not on http://a.test"},
		{"http://a.test", "http://x:y@a.test/j", "credentials of its own"},
		{"http://a.test", "http://a.test:80/j", ""},
		{"https://a.test:443", "https://A.test/j", ""},
	} {
		o, _ := http.NewRequest("GET", tc.orig, nil)
		l, _ := o.URL.Parse(tc.loc)
		if got := s.refuseLocation(o.URL, l); tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%s from %s: %q, want %q", tc.loc, tc.orig, got, tc.want)
		}
	}
}

// A refused ZStack login is every ZStack case's error: its text is bounded, whatever the
// target sends.
func TestRefusedLoginWithHugeBodyIsBounded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":{"code":"ID.1001","details":"`))
		w.Write(bytes.Repeat([]byte("x"), 4<<20))
		w.Write([]byte(`"}}`))
	}))
	defer srv.Close()
	s := hostileSession(t, srv.URL, func(c *Config) {
		c.Credentials[zstack.Session.Env] = ""
		c.Credentials[zstack.Account.Env] = "admin"
		c.Credentials[zstack.Password.Env] = "probe-zstack-password"
	})
	for range 3 {
		x := sendWithin(t, s, planned(t, s, "ChangeIAM2ProjectState", nil), 3*time.Second)
		wantErr(t, x, "ZStack login as \"admin\" failed: 401")
		if len(x.Err.Error()) > errorTextLimit+100 {
			t.Fatalf("the login error is %d bytes", len(x.Err.Error()))
		}
	}
}

// hangingTarget accepts TCP connections and never answers.
func hangingTarget(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	return "http://" + ln.Addr().String()
}

// After K transport failures in a row the service's remaining cases fail at once, unsent; an
// answer in between resets the count, and another service is not affected.
func TestBreakerStopsSendingToADeadService(t *testing.T) {
	s := hostileSession(t, hangingTarget(t), func(c *Config) { c.Timeout = 300 * time.Millisecond })
	p := planned(t, s, "UpdateEnterpriseId", nil)
	for range 3 {
		wantErr(t, sendWithin(t, s, p, time.Second), "no complete answer within 300ms (--timeout)")
	}
	start := time.Now()
	for range 50 {
		wantErr(t, s.send(context.Background(), p), "not sent: huaweicloud-workspace stopped answering after 3 consecutive transport failures (last: no complete answer within 300ms (--timeout))")
	}
	if took := time.Since(start); took > 100*time.Millisecond {
		t.Errorf("50 cases of a dead service took %s", took)
	}
	// The ZStack service has its own count.
	wantErr(t, sendWithin(t, s, planned(t, s, "ChangeIAM2ProjectState", nil), time.Second), "no complete answer within")

	b := newBreaker(2)
	tf := &transportFailure{msg: "reset"}
	b.record("a", tf)
	b.record("a", nil) // an answer
	b.record("a", tf)
	if b.refuse("a") != nil {
		t.Fatal("the count was not reset by an answer")
	}
	b.record("a", tooLarge("the answer body exceeds the limit"))
	b.record("a", tf)
	b.record("a", tf)
	if b.refuse("a") == nil || b.refuse("b") != nil {
		t.Fatal("two failures in a row did not open the breaker of a alone")
	}
	b.record("a", nil)
	if b.refuse("a") == nil {
		t.Fatal("an open breaker closed again")
	}
}

// The breaker is safe under concurrency: many goroutines failing at once open it once.
func TestBreakerConcurrent(t *testing.T) {
	b := newBreaker(3)
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc := fmt.Sprint("s", i%4)
			b.record(svc, &transportFailure{msg: "timeout"})
			_ = b.refuse(svc)
		}()
	}
	wg.Wait()
	for i := range 4 {
		if b.refuse(fmt.Sprint("s", i)) == nil {
			t.Errorf("s%d is not open after 16 failures", i)
		}
	}
}

// Everything the runner keeps of an exchange with an echoing target is free of the probe
// secrets and of every signature the target received, in every encoding.
func TestEchoedSecretsAreRedacted(t *testing.T) {
	e := &testtargets.Echo{}
	srv := httptest.NewServer(e)
	defer srv.Close()
	for _, sigVersion := range []string{"v1", "v3"} {
		s := hostileSession(t, strings.Replace(srv.URL, "http://", "http://probeuser:probe-url-password@", 1), func(c *Config) { c.AlibabaSignature = sigVersion })
		var outputs []string
		for _, op := range []string{"UpdateEnterpriseId", "GetUserActiveTenant", "ChangeIAM2ProjectState"} {
			for _, mode := range []fixtures.Credentials{fixtures.Valid, fixtures.WrongCredentials, fixtures.StaleCredentials, fixtures.TamperedCredentials} {
				p := planned(t, s, op, nil)
				p.Case.Request.Credentials = mode
				x := s.send(context.Background(), p)
				if x.Err != nil {
					t.Fatalf("%s %s: %v", op, mode, x.Err)
				}
				outputs = append(outputs, x.Curl, s.redact.URL(x.Request.URL), s.redact.text(string(x.Response.Body)),
					s.redact.excerpt(string(x.Response.Body), 300), fmt.Sprint(s.redact.Header(x.Response.Header)),
					fmt.Sprint(s.redact.Header(x.Request.Header)))
				var log bytes.Buffer
				w := s.redact.Writer(&log)
				w.Write(x.Response.Body[:len(x.Response.Body)/2])
				w.Write(x.Response.Body[len(x.Response.Body)/2:])
				w.Close()
				outputs = append(outputs, log.String())
			}
		}
		secrets := append(probe().Secrets(), "probe-url-password")
		secrets = append(secrets, e.Signatures()...)
		e.Reset()
		if len(secrets) < 12 { // the probe credentials, the URL's password, a signature per signed request
			t.Fatalf("only %d secrets and signatures to look for", len(secrets))
		}
		for _, out := range outputs {
			for _, secret := range secrets {
				for _, form := range encodings(secret)[:3] {
					if strings.Contains(out, form) {
						t.Errorf("%s: an output shows %q:\n%.400s", sigVersion, form, out)
					}
				}
			}
		}
	}
}

func TestRedactorForms(t *testing.T) {
	r := newRedactor(providers.Credentials{huaweicloud.SecretKey.Env: "se/cr+et=key&1"})
	for _, form := range []string{"se/cr+et=key&1", "se%2Fcr%2Bet%3Dkey%261", "se%2fcr%2bet%3dkey%261", `se\/cr+et=key&1`, `se/cr+et=key\u00261`, "se%2Fcr+et=key&1", "se%252Fcr%252Bet%253Dkey%25261"} {
		if got := r.text("a " + form + " b"); got != "a REDACTED b" {
			t.Errorf("%q: %q", form, got)
		}
	}
	// A truncation that cut a secret short leaves no beginning of it.
	for _, text := range []string{`body "xx se/cr+e"… (300 bytes)`, "xx se/cr+et=k…"} {
		if got := r.text(text); strings.Contains(got, "se/cr") {
			t.Errorf("%q: %q", text, got)
		}
	}
	// excerpt never cuts through a secret.
	long := strings.Repeat("a", 95) + "se/cr+et=key&1" + strings.Repeat("b", 1000)
	if got := r.excerpt(long, 100); strings.Contains(got, "se/cr") || len(got) > 140 || !strings.Contains(got, "1109 bytes") {
		t.Errorf("excerpt: %q", got)
	}
	// URLs: the password goes, the user stays; unparsable ones too.
	r.addURL(mustURL(t, "http://me:pa55word@h:1"))
	for raw, want := range map[string]string{
		"http://me:pa55word@h:1/p?Signature=abc": "http://me:REDACTED@h:1/p?Signature=REDACTED",
		"http://me:pa55word@h:99999":             "http://me:REDACTED@h:99999",
	} {
		if got := r.URL(raw); got != want {
			t.Errorf("URL(%q) = %q, want %q", raw, got, want)
		}
	}
	if got := displayURL("me:pw@h/x@y"); got != "me:REDACTED@h/x@y" {
		t.Errorf("displayURL: %q", got)
	}
	if got := r.text("Basic bWU6cGE1NXdvcmQ="); got != "Basic REDACTED" {
		t.Errorf("the Basic credential of a URL: %q", got)
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Writer holds a bounded part of a line and still never splits a secret.
func TestRedactingWriterBoundsItsBuffer(t *testing.T) {
	secret := "probe-secret-0123456789"
	r := newRedactor(providers.Credentials{huaweicloud.SecretKey.Env: secret})
	var out bytes.Buffer
	w := r.Writer(&out).(*redactingWriter)
	line := strings.Repeat(strings.Repeat("x", 1000)+secret, 300) // 307 KB, no newline
	for i := 0; i < len(line); i += 777 {
		w.Write([]byte(line[i:min(len(line), i+777)]))
		if len(w.buf) > lineLimit+len(secret)*2 {
			t.Fatalf("the writer holds %d bytes", len(w.buf))
		}
	}
	w.Write([]byte("\nshort " + secret + "\n"))
	w.Close()
	if strings.Contains(out.String(), secret) || strings.Contains(out.String(), secret[:12]) && !strings.Contains(out.String(), "REDACTED") {
		t.Fatal("the writer let a secret through")
	}
	if got := strings.Count(out.String(), Redacted); got != 301 {
		t.Fatalf("%d redactions, want 301", got)
	}
}

// Settings are checked before anything is sent, flags and the --config file alike.
func TestSettingsOutOfRange(t *testing.T) {
	for _, tc := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Target = "http://127.0.0.1:99999" }, `--target: "http://127.0.0.1:99999": port "99999" is not in 1..65535`},
		{func(c *Config) { c.Target = "http://127.0.0.1:0" }, `port "0" is not in 1..65535`},
		{func(c *Config) { c.Targets = map[string]string{"zstack-iam2": "http://u:hunter22@h:70000"} }, `--target-zstack-iam2: "http://u:REDACTED@h:70000"`},
		{func(c *Config) { c.Target = "http://u:hunter22@h:x" }, `is not a URL`},
		{func(c *Config) { c.Parallel = 1000 }, "--parallel: must be between 1 and 256, not 1000"},
		{func(c *Config) { c.Parallel = 0 }, "--parallel: must be between 1 and 256, not 0"},
		{func(c *Config) { c.Timeout = -time.Second }, "--timeout: must be between 1ms and 24h0m0s, not -1s"},
		{func(c *Config) { c.MaxBody = 0 }, "--max-body: must be between 1 and"},
		{func(c *Config) { c.MaxTransportFailures = 0 }, "--max-transport-failures: must be between 1 and"},
		{func(c *Config) { c.AllowJobHosts = []string{"http://x/"} }, "--allow-job-host"},
		{func(c *Config) { c.AllowJobHosts = []string{"h:65536"} }, "--allow-job-host"},
	} {
		cfg := DefaultConfig()
		tc.edit(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v, want %q", err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter22") {
			t.Errorf("a setting's error shows a password: %v", err)
		}
	}
	cfg := DefaultConfig()
	cfg.AllowJobHosts = []string{"jobs.example.com", "10.0.0.1:8080", "[::1]:80", "::1"}
	if err := cfg.Validate(); err != nil {
		t.Errorf("valid settings refused: %v", err)
	}

	dir := t.TempDir()
	for _, tc := range []struct{ file, want string }{
		{"timeout: -5s\n", "c.yaml:1: timeout: must be between 1ms and 24h0m0s, not -5s"},
		{"target: http://127.0.0.1:1\ntimeout: 0s\n", "c.yaml:2: timeout: must be between"},
		{"parallel: 0\n", "c.yaml:1: parallel: must be between 1 and 256, not 0"},
		{"parallel: -3\n", "parallel: must be between 1 and 256, not -3"},
		{"parallel: 1000\n", "parallel: must be between 1 and 256, not 1000"},
		{"max_body: -1\n", "c.yaml:1: max_body: must be between 1 and"},
		{"max_transport_failures: 0\n", "max_transport_failures: must be between 1 and"},
		{"target: http://127.0.0.1:99999\n", `c.yaml:1: target: "http://127.0.0.1:99999": port "99999"`},
		{"targets:\n  zstack-iam2: ftp://x\n", "c.yaml:1: targets: zstack-iam2:"},
		{"allow_job_hosts: [\"a/b\"]\n", "allow_job_hosts"},
	} {
		path := filepath.Join(dir, "c.yaml")
		os.WriteFile(path, []byte(tc.file), 0o600)
		_, err := ReadFile(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.file, err, tc.want)
		}
	}
	path := filepath.Join(dir, "c.yaml")
	os.WriteFile(path, []byte("max_transport_failures: 5\nallow_job_hosts: [jobs.test]\nparallel: 256\n"), 0o600)
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg = DefaultConfig()
	f.Apply(&cfg, nil)
	if cfg.MaxTransportFailures != 5 || len(cfg.AllowJobHosts) != 1 || cfg.Parallel != 256 {
		t.Fatalf("applied %+v", cfg)
	}
}

// The memory budget of sending: 130 cases at the default --parallel against each big target
// grow the heap in use (sampled; the specs and the targets' own data are there before) by less
// than 64 MiB. Judging and
// trimming are the suite's; this is the bound of what send itself holds while reading. Answers
// just under --max-body are each held whole while judged, --parallel of them at once, and the
// garbage they leave doubles that until the collector runs: their bound is the budget plus
// 4 × --parallel × --max-body, far from the gigabytes of keeping every answer.
func TestSendingHoldsBoundedMemory(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("sends 130 cases per target; measures nothing true under the race detector")
	}
	const budget = 64 << 20
	whole := uint64(budget + 4*4*(8<<20))
	bomb := testtargets.Gzipped(1 << 30)
	underLimit := bytes.Repeat([]byte(" "), 8<<20-1)
	mebibyte := bytes.Repeat([]byte(" "), 1<<20)
	digits := append(append([]byte(`{"enterprise_id":1`), bytes.Repeat([]byte("1"), 1<<20)...), '}')
	chunk := bytes.Repeat([]byte("1"), 32<<10)
	bigHeader := "X-Big: " + strings.Repeat("a", 10<<20) + "\r\n"
	var manyHeaders strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&manyHeaders, "X-H%d: v\r\n", i)
	}
	raw := func(header string) func(c net.Conn) {
		parts := [][]byte{[]byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"), []byte(header), []byte("Content-Length: 2\r\n\r\n{}")}
		return func(c net.Conn) {
			for _, part := range parts {
				if _, err := c.Write(part); err != nil {
					return
				}
			}
		}
	}
	for _, tc := range []struct {
		name  string
		bound uint64
		h     http.HandlerFunc
		raw   func(c net.Conn)
	}{
		{name: "10 MB of response headers", bound: budget, raw: raw(bigHeader)},
		{name: "100k small headers", bound: budget, raw: raw(manyHeaders.String())},
		{name: "chunked 1 GiB body", bound: budget, h: func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i < 1<<15; i++ {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}},
		{name: "gzip bomb", bound: budget, h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb)
		}},
		{name: "1 MB of digits", bound: budget, h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(digits)
		}},
		{name: "body just under --max-body", bound: whole, h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", fmt.Sprint(len(underLimit)))
			w.Write(underLimit)
		}},
		{name: "chunked body just under --max-body", bound: whole, h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			for range 7 {
				w.Write(mebibyte)
				w.(http.Flusher).Flush()
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var target string
			if tc.raw != nil {
				target = testtargets.Raw(t, tc.raw)
			} else {
				srv := httptest.NewServer(tc.h)
				defer srv.Close()
				target = srv.URL
			}
			s := hostileSession(t, target, func(c *Config) { c.Timeout = 10 * time.Second })
			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			var peak atomic.Uint64
			stop := make(chan struct{})
			sampled := make(chan struct{})
			go func() {
				defer close(sampled)
				var m runtime.MemStats
				for {
					runtime.ReadMemStats(&m)
					if m.HeapInuse > peak.Load() {
						peak.Store(m.HeapInuse)
					}
					select {
					case <-stop:
						return
					case <-time.After(5 * time.Millisecond):
					}
				}
			}()
			work := make(chan int)
			var wg sync.WaitGroup
			for range s.cfg.Parallel {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range work {
						p := planned(t, s, "UpdateEnterpriseId", map[string]string{"Accept-Encoding": "gzip"})
						x := s.send(context.Background(), p)
						if x.Response != nil {
							x.Response.Body = bytes.Clone(x.Response.Body[:min(len(x.Response.Body), 4<<10)]) // as the suite trims after judging
						}
					}
				}()
			}
			start := time.Now()
			for i := range 130 {
				work <- i
			}
			close(work)
			wg.Wait()
			close(stop)
			<-sampled
			t.Logf("130 cases in %s, peak HeapInuse %.1f MiB (%.1f MiB before the first case, the targets' own data included)",
				time.Since(start).Round(time.Millisecond), float64(peak.Load())/(1<<20), float64(base.HeapInuse)/(1<<20))
			if grew := peak.Load() - min(peak.Load(), base.HeapInuse); grew > tc.bound {
				t.Errorf("the heap in use grew by %d MiB, over %d MiB", grew>>20, tc.bound>>20)
			}
		})
	}
}
