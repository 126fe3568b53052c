package reports_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/reports"
)

// hostile is target output that needs escaping in every format: HTML and script, quotes, a
// CDATA end, Markdown images and links, a fence, and bytes XML cannot carry.
const hostile = "<script>alert(\"x\")</script><img src=\"http://evil.test/i.png\"> ' \" ]]> " +
	"![pixel](http://evil.test/p.png) [link](http://evil.test/) ``` </pre></textarea> \x00\x1b[31m &amp; | end"

// checkNames are the checks as the runner lists them in Report.Checks.
var checkNames = []string{"response_received", "not_a_server_error", "status_code_conformance",
	"content_type_conformance", "no_body_on_204", "response_schema_conformance",
	"error_envelope_conformance", "negative_data_rejection", "ignored_auth"}

var started = time.Date(2026, 11, 25, 23, 49, 53, 0, time.UTC)

// huaweiExchange is a signed Huawei request as the runner records it: every credential
// already replaced by REDACTED.
func huaweiExchange(status int, body string) *reports.Exchange {
	return &reports.Exchange{
		Request: reports.Message{
			Method: "POST",
			URL:    "http://127.0.0.1:44645/v1/0f5181caba0024e72f89c0045e707b91/tenant/action/active",
			Headers: map[string][]string{
				"Authorization": {"SDK-HMAC-SHA256 REDACTED"},
				"Content-Type":  {"application/json"},
				"X-Sdk-Date":    {"20261125T234953Z"},
				"X-Auth-Token":  {"REDACTED"},
			},
			Body:      `{"service_status":"active"}`,
			BodyBytes: 27,
		},
		Response: &reports.Message{
			Status:    status,
			Headers:   map[string][]string{"Content-Type": {"application/json"}},
			Body:      body,
			BodyBytes: len(body),
		},
	}
}

func checks(states map[string]string) map[string]string {
	all := map[string]string{
		"response_received": "passed", "not_a_server_error": "passed", "status_code_conformance": "passed",
		"content_type_conformance": "passed", "no_body_on_204": "not_applicable",
		"response_schema_conformance": "passed", "error_envelope_conformance": "not_applicable",
		"negative_data_rejection": "not_applicable", "ignored_auth": "not_applicable",
	}
	for k, v := range states {
		all[k] = v
	}
	return all
}

var discrepancies = []reports.Discrepancy{
	{File: "zstack-iam2.yaml", Line: 120, Pointer: "/components/schemas/IAM2ProjectInventory/properties/state",
		Doc: "state is an object {name, ordinal}", Actual: "state is a plain string: Enabled|Disabled", Source: "002_cc0f0efc32c76b7d.txt",
		Title: "ChangeIAM2ProjectState", Operation: "ChangeIAM2ProjectState"},
	{File: "alibabacloud-dms-enterprise.yaml", Line: 235, Pointer: "/components/schemas/Tenant/properties/Tid",
		Doc: "the sample gives Tid 0, the table 3***", Actual: "Tid is the int64 id of an existing tenant", Source: "001_ab4ae462cd20251c.txt"},
}

// passingReport is a run where every case passed, with the evidence of each.
func passingReport() *reports.Report {
	r := &reports.Report{
		Version: reports.Version, Target: "built-in reference target at http://127.0.0.1:44645",
		Targets: map[string]string{"huaweicloud-workspaceapp": "http://127.0.0.1:44645", "zstack-iam2": "http://127.0.0.1:44645"},
		Started: started, DurationMS: 93, Discrepancies: discrepancies, Checks: checkNames,
		Cases: []reports.Case{
			{ID: "InitializeTenant/documented-example-activates-the-tenant", Order: 1, Provider: "huaweicloud",
				Service: "huaweicloud-workspaceapp", Operation: "InitializeTenant", Name: "documented example activates the tenant",
				Labels: []string{"huaweicloud", "huaweicloud-workspaceapp", "InitializeTenant", "positive", "example"},
				State:  reports.Passed, DurationMS: 3, Checks: checks(nil), Failures: []reports.Failure{},
				Curl:     `curl -sS -X POST 'http://127.0.0.1:44645/v1/0f5181caba0024e72f89c0045e707b91/tenant/action/active' -H "X-Auth-Token: $CONFORMANCE_HUAWEICLOUD_TOKEN" --data-raw '{"service_status":"active"}'`,
				Exchange: huaweiExchange(200, `{"project_id":"0f5181caba0024e72f89c0045e707b91","service_status":"active"}`)},
			{ID: "InitializeTenant/no-credentials", Order: 2, Provider: "huaweicloud",
				Service: "huaweicloud-workspaceapp", Operation: "InitializeTenant", Name: "no credentials",
				Labels: []string{"huaweicloud", "huaweicloud-workspaceapp", "InitializeTenant", "auth"},
				State:  reports.Passed, DurationMS: 1,
				Checks:   checks(map[string]string{"response_schema_conformance": "not_applicable", "error_envelope_conformance": "passed", "ignored_auth": "passed"}),
				Failures: []reports.Failure{},
				Curl:     `curl -sS -X POST 'http://127.0.0.1:44645/v1/0f5181caba0024e72f89c0045e707b91/tenant/action/active'`,
				Exchange: huaweiExchange(401, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}`)},
			{ID: "ChangeIAM2ProjectState/enable-the-project", Order: 3, Provider: "zstack",
				Service: "zstack-iam2", Operation: "ChangeIAM2ProjectState", Name: "enable the project",
				Labels: []string{"zstack", "zstack-iam2", "ChangeIAM2ProjectState", "positive"},
				State:  reports.Passed, DurationMS: 4, Checks: checks(nil), Failures: []reports.Failure{},
				Curl: `curl -sS -X PUT 'http://127.0.0.1:44645/zstack/v1/iam2/projects/2dce5dc485554d21a3796500c1db007a/actions' -H "Authorization: OAuth $CONFORMANCE_ZSTACK_SESSION"`,
				Exchange: &reports.Exchange{
					Request: reports.Message{Method: "PUT", URL: "http://127.0.0.1:44645/zstack/v1/iam2/projects/2dce5dc485554d21a3796500c1db007a/actions",
						Headers: map[string][]string{"Authorization": {"OAuth REDACTED"}, "X-Session-Id": {"REDACTED"}},
						Body:    `{"changeIAM2ProjectState":{"stateEvent":"enable"}}`, BodyBytes: 50},
					Response: &reports.Message{Status: 200, Body: `{"inventory":{"state":"Enabled"}}`, BodyBytes: 33},
				}},
		},
	}
	r.Tally()
	return r
}

// failingReport has a failed case whose transcript is hostile, a timeout, a case whose checks
// were partly not evaluated, a skipped case, and a passing one.
func failingReport() *reports.Report {
	r := passingReport()
	r.Shard = &reports.Shard{Index: 1, Count: 1}
	r.Restored = []reports.Restored{
		{Operation: "ChangeIAM2ProjectState", What: "project 2dce5dc485554d21a3796500c1db007a state Enabled"},
		{Operation: "UpdateEnterpriseId", What: "enterprise id acme", Error: "PUT answered 500 " + hostile},
	}
	r.Cases = append(r.Cases[:1],
		reports.Case{ID: "InitializeTenant/service_status-outside-its-enum", Order: 2, Provider: "huaweicloud",
			Service: "huaweicloud-workspaceapp", Operation: "InitializeTenant", Name: "service_status outside its enum",
			Labels: []string{"huaweicloud", "huaweicloud-workspaceapp", "InitializeTenant", "negative"},
			State:  reports.Failed, DurationMS: 12,
			Checks: checks(map[string]string{"status_code_conformance": "failed", "response_schema_conformance": "not_evaluated",
				"negative_data_rejection": "failed", "not_a_server_error": "failed"}),
			Failures: []reports.Failure{
				{Check: "not_a_server_error", Message: "not_a_server_error: expected a status below 500, got 500 " + hostile,
					Expected: "a status below 500", Actual: "500 " + hostile},
				{Check: "negative_data_rejection", Message: "negative_data_rejection: expected 400, got 500",
					Pointer: "/service_status", Expected: "400", Actual: "500"},
			},
			Curl:     `curl -sS -X POST 'http://127.0.0.1:44645/v1/0f5181caba0024e72f89c0045e707b91/tenant/action/active' -H "Authorization: SDK-HMAC-SHA256 REDACTED" --data-raw '{"service_status":"enabled"}'`,
			Exchange: huaweiExchange(500, hostile),
		},
		reports.Case{ID: "ChangeIAM2ProjectState/disable-the-project", Order: 3, Provider: "zstack",
			Service: "zstack-iam2", Operation: "ChangeIAM2ProjectState", Name: "disable the project",
			Labels: []string{"zstack", "zstack-iam2", "ChangeIAM2ProjectState", "positive"},
			State:  reports.Failed, DurationMS: 10000,
			Checks: map[string]string{"response_received": "failed", "not_a_server_error": "not_evaluated",
				"status_code_conformance": "not_evaluated", "content_type_conformance": "not_evaluated"},
			Failures: []reports.Failure{{Check: "response_received", Message: "response_received: expected an answer within 10s, got a timeout",
				Expected: "an answer within 10s", Actual: "a timeout"}},
			Curl: `curl -sS -X PUT 'http://127.0.0.1:44645/zstack/v1/iam2/projects/2dce5dc485554d21a3796500c1db007a/actions' -H "Authorization: OAuth $CONFORMANCE_ZSTACK_SESSION"`,
			Exchange: &reports.Exchange{
				Request: reports.Message{Method: "PUT", URL: "http://127.0.0.1:44645/zstack/v1/iam2/projects/2dce5dc485554d21a3796500c1db007a/actions",
					Headers: map[string][]string{"Authorization": {"OAuth REDACTED"}}, BodyBytes: 0},
				Error: "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
			}},
		reports.Case{ID: "GetUserActiveTenant/documented-example", Order: 4, Provider: "alibabacloud",
			Service: "alibabacloud-dms-enterprise", Operation: "GetUserActiveTenant", Name: "documented example",
			Labels: []string{"alibabacloud", "alibabacloud-dms-enterprise", "GetUserActiveTenant", "positive"},
			State:  reports.Skipped, Reason: "no value for {tid}: set CONFORMANCE_ALIBABACLOUD_TID", Failures: []reports.Failure{}},
		passingReport().Cases[2],
	)
	r.Cases[len(r.Cases)-1].Order = 5
	r.Tally()
	return r
}

// reportsUnderTest are the two reports every format is checked on.
var reportsUnderTest = []struct {
	name string
	r    func() *reports.Report
}{
	{"passing", passingReport},
	{"failing", failingReport},
}

// writeAll writes every format into a temporary directory and returns it.
func writeAll(t *testing.T, r *reports.Report) string {
	t.Helper()
	dir := t.TempDir()
	if err := reports.WriteAll(dir, r); err != nil {
		t.Fatal(err)
	}
	return dir
}

func read(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
