package mock

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"

	"github.com/conformance-suite/conformance/providers/huaweicloud"

	"github.com/conformance-suite/conformance/signing"
	"github.com/conformance-suite/conformance/specs"
)

// huaweiContentType is what Huawei Cloud's gateway answers JSON with.
const huaweiContentType = "application/json"

// Huawei Cloud error codes. The gateway's are documented (CONTEXT.md section 2); the pages
// document one service code each for a bad parameter; the project-not-found code is the
// mock's own, in the service's WKS form, since no page lists one.
const (
	huaweiAPINotFound        = "APIGW.0101"
	huaweiBadAuth            = "APIGW.0301"
	huaweiForbidden          = "APIGW.0302"
	huaweiAppInvalid         = "WKS.00211102" // workspaceapp, page 000
	huaweiWorkspaceInvalid   = "WKS.00200001" // workspace, pages 003 and 004
	huaweiProjectNotFound    = "WKS.00200404"
	huaweiBadAuthMessage     = "Incorrect IAM authentication information"
	huaweiAPINotFoundMessage = "The API does not exist or has not been published in the environment"
	huaweiForbiddenMessage   = "The IAM user is forbidden in the currently selected region"
)

// huawei is Huawei Cloud: its API gateway (IAM token or AK/SK signature, APIGW.* errors) and
// the Workspace services behind it.
type huawei struct{ m *mock }

func (h huawei) endpoints() map[string]endpoint {
	return map[string]endpoint{
		"InitializeTenant":   {handle: h.initializeTenant},
		"UpdateTenantConfig": {handle: h.updateTenantConfig},
		"UpdateEnterpriseId": {handle: h.updateEnterpriseID},
		"ListTenantProfile":  {handle: h.listTenantProfile},
		"ListTenantConfigs":  {handle: h.listTenantConfigs},
		"ListWorkspaces":     {handle: h.listWorkspaces},
	}
}

// authenticate accepts the configured IAM token in X-Auth-Token, or an SDK-HMAC-SHA256
// signature by the configured access key, verified over the headers the request says it
// signed (the Go SDK signs only user-agent;x-project-id;x-sdk-date). A valid signature by the
// forbidden access key is the IAM user without the permission: authenticated, and refused 403.
func (h huawei) authenticate(r *http.Request, body []byte) *apiError {
	refuse := func(detail string) *apiError {
		return &apiError{status: http.StatusUnauthorized, code: huaweiBadAuth, message: huaweiBadAuthMessage, detail: detail}
	}
	if token := r.Header.Get("X-Auth-Token"); token != "" {
		if subtle.ConstantTimeCompare([]byte(token), []byte(h.m.creds.Get(huaweicloud.Token))) == 1 {
			return nil
		}
		return refuse("the X-Auth-Token is not a valid IAM token")
	}
	if r.Header.Get("Authorization") == "" {
		return refuse("the request has neither an X-Auth-Token header nor an SDK-HMAC-SHA256 Authorization header")
	}
	forbidden := false
	secretFor := func(ak string) (string, bool) {
		switch {
		case subtle.ConstantTimeCompare([]byte(ak), []byte(h.m.creds.Get(huaweicloud.AccessKey))) == 1:
			return h.m.creds.Get(huaweicloud.SecretKey), true
		case subtle.ConstantTimeCompare([]byte(ak), []byte(h.m.creds.Get(huaweicloud.ForbiddenAccessKey))) == 1:
			forbidden = true
			return h.m.creds.Get(huaweicloud.ForbiddenSecretKey), true
		}
		return "", false
	}
	if err := signing.VerifyHuawei(r, body, secretFor, h.m.now(), maxSkew); err != nil {
		return refuse(signingFailure(err, "SDK-HMAC-SHA256 signature", "X-Sdk-Date header"))
	}
	if forbidden {
		return &apiError{status: http.StatusForbidden, code: huaweiForbidden, message: huaweiForbiddenMessage,
			detail: "no policy of the IAM user of this access key allows this action"}
	}
	return nil
}

// invalid uses the service's own code: a bad parameter reaches the service, not the gateway.
func (h huawei) invalid(op *specs.Operation, reason string) *apiError {
	code := huaweiWorkspaceInvalid
	if op.Service == "huaweicloud-workspaceapp" {
		code = huaweiAppInvalid
	}
	return &apiError{status: http.StatusBadRequest, code: code, message: "Invalid parameter", detail: reason}
}

func (h huawei) notFound(r *http.Request, _ *specs.Miss) *apiError {
	return &apiError{status: http.StatusNotFound, code: huaweiAPINotFound, message: huaweiAPINotFoundMessage,
		detail: r.Method + " " + r.URL.EscapedPath()}
}

// render writes {error_code, error_msg} and, where the operation's envelope for that status
// documents them, error_detail (UpdateTenantConfig) and request_id; elsewhere the detail goes
// into error_msg. Reading the fields from the spec keeps each operation's envelope its own.
func (h huawei) render(op *specs.Operation, _ *http.Request, e *apiError) reply {
	body := map[string]string{"error_code": e.code}
	documents := func(field string) bool {
		if op == nil {
			return field == "request_id" // the gateway's own envelope
		}
		resp, ok := op.Responses[e.status]
		return ok && resp.Schema != nil && resp.Schema.Properties[field] != nil
	}
	if documents("error_detail") && e.detail != "" {
		body["error_msg"], body["error_detail"] = e.message, e.detail
	} else {
		body["error_msg"] = e.messageWithDetail()
	}
	if documents("request_id") {
		body["request_id"] = newUUID()
	}
	if e.status == http.StatusForbidden && documents("encoded_authorization_message") {
		// Opaque to the client, as the real one is (decoded with STS decode-authorization-message).
		body["encoded_authorization_message"] = base64.StdEncoding.EncodeToString([]byte("denied: " + e.detail))
	}
	return jsonReply(e.status, huaweiContentType, body)
}

// projectMissing refuses a project id other than the configured one, in op's envelope.
func (h huawei) projectMissing(c *call) reply {
	return h.render(c.op, c.r, &apiError{status: http.StatusNotFound, code: huaweiProjectNotFound,
		message: "The project does not exist", detail: "project_id " + c.params["project_id"] + " is not a project of this tenant"})
}

func (h huawei) initializeTenant(c *call) reply {
	if c.params["project_id"] != h.m.creds.Get(huaweicloud.ProjectID) {
		return h.projectMissing(c)
	}
	var in struct {
		ServiceStatus string `json:"service_status"`
	}
	_ = json.Unmarshal(c.body, &in) // validated against the spec
	status := h.m.state.setServiceStatus(in.ServiceStatus)
	return jsonReply(http.StatusOK, huaweiContentType, map[string]string{
		"project_id":     c.params["project_id"],
		"service_status": status,
	})
}

func (h huawei) updateTenantConfig(c *call) reply {
	if c.params["project_id"] != h.m.creds.Get(huaweicloud.ProjectID) {
		return h.projectMissing(c)
	}
	var in struct {
		FunctionConfig *functionConfig `json:"function_config"`
	}
	_ = json.Unmarshal(c.body, &in) // validated against the spec
	if in.FunctionConfig != nil {
		h.m.state.saveTenantConfig(*in.FunctionConfig)
	}
	return reply{status: http.StatusNoContent}
}

func (h huawei) updateEnterpriseID(c *call) reply {
	if c.params["project_id"] != h.m.creds.Get(huaweicloud.ProjectID) {
		return h.projectMissing(c)
	}
	// Without validation (a fault) the body may be anything: keep the id only if it is a string.
	var in struct {
		EnterpriseID any `json:"enterprise_id"`
	}
	_ = json.Unmarshal(c.body, &in)
	id, _ := in.EnterpriseID.(string)
	return jsonReply(http.StatusOK, huaweiContentType, map[string]string{
		"enterprise_id": h.m.state.setEnterpriseID(id),
	})
}

// The read operations show the state the mutating ones change, as the official SDK reads it;
// a run against a real tenant records them first and restores them at the end.

func (h huawei) listTenantProfile(c *call) reply {
	if c.params["project_id"] != h.m.creds.Get(huaweicloud.ProjectID) {
		return h.projectMissing(c)
	}
	return jsonReply(http.StatusOK, huaweiContentType, map[string]string{
		"project_id":     h.m.creds.Get(huaweicloud.ProjectID),
		"project_name":   "conformance",
		"service_status": h.m.state.snapshot().ServiceStatus,
	})
}

func (h huawei) listTenantConfigs(c *call) reply {
	if c.params["project_id"] != h.m.creds.Get(huaweicloud.ProjectID) {
		return h.projectMissing(c)
	}
	configs := h.m.state.snapshot().TenantConfigs
	if configs == nil {
		configs = []functionConfig{}
	}
	return jsonReply(http.StatusOK, huaweiContentType, map[string]any{"function_configs": configs})
}

func (h huawei) listWorkspaces(c *call) reply {
	if c.params["project_id"] != h.m.creds.Get(huaweicloud.ProjectID) {
		return h.projectMissing(c)
	}
	return jsonReply(http.StatusOK, huaweiContentType, map[string]string{
		"id":            "conformance-workspace",
		"status":        "SUBSCRIBED",
		"enterprise_id": h.m.state.snapshot().EnterpriseID,
	})
}
