// Package huaweicloud declares Huawei Cloud to the suite: its credentials (an IAM token or an
// AK/SK pair), the project id, how its official Go SDK signs (SDK-HMAC-SHA256), the refusals
// of its API gateway, and how Workspace state is put back.
package huaweicloud

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/signing"
	"github.com/conformance-suite/conformance/specs"
)

// The variables, spelled exactly as the README and CONTEXT.md document them.
var (
	Token = providers.Variable{Env: "CONFORMANCE_HUAWEICLOUD_TOKEN", Default: "conformance-iam-token", Secret: true, Verbatim: true, ClientOmits: true,
		Help: "IAM token, sent as `X-Auth-Token` (wins over AK/SK)"}
	AccessKey = providers.Variable{Env: "CONFORMANCE_HUAWEICLOUD_ACCESS_KEY", Default: "CONFORMANCEHWAK00001", Secret: true,
		Help: "AK of the AK/SK pair for `SDK-HMAC-SHA256`"}
	SecretKey = providers.Variable{Env: "CONFORMANCE_HUAWEICLOUD_SECRET_KEY", Default: "conformance-huawei-secret-key", Secret: true,
		Help: "its SK"}
	ProjectID = providers.Variable{Env: "CONFORMANCE_HUAWEICLOUD_PROJECT_ID", Default: "0f5181caba0024e72f89c0045e707b91",
		Help: "`{project_id}` of every Huawei path, and `X-Project-Id`"}
	// ForbiddenAccessKey and ForbiddenSecretKey are the AK/SK of an IAM user that lacks the
	// operations' permissions: authenticated, and refused 403 (the forbidden cases).
	ForbiddenAccessKey = providers.Variable{Env: "CONFORMANCE_HUAWEICLOUD_FORBIDDEN_ACCESS_KEY", Default: "CONFORMANCEHWAK00403", Secret: true,
		Help: "AK of an IAM user that lacks the operations' permissions (the `forbidden` cases)"}
	ForbiddenSecretKey = providers.Variable{Env: "CONFORMANCE_HUAWEICLOUD_FORBIDDEN_SECRET_KEY", Default: "conformance-huawei-forbidden-secret-key", Secret: true,
		Help: "its SK"}
)

// Provider is Huawei Cloud.
var Provider = &providers.Provider{
	Name:      "huaweicloud",
	Title:     "Huawei Cloud",
	Variables: []providers.Variable{Token, AccessKey, SecretKey, ProjectID, ForbiddenAccessKey, ForbiddenSecretKey},
	Placeholders: []providers.Placeholder{
		{Name: "project_id", From: ProjectID, Fills: []string{"project_id"}},
	},
	// The API gateway answers 401 or 403 to bad credentials, 403 (APIGW.0302, "no operation
	// permissions") to an identity without the permission.
	Refusals:  []int{401, 403},
	Forbidden: []int{403},
	Client:    client,
	// The API gateway in front of every Huawei service answers 429 with APIGW.0308 ("The
	// throttling threshold has been reached"), for a user, an app, an IP or an API policy alike.
	Throttling: providers.Throttling{Statuses: []int{http.StatusTooManyRequests}, CodeField: "error_code", Codes: []string{"APIGW.0308"}},
	Restorers:  restorers,
}

func init() { providers.Register(Provider) }

// client is the official Go SDK (v0.1.207): it was seen to send X-Project-Id and a User-Agent,
// and to sign user-agent;x-project-id;x-sdk-date.
var client = providers.Client{
	ContentType: "application/json",
	Prepare: func(r *http.Request, _ *specs.Operation, run providers.Run) {
		r.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
		if id := run.Credentials().Get(ProjectID); id != "" {
			r.Header.Set("X-Project-Id", id)
		}
	},
	Authenticate: authenticate,
	Unavailable: func(c providers.Credentials, mode providers.Mode) string {
		switch {
		case mode == providers.ForbiddenCredentials:
			return providers.Need(c, "no Huawei Cloud identity without the permission (the AK/SK of an IAM user that lacks the operations' permissions)", ForbiddenAccessKey, ForbiddenSecretKey)
		case mode.Signed():
			return providers.Need(c, "a "+string(mode)+" signature needs an access key", AccessKey, SecretKey)
		case c.Has(Token) || c.Has(AccessKey, SecretKey):
			return ""
		}
		return "no Huawei Cloud credentials: set " + Token.Env + " or " + AccessKey.Env + " and " + SecretKey.Env
	},
}

func authenticate(r *http.Request, body []byte, mode providers.Mode, run providers.Run) error {
	c := run.Credentials()
	signed := c.Has(AccessKey, SecretKey)
	sign := func(ak, sk string) error {
		if err := (signing.Huawei{AccessKey: ak, SecretKey: sk, Now: run.Clock(mode)}).Sign(r, body); err != nil {
			return err
		}
		run.Signed(r)
		return nil
	}
	switch {
	case mode == providers.ForbiddenCredentials:
		if !c.Has(ForbiddenAccessKey, ForbiddenSecretKey) {
			return providers.ErrNoCredentials
		}
		return sign(c.Get(ForbiddenAccessKey), c.Get(ForbiddenSecretKey))
	case mode == providers.NoCredentials:
		return nil
	case c.Has(Token) && (mode == providers.Valid || mode == providers.MalformedCredentials && !signed):
		r.Header.Set("X-Auth-Token", c.Get(Token))
		if mode == providers.MalformedCredentials {
			r.Header.Set("X-Auth-Token", c.Get(Token)+" !malformed")
		}
		return nil
	case signed:
		secret := c.Get(SecretKey)
		if mode == providers.WrongCredentials {
			secret = providers.WrongSecret(secret)
		}
		if err := sign(c.Get(AccessKey), secret); err != nil {
			return err
		}
		if mode == providers.MalformedCredentials {
			providers.MalformSignature(r, "Signature=")
		}
		return nil
	case mode == providers.WrongCredentials:
		r.Header.Set("X-Auth-Token", "conformance-wrong-token")
		return nil
	}
	return providers.ErrNoCredentials
}

// restorers put back what the Workspace operations change, from their x-snapshot reads.
var restorers = map[string]providers.Restorer{
	"InitializeTenant": func(snap any) ([]any, string, error) {
		v, ok := providers.Field(snap, "service_status").(string)
		if !ok {
			return nil, "", errors.New("the tenant profile has no service_status")
		}
		return []any{map[string]any{"service_status": v}}, "service_status " + v, nil
	},
	"UpdateEnterpriseId": func(snap any) ([]any, string, error) {
		v, ok := providers.Field(snap, "enterprise_id").(string)
		if !ok {
			return nil, "", errors.New("the workspace has no enterprise_id")
		}
		return []any{map[string]any{"enterprise_id": v}}, fmt.Sprintf("enterprise_id %q", v), nil
	},
	"UpdateTenantConfig": func(snap any) ([]any, string, error) {
		configs, ok := providers.Field(snap, "function_configs").([]any)
		if !ok {
			return nil, "", errors.New("the answer has no function_configs")
		}
		var bodies []any
		for _, c := range configs {
			bodies = append(bodies, map[string]any{"function_config": c})
		}
		return bodies, fmt.Sprintf("%d recorded configurations (configurations the run added cannot be removed: there is no delete operation)", len(configs)), nil
	},
}
