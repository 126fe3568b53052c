package recording_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/recording"
	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/specs"
)

// exchange is one recorded exchange and the fixture case that made it.
type exchange struct {
	c    *fixtures.Case
	op   *specs.Operation
	req  conformance.Request
	resp *conformance.Response
}

// target is the built-in reference target and the credentials a client of it sends.
type target struct {
	url   string
	creds providers.Credentials
	vars  map[string]string // placeholder values of the run
}

// shared is one reference target and the runner's exchanges with it, made once for every test:
// the machine's cores are shared.
var shared struct {
	once   sync.Once
	set    *specs.Set
	tg     target
	v1, v3 []exchange
	err    error
}

func startTarget(t *testing.T) target {
	t.Helper()
	shared.once.Do(func() {
		set, err := specs.Load()
		if err != nil {
			shared.err = err
			return
		}
		shared.set = set
		srv, creds, err := mock.StartBuiltin(providers.Credentials{}, set)
		if err != nil {
			shared.err = err
			return
		}
		vars := map[string]string{}
		for _, p := range providers.Placeholders() {
			vars[p.Name] = creds.Get(p.From)
		}
		shared.tg = target{url: srv.URL(), creds: creds, vars: vars}
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.tg
}

// runCases runs fixture cases against the target through the runner, so that every request is
// built and signed as `conformance run` sends it, and returns the exchanges of the cases that
// send valid credentials or none (a recorder cannot tell wrong credentials from valid ones).
func runCases(t *testing.T, tg target, cfg runner.Config) []exchange {
	t.Helper()
	cfg.Target, cfg.Credentials, cfg.ReportDir = tg.url, tg.creds, t.TempDir()
	plan, err := runner.NewPlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	plan.Start(context.Background())
	var out []exchange
	for _, p := range plan.Cases {
		v := plan.Verdict(p)
		mode := p.Case.Request.Credentials
		if v.Exchange == nil || v.Exchange.Response == nil || mode != fixtures.Valid && mode != fixtures.NoCredentials {
			continue
		}
		out = append(out, exchange{c: p.Case, op: p.Op, req: v.Exchange.Request, resp: v.Exchange.Response})
	}
	if len(out) == 0 {
		t.Fatal("the run recorded no exchange")
	}
	return out
}

// fixtureExchanges are the exchanges of every fixture case of the embedded files (derived and
// generated cases left out), signed with Alibaba's V1 or V3.
func fixtureExchanges(t *testing.T, tg target, signature string) []exchange {
	t.Helper()
	cache := map[string]*[]exchange{"v1": &shared.v1, "v3": &shared.v3}[signature]
	if *cache == nil {
		*cache = runExchanges(t, tg, signature)
	}
	return *cache
}

func runExchanges(t *testing.T, tg target, signature string) []exchange {
	cfg := runner.DefaultConfig()
	cfg.AlibabaSignature = signature
	cfg.LabelFilter = "!derived && !generated"
	return runCases(t, tg, cfg)
}

// operations are the built-in specs, loaded once.
func operations(t *testing.T) *specs.Set {
	startTarget(t)
	return shared.set
}

func record(t *testing.T, dir string, opts recording.Options, xs []exchange) {
	t.Helper()
	r := recording.New(dir, opts)
	for _, x := range xs {
		if err := r.Add(x.op, x.req, x.resp); err != nil {
			t.Fatalf("%s: %v", x.c.ID, err)
		}
	}
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
}

func load(t *testing.T, dir string) []fixtures.Case {
	t.Helper()
	set := operations(t)
	cases, err := fixtures.Load(os.DirFS(dir), func(id string) bool { _, ok := set.Operation(id); return ok })
	if err != nil {
		t.Fatalf("the recording does not load strictly: %v", err)
	}
	return cases
}

// wire is what a case sends, placeholders expanded and the runner's path parameters filled,
// in one comparable string.
func wire(t *testing.T, c fixtures.Case, vars map[string]string) string {
	t.Helper()
	op, _ := operations(t).Operation(c.Operation)
	fills := map[string]string{}
	for _, p := range providers.Of(op).Placeholders {
		for _, param := range p.Fills {
			fills[param] = vars[p.Name]
		}
	}
	path := op.Path
	for _, name := range op.PathParameters() {
		v, ok := c.Request.Path[name]
		if !ok {
			v = fills[name]
		}
		path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(fixtures.Expand(v, vars)))
	}
	expand := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[http.CanonicalHeaderKey(k)] = fixtures.Expand(v, vars)
		}
		return out
	}
	var body any
	if c.Request.Body != nil {
		if err := json.Unmarshal([]byte(fixtures.Expand(string(c.Request.Body), vars)), &body); err != nil {
			t.Fatal(err)
		}
	}
	raw := ""
	if c.Request.RawBody != nil {
		raw = fixtures.Expand(*c.Request.RawBody, vars)
	}
	ct := "(default)"
	if c.Request.ContentType != nil {
		ct = *c.Request.ContentType
	}
	out, _ := json.Marshal([]any{c.Operation, op.Method, path, expand(c.Request.Query), expand(c.Request.Headers), body, raw, ct, c.Request.Credentials, c.Kind})
	return string(out)
}

// TestRoundTrip records what the runner sends for every fixture case of the five documented
// operations (and the GET form and the stateful sequences), signed with Alibaba's V1 and V3
// alike, and decodes the recording strictly: each original case has a recorded one that sends
// the same and expects the status it was answered with (and its error code).
func TestRoundTrip(t *testing.T) {
	tg := startTarget(t)
	xs := append(fixtureExchanges(t, tg, "v1"), fixtureExchanges(t, tg, "v3")...)
	dir := t.TempDir()
	record(t, dir, recording.Options{Values: tg.vars, Secrets: tg.creds.Secrets()}, xs)
	cases := load(t, dir)

	recorded := map[string][]fixtures.Case{}
	for _, c := range cases {
		if !slices.Contains(c.Labels, recording.Label) {
			t.Errorf("%s: labels %v lack %q", c.ID, c.Labels, recording.Label)
		}
		recorded[wire(t, c, tg.vars)] = append(recorded[wire(t, c, tg.vars)], c)
	}
	ops := map[string]bool{}
	for _, x := range xs {
		ops[x.op.ID] = true
		w := wire(t, *x.c, tg.vars)
		found := false
		for _, c := range recorded[w] {
			found = found || c.Expect.Status[0] == x.resp.Status && slices.Contains(x.c.Expect.Status, x.resp.Status) &&
				(x.c.Expect.ErrorCode == "" || c.Expect.ErrorCode == x.c.Expect.ErrorCode)
		}
		if !found {
			t.Errorf("%s (answered %d): no recorded case sends\n  %s\nrecorded:\n  %s", x.c.ID, x.resp.Status, w, strings.Join(slices.Sorted(maps.Keys(recorded)), "\n  "))
		}
	}
	for _, want := range []string{"InitializeTenant", "UpdateTenantConfig", "UpdateEnterpriseId", "GetUserActiveTenant", "GetUserActiveTenantByGet", "ChangeIAM2ProjectState"} {
		if !ops[want] {
			t.Errorf("no exchange of %s was recorded", want)
		}
		if _, err := os.Stat(filepath.Join(dir, want+".yaml")); err != nil {
			t.Error(err)
		}
	}
	// A business failure keeps its code.
	if !slices.ContainsFunc(cases, func(c fixtures.Case) bool {
		return c.Expect.ErrorCode == "TenantNotExist" && c.Expect.Status[0] == 200 && c.Kind == fixtures.Negative
	}) {
		t.Error("no recorded case expects the business failure TenantNotExist")
	}

	// The recording replays: every recorded case passes against the reference target.
	cfg := runner.DefaultConfig()
	cfg.FixturesDir, cfg.LabelFilter = dir, recording.Label+" && !derived && !generated"
	cfg.Target, cfg.Credentials, cfg.ReportDir = tg.url, tg.creds, t.TempDir()
	plan, err := runner.NewPlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	plan.Start(context.Background())
	for _, p := range plan.Cases {
		if v := plan.Verdict(p); p.Skip != "" || v.Result.Failed() {
			t.Errorf("replay of %s: skipped %q, result %+v", p.Case.ID, p.Skip, v.Result)
		}
	}
}

// TestPermissions checks the modes of what Flush writes.
func TestPermissions(t *testing.T) {
	tg := startTarget(t)
	dir := filepath.Join(t.TempDir(), "rec")
	record(t, dir, recording.Options{}, fixtureExchanges(t, tg, "v1")[:1])
	paths := []string{dir}
	for name := range files(t, dir) {
		paths = append(paths, filepath.Join(dir, name))
	}
	if len(paths) != 2 {
		t.Fatalf("wrote %v, want one file", paths[1:])
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v, want no access for group and others", p, info.Mode())
		}
	}
}

// TestDeterminism records the same exchanges forwards, backwards and concurrently, twice
// over: the files are the same bytes.
func TestDeterminism(t *testing.T) {
	tg := startTarget(t)
	xs := fixtureExchanges(t, tg, "v1")
	opts := recording.Options{Values: tg.vars}
	forward, backward, concurrent := t.TempDir(), t.TempDir(), t.TempDir()
	record(t, forward, opts, xs)
	reversed := slices.Clone(xs)
	slices.Reverse(reversed)
	record(t, backward, opts, append(reversed, reversed...))
	r := recording.New(concurrent, opts)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.Add(x.op, x.req, x.resp); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	// Alibaba's V3 signs otherwise than V1, and what the recording keeps is the same.
	v3 := t.TempDir()
	record(t, v3, opts, fixtureExchanges(t, tg, "v3"))
	want := files(t, forward)
	for _, dir := range []string{backward, concurrent, v3} {
		got := files(t, dir)
		if !maps.Equal(want, got) {
			for name := range want {
				if want[name] != got[name] {
					t.Errorf("%s differs from the first recording:\n%s\n---\n%s", name, want[name], got[name])
				}
			}
			t.Fatalf("files %v, want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
		}
	}
}

func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(data)
	}
	return out
}

// TestNoSecrets greps every recorded file for every configured secret, every signature,
// nonce, signing date and session the run sent, and the project id written back as its
// placeholder.
func TestNoSecrets(t *testing.T) {
	tg := startTarget(t)
	xs := append(fixtureExchanges(t, tg, "v1"), fixtureExchanges(t, tg, "v3")...)
	dir := t.TempDir()
	record(t, dir, recording.Options{Values: tg.vars, Secrets: tg.creds.Secrets()}, xs)
	forbidden := slices.Clone(tg.creds.Secrets())
	for _, x := range xs {
		u, _ := url.Parse(x.req.URL)
		for _, k := range []string{"Signature", "SignatureNonce", "Timestamp", "AccessKeyId"} {
			forbidden = append(forbidden, u.Query().Get(k))
		}
		for _, k := range []string{"Authorization", "X-Sdk-Date", "X-Session-Id", "X-Acs-Signature-Nonce", "X-Acs-Date", "X-Acs-Content-Sha256"} {
			v := x.req.Header.Get(k)
			forbidden = append(forbidden, v)
			if _, sig, ok := strings.Cut(v, "Signature="); ok {
				forbidden = append(forbidden, sig)
			}
		}
	}
	forbidden = append(forbidden, tg.vars["project_id"], tg.vars["zstack_project_uuid"])
	n := 0
	for name, data := range files(t, dir) {
		for _, s := range forbidden {
			if len(s) >= 8 && strings.Contains(data, s) {
				t.Errorf("%s holds %q", name, s)
			}
		}
		n++
	}
	if n == 0 {
		t.Fatal("nothing recorded")
	}
	for _, s := range []string{"Signature", "SignatureNonce", "x-acs-date", "X-Sdk-Date", "Authorization", "AccessKeyId", "RegionId", "User-Agent"} {
		for name, data := range files(t, dir) {
			if strings.Contains(strings.ToLower(data), strings.ToLower(s)+":") {
				t.Errorf("%s records %s", name, s)
			}
		}
	}
}

// TestWithoutValues keeps the run's ids literal when the recorder is not given them.
func TestWithoutValues(t *testing.T) {
	tg := startTarget(t)
	dir := t.TempDir()
	record(t, dir, recording.Options{}, fixtureExchanges(t, tg, "v1"))
	for _, c := range load(t, dir) {
		if c.Operation == "InitializeTenant" && c.Request.Path["project_id"] == "" {
			t.Errorf("%s: path %v, want the project id literal", c.ID, c.Request.Path)
		}
		if c.Operation == "GetUserActiveTenant" && strings.Contains(c.Request.Query["Tid"], "{") {
			t.Errorf("%s: Tid %q, want it literal", c.ID, c.Request.Query["Tid"])
		}
	}
}

// TestHostile feeds the recorder what it cannot record faithfully, and what it can only with
// care: it never panics, refuses the first with a reason, and writes the second so that it
// loads strictly and sends the same bytes.
func TestHostile(t *testing.T) {
	set := operations(t)
	op := func(id string) *specs.Operation { o, _ := set.Operation(id); return o }
	hw, ali := op("UpdateEnterpriseId"), op("GetUserActiveTenant")
	ok := &conformance.Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{}`)}
	signed := http.Header{"Authorization": {"SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date, Signature=00"}, "Content-Type": {"application/json"}}
	with := func(h http.Header, kv ...string) http.Header {
		h = h.Clone()
		for i := 0; i+1 < len(kv); i += 2 {
			h[kv[i]] = append(h[kv[i]], kv[i+1])
		}
		return h
	}
	const hwURL = "http://target.invalid/v2/p1/workspaces/enterprise-id"
	refused := []struct {
		name string
		op   *specs.Operation
		req  conformance.Request
		resp *conformance.Response
	}{
		{"10 MiB body", hw, conformance.Request{Method: "PUT", URL: hwURL, Header: signed, Body: bytes.Repeat([]byte("a"), 10<<20)}, ok},
		{"path of no template", hw, conformance.Request{Method: "PUT", URL: "http://target.invalid/v2/p1/somewhere-else", Header: signed}, ok},
		{"empty path parameter", hw, conformance.Request{Method: "PUT", URL: "http://target.invalid/v2//workspaces/enterprise-id", Header: signed}, ok},
		{"NUL in a header", hw, conformance.Request{Method: "PUT", URL: hwURL, Header: with(signed, "X-Odd", "a\x00b")}, ok},
		{"newline in a header", hw, conformance.Request{Method: "PUT", URL: hwURL, Header: with(signed, "X-Odd", "a\r\nX-Injected: 1")}, ok},
		{"space in a header name", hw, conformance.Request{Method: "PUT", URL: hwURL, Header: with(signed, "X Odd", "1")}, ok},
		{"URL that does not parse", hw, conformance.Request{Method: "PUT", URL: "http://target.invalid/%zz?Signature=secret", Header: signed}, ok},
		{"repeated query parameter", ali, conformance.Request{Method: "POST", URL: "http://target.invalid/?Tid=1&Tid=2&Signature=x", Header: http.Header{}}, ok},
		{"literal placeholder", hw, conformance.Request{Method: "PUT", URL: hwURL, Header: signed, Body: []byte(`{"enterprise_id":"{tid}"}`)}, ok},
		{"no answer", hw, conformance.Request{Method: "PUT", URL: hwURL, Header: signed}, nil},
		{"status 0", hw, conformance.Request{Method: "PUT", URL: hwURL, Header: signed}, &conformance.Response{Status: 0}},
		{"no credentials, accepted", hw, conformance.Request{Method: "PUT", URL: hwURL, Header: http.Header{}}, ok},
		{"a secret outside the credentials", hw, conformance.Request{Method: "PUT", URL: hwURL, Header: with(signed, "X-Debug", "key=conformance-secret")}, ok},
		{"login", op("LogInByAccount"), conformance.Request{Method: "PUT", URL: "http://target.invalid/zstack/v1/accounts/login", Body: []byte(`{"logInByAccount":{"password":"x"}}`)}, ok},
	}
	dir := t.TempDir()
	r := recording.New(dir, recording.Options{Secrets: []string{"conformance-secret"}})
	for _, c := range refused {
		if c.op == nil {
			t.Fatalf("%s: no such operation", c.name)
		}
		err := r.Add(c.op, c.req, c.resp)
		if err == nil {
			t.Errorf("%s: recorded", c.name)
			continue
		}
		if strings.Contains(err.Error(), "secret") && !strings.Contains(c.name, "secret") {
			t.Errorf("%s: the error quotes the request: %v", c.name, err)
		}
		t.Logf("%s: %v", c.name, err)
	}
	if err := r.Add(hw, conformance.Request{Method: "PUT", URL: hwURL, Header: signed}, nil); !errors.Is(err, recording.ErrNoAnswer) {
		t.Errorf("no answer: %v, want ErrNoAnswer", err)
	}
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("refused exchanges wrote %v", slices.Sorted(maps.Keys(got)))
	}

	// Recorded with care: bytes beyond ASCII in a header, invalid UTF-8 and a number YAML
	// cannot hold in a body (both recorded verbatim), a form body of an RPC POST, and a
	// refusal of a request without credentials.
	accepted := []struct {
		name string
		op   *specs.Operation
		req  conformance.Request
		resp *conformance.Response
		want func(c fixtures.Case) bool
	}{
		{"obs-text header", hw, conformance.Request{Method: "PUT", URL: hwURL, Header: with(signed, "X-Odd", "caf\xe9"), Body: []byte(`{"enterprise_id":"a"}`)}, ok,
			func(c fixtures.Case) bool { return c.Request.Headers["X-Odd"] == "caf\xe9" }},
		{"invalid UTF-8 body", hw, conformance.Request{Method: "PUT", URL: hwURL, Header: signed, Body: []byte("{\"enterprise_id\":\"\xff\"}")}, ok,
			func(c fixtures.Case) bool {
				return c.Request.RawBody != nil && *c.Request.RawBody == "{\"enterprise_id\":\"\xff\"}"
			}},
		{"huge number", hw, conformance.Request{Method: "PUT", URL: hwURL, Header: signed, Body: []byte(`{"enterprise_id":1e400}`)}, ok,
			func(c fixtures.Case) bool {
				return c.Request.RawBody != nil && *c.Request.RawBody == `{"enterprise_id":1e400}`
			}},
		{"form body", ali, conformance.Request{Method: "POST", URL: "http://target.invalid/?Signature=c2ln&SignatureNonce=n1",
			Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			Body:   []byte("Action=GetUserActiveTenant&Version=2018-11-01&Format=JSON&AccessKeyId=LTAIformkey&Timestamp=2026-01-01T00%3A00%3A00Z&Tid=3000")}, ok,
			func(c fixtures.Case) bool {
				return c.Request.RawBody != nil && *c.Request.RawBody == "Tid={tid}" && c.Request.ContentType == nil && len(c.Request.Query) == 0
			}},
		{"refused without credentials", hw, conformance.Request{Method: "PUT", URL: hwURL, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"enterprise_id":"a"}`)},
			&conformance.Response{Status: 401, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"error_code":"APIGW.0301","error_msg":"x"}`)},
			func(c fixtures.Case) bool {
				return c.Kind == fixtures.Auth && c.Request.Credentials == fixtures.NoCredentials && c.Expect.ErrorCode == "APIGW.0301"
			}},
	}
	for _, c := range accepted {
		dir := t.TempDir()
		r := recording.New(dir, recording.Options{Values: map[string]string{"tid": "3000"}, Secrets: []string{"LTAIformkey"}})
		if err := r.Add(c.op, c.req, c.resp); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if err := r.Flush(); err != nil {
			t.Fatal(err)
		}
		cases := load(t, dir)
		if len(cases) != 1 || !c.want(cases[0]) {
			t.Errorf("%s: recorded %+v\n%s", c.name, cases, files(t, dir))
		}
	}
}
