package mock_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/providers/alibabacloud"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/signing"
)

// alibabaSigned signs with signature V1 (v3 false) or V3 with a key of the caller's choice and
// a clock skewed from the target's, for the refusals.
func alibabaSigned(v3 bool, id, secret string, skew time.Duration) auth {
	return func(tg *target, r *http.Request, body []byte) error {
		if id == "" {
			id = tg.creds.Get(alibabacloud.KeyID)
		}
		if secret == "" {
			secret = tg.creds.Get(alibabacloud.KeySecret)
		}
		now := func() time.Time { return tg.now().Add(skew) }
		if v3 {
			q := r.URL.Query()
			q.Del("Action")
			q.Del("Version")
			r.URL.RawQuery = q.Encode()
			return signing.AlibabaV3{AccessKeyID: id, Secret: secret, Now: now}.Sign(r, body)
		}
		return signing.AlibabaV1{AccessKeyID: id, Secret: secret, Now: now}.Sign(r)
	}
}

const formType = "application/x-www-form-urlencoded"

func TestAlibabaEndpoints(t *testing.T) {
	tg := newTarget(t, mock.Options{})
	tid := map[string]string{"Tid": tg.creds.Get(alibabacloud.Tid)}
	const op, byGet = "GetUserActiveTenant", "GetUserActiveTenantByGet"
	runCases(t, tg, []endpointCase{
		{name: "the configured tenant", req: req{op: op, query: tid},
			want: 200, says: `"Tid":3000`, fields: map[string]any{"Success": true}},
		{name: "no Tid, the caller's active tenant", req: req{op: op},
			want: 200, says: `"Status":"ACTIVE"`, fields: map[string]any{"Success": true}},
		{name: "signature V3", req: req{op: op, query: tid, auth: alibabaV3},
			want: 200, fields: map[string]any{"Success": true}},
		{name: "unknown Tid is a business failure", req: req{op: op, query: map[string]string{"Tid": "999999999999"}},
			want: 200, code: "TenantNotExist", fields: map[string]any{"Success": false}},
		{name: "Tid of the wrong type", req: req{op: op, query: map[string]string{"Tid": "abc"}},
			want: 400, code: "InvalidParameter", says: `parameter \"Tid\" in query`},
		{name: "an unknown API version", req: req{op: op, query: map[string]string{"Version": "2099-01-01"}},
			want: 400, code: "InvalidParameter", says: "Version"},
		{name: "Tid in a signed form body, as the SDK sends FormParams", req: req{op: op, body: "Tid=999", contentType: formType},
			want: 200, code: "TenantNotExist", fields: map[string]any{"Success": false}},
		{name: "Tid of the wrong type in a form body", req: req{op: op, body: "Tid=abc", contentType: formType},
			want: 400, code: "InvalidParameter", says: "Tid"},
		{name: "no signature", req: req{op: op, query: tid, auth: noCredentials},
			want: 400, code: "IncompleteSignature"},
		{name: "signature V1 with the wrong secret", req: req{op: op, query: tid, auth: wrongCredentials},
			want: 400, code: "SignatureDoesNotMatch"},
		{name: "signature V1 by an unknown key", req: req{op: op, query: tid, auth: alibabaSigned(false, "LTAInobody", "", 0)},
			want: 404, code: "InvalidAccessKeyId.NotFound"},
		{name: "signature V1 from 20 minutes ago", req: req{op: op, query: tid, auth: alibabaSigned(false, "", "", -20*time.Minute)},
			want: 400, code: "InvalidTimeStamp.Expired"},
		{name: "signature V3 with the wrong secret", req: req{op: op, query: tid, auth: alibabaSigned(true, "", "not-the-secret", 0)},
			want: 400, code: "SignatureDoesNotMatch"},
		{name: "signature V3 by an unknown key", req: req{op: op, query: tid, auth: alibabaSigned(true, "LTAInobody", "", 0)},
			want: 404, code: "InvalidAccessKeyId.NotFound"},
		{name: "signature V3 from 20 minutes ahead", req: req{op: op, query: tid, auth: alibabaSigned(true, "", "", 20*time.Minute)},
			want: 400, code: "InvalidTimeStamp.Expired"},
		{name: "bad signature wins over a bad Tid", req: req{op: op, query: map[string]string{"Tid": "abc"}, auth: wrongCredentials},
			want: 400, code: "SignatureDoesNotMatch"},

		{name: "the configured tenant", req: req{op: byGet, query: tid},
			want: 200, fields: map[string]any{"Success": true}},
		{name: "signature V3", req: req{op: byGet, query: tid, auth: alibabaV3},
			want: 200, fields: map[string]any{"Success": true}},
		{name: "no signature", req: req{op: byGet, query: tid, auth: noCredentials},
			want: 400, code: "IncompleteSignature"},
	})
}

// The gateway routes on the action before it checks the signature: an unknown action is
// InvalidAction.NotFound, and no action at all is a missing parameter.
func TestAlibabaUnknownAction(t *testing.T) {
	tg := newTarget(t, mock.Options{})
	sp, _ := tg.set.Service("alibabacloud-dms-enterprise")
	for _, c := range []struct {
		name, action string
		want         int
		code         string
	}{
		{"unknown action", "NoSuchActionForConformance", 404, "InvalidAction.NotFound"},
		{"no action", "", 400, "MissingParameter"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, _ := tg.build(t, req{op: "GetUserActiveTenant", auth: noCredentials})
			q := r.URL.Query()
			q.Set("Action", c.action)
			r.URL.RawQuery = q.Encode()
			r.Header.Set("x-acs-action", c.action)
			if err := alibabaV1(tg, r, nil); err != nil {
				t.Fatal(err)
			}
			ex, err := tg.do(r, nil)
			if err != nil {
				t.Fatal(err)
			}
			if ex.status != c.want || ex.errorCode(t) != c.code {
				t.Fatalf("answered %d %s, want %d %s", ex.status, ex.body, c.want, c.code)
			}
			if err := inEnvelope(sp, ex.body); err != nil {
				t.Errorf("not in the gateway envelope: %v", err)
			}
			if ct := ex.header.Get("Content-Type"); ct != "application/json;charset=utf-8" {
				t.Errorf("Content-Type %q, want the gateway's application/json;charset=utf-8", ct)
			}
		})
	}
}
