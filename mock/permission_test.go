package mock_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/providers/alibabacloud"
	"github.com/conformance-suite/conformance/providers/huaweicloud"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/signing"
)

// huaweiForbidden signs as the Huawei Go SDK does, as the IAM user without the permission:
// the forbidden access key with its own secret, or with another one.
func huaweiForbidden(secret string) auth {
	return func(tg *target, r *http.Request, body []byte) error {
		if secret == "" {
			secret = tg.creds.Get(huaweicloud.ForbiddenSecretKey)
		}
		r.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
		r.Header.Set("X-Project-Id", tg.creds.Get(huaweicloud.ProjectID))
		return signing.Huawei{AccessKey: tg.creds.Get(huaweicloud.ForbiddenAccessKey), SecretKey: secret, Now: tg.now}.Sign(r, body)
	}
}

// alibabaForbidden signs as the RAM user without the permission, with signature V1 or V3.
func alibabaForbidden(v3 bool, secret string) auth {
	return func(tg *target, r *http.Request, body []byte) error {
		if secret == "" {
			secret = tg.creds.Get(alibabacloud.ForbiddenKeySecret)
		}
		if !v3 {
			return signing.AlibabaV1{AccessKeyID: tg.creds.Get(alibabacloud.ForbiddenKeyID), Secret: secret, Now: tg.now}.Sign(r)
		}
		q := r.URL.Query()
		q.Del("Action")
		q.Del("Version")
		r.URL.RawQuery = q.Encode()
		return signing.AlibabaV3{AccessKeyID: tg.creds.Get(alibabacloud.ForbiddenKeyID), Secret: secret, Now: tg.now}.Sign(r, body)
	}
}

// zstackAccessKeyAt signs with an access key the target does not know, at a clock skewed
// from the target's.
func zstackAccessKeyAt(skew time.Duration) auth {
	return func(tg *target, r *http.Request, _ []byte) error {
		now := func() time.Time { return tg.now().Add(skew) }
		return signing.ZStackAccessKey{KeyID: "nokey", Secret: "nosecret", Now: now}.Sign(r)
	}
}

// An identity the gateway authenticates but whose permissions do not cover the operation is
// refused 403 in the provider's envelope, before its request is validated; the same access key
// with a wrong secret is no authenticated identity, and gets the refusal of bad credentials.
func TestIdentityWithoutThePermission(t *testing.T) {
	tg := newTarget(t, mock.Options{})
	const change = `{"changeIAM2ProjectState":{"stateEvent":"enable"}}`
	runCases(t, tg, []endpointCase{
		{name: "forbidden IAM user", req: req{op: "InitializeTenant", body: `{"service_status":"active"}`, auth: huaweiForbidden("")},
			want: 403, code: "APIGW.0302", says: "no policy"},
		{name: "forbidden IAM user", req: req{op: "UpdateTenantConfig", body: `{}`, auth: huaweiForbidden("")},
			want: 403, code: "APIGW.0302", says: `"encoded_authorization_message":"`},
		{name: "forbidden IAM user", req: req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"huawei"}`, auth: huaweiForbidden("")},
			want: 403, code: "APIGW.0302", says: `"encoded_authorization_message":"`},
		{name: "forbidden IAM user", req: req{op: "ListTenantProfile", auth: huaweiForbidden("")},
			want: 403, code: "APIGW.0302"},
		{name: "forbidden IAM user with an invalid body", req: req{op: "UpdateEnterpriseId", body: `{}`, auth: huaweiForbidden("")},
			want: 403, code: "APIGW.0302"},
		{name: "forbidden access key with another secret", req: req{op: "InitializeTenant", body: `{"service_status":"active"}`, auth: huaweiForbidden("not-its-secret")},
			want: 401, code: "APIGW.0301"},

		{name: "forbidden RAM user, signature V1", req: req{op: "GetUserActiveTenant", auth: alibabaForbidden(false, "")},
			want: 403, code: "Forbidden.RAM"},
		{name: "forbidden RAM user, signature V3", req: req{op: "GetUserActiveTenant", auth: alibabaForbidden(true, "")},
			want: 403, code: "Forbidden.RAM"},
		{name: "forbidden RAM user", req: req{op: "GetUserActiveTenantByGet", auth: alibabaForbidden(false, "")},
			want: 403, code: "Forbidden.RAM"},
		{name: "forbidden RAM user with an invalid Tid", req: req{op: "GetUserActiveTenant", query: map[string]string{"Tid": "abc"}, auth: alibabaForbidden(false, "")},
			want: 403, code: "Forbidden.RAM"},
		{name: "forbidden AccessKey with another secret", req: req{op: "GetUserActiveTenant", auth: alibabaForbidden(false, "not-its-secret")},
			want: 400, code: "SignatureDoesNotMatch"},

		// ZStack refuses a session without the permission only in the job it accepted; its
		// 403 is an access-key request whose Date is outside the window, whatever the key.
		{name: "access key dated an hour back", req: req{op: "ChangeIAM2ProjectState", body: change, auth: zstackAccessKeyAt(-time.Hour)},
			want: 403, code: "ID.1000", says: "requestTimeTooSkewed"},
		{name: "access key dated 20 minutes ahead", req: req{op: "ChangeIAM2ProjectState", body: change, auth: zstackAccessKeyAt(20 * time.Minute)},
			want: 403, code: "ID.1000", says: "requestTimeTooSkewed"},
		{name: "access key dated 10 minutes back", req: req{op: "ChangeIAM2ProjectState", body: change, auth: zstackAccessKeyAt(-10 * time.Minute)},
			want: 401, code: "ID.1001"},
		{name: "access key dated an hour back", req: req{op: "QueryIAM2Project", auth: zstackAccessKeyAt(-time.Hour)},
			want: 403, code: "ID.1000"},
	})
}

// The refusals do not depend on the mode of the ZStack jobs: a stale access key starts none.
func TestStaleZStackAccessKeyStartsNoJob(t *testing.T) {
	tg := newTarget(t, mock.Options{AsyncZStack: true, JobPolls: 1})
	ex := tg.send(t, req{op: "ChangeIAM2ProjectState", body: `{"changeIAM2ProjectState":{"stateEvent":"disable"}}`, auth: zstackAccessKeyAt(-time.Hour)})
	if ex.status != http.StatusForbidden {
		t.Fatalf("%d %s, want 403 at once", ex.status, ex.body)
	}
	ex.mustConform(t)
	if q := tg.send(t, req{op: "QueryIAM2Project"}); q.status != http.StatusOK || !strings.Contains(string(q.body), `"state":"Enabled"`) {
		t.Errorf("the project after a refused change: %d %s, want it still Enabled", q.status, q.body)
	}
}
