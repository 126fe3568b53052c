package conformance_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/specs"
)

// FuzzEvaluate judges arbitrary answers (status, Content-Type, body) to arbitrary cases of
// every operation: Evaluate must never panic, and every failure must say which check, what was
// expected and what came.
func FuzzEvaluate(f *testing.F) {
	set, err := specs.Load()
	if err != nil {
		f.Fatal(err)
	}
	ops := set.Operations
	kinds := []fixtures.Kind{fixtures.Positive, fixtures.Negative, fixtures.Auth}
	f.Add(uint8(0), uint8(0), 200, "application/json", []byte(`{"enterprise_id":"x"}`), 200, "", "/enterprise_id", `"x"`, `{"enterprise_id":"x"}`, "http://h/v2/p/workspaces/enterprise-id")
	f.Add(uint8(1), uint8(1), 400, "application/json", []byte(`{"error_code":"X","error_msg":"y"}`), 400, "X", "", "", `{}`, "")
	f.Add(uint8(2), uint8(2), 401, "text/plain", []byte(`Session expired`), 401, "", "", "", "", "")
	f.Add(uint8(3), uint8(0), 200, "application/json;charset=utf-8", []byte(`{"RequestId":"r","Success":false}`), 200, "TenantNotExist", "/Tenant/Tid", `"{tid}"`, "", "http://h/?Tid=3000")
	f.Add(uint8(4), uint8(0), 204, "", []byte(`{}`), 204, "", "/x~1y/0", `[1,{"a":null}]`, `{"function_config":{"values":[1]}}`, "%zz")
	f.Add(uint8(5), uint8(1), 999, "application/json", []byte(`[1,2,`), -1, "", "/a/-1", `1e400`, `"x"`, "http://h/a/b/c/d/e/f")
	f.Add(uint8(6), uint8(0), 0, "", []byte{0xff, 0xfe}, 0, "", "not-a-pointer", `{`, "\x00", "http://[::1")
	f.Fuzz(func(t *testing.T, opIndex, kindIndex uint8, status int, contentType string, body []byte,
		expectStatus int, code, ptr, expected, requestBody, requestURL string) {
		op := ops[int(opIndex)%len(ops)]
		kind := kinds[int(kindIndex)%len(kinds)]
		c := &fixtures.Case{ID: op.ID + "/fuzz", Operation: op.ID, Kind: kind,
			Expect: fixtures.Expect{Status: []int{expectStatus}, ErrorCode: code}}
		c.Request.Credentials = fixtures.Valid
		if kind == fixtures.Auth {
			c.Request.Credentials = fixtures.Credentials([]string{"none", "wrong", "malformed", "tampered", "stale"}[int(kindIndex)%5])
		}
		if json.Valid([]byte(requestBody)) {
			c.Request.Body = json.RawMessage(requestBody)
		} else if requestBody != "" {
			c.Request.RawBody = &requestBody
		}
		c.Request.Query = map[string]string{"Tid": "{tid}"}
		c.Request.Path = map[string]string{"uuid": "{zstack_project_uuid}"}
		if ptr != "" || expected != "" {
			var v any = expected
			_ = json.Unmarshal([]byte(expected), &v)
			c.Expect.Body = map[string]any{ptr: v}
		}
		x := &conformance.Exchange{Case: c, Op: op,
			Request:  conformance.Request{Method: op.Method, URL: requestURL, Header: http.Header{}, Body: []byte(requestBody)},
			Response: &conformance.Response{Status: status, Header: http.Header{"Content-Type": {contentType}}, Body: body}}
		res := conformance.Evaluate(x, nil)
		if len(res.Checks) != len(conformance.Checks) {
			t.Fatalf("%d verdicts for %d checks", len(res.Checks), len(conformance.Checks))
		}
		for _, cr := range res.Checks {
			switch cr.State {
			case conformance.Passed, conformance.NotApplicable, conformance.NotEvaluated:
				if len(cr.Failures) > 0 {
					t.Fatalf("%s is %s with failures %v", cr.Check, cr.State, cr.Failures)
				}
			case conformance.Failed:
				if len(cr.Failures) == 0 {
					t.Fatalf("%s failed without a failure", cr.Check)
				}
			default:
				t.Fatalf("%s: state %q", cr.Check, cr.State)
			}
			for _, fl := range cr.Failures {
				if fl.Check != cr.Check || fl.Expected == "" || fl.Actual == "" || fl.Message == "" {
					t.Fatalf("incomplete failure of %s: %+v", cr.Check, fl)
				}
			}
		}
	})
}
