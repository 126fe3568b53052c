package conformance_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
	"github.com/conformance-suite/conformance/providers/zstack"
	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/specs"
)

// officialRequests are the requests the official clients send, by operationId: the runner's
// positive cases (fixtures and derived), built and signed by the providers' clients and
// accepted by the reference target, which verifies every signature. Three runs cover every
// documented credential form: AK/SK signing, Alibaba's signature V1 and ZStack's session; then
// Alibaba's V3; then a Huawei IAM token.
func officialRequests(t *testing.T) map[string][]conformance.Request {
	t.Helper()
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]conformance.Request{}
	for _, run := range []struct {
		filter, signature string
		creds             providers.Credentials
	}{
		{filter: "positive", signature: "v1"},
		{filter: "positive && alibabacloud", signature: "v3"},
		{filter: "positive && huaweicloud", signature: "v1", creds: providers.Credentials{huaweicloud.Token.Env: "conformance-iam-token"}},
	} {
		srv, creds, err := mock.StartBuiltin(run.creds, set)
		if err != nil {
			t.Fatal(err)
		}
		cfg := runner.DefaultConfig()
		cfg.Target, cfg.Credentials, cfg.LabelFilter, cfg.AlibabaSignature = srv.URL(), creds, run.filter, run.signature
		plan, err := runner.NewPlan(cfg)
		if err != nil {
			srv.Close()
			t.Fatal(err)
		}
		plan.Start(context.Background())
		for _, p := range plan.Cases {
			if p.Skip != "" {
				continue
			}
			v := plan.Verdict(p)
			if v.Exchange == nil || v.Result.Failed() {
				t.Errorf("%s %q (%s): not accepted by the reference target: %v", p.Op.ID, p.Case.Name, run.filter, v.Result.Failures())
				continue
			}
			out[p.Op.ID] = append(out[p.Op.ID], v.Exchange.Request)
		}
		srv.Close()
	}
	return out
}

// observed judges one request of an operation as observed traffic.
func observed(t *testing.T, set *specs.Set, opID string, r conformance.Request) []conformance.Failure {
	t.Helper()
	op, ok := set.Operation(opID)
	if !ok {
		t.Fatalf("no operation %s", opID)
	}
	x := &conformance.Exchange{Case: &fixtures.Case{Kind: fixtures.Positive}, Op: op, Request: r, Observed: true}
	applies, fs := conformance.RequestConformance.Run(x, nil)
	if !applies {
		t.Fatalf("%s: request_conformance does not apply to an observed exchange", opID)
	}
	return fs
}

// clone copies a request so that a fault changes nothing else.
func clone(r conformance.Request) conformance.Request {
	r.Header = r.Header.Clone()
	r.Body = append([]byte(nil), r.Body...)
	return r
}

// credentialsOf are the secrets a request carries, which no failure may quote: tokens,
// sessions, signatures, key ids, and the Authorization value past its scheme word.
func credentialsOf(r conformance.Request) []string {
	var out []string
	add := func(v string) {
		if len(v) >= 6 {
			out = append(out, v)
		}
	}
	for _, h := range []string{"X-Auth-Token", "X-Session-Id"} {
		add(r.Header.Get(h))
	}
	if _, rest, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok {
		add(strings.TrimSpace(rest))
		for _, part := range strings.FieldsFunc(rest, func(c rune) bool { return c == ',' || c == ' ' || c == ':' }) {
			if _, v, ok := strings.Cut(part, "="); ok {
				add(v)
			}
		}
	}
	if u, err := url.Parse(r.URL); err == nil {
		for _, k := range []string{"Signature", "AccessKeyId"} {
			add(u.Query().Get(k))
		}
	}
	return out
}

// TestRequestConformance: every request of an official client passes, for each documented
// operation and each credential form; each request with one thing broken fails once, naming
// the field, what the documentation expects and what was sent, and quoting no credential.
func TestRequestConformance(t *testing.T) {
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	official := officialRequests(t)

	t.Run("official clients pass", func(t *testing.T) {
		forms := map[string]bool{}
		for _, id := range []string{"InitializeTenant", "GetUserActiveTenant", "GetUserActiveTenantByGet", "ChangeIAM2ProjectState", "UpdateTenantConfig", "UpdateEnterpriseId"} {
			if len(official[id]) == 0 {
				t.Errorf("%s: the runner sent no positive request", id)
			}
			for _, r := range official[id] {
				if fs := observed(t, set, id, r); len(fs) > 0 {
					t.Errorf("%s %s %s: %v", id, r.Method, r.URL, fs)
				}
				auth, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
				switch {
				case r.Header.Get("X-Auth-Token") != "":
					forms["X-Auth-Token"] = true
				case auth != "":
					forms[auth] = true
				case strings.Contains(r.URL, "Signature="):
					forms["signature V1"] = true
				}
			}
		}
		for _, f := range []string{"X-Auth-Token", "SDK-HMAC-SHA256", "signature V1", "ACS3-HMAC-SHA256", "OAuth"} {
			if !forms[f] {
				t.Errorf("no official request carried credentials of form %s (saw %v)", f, forms)
			}
		}
	})

	// base is the first official request of an operation signed in a form: "" any form,
	// else an Authorization scheme word, "X-Auth-Token" or "Signature=".
	base := func(t *testing.T, id, form string) conformance.Request {
		t.Helper()
		for _, r := range official[id] {
			switch {
			case form == "",
				form == "X-Auth-Token" && r.Header.Get("X-Auth-Token") != "",
				form == "Signature=" && strings.Contains(r.URL, form),
				form != "X-Auth-Token" && strings.HasPrefix(r.Header.Get("Authorization"), form+" "):
				return clone(r)
			}
		}
		t.Fatalf("%s: no official request with credentials of form %q", id, form)
		return conformance.Request{}
	}
	setBody := func(body string) func(*conformance.Request) {
		return func(r *conformance.Request) { r.Body = []byte(body) }
	}
	setPath := func(path string) func(*conformance.Request) {
		return func(r *conformance.Request) {
			u, _ := url.Parse(r.URL)
			u.Path = path
			r.URL = u.String()
		}
	}
	editQuery := func(edit func(q url.Values)) func(*conformance.Request) {
		return func(r *conformance.Request) {
			u, _ := url.Parse(r.URL)
			q := u.Query()
			edit(q)
			u.RawQuery = q.Encode()
			r.URL = u.String()
		}
	}
	delHeaders := func(names ...string) func(*conformance.Request) {
		return func(r *conformance.Request) {
			for _, n := range names {
				r.Header.Del(n)
			}
		}
	}
	setHeader := func(name, value string) func(*conformance.Request) {
		return func(r *conformance.Request) { r.Header.Set(name, value) }
	}
	login := loginRequest(t)

	for _, tc := range []struct {
		name, op, form string
		base           *conformance.Request // instead of an official request of op
		fault          func(*conformance.Request)
		// pointer, and texts that expected and actual must contain; no failure when all are "".
		pointer, expected, actual string
	}{
		// The body.
		{name: "a number where the body's schema says string", op: "UpdateEnterpriseId", fault: setBody(`{"enterprise_id":42}`),
			pointer: "/enterprise_id", expected: "type string", actual: "number 42"},
		{name: "a value outside the body's enum", op: "InitializeTenant", fault: setBody(`{"service_status":"paused"}`),
			pointer: "/service_status", expected: `one of [string "active", string "inactive"]`, actual: `string "paused"`},
		{name: "a missing required field", op: "UpdateEnterpriseId", fault: setBody(`{}`),
			pointer: "", expected: `required property "enterprise_id"`, actual: "absent"},
		{name: "a missing required nested field", op: "ChangeIAM2ProjectState", fault: setBody(`{"changeIAM2ProjectState":{}}`),
			pointer: "/changeIAM2ProjectState", expected: `required property "stateEvent"`, actual: "absent"},
		{name: "no body where one is required", op: "InitializeTenant", fault: setBody(``),
			expected: "a request body (the operation requires one)", actual: "no body"},
		{name: "a body that is not JSON", op: "UpdateTenantConfig", fault: setBody(`{"function_config":`),
			expected: "a body of application/json", actual: "does not decode"},
		{name: "an unknown body field is not judged", op: "UpdateTenantConfig", fault: setBody(`{"function_config":{"status":"ON"},"extra":1}`)},
		// The Content-Type.
		{name: "no Content-Type where the operation mandates one", op: "UpdateEnterpriseId", fault: delHeaders("Content-Type"),
			expected: "a Content-Type header of application/json (the operation mandates one)", actual: "no Content-Type header"},
		{name: "no Content-Type where none is mandated: the body is read as JSON", op: "UpdateTenantConfig", fault: delHeaders("Content-Type")},
		{name: "without a Content-Type the body is still judged", op: "UpdateTenantConfig", fault: func(r *conformance.Request) {
			r.Header.Del("Content-Type")
			r.Body = []byte(`{"function_config":{"name":7}}`)
		}, pointer: "/function_config/name", expected: "type string", actual: "number 7"},
		{name: "a Content-Type the operation does not document", op: "InitializeTenant", fault: setHeader("Content-Type", "text/plain"),
			expected: "a Content-Type of application/json", actual: `"text/plain"`},
		{name: "a documented Content-Type with a charset", op: "UpdateEnterpriseId", fault: setHeader("Content-Type", "application/json;charset=UTF-8")},
		// Parameters.
		{name: "a missing required path parameter", op: "UpdateEnterpriseId", fault: setPath("/v2//workspaces/enterprise-id"),
			expected: `required path parameter "project_id"`, actual: "absent"},
		{name: "a path off the template", op: "UpdateTenantConfig", fault: setPath("/v2/0f5181caba0024e72f89c0045e707b91/tenant-config"),
			expected: "a path of the template /v2/{project_id}/tenant-configs", actual: `"/v2/0f5181caba0024e72f89c0045e707b91/tenant-config"`},
		{name: "a string where a query parameter is an integer", op: "GetUserActiveTenant", form: "Signature=", fault: editQuery(func(q url.Values) { q.Set("Tid", "3000x") }),
			expected: `query parameter "Tid": type integer (int64)`, actual: `"3000x" (an invalid integer)`},
		{name: "a query parameter outside its enum", op: "GetUserActiveTenantByGet", fault: editQuery(func(q url.Values) { q.Set("Format", "YAML") }),
			expected: `query parameter "Format": one of [string "JSON", string "XML", string "json", string "xml"]`, actual: `string "YAML"`},
		{name: "a header parameter outside its enum", op: "GetUserActiveTenant", form: "ACS3-HMAC-SHA256", fault: setHeader("x-acs-version", "2099-01-01"),
			expected: `header parameter "x-acs-version": one of [string "2018-11-01"]`, actual: `string "2099-01-01"`},
		{name: "RPC parameters in a form body are judged as documented", op: "GetUserActiveTenant", form: "Signature=", fault: func(r *conformance.Request) {
			u, _ := url.Parse(r.URL)
			r.Body, u.RawQuery = []byte(u.RawQuery), ""
			r.URL = u.String()
		}},
		{name: "a wrong parameter in an RPC form body", op: "GetUserActiveTenant", form: "Signature=", fault: func(r *conformance.Request) {
			u, _ := url.Parse(r.URL)
			q := u.Query()
			q.Set("Tid", "x")
			r.Body, u.RawQuery = []byte(q.Encode()), ""
			r.URL = u.String()
		}, expected: `query parameter "Tid": type integer (int64)`, actual: `"x" (an invalid integer)`},
		{name: "a query parameter sent twice", op: "GetUserActiveTenantByGet", fault: editQuery(func(q url.Values) { q.Add("Tid", "abc") }),
			expected: `query parameter "Tid" once (it takes one value)`, actual: "2 values"},
		{name: "an undocumented query parameter is not judged", op: "InitializeTenant", fault: editQuery(func(q url.Values) { q.Set("trace", "1") })},
		// Credentials.
		{name: "no credentials (Huawei)", op: "UpdateTenantConfig", fault: delHeaders("Authorization", "X-Sdk-Date", "X-Auth-Token"),
			expected: "credentials in a documented form: an X-Auth-Token header, or an Authorization header of form SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=<64 hex digits> with an X-Sdk-Date header of form 20060102T150405Z",
			actual:   "no credentials"},
		{name: "no credentials (Alibaba)", op: "GetUserActiveTenant", form: "Signature=", fault: editQuery(func(q url.Values) { q.Del("Signature"); q.Del("AccessKeyId") }),
			expected: "signature V1 query or form parameters Signature (base64 HMAC-SHA1)", actual: "no credentials"},
		{name: "no credentials (ZStack)", op: "ChangeIAM2ProjectState", fault: delHeaders("Authorization", "X-Session-Id"),
			expected: "an Authorization header of form OAuth <session uuid>, or an Authorization header of form ZStack <keyId>:<base64 signature> with a Date header", actual: "no credentials"},
		{name: "an AK/SK signature without its date", op: "InitializeTenant", form: "SDK-HMAC-SHA256", fault: delHeaders("X-Sdk-Date"),
			expected: "SDK-HMAC-SHA256", actual: "an Authorization header of form SDK-HMAC-SHA256 with no X-Sdk-Date header"},
		{name: "an AK/SK signature dated in another form", op: "InitializeTenant", form: "SDK-HMAC-SHA256", fault: setHeader("X-Sdk-Date", "2026-11-25T23:49:53Z"),
			expected: "SDK-HMAC-SHA256", actual: `an X-Sdk-Date header "2026-11-25T23:49:53Z" not of form 20060102T150405Z`},
		{name: "an unreadable AK/SK signature", op: "UpdateEnterpriseId", form: "SDK-HMAC-SHA256", fault: func(r *conformance.Request) {
			providers.MalformSignature(&http.Request{Header: r.Header}, "Signature=")
		}, expected: "SDK-HMAC-SHA256", actual: "whose Signature is not 64 hex digits"},
		{name: "an Authorization header of another scheme", op: "UpdateEnterpriseId", form: "SDK-HMAC-SHA256", fault: setHeader("Authorization", "Bearer conformance-bearer-secret"),
			expected: "SDK-HMAC-SHA256", actual: "an Authorization header of an undocumented form (its value not quoted here)"},
		{name: "an empty IAM token", op: "InitializeTenant", form: "X-Auth-Token", fault: setHeader("X-Auth-Token", " "),
			expected: "an X-Auth-Token header", actual: "no credentials"},
		{name: "a signature V1 without its Timestamp", op: "GetUserActiveTenant", form: "Signature=", fault: editQuery(func(q url.Values) { q.Del("Timestamp") }),
			expected: "signature V1", actual: "a Signature parameter without Timestamp"},
		{name: "a signature V1 that is not base64", op: "GetUserActiveTenantByGet", form: "Signature=", fault: editQuery(func(q url.Values) { q.Set("Signature", "!not-base64!") }),
			expected: "signature V1", actual: "a Signature parameter that is not one base64 HMAC-SHA1"},
		{name: "a V3 signature without its payload hash", op: "GetUserActiveTenant", form: "ACS3-HMAC-SHA256", fault: delHeaders("x-acs-content-sha256"),
			expected: "ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=<64 hex digits> with an x-acs-date header", actual: "an Authorization header of form ACS3-HMAC-SHA256 with no x-acs-content-sha256 header"},
		{name: "a V3 signature lacking a field", op: "GetUserActiveTenant", form: "ACS3-HMAC-SHA256", fault: func(r *conformance.Request) {
			auth := r.Header.Get("Authorization")
			r.Header.Set("Authorization", auth[:strings.Index(auth, ",Signature=")])
		}, expected: "ACS3-HMAC-SHA256", actual: "an Authorization header of form ACS3-HMAC-SHA256 lacking its Signature field"},
		{name: "a ZStack session with two tokens", op: "ChangeIAM2ProjectState", form: "OAuth", fault: func(r *conformance.Request) {
			r.Header.Set("Authorization", r.Header.Get("Authorization")+" !malformed")
		}, expected: "OAuth <session uuid>", actual: "an Authorization header of form OAuth without one session token after it"},
		{name: "a ZStack access-key signature without its Date", op: "ChangeIAM2ProjectState", form: "OAuth", fault: func(r *conformance.Request) {
			r.Header.Set("Authorization", "ZStack conformanceKey:c2lnbmF0dXJl")
		}, expected: "ZStack <keyId>:<base64 signature> with a Date header", actual: "an Authorization header of form ZStack without a Date header"},
		{name: "a ZStack access-key signature", op: "ChangeIAM2ProjectState", form: "OAuth", fault: func(r *conformance.Request) {
			r.Header.Set("Authorization", "ZStack conformanceKey:c2lnbmF0dXJl")
			r.Header.Set("Date", "Wed, 25 Nov 2026 23:49:53 GMT")
		}},
		// An operation without a security requirement: the ZStack login.
		{name: "the login as ZStack's client sends it", op: "LogInByAccount", base: &login, fault: func(*conformance.Request) {}},
		{name: "a login with the password in clear: the value is not quoted", op: "LogInByAccount", base: &login,
			fault:   setBody(`{"logInByAccount":{"accountName":"admin","password":"conformance-password"}}`),
			pointer: "/logInByAccount/password", expected: "pattern", actual: "a value not quoted here (it may be a secret)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r conformance.Request
			if tc.base != nil {
				r = clone(*tc.base)
			} else {
				r = base(t, tc.op, tc.form)
			}
			secrets := append(credentialsOf(r), "conformance-password", "conformance-bearer-secret")
			tc.fault(&r)
			fs := observed(t, set, tc.op, r)
			for _, f := range fs {
				for _, s := range secrets {
					if strings.Contains(f.Message+f.Expected+f.Actual, s) {
						t.Errorf("a failure quotes a credential of the request: %+v", f)
					}
				}
				if f.Check != conformance.CheckRequestConformance || f.Expected == "" || f.Actual == "" || !strings.Contains(f.Message, f.Expected) {
					t.Errorf("failure without check, expected or actual: %+v", f)
				}
			}
			if tc.expected == "" && tc.actual == "" {
				if len(fs) > 0 {
					t.Fatalf("%d failures, want none: %+v", len(fs), fs)
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("%d failures, want 1: %+v", len(fs), fs)
			}
			f := fs[0]
			if f.Pointer != tc.pointer || !strings.Contains(f.Expected, tc.expected) || !strings.Contains(f.Actual, tc.actual) {
				t.Errorf("got pointer %q, expected %q, actual %q\nwant pointer %q, expected containing %q, actual containing %q",
					f.Pointer, f.Expected, f.Actual, tc.pointer, tc.expected, tc.actual)
			}
		})
	}

	t.Run("a required query parameter", func(t *testing.T) {
		// No built-in operation requires a query parameter: this one is DMS's own, with Tid made
		// required, as a later version of its page might document it.
		sp, _ := set.Service("alibabacloud-dms-enterprise")
		raw := strings.Replace(string(sp.Raw), "- name: Tid\n        in: query\n        required: false", "- name: Tid\n        in: query\n        required: true", 1)
		if raw == string(sp.Raw) {
			t.Fatal("the Tid parameter of the DMS spec is not where this test looks for it")
		}
		layered, err := specs.LoadFS(specs.Embedded(), fstest.MapFS{sp.File: {Data: []byte(raw)}})
		if err != nil {
			t.Fatal(err)
		}
		for _, form := range []string{"Signature=", "ACS3-HMAC-SHA256"} {
			r := base(t, "GetUserActiveTenant", form)
			if fs := observed(t, layered, "GetUserActiveTenant", r); len(fs) != 0 && strings.Contains(r.URL, "Tid=") {
				t.Errorf("%s: a request with Tid fails: %v", form, fs)
			}
			editQuery(func(q url.Values) { q.Del("Tid") })(&r)
			fs := observed(t, layered, "GetUserActiveTenant", r)
			if len(fs) != 1 || fs[0].Expected != `required query parameter "Tid"` || fs[0].Actual != "absent" {
				t.Errorf("%s: %+v, want one failure: required query parameter \"Tid\", absent", form, fs)
			}
		}
	})
}

// loginRequest is ZStack's login as its client sends it: the body its provider declares, with
// the Content-Type ZStack's client sends with every body.
func loginRequest(t *testing.T) conformance.Request {
	t.Helper()
	body, _ := zstack.Provider.Session.LoginBody(providers.Defaults())
	return conformance.Request{Method: http.MethodPut, URL: "http://127.0.0.1:8080/zstack/v1/accounts/login",
		Header: http.Header{"Content-Type": {zstack.ContentType}}, Body: body}
}

// TestRequestConformanceJudgesObservedTrafficOnly: the runner's own exchanges are not judged,
// however broken their request (its negative and auth cases are broken on purpose); an
// observed one is judged even when no answer came, since a request needs none.
func TestRequestConformanceJudgesObservedTrafficOnly(t *testing.T) {
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	op, _ := set.Operation("UpdateEnterpriseId")
	c := &fixtures.Case{Kind: fixtures.Auth, Expect: fixtures.Expect{Status: []int{401}}}
	c.Request.Credentials = fixtures.NoCredentials
	x := &conformance.Exchange{Case: c, Op: op, Err: http.ErrHandlerTimeout, Request: conformance.Request{Method: http.MethodPut,
		URL: "http://127.0.0.1/v2/p/workspaces/enterprise-id", Header: http.Header{}, Body: []byte(`{"enterprise_id":1}`)}}
	state := func() (conformance.State, []conformance.Failure) {
		for _, cr := range conformance.Evaluate(x, nil).Checks {
			if cr.Check == conformance.CheckRequestConformance {
				return cr.State, cr.Failures
			}
		}
		t.Fatal("request_conformance is not among the checks")
		return "", nil
	}
	if got, fs := state(); got != conformance.NotApplicable {
		t.Errorf("the runner's own exchange: %s %v, want not_applicable", got, fs)
	}
	x.Observed = true
	got, fs := state()
	if got != conformance.Failed {
		t.Fatalf("an observed broken request without an answer: %s, want failed", got)
	}
	var found []string
	for _, f := range fs {
		found = append(found, f.Message)
	}
	for _, want := range []string{"no Content-Type header", "/enterprise_id", "no credentials"} {
		if !strings.Contains(strings.Join(found, "\n"), want) {
			t.Errorf("no failure names %q: %v", want, found)
		}
	}
}
