package mock

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/conformance-suite/conformance/providers/alibabacloud"

	"github.com/conformance-suite/conformance/signing"
	"github.com/conformance-suite/conformance/specs"
)

// alibabaContentType is what Alibaba Cloud's RPC gateway answers JSON with.
const alibabaContentType = "application/json;charset=utf-8"

// alibabaTenantName is the name of the one tenant the target knows.
const alibabaTenantName = "conformance-tenant"

// alibaba is Alibaba Cloud's RPC gateway (signature V1 or V3, {RequestId, HostId, Code,
// Message, Recommend} errors) and DMS Enterprise behind it.
type alibaba struct{ m *mock }

func (a alibaba) endpoints() map[string]endpoint {
	return map[string]endpoint{
		"GetUserActiveTenant":      {handle: a.getUserActiveTenant},
		"GetUserActiveTenantByGet": {handle: a.getUserActiveTenant},
	}
}

// authenticate verifies signature V3 when the Authorization header says ACS3-HMAC-SHA256, and
// signature V1 (Signature in the query) otherwise, mapping each failure to the gateway's code.
// A valid signature by the forbidden AccessKey is the RAM user without the permission:
// authenticated, and refused 403 Forbidden.RAM.
func (a alibaba) authenticate(r *http.Request, body []byte) *apiError {
	forbidden := false
	secretFor := func(id string) (string, bool) {
		switch {
		case subtle.ConstantTimeCompare([]byte(id), []byte(a.m.creds.Get(alibabacloud.KeyID))) == 1:
			return a.m.creds.Get(alibabacloud.KeySecret), true
		case subtle.ConstantTimeCompare([]byte(id), []byte(a.m.creds.Get(alibabacloud.ForbiddenKeyID))) == 1:
			forbidden = true
			return a.m.creds.Get(alibabacloud.ForbiddenKeySecret), true
		}
		return "", false
	}
	scheme, dateField := "RPC signature V1", "Timestamp parameter"
	var err error
	if strings.HasPrefix(r.Header.Get("Authorization"), "ACS3-") {
		scheme, dateField = "ACS3-HMAC-SHA256 signature", "x-acs-date header"
		err = signing.VerifyAlibabaV3(r, body, secretFor, a.m.now(), maxSkew)
	} else {
		err = signing.VerifyAlibabaV1(r, secretFor, a.m.now(), maxSkew)
	}
	switch {
	case err == nil && forbidden:
		return &apiError{status: http.StatusForbidden, code: "Forbidden.RAM",
			message: "User not authorized to operate on the specified resource, or this API doesn't support RAM."}
	case err == nil:
		return nil
	}
	e := &apiError{status: http.StatusBadRequest, detail: signingFailure(err, scheme, dateField)}
	switch {
	case errors.Is(err, signing.ErrUnknownKey):
		e.status, e.code, e.message = http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found."
	case errors.Is(err, signing.ErrStale):
		e.code, e.message = "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."
	case errors.Is(err, signing.ErrSignatureMismatch):
		e.code, e.message = "SignatureDoesNotMatch", "Specified signature is not matched with our calculation."
	default: // no signature, no AccessKeyId, or a signature that cannot be read
		e.code, e.message = "IncompleteSignature", "The request signature does not conform to Aliyun standards."
	}
	return e
}

func (a alibaba) invalid(_ *specs.Operation, reason string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "InvalidParameter", message: "The specified parameter is not valid.", detail: reason}
}

// notFound: an RPC request names its action; one that names none lacks a mandatory parameter,
// one that names an unknown action (or uses a method the action lacks) names no API.
func (a alibaba) notFound(r *http.Request, m *specs.Miss) *apiError {
	if m.Action == "" {
		return &apiError{status: http.StatusBadRequest, code: "MissingParameter",
			message: `The input parameter "Action" that is mandatory for processing this request is not supplied.`,
			detail:  "send the Action query parameter or the x-acs-action header"}
	}
	return &apiError{status: http.StatusNotFound, code: "InvalidAction.NotFound",
		message: "Specified api is not found, please check your url and method.",
		detail:  "no action " + strconv.Quote(m.Action) + " for " + r.Method}
}

func (a alibaba) render(_ *specs.Operation, r *http.Request, e *apiError) reply {
	return jsonReply(e.status, alibabaContentType, map[string]string{
		"RequestId": newRequestID(),
		"HostId":    r.Host,
		"Code":      e.code,
		"Message":   e.messageWithDetail(),
		"Recommend": "https://api.aliyun.com/troubleshoot?q=" + e.code,
	})
}

// alibabaTenant is the Tenant of a GetUserActiveTenant answer.
type alibabaTenant struct {
	Status     string `json:"Status"`
	Tid        int64  `json:"Tid"`
	TenantName string `json:"TenantName"`
}

// getUserActiveTenant answers the configured tenant, for no Tid or its own. Any other Tid is a
// business failure, which DMS answers with HTTP 200 and Success false.
func (a alibaba) getUserActiveTenant(c *call) reply {
	tid := a.m.tid
	if s := rpcParams(c).Get("Tid"); s != "" {
		var err error
		// The query's Tid is validated against the spec already; a form body's is not.
		if tid, err = strconv.ParseInt(s, 10, 64); err != nil {
			return a.render(c.op, c.r, a.invalid(c.op, fmt.Sprintf("parameter %q: value %q is not an int64", "Tid", s)))
		}
	}
	if tid != a.m.tid {
		return jsonReply(http.StatusOK, alibabaContentType, map[string]any{
			"RequestId":    newRequestID(),
			"Success":      false,
			"ErrorCode":    "TenantNotExist",
			"ErrorMessage": "The specified tenant does not exist.",
		})
	}
	return jsonReply(http.StatusOK, alibabaContentType, map[string]any{
		"Tenant":    alibabaTenant{Status: "ACTIVE", Tid: tid, TenantName: alibabaTenantName},
		"RequestId": newRequestID(),
		"Success":   true,
	})
}

// rpcParams are the parameters of an RPC call: the query's, and those of a url-encoded form
// body, which the SDKs send for FormParams and signature V1 covers. A form value wins, as in
// the SDK's own parameter map.
func rpcParams(c *call) url.Values {
	params := c.r.URL.Query()
	if mt, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		if form, err := url.ParseQuery(string(c.body)); err == nil {
			for k, v := range form {
				params[k] = v
			}
		}
	}
	return params
}
