package mock_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/providers/huaweicloud"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/signing"
)

const unknownProject = "00000000000000000000000000000000"

// huaweiAKSKBy signs like huaweiAKSK, with another access key (when ak is set) or a clock
// skewed from the target's.
func huaweiAKSKBy(ak string, skew time.Duration) auth {
	return func(tg *target, r *http.Request, body []byte) error {
		if ak == "" {
			ak = tg.creds.Get(huaweicloud.AccessKey)
		}
		r.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
		r.Header.Set("X-Project-Id", tg.creds.Get(huaweicloud.ProjectID))
		now := func() time.Time { return tg.now().Add(skew) }
		return signing.Huawei{AccessKey: ak, SecretKey: tg.creds.Get(huaweicloud.SecretKey), Now: now}.Sign(r, body)
	}
}

func TestHuaweiEndpoints(t *testing.T) {
	tg := newTarget(t, mock.Options{})
	project := tg.creds.Get(huaweicloud.ProjectID)
	runCases(t, tg, []endpointCase{
		// InitializeTenant (page 000): 400 in the service's envelope, 401/404 from the gateway.
		{name: "documented example activates", req: req{op: "InitializeTenant", body: `{"service_status":"active"}`},
			want: 200, fields: map[string]any{"project_id": project, "service_status": "active"}},
		{name: "deactivate", req: req{op: "InitializeTenant", body: `{"service_status":"inactive"}`},
			want: 200, fields: map[string]any{"service_status": "inactive"}},
		{name: "signed with AK/SK", req: req{op: "InitializeTenant", body: `{"service_status":"active"}`, auth: huaweiAKSK},
			want: 200},
		{name: "missing service_status", req: req{op: "InitializeTenant", body: `{}`},
			want: 400, code: "WKS.00211102", says: "service_status"},
		{name: "service_status outside its enum", req: req{op: "InitializeTenant", body: `{"service_status":"enabled"}`},
			want: 400, code: "WKS.00211102", says: "service_status"},
		{name: "service_status of the wrong type", req: req{op: "InitializeTenant", body: `{"service_status":1}`},
			want: 400, code: "WKS.00211102", says: "service_status"},
		{name: "malformed JSON", req: req{op: "InitializeTenant", body: `{"service_status": `},
			want: 400, code: "WKS.00211102", says: "not valid JSON"},
		{name: "no body", req: req{op: "InitializeTenant"},
			want: 400, code: "WKS.00211102", says: "body"},
		{name: "unknown project", req: req{op: "InitializeTenant", path: map[string]string{"project_id": unknownProject}, body: `{"service_status":"active"}`},
			want: 404, code: "WKS.00200404", says: unknownProject},
		{name: "no credentials", req: req{op: "InitializeTenant", body: `{"service_status":"active"}`, auth: noCredentials},
			want: 401, code: "APIGW.0301"},
		{name: "wrong token", req: req{op: "InitializeTenant", body: `{"service_status":"active"}`, auth: wrongCredentials},
			want: 401, code: "APIGW.0301"},
		{name: "AK/SK signed 20 minutes ago", req: req{op: "InitializeTenant", body: `{"service_status":"active"}`, auth: huaweiAKSKBy("", -20*time.Minute)},
			want: 401, code: "APIGW.0301", says: "X-Sdk-Date"},
		{name: "AK/SK of an unknown access key", req: req{op: "InitializeTenant", body: `{"service_status":"active"}`, auth: huaweiAKSKBy("UNKNOWNAK", 0)},
			want: 401, code: "APIGW.0301", says: "access key"},
		{name: "a body over 1 MiB", req: req{op: "InitializeTenant", body: `{"service_status":"` + strings.Repeat("a", 2<<20) + `"}`},
			want: 400, code: "WKS.00211102", says: "larger than"},
		{name: "bad credentials win over a bad body", req: req{op: "InitializeTenant", body: `{}`, auth: wrongCredentials},
			want: 401, code: "APIGW.0301"},

		// UpdateTenantConfig (page 003): 204 without a body; errors carry error_detail.
		{name: "documented example", req: req{op: "UpdateTenantConfig",
			body: `{"function_config":{"id":"xxx-xxx-xxx","name":"user_prefix","status":"ON","values":[{"key":"prefix","value":"test"}]}}`},
			want: 204},
		{name: "switch off", req: req{op: "UpdateTenantConfig", body: `{"function_config":{"name":"user_prefix","status":"OFF"}}`},
			want: 204},
		{name: "empty object, every field optional", req: req{op: "UpdateTenantConfig", body: `{}`},
			want: 204},
		{name: "signed with AK/SK", req: req{op: "UpdateTenantConfig", body: `{}`, auth: huaweiAKSK},
			want: 204},
		{name: "no Content-Type, which the page does not mandate", req: req{op: "UpdateTenantConfig", body: `{}`, contentType: noContentType},
			want: 204},
		{name: "status outside its enum", req: req{op: "UpdateTenantConfig", body: `{"function_config":{"name":"user_prefix","status":"MAYBE"}}`},
			want: 400, code: "WKS.00200001", says: `"error_detail":"body field \"/function_config/status\"`},
		{name: "values of the wrong type", req: req{op: "UpdateTenantConfig", body: `{"function_config":{"values":"prefix=test"}}`},
			want: 400, code: "WKS.00200001", says: "/function_config/values"},
		{name: "malformed JSON", req: req{op: "UpdateTenantConfig", body: `{"function_config": {"name": `},
			want: 400, code: "WKS.00200001", says: "not valid JSON"},
		{name: "unknown project", req: req{op: "UpdateTenantConfig", path: map[string]string{"project_id": unknownProject}, body: `{}`},
			want: 404, code: "WKS.00200404"},
		{name: "no credentials", req: req{op: "UpdateTenantConfig", body: `{}`, auth: noCredentials},
			want: 401, code: "APIGW.0301"},
		{name: "wrong token", req: req{op: "UpdateTenantConfig", body: `{}`, auth: wrongCredentials},
			want: 401, code: "APIGW.0301"},

		// UpdateEnterpriseId (page 004): Content-Type is mandatory.
		{name: "documented example", req: req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"huawei"}`},
			want: 200, fields: map[string]any{"enterprise_id": "huawei"}},
		{name: "signed with AK/SK", req: req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"signed"}`, auth: huaweiAKSK},
			want: 200, fields: map[string]any{"enterprise_id": "signed"}},
		{name: "missing enterprise_id", req: req{op: "UpdateEnterpriseId", body: `{}`},
			want: 400, code: "WKS.00200001", says: "enterprise_id"},
		{name: "enterprise_id of the wrong type", req: req{op: "UpdateEnterpriseId", body: `{"enterprise_id":42}`},
			want: 400, code: "WKS.00200001", says: "/enterprise_id"},
		{name: "malformed JSON", req: req{op: "UpdateEnterpriseId", body: `{"enterprise_id": "huawei"`},
			want: 400, code: "WKS.00200001", says: "not valid JSON"},
		{name: "missing mandatory Content-Type", req: req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"huawei"}`, contentType: noContentType},
			want: 400, code: "WKS.00200001", says: "Content-Type"},
		{name: "Content-Type that is not JSON", req: req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"huawei"}`, contentType: "text/plain"},
			want: 400, code: "WKS.00200001", says: "Content-Type"},
		{name: "unknown project", req: req{op: "UpdateEnterpriseId", path: map[string]string{"project_id": unknownProject}, body: `{"enterprise_id":"huawei"}`},
			want: 404, code: "WKS.00200404"},
		{name: "no credentials", req: req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"huawei"}`, auth: noCredentials},
			want: 401, code: "APIGW.0301"},
		{name: "wrong token", req: req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"huawei"}`, auth: wrongCredentials},
			want: 401, code: "APIGW.0301"},
		{name: "no credentials win over a missing Content-Type", req: req{op: "UpdateEnterpriseId", body: `{}`, contentType: noContentType, auth: noCredentials},
			want: 401, code: "APIGW.0301"},
	})
}

// An unknown route never reaches a service: the gateway answers 404 APIGW.0101.
func TestHuaweiUnknownRoute(t *testing.T) {
	tg := newTarget(t, mock.Options{})
	sp, _ := tg.set.Service("huaweicloud-workspace")
	for _, c := range []struct{ method, path string }{
		{http.MethodDelete, "/v2/" + tg.creds.Get(huaweicloud.ProjectID) + "/tenant-configs"}, // known path, other method
		{http.MethodPut, "/v2/" + tg.creds.Get(huaweicloud.ProjectID) + "/no-such-api"},
		{http.MethodGet, "/no/such/service"},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			r, _ := http.NewRequest(c.method, tg.url+c.path, strings.NewReader(`{}`))
			r.Header.Set("X-Auth-Token", tg.creds.Get(huaweicloud.Token))
			ex, err := tg.do(r, nil)
			if err != nil {
				t.Fatal(err)
			}
			if ex.status != 404 || !strings.Contains(string(ex.body), `"error_code":"APIGW.0101"`) {
				t.Fatalf("answered %d %s, want 404 APIGW.0101", ex.status, ex.body)
			}
			if err := inEnvelope(sp, ex.body); err != nil {
				t.Errorf("not in the gateway envelope: %v", err)
			}
		})
	}
}

// Neither the answers nor the refusals may echo a credential.
func TestHuaweiRefusalsEchoNoSecret(t *testing.T) {
	tg := newTarget(t, mock.Options{})
	for _, a := range []auth{wrongCredentials, noCredentials} {
		ex := tg.send(t, req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"x"}`, auth: a})
		for _, secret := range append(tg.creds.Secrets(), "not-the-token") {
			if strings.Contains(string(ex.body), secret) {
				t.Errorf("the refusal %s echoes a credential", ex.body)
			}
		}
	}
}

// Huawei's gateway tags every answer, success or refusal, with X-Request-Id; the official SDK
// reads the request id of an error from that header alone.
func TestHuaweiAnswersCarryARequestID(t *testing.T) {
	tg := newTarget(t, mock.Options{})
	for _, rq := range []req{
		{op: "UpdateEnterpriseId", body: `{"enterprise_id":"x"}`},
		{op: "UpdateEnterpriseId", body: `{"enterprise_id":"x"}`, auth: noCredentials},
		{op: "InitializeTenant", body: `{"service_status":"on"}`},
	} {
		ex := tg.send(t, rq)
		if id := ex.header.Get("X-Request-Id"); len(id) < 16 {
			t.Errorf("%s answered %d without an X-Request-Id (%q)", rq.op, ex.status, id)
		}
	}
}
