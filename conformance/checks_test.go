package conformance_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/specs"
)

// TestCheckVerdicts pins each check's verdict on recorded exchanges, edge cases included;
// the wire-level proof that each check fails against a broken target is in cmd/conformance.
func TestCheckVerdicts(t *testing.T) {
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	json := http.Header{"Content-Type": {"application/json"}}
	for _, tc := range []struct {
		name   string
		op     string
		kind   fixtures.Kind
		expect []int
		code   string
		status int
		header http.Header
		body   string
		want   map[conformance.CheckName]conformance.State // checks not listed must not fail
		// Optional: what was sent, what the answer must hold, and a text some failure must contain.
		reqBody    string
		query      map[string]string
		url        string
		expectBody map[string]any
		vars       map[string]string
		wantMsg    string
		creds      fixtures.Credentials // of an auth case; none by default
	}{
		{name: "conformant 200", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 200, header: json,
			body: `{"enterprise_id":"x"}`, want: map[conformance.CheckName]conformance.State{"response_schema_conformance": conformance.Passed, "error_envelope_conformance": conformance.NotApplicable}},
		{name: "undocumented 5xx fails only not_a_server_error", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 502, header: json,
			body: `{"error_code":"X","error_msg":"y"}`, want: map[conformance.CheckName]conformance.State{"not_a_server_error": conformance.Failed, "status_code_conformance": conformance.NotEvaluated}},
		// A 4xx to a positive case is a refusal of valid input: positive_data_acceptance owns it,
		// status_code_conformance judges only that the status is documented.
		{name: "positive case refused with a documented 4xx fails only positive_data_acceptance", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 400, header: json,
			reqBody: `{"enterprise_id":""}`, body: `{"error_code":"X","error_msg":"y"}`,
			want:    map[conformance.CheckName]conformance.State{"positive_data_acceptance": conformance.Failed, "status_code_conformance": conformance.Passed, "error_envelope_conformance": conformance.Passed},
			wantMsg: `/enterprise_id (string ""; the example has string "huawei")`},
		{name: "the documented example refused says so", op: "UpdateTenantConfig", kind: fixtures.Positive, expect: []int{204}, status: 400, header: json,
			reqBody: `{"function_config":{"id":"xxx-xxx-xxx","name":"user_prefix","status":"ON","values":[{"key":"prefix","value":"test"}]}}`,
			body:    `{"error_code":"WKS.00200001","error_msg":"Invalid parameter"}`,
			want:    map[conformance.CheckName]conformance.State{"positive_data_acceptance": conformance.Failed}, wantMsg: "the body is the documented example itself"},
		{name: "a refused generated request names the fields it varied", op: "UpdateTenantConfig", kind: fixtures.Positive, expect: []int{204}, status: 400, header: json,
			reqBody: `{"function_config":{"name":"user_prefix","status":"OFF","extra":1}}`,
			body:    `{"error_code":"WKS.00200001","error_msg":"Invalid parameter"}`,
			want:    map[conformance.CheckName]conformance.State{"positive_data_acceptance": conformance.Failed},
			wantMsg: `/function_config/extra (not in the example), /function_config/id (absent; the example has string "xxx-xxx-xxx"), /function_config/status (string "OFF"; the example has string "ON"), /function_config/values (absent`},
		{name: "an undocumented 4xx to a positive case fails both of its broken points", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 422, header: json,
			body: `{"error_code":"X","error_msg":"y"}`, want: map[conformance.CheckName]conformance.State{"positive_data_acceptance": conformance.Failed, "status_code_conformance": conformance.Failed}},
		{name: "positive case answered with another documented 2xx fails status_code_conformance", op: "ChangeIAM2ProjectState", kind: fixtures.Positive, expect: []int{200}, status: 202, header: json,
			body: `{"location":"http://x/zstack/v1/api-jobs/1"}`, want: map[conformance.CheckName]conformance.State{"status_code_conformance": conformance.Failed, "positive_data_acceptance": conformance.Passed}},
		{name: "a refused negative case is not positive_data_acceptance's business", op: "UpdateEnterpriseId", kind: fixtures.Negative, expect: []int{400}, status: 400, header: json,
			body: `{"error_code":"X","error_msg":"y"}`, want: map[conformance.CheckName]conformance.State{"positive_data_acceptance": conformance.NotApplicable, "negative_data_rejection": conformance.Passed}},
		{name: "Alibaba business failure to a valid request", op: "GetUserActiveTenant", kind: fixtures.Positive, expect: []int{200}, status: 200, header: json,
			body: `{"RequestId":"r","Success":false,"ErrorCode":"TenantNotExist"}`, want: map[conformance.CheckName]conformance.State{"positive_data_acceptance": conformance.Failed, "error_envelope_conformance": conformance.Passed}},
		// Expected values (expect.body).
		{name: "expected values present", op: "ChangeIAM2ProjectState", kind: fixtures.Positive, expect: []int{200}, status: 200, header: json,
			expectBody: map[string]any{"/inventory/state": "Disabled", "/inventory/uuid": "{zstack_project_uuid}"}, vars: map[string]string{"zstack_project_uuid": "p1"},
			body: `{"inventory":{"uuid":"p1","name":"n","state":"Disabled"}}`, want: map[conformance.CheckName]conformance.State{"response_values_conformance": conformance.Passed}},
		{name: "a stale state fails response_values_conformance", op: "ChangeIAM2ProjectState", kind: fixtures.Positive, expect: []int{200}, status: 200, header: json,
			expectBody: map[string]any{"/inventory/state": "Disabled"},
			body:       `{"inventory":{"uuid":"p1","name":"n","state":"Enabled"}}`, want: map[conformance.CheckName]conformance.State{"response_values_conformance": conformance.Failed},
			wantMsg: `response_values_conformance at /inventory/state: expected string "Disabled", got string "Enabled"`},
		{name: "an absent expected value", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 200, header: json,
			expectBody: map[string]any{"/missing": "x"}, body: `{"enterprise_id":"x"}`,
			want: map[conformance.CheckName]conformance.State{"response_values_conformance": conformance.Failed}, wantMsg: "got absent"},
		{name: "a placeholder matches the number it spells, read back from the query sent", op: "GetUserActiveTenant", kind: fixtures.Positive, expect: []int{200}, status: 200, header: json,
			query: map[string]string{"Tid": "{tid}"}, url: "http://h/?Action=GetUserActiveTenant&Tid=3000",
			expectBody: map[string]any{"/Tenant/Tid": "{tid}", "/Success": true},
			body:       `{"RequestId":"r","Success":true,"Tenant":{"Tid":3000.0}}`, want: map[conformance.CheckName]conformance.State{"response_values_conformance": conformance.Passed}},
		{name: "a placeholder mismatch names the expansion", op: "GetUserActiveTenant", kind: fixtures.Positive, expect: []int{200}, status: 200, header: json,
			expectBody: map[string]any{"/Tenant/Tid": "{tid}"}, vars: map[string]string{"tid": "3000"},
			body: `{"RequestId":"r","Success":true,"Tenant":{"Tid":3001}}`, want: map[conformance.CheckName]conformance.State{"response_values_conformance": conformance.Failed},
			wantMsg: `expected {tid} = "3000" (a string, or the number or boolean it spells), got number 3001`},
		{name: "a literal string does not match a number", op: "GetUserActiveTenant", kind: fixtures.Positive, expect: []int{200}, status: 200, header: json,
			expectBody: map[string]any{"/Tenant/Tid": "3000"},
			body:       `{"RequestId":"r","Success":true,"Tenant":{"Tid":3000}}`, want: map[conformance.CheckName]conformance.State{"response_values_conformance": conformance.Failed}},
		{name: "a placeholder without a value fails clearly", op: "GetUserActiveTenant", kind: fixtures.Positive, expect: []int{200}, status: 200, header: json,
			expectBody: map[string]any{"/Tenant/Tid": "{tid}"},
			body:       `{"RequestId":"r","Success":true,"Tenant":{"Tid":3000}}`, want: map[conformance.CheckName]conformance.State{"response_values_conformance": conformance.Failed},
			wantMsg: "the run gave no value for {tid}"},
		{name: "values are not judged on a body that breaks its schema", op: "ChangeIAM2ProjectState", kind: fixtures.Positive, expect: []int{200}, status: 200, header: json,
			expectBody: map[string]any{"/inventory/state": "Disabled"},
			body:       `{"inventory":{"uuid":"p1","name":"n","state":2}}`,
			want:       map[conformance.CheckName]conformance.State{"response_schema_conformance": conformance.Failed, "response_values_conformance": conformance.NotEvaluated}},
		{name: "values are not judged on a refused valid request", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 400, header: json,
			expectBody: map[string]any{"/enterprise_id": "x"}, body: `{"error_code":"X","error_msg":"y"}`,
			want: map[conformance.CheckName]conformance.State{"positive_data_acceptance": conformance.Failed, "response_values_conformance": conformance.NotEvaluated}},
		{name: "a business failure's expected values", op: "GetUserActiveTenant", kind: fixtures.Negative, expect: []int{200}, code: "TenantNotExist", status: 200, header: json,
			expectBody: map[string]any{"/Success": false},
			body:       `{"RequestId":"r","Success":false,"ErrorCode":"TenantNotExist"}`, want: map[conformance.CheckName]conformance.State{"response_values_conformance": conformance.Passed}},
		{name: "missing required field", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 200, header: json,
			body: `{}`, want: map[conformance.CheckName]conformance.State{"response_schema_conformance": conformance.Failed}},
		{name: "empty body where JSON is documented", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 200, header: json,
			body: ``, want: map[conformance.CheckName]conformance.State{"response_schema_conformance": conformance.Failed}},
		{name: "gzip answer to a request that accepted no encoding", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 200,
			header: http.Header{"Content-Type": {"application/json"}, "Content-Encoding": {"gzip"}}, body: "\x1f\x8b\x08\x00",
			want: map[conformance.CheckName]conformance.State{"content_encoding_conformance": conformance.Failed, "response_schema_conformance": conformance.NotEvaluated}, wantMsg: `got Content-Encoding "gzip"`},
		{name: "identity encoding is no encoding", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 200,
			header: http.Header{"Content-Type": {"application/json"}, "Content-Encoding": {"identity"}}, body: `{"enterprise_id":"x"}`,
			want: map[conformance.CheckName]conformance.State{"content_encoding_conformance": conformance.Passed}},
		{name: "no Content-Type", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 200, header: http.Header{},
			body: `{"enterprise_id":"x"}`, want: map[conformance.CheckName]conformance.State{"content_type_conformance": conformance.Failed}},
		{name: "Content-Type with charset is fine", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 200,
			header: http.Header{"Content-Type": {"application/json;charset=UTF-8"}}, body: `{"enterprise_id":"x"}`,
			want: map[conformance.CheckName]conformance.State{"content_type_conformance": conformance.Passed}},
		{name: "body on 204", op: "UpdateTenantConfig", kind: fixtures.Positive, expect: []int{204}, status: 204, header: json,
			body: `{}`, want: map[conformance.CheckName]conformance.State{"no_body_on_204": conformance.Failed, "content_type_conformance": conformance.NotApplicable}},
		{name: "204 announcing a body its client never reads", op: "UpdateTenantConfig", kind: fixtures.Positive, expect: []int{204}, status: 204,
			header: http.Header{"Content-Length": {"15"}}, body: ``, want: map[conformance.CheckName]conformance.State{"no_body_on_204": conformance.Failed}},
		{name: "204 with Content-Length 0", op: "UpdateTenantConfig", kind: fixtures.Positive, expect: []int{204}, status: 204,
			header: http.Header{"Content-Length": {"0"}}, body: ``, want: map[conformance.CheckName]conformance.State{"no_body_on_204": conformance.Passed}},
		{name: "error without the envelope", op: "UpdateEnterpriseId", kind: fixtures.Negative, expect: []int{400}, status: 400, header: json,
			body: `{"code":"X","message":"y"}`, want: map[conformance.CheckName]conformance.State{"error_envelope_conformance": conformance.Failed, "negative_data_rejection": conformance.Passed}},
		{name: "undocumented 4xx still owes the gateway envelope", op: "InitializeTenant", kind: fixtures.Negative, expect: []int{400}, status: 429, header: json,
			body: `{"msg":"slow down"}`, want: map[conformance.CheckName]conformance.State{"status_code_conformance": conformance.Failed, "error_envelope_conformance": conformance.Failed, "negative_data_rejection": conformance.Failed}},
		{name: "invalid input accepted", op: "UpdateEnterpriseId", kind: fixtures.Negative, expect: []int{400}, status: 200, header: json,
			body: `{"enterprise_id":""}`, want: map[conformance.CheckName]conformance.State{"negative_data_rejection": conformance.Failed}},
		{name: "missing credentials accepted", op: "UpdateEnterpriseId", kind: fixtures.Auth, expect: []int{401, 403}, status: 200, header: json,
			body: `{"enterprise_id":"x"}`, want: map[conformance.CheckName]conformance.State{"ignored_auth": conformance.Failed}},
		{name: "an identity without the permission refused 403", op: "InitializeTenant", kind: fixtures.Auth, creds: fixtures.ForbiddenCredentials, expect: []int{403}, status: 403, header: json,
			body: `{"error_code":"APIGW.0302","error_msg":"The IAM user is forbidden in the currently selected region"}`,
			want: map[conformance.CheckName]conformance.State{"ignored_auth": conformance.Passed, "error_envelope_conformance": conformance.Passed, "status_code_conformance": conformance.Passed}},
		{name: "an identity without the permission accepted", op: "InitializeTenant", kind: fixtures.Auth, creds: fixtures.ForbiddenCredentials, expect: []int{403}, status: 200, header: json,
			body: `{"project_id":"p","service_status":"active"}`, want: map[conformance.CheckName]conformance.State{"ignored_auth": conformance.Failed},
			wantMsg: "a refusal of the valid credentials of an identity without the permission: status 403"},
		{name: "an identity without the permission not authenticated", op: "GetUserActiveTenant", kind: fixtures.Auth, creds: fixtures.ForbiddenCredentials, expect: []int{403}, status: 401, header: json,
			body: `{"RequestId":"r","Code":"InvalidAccessKeyId","Message":"m"}`, want: map[conformance.CheckName]conformance.State{"ignored_auth": conformance.Failed, "status_code_conformance": conformance.Failed},
			wantMsg: "the target did not authenticate that identity"},
		{name: "ZStack plain-text refusal of a bad session", op: "ChangeIAM2ProjectState", kind: fixtures.Auth, expect: []int{400, 401, 403}, status: 401,
			header: http.Header{"Content-Type": {"text/plain"}}, body: `Session expired`, want: map[conformance.CheckName]conformance.State{"ignored_auth": conformance.Passed, "error_envelope_conformance": conformance.NotApplicable, "content_type_conformance": conformance.NotApplicable}},
		{name: "ZStack plain-text answer to invalid input owes the envelope", op: "ChangeIAM2ProjectState", kind: fixtures.Negative, expect: []int{400}, status: 400,
			header: http.Header{"Content-Type": {"text/plain"}}, body: `bad`, want: map[conformance.CheckName]conformance.State{"error_envelope_conformance": conformance.Failed, "content_type_conformance": conformance.Failed}},
		{name: "Alibaba business failure with its code", op: "GetUserActiveTenant", kind: fixtures.Negative, expect: []int{200}, code: "TenantNotExist", status: 200, header: json,
			body: `{"RequestId":"r","Success":false,"ErrorCode":"TenantNotExist","ErrorMessage":"m"}`, want: map[conformance.CheckName]conformance.State{"negative_data_rejection": conformance.Passed, "error_envelope_conformance": conformance.Passed}},
		{name: "Alibaba business failure with another code", op: "GetUserActiveTenant", kind: fixtures.Negative, expect: []int{200}, code: "TenantNotExist", status: 200, header: json,
			body: `{"RequestId":"r","Success":false,"ErrorCode":"Other"}`, want: map[conformance.CheckName]conformance.State{"error_envelope_conformance": conformance.Failed}},
		{name: "Alibaba business failure without a code", op: "GetUserActiveTenant", kind: fixtures.Positive, expect: []int{200}, status: 200, header: json,
			body: `{"RequestId":"r","Success":false}`, want: map[conformance.CheckName]conformance.State{"error_envelope_conformance": conformance.Failed, "positive_data_acceptance": conformance.Failed}},
		{name: "Alibaba success where a business failure is owed", op: "GetUserActiveTenant", kind: fixtures.Negative, expect: []int{200}, code: "TenantNotExist", status: 200, header: json,
			body: `{"RequestId":"r","Success":true}`, want: map[conformance.CheckName]conformance.State{"negative_data_rejection": conformance.Failed, "error_envelope_conformance": conformance.NotApplicable}},
		{name: "Alibaba Success as a string fails only the schema", op: "GetUserActiveTenant", kind: fixtures.Negative, expect: []int{200}, code: "TenantNotExist", status: 200, header: json,
			body: `{"RequestId":"r","Success":"false","ErrorCode":"TenantNotExist"}`, want: map[conformance.CheckName]conformance.State{"response_schema_conformance": conformance.Failed, "negative_data_rejection": conformance.NotEvaluated}},
		{name: "Alibaba gateway error with the expected code", op: "GetUserActiveTenant", kind: fixtures.Negative, expect: []int{404}, code: "InvalidAction.NotFound", status: 404, header: json,
			body: `{"RequestId":"r","HostId":"h","Code":"InvalidAction.NotFound","Message":"m"}`, want: map[conformance.CheckName]conformance.State{"error_envelope_conformance": conformance.Passed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op, ok := set.Operation(tc.op)
			if !ok {
				t.Fatalf("no operation %s", tc.op)
			}
			c := &fixtures.Case{Kind: tc.kind, Expect: fixtures.Expect{Status: tc.expect, ErrorCode: tc.code, Body: numbers(tc.expectBody)}}
			c.Request.Query = tc.query
			if tc.reqBody != "" {
				c.Request.Body = []byte(tc.reqBody)
			}
			if tc.kind == fixtures.Auth {
				c.Request.Credentials = fixtures.NoCredentials
				if tc.creds != "" {
					c.Request.Credentials = tc.creds
				}
			}
			res := conformance.Evaluate(&conformance.Exchange{Case: c, Op: op, Vars: tc.vars,
				Request:  conformance.Request{Method: op.Method, URL: tc.url, Body: []byte(tc.reqBody)},
				Response: &conformance.Response{Status: tc.status, Header: tc.header, Body: []byte(tc.body)}}, nil)
			if tc.wantMsg != "" && !strings.Contains(fmt.Sprint(res.Failures()), tc.wantMsg) {
				t.Errorf("no failure message contains %q: %v", tc.wantMsg, res.Failures())
			}
			for _, cr := range res.Checks {
				want, listed := tc.want[cr.Check]
				switch {
				case listed && cr.State != want:
					t.Errorf("%s: %s, want %s %v", cr.Check, cr.State, want, cr.Failures)
				case !listed && cr.State == conformance.Failed:
					t.Errorf("%s failed unexpectedly: %v", cr.Check, cr.Failures)
				}
				for _, f := range cr.Failures {
					if f.Expected == "" || f.Actual == "" {
						t.Errorf("%s: failure without expected/actual: %+v", cr.Check, f)
					}
				}
			}
		})
	}
}

func TestNoAnswerFailsOnlyResponseReceived(t *testing.T) {
	set, _ := specs.Load()
	op, _ := set.Operation("InitializeTenant")
	res := conformance.Evaluate(&conformance.Exchange{Case: &fixtures.Case{Kind: fixtures.Positive, Expect: fixtures.Expect{Status: []int{200}}}, Op: op, Err: http.ErrHandlerTimeout}, nil)
	for _, cr := range res.Checks {
		want := conformance.NotEvaluated
		switch cr.Check {
		case "response_received":
			want = conformance.Failed
		case conformance.CheckRequestConformance:
			want = conformance.NotApplicable // it judges observed requests alone, answered or not
		}
		if cr.State != want {
			t.Errorf("%s: %s, want %s", cr.Check, cr.State, want)
		}
	}
}

// numbers turns the int and float values of a test table into json.Number, as the fixture
// loader decodes expect.body.
func numbers(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch n := v.(type) {
		case int:
			v = json.Number(fmt.Sprint(n))
		case float64:
			v = json.Number(fmt.Sprint(n))
		}
		out[k] = v
	}
	return out
}
