package conformance_test

import (
	"net/http"
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
		want   map[string]conformance.State // checks not listed must not fail
	}{
		{name: "conformant 200", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 200, header: json,
			body: `{"enterprise_id":"x"}`, want: map[string]conformance.State{"response_schema_conformance": conformance.Passed, "error_envelope_conformance": conformance.NotApplicable}},
		{name: "undocumented 5xx fails only not_a_server_error", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 502, header: json,
			body: `{"error_code":"X","error_msg":"y"}`, want: map[string]conformance.State{"not_a_server_error": conformance.Failed, "status_code_conformance": conformance.NotEvaluated}},
		{name: "positive case answered with another documented status", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 400, header: json,
			body: `{"error_code":"X","error_msg":"y"}`, want: map[string]conformance.State{"status_code_conformance": conformance.Failed}},
		{name: "missing required field", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 200, header: json,
			body: `{}`, want: map[string]conformance.State{"response_schema_conformance": conformance.Failed}},
		{name: "empty body where JSON is documented", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 200, header: json,
			body: ``, want: map[string]conformance.State{"response_schema_conformance": conformance.Failed}},
		{name: "no Content-Type", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 200, header: http.Header{},
			body: `{"enterprise_id":"x"}`, want: map[string]conformance.State{"content_type_conformance": conformance.Failed}},
		{name: "Content-Type with charset is fine", op: "UpdateEnterpriseId", kind: fixtures.Positive, expect: []int{200}, status: 200,
			header: http.Header{"Content-Type": {"application/json;charset=UTF-8"}}, body: `{"enterprise_id":"x"}`,
			want: map[string]conformance.State{"content_type_conformance": conformance.Passed}},
		{name: "body on 204", op: "UpdateTenantConfig", kind: fixtures.Positive, expect: []int{204}, status: 204, header: json,
			body: `{}`, want: map[string]conformance.State{"no_body_on_204": conformance.Failed, "content_type_conformance": conformance.NotApplicable}},
		{name: "204 announcing a body its client never reads", op: "UpdateTenantConfig", kind: fixtures.Positive, expect: []int{204}, status: 204,
			header: http.Header{"Content-Length": {"15"}}, body: ``, want: map[string]conformance.State{"no_body_on_204": conformance.Failed}},
		{name: "204 with Content-Length 0", op: "UpdateTenantConfig", kind: fixtures.Positive, expect: []int{204}, status: 204,
			header: http.Header{"Content-Length": {"0"}}, body: ``, want: map[string]conformance.State{"no_body_on_204": conformance.Passed}},
		{name: "error without the envelope", op: "UpdateEnterpriseId", kind: fixtures.Negative, expect: []int{400}, status: 400, header: json,
			body: `{"code":"X","message":"y"}`, want: map[string]conformance.State{"error_envelope_conformance": conformance.Failed, "negative_data_rejection": conformance.Passed}},
		{name: "undocumented 4xx still owes the gateway envelope", op: "InitializeTenant", kind: fixtures.Negative, expect: []int{400}, status: 429, header: json,
			body: `{"msg":"slow down"}`, want: map[string]conformance.State{"status_code_conformance": conformance.Failed, "error_envelope_conformance": conformance.Failed, "negative_data_rejection": conformance.Failed}},
		{name: "invalid input accepted", op: "UpdateEnterpriseId", kind: fixtures.Negative, expect: []int{400}, status: 200, header: json,
			body: `{"enterprise_id":""}`, want: map[string]conformance.State{"negative_data_rejection": conformance.Failed}},
		{name: "missing credentials accepted", op: "UpdateEnterpriseId", kind: fixtures.Auth, expect: []int{401, 403}, status: 200, header: json,
			body: `{"enterprise_id":"x"}`, want: map[string]conformance.State{"ignored_auth": conformance.Failed}},
		{name: "ZStack plain-text refusal of a bad session", op: "ChangeIAM2ProjectState", kind: fixtures.Auth, expect: []int{400, 401, 403}, status: 401,
			header: http.Header{"Content-Type": {"text/plain"}}, body: `Session expired`, want: map[string]conformance.State{"ignored_auth": conformance.Passed, "error_envelope_conformance": conformance.NotApplicable, "content_type_conformance": conformance.NotApplicable}},
		{name: "ZStack plain-text answer to invalid input owes the envelope", op: "ChangeIAM2ProjectState", kind: fixtures.Negative, expect: []int{400}, status: 400,
			header: http.Header{"Content-Type": {"text/plain"}}, body: `bad`, want: map[string]conformance.State{"error_envelope_conformance": conformance.Failed, "content_type_conformance": conformance.Failed}},
		{name: "Alibaba business failure with its code", op: "GetUserActiveTenant", kind: fixtures.Negative, expect: []int{200}, code: "TenantNotExist", status: 200, header: json,
			body: `{"RequestId":"r","Success":false,"ErrorCode":"TenantNotExist","ErrorMessage":"m"}`, want: map[string]conformance.State{"negative_data_rejection": conformance.Passed, "error_envelope_conformance": conformance.Passed}},
		{name: "Alibaba business failure with another code", op: "GetUserActiveTenant", kind: fixtures.Negative, expect: []int{200}, code: "TenantNotExist", status: 200, header: json,
			body: `{"RequestId":"r","Success":false,"ErrorCode":"Other"}`, want: map[string]conformance.State{"error_envelope_conformance": conformance.Failed}},
		{name: "Alibaba business failure without a code", op: "GetUserActiveTenant", kind: fixtures.Positive, expect: []int{200}, status: 200, header: json,
			body: `{"RequestId":"r","Success":false}`, want: map[string]conformance.State{"error_envelope_conformance": conformance.Failed}},
		{name: "Alibaba success where a business failure is owed", op: "GetUserActiveTenant", kind: fixtures.Negative, expect: []int{200}, code: "TenantNotExist", status: 200, header: json,
			body: `{"RequestId":"r","Success":true}`, want: map[string]conformance.State{"negative_data_rejection": conformance.Failed, "error_envelope_conformance": conformance.NotApplicable}},
		{name: "Alibaba Success as a string fails only the schema", op: "GetUserActiveTenant", kind: fixtures.Negative, expect: []int{200}, code: "TenantNotExist", status: 200, header: json,
			body: `{"RequestId":"r","Success":"false","ErrorCode":"TenantNotExist"}`, want: map[string]conformance.State{"response_schema_conformance": conformance.Failed, "negative_data_rejection": conformance.NotEvaluated}},
		{name: "Alibaba gateway error with the expected code", op: "GetUserActiveTenant", kind: fixtures.Negative, expect: []int{404}, code: "InvalidAction.NotFound", status: 404, header: json,
			body: `{"RequestId":"r","HostId":"h","Code":"InvalidAction.NotFound","Message":"m"}`, want: map[string]conformance.State{"error_envelope_conformance": conformance.Passed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op, ok := set.Operation(tc.op)
			if !ok {
				t.Fatalf("no operation %s", tc.op)
			}
			c := &fixtures.Case{Kind: tc.kind, Expect: fixtures.Expect{Status: tc.expect, ErrorCode: tc.code}}
			if tc.kind == fixtures.Auth {
				c.Request.Credentials = fixtures.NoCredentials
			}
			res := conformance.Evaluate(&conformance.Exchange{Case: c, Op: op, Response: &conformance.Response{Status: tc.status, Header: tc.header, Body: []byte(tc.body)}})
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
	res := conformance.Evaluate(&conformance.Exchange{Case: &fixtures.Case{Kind: fixtures.Positive, Expect: fixtures.Expect{Status: []int{200}}}, Op: op, Err: http.ErrHandlerTimeout})
	for _, cr := range res.Checks {
		want := conformance.NotEvaluated
		if cr.Check == "response_received" {
			want = conformance.Failed
		}
		if cr.State != want {
			t.Errorf("%s: %s, want %s", cr.Check, cr.State, want)
		}
	}
}
