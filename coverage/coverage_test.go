package coverage_test

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/coverage"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/specs"
)

func load(t *testing.T) *specs.Set {
	t.Helper()
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func operation(t *testing.T, set *specs.Set, id string) *specs.Operation {
	t.Helper()
	op, ok := set.Operation(id)
	if !ok {
		t.Fatalf("no operation %s", id)
	}
	return op
}

// exchange is one recorded exchange of op: a JSON request body (none when ""), the case's
// credential mode, and an answer.
func exchange(op *specs.Operation, mode fixtures.Credentials, header http.Header, body string, status int, answer string) *conformance.Exchange {
	if header == nil {
		header = http.Header{}
	}
	x := &conformance.Exchange{
		Op:      op,
		Case:    &fixtures.Case{Operation: op.ID, Request: fixtures.Request{Credentials: mode}},
		Request: conformance.Request{Method: op.Method, URL: "http://127.0.0.1:1/v1/0f5181caba0024e72f89c0045e707b91/tenant/action/active", Header: header},
	}
	if body != "" {
		x.Request.Body = []byte(body)
	}
	if status != 0 {
		x.Response = &conformance.Response{Status: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(answer)}
	}
	return x
}

func signed() http.Header {
	return http.Header{"Content-Type": {"application/json"}, "Authorization": {"SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=00"}}
}

func dimension(t *testing.T, c *reports.Coverage, op, name string) reports.Dimension {
	t.Helper()
	o := c.Operation(op)
	if o == nil {
		t.Fatalf("no coverage of %s", op)
	}
	d := o.Dimension(name)
	if d == nil {
		t.Fatalf("%s has no dimension %s", op, name)
	}
	return *d
}

// Each dimension reads what an exchange did: InitializeTenant's documented success, a wrong
// type, a missing field, malformed JSON, no and wrong credentials, and an undocumented status.
func TestObserveInitializeTenant(t *testing.T) {
	set := load(t)
	op := operation(t, set, "InitializeTenant")
	rec := coverage.NewRecorder()
	rec.Observe(exchange(op, fixtures.Valid, signed(), `{"service_status":"inactive"}`, 200, `{"project_id":"p","service_status":"inactive"}`))
	rec.Observe(exchange(op, fixtures.Valid, signed(), `{"service_status":1}`, 400, `{"error_code":"WKS.00211102","error_msg":"Invalid parameter"}`))
	rec.Observe(exchange(op, fixtures.Valid, signed(), `{}`, 400, `{"error_code":"WKS.00211102","error_msg":"Invalid parameter"}`))
	rec.Observe(exchange(op, fixtures.NoCredentials, http.Header{"Content-Type": {"application/json"}}, `{"service_status":"active"}`, 401, `{"error_code":"APIGW.0301","error_msg":"x"}`))
	rec.Observe(exchange(op, fixtures.TamperedCredentials, signed(), `{"service_status":"active"}`, 418, `{"error_code":"TEAPOT","error_msg":"x"}`))
	c := rec.Coverage(nil)

	tests := []struct {
		dim                             string
		observed, missing, undocumented []string
	}{
		{reports.CoverStatuses, []string{"200", "400", "401"}, []string{"403", "404"}, []string{"418"}},
		{reports.CoverFields, []string{"200 /project_id", "200 /service_status", "400 /error_code", "400 /error_msg", "401 /error_code", "401 /error_msg"},
			[]string{"401 /request_id", "403 /error_code", "403 /error_msg", "403 /request_id", "404 /error_code", "404 /error_msg", "404 /request_id"}, nil},
		{reports.CoverEnums, []string{"request body /service_status = active", "request body /service_status = inactive", "response 200 /service_status = inactive"},
			[]string{"response 200 /service_status = active"}, nil},
		{reports.CoverInputs, []string{"body", "body /service_status", "path project_id"}, []string{"header X-Auth-Token"}, nil},
		{reports.CoverInvalidInputs, []string{"body /service_status"}, []string{"body"}, nil},
		{reports.CoverErrorCodes, []string{"APIGW.0301", "WKS.00211102"}, []string{"APIGW.0101", "APIGW.0302", "APIGW.0303"}, []string{"TEAPOT"}},
		{reports.CoverSecurity, []string{"akskSignature valid", "akskSignature wrong", "missing"}, []string{"iamToken valid", "iamToken wrong"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.dim, func(t *testing.T) {
			d := dimension(t, c, "InitializeTenant", tt.dim)
			if !slices.Equal(d.Observed, tt.observed) || !slices.Equal(d.Missing, tt.missing) || !slices.Equal(d.Undocumented, tt.undocumented) {
				t.Errorf("observed %q, missing %q, undocumented %q\nwant %q, %q, %q", d.Observed, d.Missing, d.Undocumented, tt.observed, tt.missing, tt.undocumented)
			}
			want := 100 * float64(len(tt.observed)) / float64(len(tt.observed)+len(tt.missing))
			if d.Percent == nil || fmt.Sprintf("%.1f", *d.Percent) != fmt.Sprintf("%.1f", want) {
				t.Errorf("percent %v, want %.1f", d.Percent, want)
			}
		})
	}
	// Malformed JSON, and a body sent without a documented media type, are the body sent invalid.
	rec.Observe(exchange(op, fixtures.Valid, signed(), `{"service_status": `, 400, `{"error_code":"WKS.00211102","error_msg":"x"}`))
	if d := dimension(t, rec.Coverage(nil), "InitializeTenant", reports.CoverInvalidInputs); !slices.Contains(d.Observed, "body") {
		t.Errorf("malformed JSON is not the body sent invalid: %q", d.Observed)
	}
}

// A status the spec marks x-coverage-unreachable leaves the denominator with everything
// documented only under it, beside an inline response and beside a $ref alike, with the
// spec's reason.
func TestUnreachableStatusesAreExcludedWithTheirReason(t *testing.T) {
	set := load(t)
	for op, statuses := range map[string][]string{
		"InitializeTenant":       {"503"},
		"UpdateTenantConfig":     {"500"},
		"GetUserActiveTenant":    {"500", "503"},
		"ChangeIAM2ProjectState": {"503"},
	} {
		c := coverage.NewRecorder().Coverage([]*specs.Operation{operation(t, set, op)})
		d := dimension(t, c, op, reports.CoverStatuses)
		var excluded []string
		for _, e := range d.Excluded {
			excluded = append(excluded, e.Item)
			if e.Reason == "" {
				t.Errorf("%s %s is excluded without a reason", op, e.Item)
			}
			if slices.Contains(d.Documented, e.Item) {
				t.Errorf("%s %s is both excluded and documented", op, e.Item)
			}
		}
		if !slices.Equal(excluded, statuses) {
			t.Errorf("%s excludes %q, want %q", op, excluded, statuses)
		}
		for _, f := range dimension(t, c, op, reports.CoverFields).Documented {
			for _, s := range statuses {
				if f[:3] == s {
					t.Errorf("%s counts %q, a field of an unreachable status", op, f)
				}
			}
		}
	}
	codes := dimension(t, coverage.NewRecorder().Coverage([]*specs.Operation{operation(t, set, "InitializeTenant")}), "InitializeTenant", reports.CoverErrorCodes)
	if slices.Contains(codes.Documented, "WKS.00050902") || len(codes.Excluded) != 1 || codes.Excluded[0].Item != "WKS.00050902" {
		t.Errorf("the code of InitializeTenant's unreachable 503 is counted: documented %q, excluded %v", codes.Documented, codes.Excluded)
	}
}

// Coverages merge by union: observing the exchanges in three recorders and merging gives what
// one recorder of them all gives, whatever goroutines observe them.
func TestMergeOfPartsEqualsTheWhole(t *testing.T) {
	set := load(t)
	op := operation(t, set, "InitializeTenant")
	xs := []*conformance.Exchange{
		exchange(op, fixtures.Valid, signed(), `{"service_status":"inactive"}`, 200, `{"project_id":"p","service_status":"inactive"}`),
		exchange(op, fixtures.Valid, signed(), `{"service_status":1}`, 400, `{"error_code":"WKS.00211102","error_msg":"x"}`),
		exchange(op, fixtures.NoCredentials, nil, `{"service_status":"active"}`, 401, `{"error_code":"APIGW.0301","error_msg":"x"}`),
		exchange(op, fixtures.WrongCredentials, signed(), `{"service_status":"active"}`, 418, `{"error_code":"TEAPOT"}`),
		exchange(op, fixtures.Valid, signed(), `{"service_status":"active"}`, 0, ""),
	}
	whole := coverage.NewRecorder()
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func() { defer wg.Done(); whole.Observe(x) }()
	}
	wg.Wait()
	var parts []*reports.Coverage
	for i := range 3 {
		r := coverage.NewRecorder()
		for j, x := range xs {
			if j%3 == i {
				r.Observe(x)
			}
		}
		parts = append(parts, r.Coverage([]*specs.Operation{op}))
	}
	got, want := reports.MergeCoverage(parts...), whole.Coverage([]*specs.Operation{op})
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged parts differ from the whole:\n got %+v\nwant %+v", got, want)
	}
}

// Without a case (a proxy's traffic), the credential mode is read off the exchange.
func TestSecurityWithoutACase(t *testing.T) {
	set := load(t)
	op := operation(t, set, "InitializeTenant")
	rec := coverage.NewRecorder()
	for _, x := range []*conformance.Exchange{
		exchange(op, "", http.Header{"X-Auth-Token": {"t"}}, `{"service_status":"active"}`, 200, `{}`),
		exchange(op, "", signed(), `{"service_status":"active"}`, 401, `{}`),
		exchange(op, "", nil, `{"service_status":"active"}`, 401, `{}`),
	} {
		x.Case = nil
		rec.Observe(x)
	}
	d := dimension(t, rec.Coverage(nil), "InitializeTenant", reports.CoverSecurity)
	if want := []string{"akskSignature wrong", "iamToken valid", "missing"}; !slices.Equal(d.Observed, want) {
		t.Errorf("observed %q, want %q", d.Observed, want)
	}
}

// Query parameters are read as their schema's type: a Tid that is no integer is Tid sent
// invalid; an enum value sent counts in enums.
func TestRPCParameters(t *testing.T) {
	set := load(t)
	op := operation(t, set, "GetUserActiveTenant")
	x := &conformance.Exchange{Op: op, Case: &fixtures.Case{Request: fixtures.Request{Credentials: fixtures.Valid}},
		Request:  conformance.Request{Method: "POST", URL: "http://h/?Action=GetUserActiveTenant&Format=XML&Tid=abc&Signature=s", Header: http.Header{}},
		Response: &conformance.Response{Status: 400, Body: []byte(`{"Code":"InvalidParameter","RequestId":"r","Message":"m"}`)}}
	rec := coverage.NewRecorder()
	rec.Observe(x)
	c := rec.Coverage(nil)
	if d := dimension(t, c, op.ID, reports.CoverInvalidInputs); !slices.Equal(d.Observed, []string{"query Tid"}) {
		t.Errorf("invalid inputs %q, want [query Tid]", d.Observed)
	}
	if d := dimension(t, c, op.ID, reports.CoverEnums); !slices.Contains(d.Observed, "request query Format = XML") {
		t.Errorf("enums %q lack Format = XML", d.Observed)
	}
	if d := dimension(t, c, op.ID, reports.CoverSecurity); !slices.Equal(d.Observed, []string{"signatureV1 valid"}) {
		t.Errorf("security %q, want [signatureV1 valid]", d.Observed)
	}
	if d := dimension(t, c, op.ID, reports.CoverErrorCodes); !slices.Equal(d.Observed, []string{"InvalidParameter"}) {
		t.Errorf("error codes %q, want [InvalidParameter] (from x-error-codes)", d.Observed)
	}
}

// The credentials of an identity without the permission are valid credentials: its 403 covers
// the status and the error code, and the scheme it signed with counts as sent valid.
func TestForbiddenIdentity(t *testing.T) {
	set := load(t)
	op := operation(t, set, "InitializeTenant")
	rec := coverage.NewRecorder()
	rec.Observe(exchange(op, fixtures.ForbiddenCredentials, signed(), `{"service_status":"active"}`, 403,
		`{"error_code":"APIGW.0302","error_msg":"The IAM user is forbidden in the currently selected region."}`))
	c := rec.Coverage(nil)
	if d := dimension(t, c, op.ID, reports.CoverSecurity); !slices.Equal(d.Observed, []string{"akskSignature valid"}) {
		t.Errorf("security %q, want [akskSignature valid]", d.Observed)
	}
	if d := dimension(t, c, op.ID, reports.CoverStatuses); !slices.Equal(d.Observed, []string{"403"}) {
		t.Errorf("statuses %q, want [403]", d.Observed)
	}
	if d := dimension(t, c, op.ID, reports.CoverErrorCodes); !slices.Equal(d.Observed, []string{"APIGW.0302"}) {
		t.Errorf("error codes %q, want [APIGW.0302]", d.Observed)
	}
}

// The 202 of an async job that was then polled is a status the exchange observed, its body
// read against the 202's documentation, beside the final answer's.
func TestAsyncJobStepsAreObserved(t *testing.T) {
	set := load(t)
	op := operation(t, set, "ChangeIAM2ProjectState")
	x := exchange(op, fixtures.Valid, http.Header{"Authorization": {"OAuth s"}}, `{"changeIAM2ProjectState":{"stateEvent":"enable"}}`, 200,
		`{"inventory":{"uuid":"u","name":"n","state":"Enabled"}}`)
	x.Request.URL = "http://127.0.0.1:1/zstack/v1/iam2/projects/u/actions"
	x.Steps = []*conformance.Response{{Status: 202, Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(`{"location":"http://127.0.0.1:1/zstack/v1/api-jobs/j","apiTimeout":1800000}`)}}
	rec := coverage.NewRecorder()
	rec.Observe(x)
	c := rec.Coverage(nil)
	if d := dimension(t, c, op.ID, reports.CoverStatuses); !slices.Equal(d.Observed, []string{"200", "202"}) {
		t.Errorf("statuses %q, want [200 202]", d.Observed)
	}
	if d := dimension(t, c, op.ID, reports.CoverFields); !slices.Contains(d.Observed, "202 /location") || !slices.Contains(d.Observed, "200 /inventory/state") {
		t.Errorf("fields %q lack 202 /location or 200 /inventory/state", d.Observed)
	}
}
