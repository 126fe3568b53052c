package conformance_test

import (
	"net/http"
	"testing"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/specs"
)

// benchExchange is a recorded 200 of an operation, ready to judge.
func benchExchange(b *testing.B, opID, body string) (*conformance.Exchange, conformance.Check) {
	set, err := specs.Load()
	if err != nil {
		b.Fatal(err)
	}
	op, _ := set.Operation(opID)
	return &conformance.Exchange{
		Case: &fixtures.Case{Kind: fixtures.Positive, Expect: fixtures.Expect{Status: []int{200}}},
		Op:   op,
		Response: &conformance.Response{
			Status: 200,
			Header: http.Header{"Content-Type": {"application/json"}},
			Body:   []byte(body),
		},
	}, conformance.ResponseSchemaConformance
}

// BenchmarkValidateResponse is the cost of judging one response body against its schema
// (issue #5 asks for ≤ 5 µs and ≤ 40 allocations).
func BenchmarkValidateResponse(b *testing.B) {
	for _, tc := range []struct{ name, op, body string }{
		{"UpdateEnterpriseId", "UpdateEnterpriseId", `{"enterprise_id":"huawei"}`},
		{"InitializeTenant", "InitializeTenant", `{"project_id":"0f5181caba0024e72f89c0045e707b91","service_status":"active"}`},
		{"GetUserActiveTenant", "GetUserActiveTenant", `{"Tenant":{"Status":"ACTIVE","Tid":3000,"TenantName":"test_name"},"RequestId":"4B63CAC5-BD7F-5C7C-82C9-59DFFBC3C5C2","Success":true}`},
		{"ChangeIAM2ProjectState", "ChangeIAM2ProjectState", `{"inventory":{"uuid":"2dce5dc485554d21a3796500c1db007a","name":"project","description":"d","createDate":"Nov 24, 2026 5:04:05 PM","lastOpDate":"Nov 24, 2026 5:04:05 PM","state":"Enabled","attributes":[]}}`},
	} {
		b.Run(tc.name, func(b *testing.B) {
			x, check := benchExchange(b, tc.op, tc.body)
			answer := *x.Response
			b.ReportAllocs()
			for b.Loop() {
				r := answer // a fresh answer each time: its body is decoded anew (Response.JSON)
				x.Response = &r
				if applies, fs := check.Run(x, nil); !applies || len(fs) > 0 {
					b.Fatal(fs)
				}
			}
		})
	}
}

// BenchmarkEvaluate is every check on one exchange.
func BenchmarkEvaluate(b *testing.B) {
	x, _ := benchExchange(b, "UpdateEnterpriseId", `{"enterprise_id":"huawei"}`)
	answer := *x.Response
	b.ReportAllocs()
	for b.Loop() {
		r := answer
		x.Response = &r
		if conformance.Evaluate(x, nil).Failed() {
			b.Fatal("failed")
		}
	}
}
