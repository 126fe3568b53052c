// Package alibabacloud declares Alibaba Cloud to the suite: its AccessKey and the tenant id,
// how its official SDK sends an RPC call (signature V1 over the query, or V3), and the
// refusals of its RPC gateway.
package alibabacloud

import (
	"fmt"
	"net/http"
	"runtime"

	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/signing"
	"github.com/conformance-suite/conformance/specs"
)

// The variables, spelled exactly as the README and CONTEXT.md document them.
var (
	KeyID = providers.Variable{Env: "CONFORMANCE_ALIBABACLOUD_ACCESS_KEY_ID", Default: "LTAIconformance00001", Secret: true,
		Help: "AccessKey id of the Alibaba signing key"}
	KeySecret = providers.Variable{Env: "CONFORMANCE_ALIBABACLOUD_ACCESS_KEY_SECRET", Default: "conformance-alibaba-secret", Secret: true,
		Help: "its secret"}
	Tid = providers.Variable{Env: "CONFORMANCE_ALIBABACLOUD_TID", Default: "3000",
		Help: "a tenant id that exists, the `{tid}` of the fixtures"}
	// ForbiddenKeyID and ForbiddenKeySecret are the AccessKey of a RAM user that lacks the
	// operations' permissions: authenticated, and refused 403 (Forbidden.RAM).
	ForbiddenKeyID = providers.Variable{Env: "CONFORMANCE_ALIBABACLOUD_FORBIDDEN_ACCESS_KEY_ID", Default: "LTAIconformance00403", Secret: true,
		Help: "AccessKey id of a RAM user that lacks the operations' permissions (the `forbidden` cases)"}
	ForbiddenKeySecret = providers.Variable{Env: "CONFORMANCE_ALIBABACLOUD_FORBIDDEN_ACCESS_KEY_SECRET", Default: "conformance-alibaba-forbidden-secret", Secret: true,
		Help: "its secret"}
)

// The run settings the client reads (flag names).
const (
	SettingSignature = "alibabacloud-signature" // v1 or v3
	SettingRegionID  = "alibabacloud-region"    // the RegionId sent
)

// Provider is Alibaba Cloud.
var Provider = &providers.Provider{
	Name:      "alibabacloud",
	Title:     "Alibaba Cloud",
	Variables: []providers.Variable{KeyID, KeySecret, Tid, ForbiddenKeyID, ForbiddenKeySecret},
	Placeholders: []providers.Placeholder{
		{Name: "tid", From: Tid},
	},
	// The RPC gateway answers 400 (IncompleteSignature, SignatureDoesNotMatch,
	// InvalidTimeStamp.Expired), 403 or 404 (InvalidAccessKeyId.NotFound) to bad credentials,
	// 403 (Forbidden.RAM) to a RAM user without the permission.
	Refusals:  []int{400, 403, 404},
	Forbidden: []int{403},
	Client:    client,
	// The RPC gateway answers flow control with a 4xx or 503 whose envelope Code says which
	// quota: Throttling, Throttling.User (the account), Throttling.Api (the action).
	Throttling: providers.Throttling{Statuses: []int{http.StatusTooManyRequests}, CodeField: "Code", Codes: []string{"Throttling", "Throttling.User", "Throttling.Api"}},
}

func init() { providers.Register(Provider) }

// client is the official SDK (v1.63.107): it sends POST / with every parameter in the query,
// an empty body, the form Content-Type and x-acs-action/x-acs-version even under V1.
var client = providers.Client{
	ContentType: "application/x-www-form-urlencoded",
	Prepare: func(r *http.Request, op *specs.Operation, run providers.Run) {
		r.Header.Set("User-Agent", fmt.Sprintf("AlibabaCloud (%s; %s) Golang/%s Core/1.63.107", runtime.GOOS, runtime.GOARCH, runtime.Version()))
		r.Header.Set("x-acs-action", op.Action)
		r.Header.Set("x-acs-version", op.Version)
		if run.Setting(SettingSignature) == "v3" {
			// V3 clients carry the action and version in the headers alone; darabonba
			// also sends (and so signs) the kind of credential it used.
			r.Header.Set("x-acs-credentials-provider", "static_ak")
			return
		}
		q := r.URL.Query()
		q.Set("Action", op.Action)
		q.Set("Version", op.Version)
		q.Set("Format", "JSON")
		q.Set("RegionId", run.Setting(SettingRegionID))
		r.URL.RawQuery = q.Encode()
	},
	Authenticate: authenticate,
	Unavailable: func(c providers.Credentials, mode providers.Mode) string {
		if mode == providers.ForbiddenCredentials {
			return providers.Need(c, "no Alibaba Cloud identity without the permission (the AccessKey of a RAM user that lacks the operations' permissions)", ForbiddenKeyID, ForbiddenKeySecret)
		}
		return providers.Need(c, "no Alibaba Cloud credentials", KeyID, KeySecret)
	},
}

func authenticate(r *http.Request, body []byte, mode providers.Mode, run providers.Run) error {
	if mode == providers.NoCredentials {
		return nil
	}
	c := run.Credentials()
	id, secret := c.Get(KeyID), c.Get(KeySecret)
	if mode == providers.ForbiddenCredentials {
		if !c.Has(ForbiddenKeyID, ForbiddenKeySecret) {
			return providers.ErrNoCredentials
		}
		id, secret = c.Get(ForbiddenKeyID), c.Get(ForbiddenKeySecret)
	}
	if id == "" || secret == "" {
		if mode != providers.WrongCredentials {
			return providers.ErrNoCredentials
		}
		id, secret = "LTAIconformanceWrongKey", "wrong"
	}
	if mode == providers.WrongCredentials {
		secret = providers.WrongSecret(secret)
	}
	if run.Setting(SettingSignature) == "v3" {
		if err := (signing.AlibabaV3{AccessKeyID: id, Secret: secret, Now: run.Clock(mode)}).Sign(r, body); err != nil {
			return err
		}
		run.Signed(r)
		if mode == providers.MalformedCredentials {
			providers.MalformSignature(r, "Signature=")
		}
		return nil
	}
	if err := (signing.AlibabaV1{AccessKeyID: id, Secret: secret, Now: run.Clock(mode)}).Sign(r); err != nil {
		return err
	}
	run.Signed(r)
	if mode == providers.MalformedCredentials {
		q := r.URL.Query()
		q.Set("Signature", "!not-base64!")
		r.URL.RawQuery = q.Encode()
	}
	return nil
}
