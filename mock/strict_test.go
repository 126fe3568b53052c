package mock_test

import (
	"testing"

	zstackcloud "github.com/conformance-suite/conformance/providers/zstack"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/signing"
)

// The strict target refuses, in the provider's 400 envelope, what kin-openapi lets through:
// fields the schema does not describe, and text that is not Unicode. What the official SDKs
// send is still accepted.
func TestStrictRequestBodies(t *testing.T) {
	tg := newTarget(t, mock.Options{})
	login := func(extra string) req {
		return req{op: "LogInByAccount", auth: noCredentials, body: `{"logInByAccount":{"accountName":"` + tg.creds.Get(zstackcloud.Account) +
			`","password":"` + signing.ZStackPasswordHash(tg.creds.Get(zstackcloud.Password)) + `"` + extra + `}}`}
	}
	runCases(t, tg, []endpointCase{
		// Unknown fields, at the top, nested, and in array items.
		{name: "unknown top-level field", req: req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"huawei","colour":"blue"}`},
			want: 400, code: "WKS.00200001", says: `\"/colour\"`},
		{name: "unknown nested field", req: req{op: "UpdateTenantConfig", body: `{"function_config":{"name":"n","colour":"blue"}}`},
			want: 400, code: "WKS.00200001", says: `\"/function_config/colour\"`},
		{name: "unknown field of an array item", req: req{op: "UpdateTenantConfig", body: `{"function_config":{"values":[{"key":"k"},{"key":"k","note":1}]}}`},
			want: 400, code: "WKS.00200001", says: `\"/function_config/values/1/note\"`},
		{name: "unknown field and a broken one: both named", req: req{op: "InitializeTenant", body: `{"service_status":"on","a/b":1}`},
			want: 400, code: "WKS.00211102", says: `\"/a~1b\"`},
		{name: "unknown field beside the event", req: req{op: "ChangeIAM2ProjectState", body: `{"changeIAM2ProjectState":{"stateEvent":"enable","force":true}}`},
			want: 400, code: "SYS.1007", says: "force"},
		{name: "unknown field in the login", req: login(`,"rememberMe":true`),
			want: 400, code: "SYS.1007", says: "rememberMe"},
		// Text that is not Unicode, which encoding/json would store as U+FFFD.
		{name: "invalid UTF-8 in a string", req: req{op: "UpdateEnterpriseId", body: "{\"enterprise_id\":\"hua\xffwei\"}"},
			want: 400, code: "WKS.00200001", says: "not valid UTF-8 (at byte 21)"},
		{name: "invalid UTF-8 in an array item", req: req{op: "ChangeIAM2ProjectState", body: "{\"changeIAM2ProjectState\":{\"stateEvent\":\"enable\"},\"systemTags\":[\"\xc3\"]}"},
			want: 400, code: "SYS.1007", says: "UTF-8"},
		{name: "a lone surrogate escaped", req: req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"hua\udc00wei"}`},
			want: 400, code: "WKS.00200001", says: "surrogate"},
		{name: "a high surrogate without its low one", req: req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"\ud83d\u0041"}`},
			want: 400, code: "WKS.00200001", says: "surrogate"},
		// What clients send and the spec describes.
		{name: "a surrogate pair escaped", req: req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"hua\ud83d\ude00wei \"\\u\""}`},
			want: 200, fields: map[string]any{"enterprise_id": "hua\U0001F600wei \"\\u\""}},
		{name: "UTF-8 text", req: req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"华为 ✓"}`},
			want: 200, fields: map[string]any{"enterprise_id": "华为 ✓"}},
		{name: "the ZStack SDK's optional login fields", req: login(`,"accountType":"","captchaUuid":"","verifyCode":"","clientInfo":{"browser":"go","any":{"thing":1}}`),
			want: 200},
		{name: "systemTags and userTags", req: req{op: "ChangeIAM2ProjectState", body: `{"changeIAM2ProjectState":{"stateEvent":"enable"},"systemTags":[],"userTags":["a"]}`},
			want: 200},
		{name: "the page's spelling of the body key", req: req{op: "ChangeIAM2ProjectState", body: `{"changeiam2projectstate":{"stateEvent":"enable"}}`},
			want: 200},
	})
	// None of the refusals reached the state.
	if ex := tg.send(t, req{op: "ListWorkspaces"}); ex.json(t)["enterprise_id"] != "华为 ✓" {
		t.Errorf("the enterprise id is %s, want the last one accepted", ex.body)
	}
}
