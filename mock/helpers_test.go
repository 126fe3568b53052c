package mock_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/alibabacloud"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
	zstackcloud "github.com/conformance-suite/conformance/providers/zstack"
	"github.com/conformance-suite/conformance/signing"
	"github.com/conformance-suite/conformance/specs"
)

// loadSpecs loads the embedded specs once for the whole test binary: they are read-only.
var loadSpecs = sync.OnceValues(specs.Load)

// target is a reference target served over real HTTP on loopback, with a plain client.
type target struct {
	url    string
	set    *specs.Set
	creds  providers.Credentials
	now    func() time.Time
	client *http.Client
	// close stops the server and waits for every handler to return; the test ends with it too.
	close func()
}

// newTarget serves mock.New(opts) with httptest for the duration of the test.
func newTarget(t testing.TB, opts mock.Options) *target {
	t.Helper()
	set, err := loadSpecs()
	if err != nil {
		t.Fatal(err)
	}
	opts.Specs = set
	h, err := mock.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	client := srv.Client()
	client.Timeout = 10 * time.Second
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &target{
		url:    srv.URL,
		set:    set,
		creds:  opts.Credentials.WithDefaults(providers.Defaults()),
		now:    now,
		client: client,
		close:  srv.Close,
	}
}

// auth puts credentials on a request that is otherwise ready to send; body is what it carries.
type auth func(tg *target, r *http.Request, body []byte) error

// The ways to authenticate. "valid" is the provider's usual way; "none" and "wrong" are the
// refusals every secured operation must give.
var (
	huaweiToken auth = func(tg *target, r *http.Request, _ []byte) error {
		r.Header.Set("X-Auth-Token", tg.creds.Get(huaweicloud.Token))
		return nil
	}
	// huaweiAKSK signs as the Huawei Go SDK does: User-Agent and X-Project-Id set first, so
	// that they are signed, and neither host nor Content-Type.
	huaweiAKSK auth = func(tg *target, r *http.Request, body []byte) error {
		r.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
		r.Header.Set("X-Project-Id", tg.creds.Get(huaweicloud.ProjectID))
		return signing.Huawei{AccessKey: tg.creds.Get(huaweicloud.AccessKey), SecretKey: tg.creds.Get(huaweicloud.SecretKey), Now: tg.now}.Sign(r, body)
	}
	alibabaV1 auth = func(tg *target, r *http.Request, _ []byte) error {
		return signing.AlibabaV1{AccessKeyID: tg.creds.Get(alibabacloud.KeyID), Secret: tg.creds.Get(alibabacloud.KeySecret), Now: tg.now}.Sign(r)
	}
	// alibabaV3 sends what darabonba-openapi sends: no Action or Version in the query, only the
	// x-acs-* headers.
	alibabaV3 auth = func(tg *target, r *http.Request, body []byte) error {
		q := r.URL.Query()
		q.Del("Action")
		q.Del("Version")
		r.URL.RawQuery = q.Encode()
		return signing.AlibabaV3{AccessKeyID: tg.creds.Get(alibabacloud.KeyID), Secret: tg.creds.Get(alibabacloud.KeySecret), Now: tg.now}.Sign(r, body)
	}
	zstackSession auth = func(tg *target, r *http.Request, _ []byte) error {
		signing.ZStackSessionHeaders(r.Header, tg.creds.Get(zstackcloud.Session))
		return nil
	}
	noCredentials auth = func(*target, *http.Request, []byte) error { return nil }
	// wrongCredentials are well formed but not the target's: another token, another secret,
	// another session.
	wrongCredentials auth = func(tg *target, r *http.Request, body []byte) error {
		switch {
		case strings.HasPrefix(r.URL.Path, "/zstack/"):
			signing.ZStackSessionHeaders(r.Header, "00000000000000000000000000000000")
			return nil
		case r.URL.Path == "/":
			return signing.AlibabaV1{AccessKeyID: tg.creds.Get(alibabacloud.KeyID), Secret: "not-the-secret", Now: tg.now}.Sign(r)
		default:
			r.Header.Set("X-Auth-Token", "not-the-token")
			return nil
		}
	}
)

// req is one request to an operation. Zero fields take the defaults of the operation.
type req struct {
	op     string            // operationId
	path   map[string]string // path parameters; the configured project ids by default
	query  map[string]string
	header map[string]string
	body   string // sent as is; "" sends none
	// contentType defaults to application/json when there is a body; noContentType sends none.
	contentType string
	auth        auth // nil: the provider's usual credentials
}

const noContentType = "-"

// exchange is one recorded request and its answer.
type exchange struct {
	op     *specs.Operation
	req    *http.Request
	params map[string]string
	status int
	header http.Header
	body   []byte
}

// send builds, authenticates and sends a request, and records the answer.
func (tg *target) send(t testing.TB, rq req) *exchange {
	t.Helper()
	ex, err := tg.trySend(t, rq)
	if err != nil {
		t.Fatalf("%s: %v", rq.op, err)
	}
	return ex
}

// trySend is send for answers that may not come (the transport faults).
func (tg *target) trySend(t testing.TB, rq req) (*exchange, error) {
	t.Helper()
	r, params := tg.build(t, rq)
	return tg.do(r, params)
}

// build makes the request of rq, credentials included, without sending it.
func (tg *target) build(t testing.TB, rq req) (*http.Request, map[string]string) {
	t.Helper()
	op := tg.op(t, rq.op)
	params := map[string]string{}
	path := op.Path
	for name, def := range map[string]string{"project_id": tg.creds.Get(huaweicloud.ProjectID), "uuid": tg.creds.Get(zstackcloud.ProjectUUID)} {
		if !strings.Contains(path, "{"+name+"}") {
			continue
		}
		v, ok := rq.path[name]
		if !ok {
			v = def
		}
		params[name] = v
		path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(v))
	}
	q := url.Values{}
	if op.Action != "" { // as every Alibaba SDK sends an RPC call
		q.Set("Action", op.Action)
		q.Set("Version", op.Version)
		q.Set("RegionId", "cn-hangzhou")
	}
	for k, v := range rq.query {
		q.Set(k, v)
	}
	body := []byte(rq.body)
	r, err := http.NewRequest(op.Method, tg.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.URL.RawQuery = q.Encode()
	switch {
	case rq.contentType == noContentType:
	case rq.contentType != "":
		r.Header.Set("Content-Type", rq.contentType)
	case len(body) > 0:
		r.Header.Set("Content-Type", "application/json")
	case op.Action != "" && op.Method == http.MethodPost:
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if op.Action != "" {
		r.Header.Set("x-acs-action", op.Action)
		r.Header.Set("x-acs-version", op.Version)
	}
	for k, v := range rq.header {
		r.Header.Set(k, v)
	}
	a := rq.auth
	if a == nil {
		a = map[string]auth{"huaweicloud": huaweiToken, "alibabacloud": alibabaV1, "zstack": zstackSession}[op.Provider]
	}
	if err := a(tg, r, body); err != nil {
		t.Fatal(err)
	}
	return r, params
}

// do sends a built request and records the answer; the operation is the one it was built for.
func (tg *target) do(r *http.Request, params map[string]string) (*exchange, error) {
	op := tg.route(r)
	resp, err := tg.client.Do(r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, err
	}
	return &exchange{op: op, req: r, params: params, status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// route finds the operation a request was built for, by method and path template or action.
func (tg *target) route(r *http.Request) *specs.Operation {
	action := r.URL.Query().Get("Action")
	if action == "" {
		action = r.Header.Get("x-acs-action")
	}
	segs := strings.Split(r.URL.Path, "/")
	for _, op := range tg.set.Operations {
		if op.Method != r.Method {
			continue
		}
		if op.Action != "" {
			if r.URL.Path == op.Path && action == op.Action {
				return op
			}
			continue
		}
		tmpl := strings.Split(op.Path, "/")
		if len(tmpl) != len(segs) {
			continue
		}
		match := true
		for i := range tmpl {
			match = match && (strings.HasPrefix(tmpl[i], "{") || tmpl[i] == segs[i])
		}
		if match {
			return op
		}
	}
	return nil
}

func (tg *target) op(t testing.TB, id string) *specs.Operation {
	t.Helper()
	op, ok := tg.set.Operation(id)
	if !ok {
		t.Fatalf("no operation %s in the specs", id)
	}
	return op
}

// conformance is why an answer does not conform to its operation's spec, or nil: the
// documented status, content type and schema (kin-openapi, every status included), the
// provider's error envelope on every non-2xx, and no body on a 204.
func (ex *exchange) conformance() error {
	if ex.op == nil {
		return nil
	}
	input := &openapi3filter.RequestValidationInput{Request: ex.req, PathParams: ex.params, Route: ex.op.Route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	err := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 ex.status,
		Header:                 ex.header,
		Body:                   io.NopCloser(bytes.NewReader(ex.body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	})
	if err != nil {
		return err
	}
	if ex.status >= 300 {
		if err := ex.envelope(); err != nil {
			return err
		}
	}
	if cl := ex.header.Get("Content-Length"); ex.status == http.StatusNoContent &&
		(len(ex.body) > 0 || ex.header.Get("Content-Type") != "" || cl != "" && cl != "0") {
		return fmt.Errorf("the 204 carries a body: Content-Type %q, Content-Length %q, %d bytes read",
			ex.header.Get("Content-Type"), cl, len(ex.body))
	}
	return nil
}

// envelope checks a non-2xx body against the provider's error envelope (info.x-error-envelope).
func (ex *exchange) envelope() error { return inEnvelope(ex.op.Spec, ex.body) }

// inEnvelope checks a body against a spec's error envelope, for answers no operation matched.
func inEnvelope(sp *specs.Spec, body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("the error body is not JSON: %w", err)
	}
	return sp.Envelope.VisitJSON(v)
}

// mustConform fails the test when the answer breaks the spec.
func (ex *exchange) mustConform(t testing.TB) {
	t.Helper()
	if err := ex.conformance(); err != nil {
		t.Errorf("%s answered %d %s, which does not conform: %v", ex.op.Key(), ex.status, ex.body, err)
	}
}

// json decodes the body into a map, failing the test if it is not a JSON object.
func (ex *exchange) json(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(ex.body, &v); err != nil {
		t.Fatalf("%s answered %d with a body that is not a JSON object: %v: %q", ex.op.Key(), ex.status, err, ex.body)
	}
	return v
}

// errorCode is the provider's error code in a body: Huawei error_code, Alibaba Code or
// ErrorCode, ZStack error.code.
func (ex *exchange) errorCode(t testing.TB) string {
	t.Helper()
	v := ex.json(t)
	for _, k := range []string{"error_code", "Code", "ErrorCode"} {
		if s, ok := v[k].(string); ok {
			return s
		}
	}
	if e, ok := v["error"].(map[string]any); ok {
		s, _ := e["code"].(string)
		return s
	}
	return ""
}

// endpointCase is one documented behaviour of an operation: a request and what must come back.
type endpointCase struct {
	name string
	req  req
	want int    // status
	code string // the provider's error code, when the answer is a refusal or a business failure
	says string // a substring the body must contain, typically the name of the field that broke
	// fields are values the success body must carry, by top-level key (JSON-decoded).
	fields map[string]any
}

// runCases sends every case to tg; each answer must have the wanted status and code, name what
// broke, and conform to the spec.
func runCases(t *testing.T, tg *target, cases []endpointCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.req.op+"/"+c.name, func(t *testing.T) {
			ex := tg.send(t, c.req)
			if ex.status != c.want {
				t.Fatalf("status %d, want %d; body %s", ex.status, c.want, ex.body)
			}
			ex.mustConform(t)
			if c.code != "" {
				if got := ex.errorCode(t); got != c.code {
					t.Errorf("error code %q, want %q; body %s", got, c.code, ex.body)
				}
			}
			if c.says != "" && !strings.Contains(string(ex.body), c.says) {
				t.Errorf("body does not mention %q: %s", c.says, ex.body)
			}
			if len(c.fields) > 0 {
				got := ex.json(t)
				for k, want := range c.fields {
					if got[k] != want {
						t.Errorf("%s = %#v, want %#v; body %s", k, got[k], want, ex.body)
					}
				}
			}
		})
	}
}
