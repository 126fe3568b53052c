package proxy_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
	"github.com/conformance-suite/conformance/providers/zstack"
	"github.com/conformance-suite/conformance/proxy/proxytest"
	"github.com/conformance-suite/conformance/testtargets"
)

// recorder is the proxy's transport in this test: it notes every credential the client sent
// and every session an answer handed out, as the upstream saw them.
type recorder struct {
	mu      sync.Mutex
	secrets map[string]bool
}

func (rec *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	rec.mu.Lock()
	for _, name := range []string{"Authorization", "X-Auth-Token", "X-Session-Id"} {
		for _, v := range r.Header.Values(name) {
			_, cred, _ := strings.Cut(v, " ")
			for part := range strings.SplitSeq(cred, ",") {
				if _, sig, ok := strings.Cut(strings.TrimSpace(part), "Signature="); ok {
					rec.secrets[sig] = true
				}
			}
			if strings.HasPrefix(v, "OAuth ") || name != "Authorization" {
				rec.secrets[strings.TrimPrefix(v, "OAuth ")] = true
			}
		}
	}
	for _, sig := range r.URL.Query()["Signature"] {
		rec.secrets[sig] = true
	}
	rec.mu.Unlock()
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && strings.HasSuffix(r.URL.Path, "/accounts/login") {
		var login struct{ Inventory struct{ UUID string } }
		// The answer is read again by the proxy: keep the session without consuming it.
		body, _ := readAndRestore(resp)
		if json.Unmarshal(body, &login) == nil && login.Inventory.UUID != "" {
			rec.mu.Lock()
			rec.secrets[login.Inventory.UUID] = true
			rec.mu.Unlock()
		}
	}
	return resp, err
}

// No configured key, token, password (or its hash), session or signature a client sent
// through the proxy appears in any report or console line: a Huawei token and AK/SK
// signatures, Alibaba V1 signatures, a ZStack login and its session, wrong credentials
// included.
func TestNoSecretReachesTheProxysOutput(t *testing.T) {
	srv, err := mock.Start("127.0.0.1:0", mock.Options{Fault: "wrong-field-type"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	rec := &recorder{secrets: map[string]bool{}}
	creds := clientCredentials()
	for _, token := range []bool{false, true} {
		c := creds.WithDefaults(nil)
		delete(c, zstack.Session.Env) // the client logs in: a password hash, then a session
		if token {
			c[huaweicloud.Token.Env] = "a-client-token-0123456789"
		}
		s := proxytest.Start(t, srv.URL(), creds, 2*time.Second, nil, rec)
		drive(t, s.Server.URL, c, "", nil)
		s.Report(t)
		for _, v := range c.Secrets() {
			rec.secrets[v] = true
		}
		for _, v := range creds.Secrets() {
			rec.secrets[v] = true
		}
		if !strings.Contains(s.Console.String(), "LogInByAccount/observed-1") {
			t.Errorf("token=%v: the client's login did not go through the proxy", token)
		}
		testtargets.NoSecretIn(t, s.Console.String(), s.Dir, slices.Collect(maps.Keys(rec.secrets)), 4, 10)
	}
}
