package interop_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/conformance-suite/conformance/providers/alibabacloud"
	"github.com/conformance-suite/conformance/providers/huaweicloud"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	dms "github.com/aliyun/alibaba-cloud-sdk-go/services/dms-enterprise"
	wsmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/workspace/v2/model"
	appmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/workspaceapp/v1/model"
)

// The signature schemes the SDKs sign with, as the suite's signers name them.
const (
	huaweiAKSK = "SDK-HMAC-SHA256"
	alibabaV1  = "Alibaba RPC signature V1"
	alibabaV3  = "ACS3-HMAC-SHA256"
)

// oddQuery is an extra query parameter whose value holds every character that the
// providers' escaping rules treat specially, so that a signer and a verifier that escape
// differently cannot agree by accident. The operations ignore parameters they do not know.
var oddQuery = map[string]string{"Odd": "a b*c~d/é+&=%20", "Empty": ""}

// sdkCall is one call an application makes with an official SDK, and what it must decode.
type sdkCall struct {
	name string
	// scheme is how the SDK signs it (huaweiAKSK, alibabaV1 or alibabaV3).
	scheme string
	// operation is the operationId in the suite's specs that the request must match.
	operation string
	// send makes the call and returns the SDK's decoded answer.
	send func(c *sdkClients) (any, error)
	// check inspects the decoded answer of a successful call.
	check func(t *testing.T, c *sdkClients, answer any)
}

// sdkCalls are the calls every test makes: each documented operation the way the SDK sends
// it, the Alibaba business failure, and the Alibaba calls once more with odd query values.
func sdkCalls() []sdkCall {
	const enterpriseID = "conformance-enterprise-0001"
	return []sdkCall{
		{
			name: "huawei workspaceapp v1 InitializeTenant", scheme: huaweiAKSK, operation: "InitializeTenant",
			send: func(c *sdkClients) (any, error) {
				return c.huaweiApp.InitializeTenant(&appmodel.InitializeTenantRequest{
					Body: &appmodel.InitializeTenantReq{ServiceStatus: "active"},
				})
			},
			check: func(t *testing.T, c *sdkClients, answer any) {
				r := answer.(*appmodel.InitializeTenantResponse)
				wantStatus(t, r.HttpStatusCode, http.StatusOK)
				wantField(t, "project_id", r.ProjectId, c.creds.Get(huaweicloud.ProjectID))
				wantField(t, "service_status", r.ServiceStatus, "active")
			},
		},
		{
			name: "huawei workspace v2 UpdateTenantConfig", scheme: huaweiAKSK, operation: "UpdateTenantConfig",
			send: func(c *sdkClients) (any, error) {
				key, value := "max_sessions", "10"
				return c.huaweiWorkspace.UpdateTenantConfig(&wsmodel.UpdateTenantConfigRequest{
					Body: &wsmodel.UpdateTenantConfigReq{FunctionConfig: &wsmodel.FunctionConfig{
						Id:     ptr("session-limit"),
						Name:   ptr("session_limit"),
						Status: ptr(wsmodel.GetFunctionConfigStatusEnum().ON),
						Values: &[]wsmodel.MapObject{{Key: &key, Value: &value}},
					}},
				})
			},
			check: func(t *testing.T, _ *sdkClients, answer any) {
				wantStatus(t, answer.(*wsmodel.UpdateTenantConfigResponse).HttpStatusCode, http.StatusNoContent)
			},
		},
		{
			name: "huawei workspace v2 UpdateEnterpriseId", scheme: huaweiAKSK, operation: "UpdateEnterpriseId",
			send: func(c *sdkClients) (any, error) {
				return c.huaweiWorkspace.UpdateEnterpriseId(&wsmodel.UpdateEnterpriseIdRequest{
					Body: &wsmodel.ModifyEnterpriseIdReq{EnterpriseId: enterpriseID},
				})
			},
			check: func(t *testing.T, _ *sdkClients, answer any) {
				r := answer.(*wsmodel.UpdateEnterpriseIdResponse)
				wantStatus(t, r.HttpStatusCode, http.StatusOK)
				wantField(t, "enterprise_id", r.EnterpriseId, enterpriseID)
			},
		},
		{
			name: "alibaba V1 GetUserActiveTenant", scheme: alibabaV1, operation: "GetUserActiveTenant",
			send: func(c *sdkClients) (any, error) {
				return c.alibabaV1.GetUserActiveTenant(v1Request(c, c.creds.Get(alibabacloud.Tid), nil))
			},
			check: checkV1Tenant,
		},
		{
			name: "alibaba V1 GetUserActiveTenant by GET", scheme: alibabaV1, operation: "GetUserActiveTenantByGet",
			send: func(c *sdkClients) (any, error) {
				req := v1Request(c, c.creds.Get(alibabacloud.Tid), nil)
				req.Method = requests.GET
				return c.alibabaV1.GetUserActiveTenant(req)
			},
			check: checkV1Tenant,
		},
		{
			name: "alibaba V1 GetUserActiveTenant unknown Tid", scheme: alibabaV1, operation: "GetUserActiveTenant",
			send: func(c *sdkClients) (any, error) {
				return c.alibabaV1.GetUserActiveTenant(v1Request(c, unknownTid(c), nil))
			},
			check: func(t *testing.T, _ *sdkClients, answer any) {
				r := answer.(*dms.GetUserActiveTenantResponse)
				wantStatus(t, r.GetHttpStatus(), http.StatusOK)
				if r.Success || r.ErrorCode != "TenantNotExist" {
					t.Errorf("Success %v, ErrorCode %q; want false, TenantNotExist (body %s)", r.Success, r.ErrorCode, r.GetHttpContentString())
				}
			},
		},
		{
			name: "alibaba V1 GetUserActiveTenant odd query values", scheme: alibabaV1, operation: "GetUserActiveTenant",
			send: func(c *sdkClients) (any, error) {
				return c.alibabaV1.GetUserActiveTenant(v1Request(c, c.creds.Get(alibabacloud.Tid), oddQuery))
			},
			check: checkV1Tenant,
		},
		{
			name: "alibaba V3 CallApi GetUserActiveTenant", scheme: alibabaV3, operation: "GetUserActiveTenant",
			send: func(c *sdkClients) (any, error) {
				return v3Call(c, c.creds.Get(alibabacloud.Tid), nil)
			},
			check: checkV3Tenant,
		},
		{
			name: "alibaba V3 CallApi GetUserActiveTenant unknown Tid", scheme: alibabaV3, operation: "GetUserActiveTenant",
			send: func(c *sdkClients) (any, error) {
				return v3Call(c, unknownTid(c), nil)
			},
			check: func(t *testing.T, _ *sdkClients, answer any) {
				status, body := v3Answer(t, answer)
				wantStatus(t, status, http.StatusOK)
				if body["Success"] != false || body["ErrorCode"] != "TenantNotExist" {
					t.Errorf("Success %v, ErrorCode %v; want false, TenantNotExist", body["Success"], body["ErrorCode"])
				}
			},
		},
		{
			name: "alibaba V3 CallApi GetUserActiveTenant odd query values", scheme: alibabaV3, operation: "GetUserActiveTenant",
			send: func(c *sdkClients) (any, error) {
				return v3Call(c, c.creds.Get(alibabacloud.Tid), oddQuery)
			},
			check: checkV3Tenant,
		},
	}
}

// v1Request is GetUserActiveTenant for tid, sent over plain HTTP to the target, with extra
// query parameters.
func v1Request(c *sdkClients, tid string, extra map[string]string) *dms.GetUserActiveTenantRequest {
	req := dms.CreateGetUserActiveTenantRequest()
	req.Scheme = "http"
	req.Domain = c.host
	req.Tid = requests.Integer(tid)
	for k, v := range extra {
		req.QueryParams[k] = v
	}
	return req
}

// v3Call is GetUserActiveTenant through the generic client, signed with V3: RPC style, POST,
// Tid (and extra parameters) in the query.
func v3Call(c *sdkClients, tid string, extra map[string]string) (map[string]any, error) {
	query := map[string]*string{"Tid": dara.String(tid)}
	for k, v := range extra {
		query[k] = dara.String(v)
	}
	return c.alibabaV3.CallApi(&openapiutil.Params{
		Action:      dara.String("GetUserActiveTenant"),
		Version:     dara.String("2018-11-01"),
		Protocol:    dara.String("HTTP"),
		Pathname:    dara.String("/"),
		Method:      dara.String("POST"),
		AuthType:    dara.String("AK"),
		Style:       dara.String("RPC"),
		ReqBodyType: dara.String("formData"),
		BodyType:    dara.String("json"),
	}, &openapiutil.OpenApiRequest{Query: query}, &dara.RuntimeOptions{})
}

// unknownTid is a tenant id the target does not know.
func unknownTid(c *sdkClients) string {
	tid, _ := strconv.ParseInt(c.creds.Get(alibabacloud.Tid), 10, 64)
	return strconv.FormatInt(tid+1, 10)
}

func checkV1Tenant(t *testing.T, c *sdkClients, answer any) {
	r := answer.(*dms.GetUserActiveTenantResponse)
	wantStatus(t, r.GetHttpStatus(), http.StatusOK)
	if !r.Success || strconv.FormatInt(r.Tenant.Tid, 10) != c.creds.Get(alibabacloud.Tid) || r.Tenant.Status != "ACTIVE" || r.RequestId == "" {
		t.Errorf("decoded Success %v, Tenant %+v, RequestId %q; want true, Tid %s, ACTIVE, a RequestId (body %s)",
			r.Success, r.Tenant, r.RequestId, c.creds.Get(alibabacloud.Tid), r.GetHttpContentString())
	}
}

func checkV3Tenant(t *testing.T, c *sdkClients, answer any) {
	status, body := v3Answer(t, answer)
	wantStatus(t, status, http.StatusOK)
	tenant, _ := body["Tenant"].(map[string]any)
	if body["Success"] != true || fmt.Sprint(tenant["Tid"]) != c.creds.Get(alibabacloud.Tid) || tenant["Status"] != "ACTIVE" {
		t.Errorf("decoded Success %v, Tenant %v; want true, Tid %s, ACTIVE", body["Success"], tenant, c.creds.Get(alibabacloud.Tid))
	}
}

// v3Answer takes the status and the decoded JSON body out of CallApi's result map. darabonba
// round-trips the map through JSON, so numbers come back as json.Number: compare them printed.
func v3Answer(t *testing.T, answer any) (int, map[string]any) {
	t.Helper()
	m := answer.(map[string]any)
	body, ok := m["body"].(map[string]any)
	if !ok {
		t.Fatalf("CallApi result has no JSON object body: %v", m)
	}
	status, err := strconv.Atoi(fmt.Sprint(m["statusCode"]))
	if err != nil {
		t.Fatalf("CallApi result has no statusCode: %v", m)
	}
	return status, body
}

func wantStatus(t *testing.T, got, want int) {
	t.Helper()
	if got != want {
		t.Errorf("HTTP status %d, want %d", got, want)
	}
}

func wantField(t *testing.T, name string, got *string, want string) {
	t.Helper()
	switch {
	case got == nil:
		t.Errorf("%s missing from the decoded answer, want %q", name, want)
	case *got != want:
		t.Errorf("%s = %q, want %q", name, *got, want)
	}
}

func ptr[T any](v T) *T { return &v }
