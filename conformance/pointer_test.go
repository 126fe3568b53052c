package conformance_test

import (
	"net/http"
	"testing"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/specs"
)

// TestFailurePointers pins the pointer of every kind of schema failure: the JSON pointer of
// the offending value, or of the parent object for a missing property, whose name the message
// then carries. The pointer was once doubled (/enterprise_id/enterprise_id), which no test saw.
func TestFailurePointers(t *testing.T) {
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	json := http.Header{"Content-Type": {"application/json"}}
	for _, tc := range []struct {
		name, op  string
		status    int
		body      string
		check     conformance.CheckName
		pointer   string
		inMessage string
		expected  string
	}{
		{"missing at top level", "UpdateEnterpriseId", 200, `{}`, conformance.CheckResponseSchemaConformance, "", `"enterprise_id"`, `required property "enterprise_id"`},
		{"missing nested", "ChangeIAM2ProjectState", 200, `{"inventory":{"uuid":"u","name":"n"}}`, conformance.CheckResponseSchemaConformance, "/inventory", `"state"`, `required property "state"`},
		{"wrong type at top level", "InitializeTenant", 200, `{"project_id":42,"service_status":"active"}`, conformance.CheckResponseSchemaConformance, "/project_id", "number 42", "type string"},
		{"wrong type nested", "GetUserActiveTenant", 200, `{"RequestId":"r","Success":true,"Tenant":{"Status":"ACTIVE","Tid":"x","TenantName":"n"}}`, conformance.CheckResponseSchemaConformance, "/Tenant/Tid", `string "x"`, "type integer (int64)"},
		{"enum nested", "ChangeIAM2ProjectState", 200, `{"inventory":{"uuid":"u","name":"n","state":"Sleeping"}}`, conformance.CheckResponseSchemaConformance, "/inventory/state", `"Sleeping"`, "one of ["},
		{"envelope missing at top level", "UpdateEnterpriseId", 400, `{"error_code":"WKS.0001"}`, conformance.CheckErrorEnvelopeConformance, "", `"error_msg"`, `required property "error_msg"`},
		{"envelope missing nested", "ChangeIAM2ProjectState", 400, `{"error":{"description":"d"}}`, conformance.CheckErrorEnvelopeConformance, "/error", `"code"`, `required property "code"`},
		{"envelope wrong type", "GetUserActiveTenant", 400, `{"RequestId":"r","HostId":"h","Code":7,"Message":"m","Recommend":"x"}`, conformance.CheckErrorEnvelopeConformance, "/Code", "number 7", "type string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op, ok := set.Operation(tc.op)
			if !ok {
				t.Fatalf("no operation %s", tc.op)
			}
			kind, expect := fixtures.Positive, []int{tc.status}
			if tc.status >= 400 {
				kind = fixtures.Negative
			}
			x := &conformance.Exchange{
				Case:     &fixtures.Case{Kind: kind, Expect: fixtures.Expect{Status: expect}},
				Op:       op,
				Response: &conformance.Response{Status: tc.status, Header: json, Body: []byte(tc.body)},
			}
			var got []conformance.Failure
			for _, cr := range conformance.Evaluate(x, nil).Checks {
				if cr.Check == tc.check {
					got = cr.Failures
				}
			}
			if len(got) != 1 {
				t.Fatalf("%s: %d failures %+v, want 1", tc.check, len(got), got)
			}
			f := got[0]
			if f.Pointer != tc.pointer {
				t.Errorf("pointer %q, want %q (%s)", f.Pointer, tc.pointer, f.Message)
			}
			if !contains(f.Message, tc.inMessage) || !contains(f.Expected, tc.expected) {
				t.Errorf("message %q (expected %q): want it to name %s and expect %s", f.Message, f.Expected, tc.inMessage, tc.expected)
			}
		})
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
