package mock_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/conformance-suite/conformance/mock"
)

// lenientProof is what shows a lenient mode: requests that the strict target refuses with
// its 400 and the lenient one answers with a documented success, and requests that it still
// refuses, because the documentation states that they are invalid.
type lenientProof struct {
	accepts []lenientProbe
	refuses []req
}

// lenientProbe is a request and the success a lenient mode answers it with.
type lenientProbe struct {
	name string
	rq   req
	want int
}

// A foreign Content-Type, and a valid body, of the proofs.
const (
	textPlain        = "text/plain; charset=utf-8"
	enterpriseHuawei = `{"enterprise_id":"huawei"}`
)

func lenientProofs() map[string]lenientProof {
	return map[string]lenientProof{
		"content-type": {
			accepts: []lenientProbe{
				{"UpdateEnterpriseId without Content-Type", req{op: "UpdateEnterpriseId", body: enterpriseHuawei, contentType: noContentType}, 200},
				{"UpdateEnterpriseId with text/plain", req{op: "UpdateEnterpriseId", body: enterpriseHuawei, contentType: textPlain}, 200},
				{"InitializeTenant with text/plain", req{op: "InitializeTenant", body: `{"service_status":"active"}`, contentType: textPlain}, 200},
				{"ChangeIAM2ProjectState with application/x-www-form-urlencoded", req{op: "ChangeIAM2ProjectState",
					body: `{"changeIAM2ProjectState":{"stateEvent":"enable"}}`, contentType: "application/x-www-form-urlencoded"}, 200},
			},
			refuses: []req{
				{op: "UpdateEnterpriseId", body: `{"enterprise_id":1}`, contentType: textPlain},
				{op: "UpdateEnterpriseId", body: `{"enterprise_id":`, contentType: noContentType},
				{op: "UpdateEnterpriseId", contentType: noContentType}, // no body at all
			},
		},
		"optional-types": {
			accepts: []lenientProbe{
				{"systemTags as a string", req{op: "ChangeIAM2ProjectState", body: `{"changeIAM2ProjectState":{"stateEvent":"enable"},"systemTags":"a"}`}, 200},
				{"userTags as a string", req{op: "ChangeIAM2ProjectState", body: `{"changeIAM2ProjectState":{"stateEvent":"enable"},"userTags":"a"}`}, 200},
				{"function_config as a string", req{op: "UpdateTenantConfig", body: `{"function_config":"user_prefix"}`}, 204},
				{"every function_config field of the wrong type", req{op: "UpdateTenantConfig",
					body: `{"function_config":{"id":1,"name":true,"status":["ON"],"values":{"key":"k"}}}`}, 204},
				{"values items' fields of the wrong type", req{op: "UpdateTenantConfig",
					body: `{"function_config":{"name":"n","values":[{"key":1,"value":null}]}}`}, 204},
			},
			refuses: []req{
				{op: "InitializeTenant", body: `{"service_status":1}`},
				{op: "UpdateEnterpriseId", body: `{"enterprise_id":1}`},
				{op: "ChangeIAM2ProjectState", body: `{"changeIAM2ProjectState":{"stateEvent":1}}`},
				{op: "ChangeIAM2ProjectState", body: `{"changeIAM2ProjectState":"enable"}`},
				{op: "UpdateTenantConfig", body: `{"function_config":{"status":"MAYBE"}}`}, // the right type, outside the enum
				{op: "UpdateTenantConfig", body: `"function_config"`},                      // the body itself
			},
		},
		"unknown-fields": {
			accepts: []lenientProbe{
				{"an unknown top-level field", req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"huawei","colour":"blue"}`}, 200},
				{"an unknown nested field", req{op: "UpdateTenantConfig", body: `{"function_config":{"name":"n","colour":"blue"}}`}, 204},
				{"unknown fields in an array item", req{op: "UpdateTenantConfig", body: `{"function_config":{"values":[{"key":"k","note":1}]}}`}, 204},
				{"unknown fields at both levels", req{op: "ChangeIAM2ProjectState",
					body: `{"changeIAM2ProjectState":{"stateEvent":"enable","force":true},"requestIp":"10.0.0.1"}`}, 200},
			},
			refuses: []req{
				{op: "UpdateEnterpriseId", body: `{"colour":"blue"}`}, // enterprise_id is still required
				{op: "ChangeIAM2ProjectState", body: `{"changeIAM2ProjectState":{"stateEvent":"reboot","force":true}}`},
			},
		},
	}
}

// Each lenient mode answers with a documented success what the strict target refuses, still
// refuses what the documentation says is invalid, and leaves every positive request conformant.
func TestLenientModesAcceptWhatTheStrictTargetRefuses(t *testing.T) {
	proofs := lenientProofs()
	for _, l := range mock.Lenients() {
		if l.Name == "extra-response-fields" {
			continue // it changes answers, not what is accepted: TestExtraResponseFields
		}
		t.Run(l.Name, func(t *testing.T) {
			proof, ok := proofs[l.Name]
			if !ok || len(proof.accepts) == 0 || len(proof.refuses) == 0 {
				t.Fatalf("no test shows what %s accepts and still refuses", l.Name)
			}
			strict, lenient := newTarget(t, mock.Options{}), newTarget(t, mock.Options{Lenient: []string{l.Name}})
			for _, p := range proof.accepts {
				t.Run("accepts "+p.name, func(t *testing.T) {
					refusedAsInvalid(t, strict, p.rq)
					conforms(t, lenient, p.rq, p.want)
				})
			}
			for _, rq := range proof.refuses {
				t.Run("still refuses "+rq.op+" "+rq.body, func(t *testing.T) { refusedAsInvalid(t, lenient, rq) })
			}
			for id, rq := range positive(lenient) {
				t.Run("positive/"+id, func(t *testing.T) {
					ex := lenient.send(t, rq)
					if ex.status >= 500 {
						t.Errorf("answered %d %s", ex.status, ex.body)
					}
					ex.mustConform(t)
				})
			}
		})
	}
}

// refusedAsInvalid sends rq and fails the test unless it is refused 400 with the provider's
// code for invalid input, conformantly.
func refusedAsInvalid(t *testing.T, tg *target, rq req) {
	t.Helper()
	ex := tg.send(t, rq)
	if ex.status != http.StatusBadRequest {
		t.Fatalf("%s %s answered %d %s, want 400", rq.op, rq.body, ex.status, ex.body)
	}
	ex.mustConform(t)
	if code := ex.errorCode(t); !slices.Contains([]string{"WKS.00200001", "WKS.00211102", "SYS.1007"}, code) {
		t.Errorf("error code %q, want the provider's code for invalid input; body %s", code, ex.body)
	}
}

// optional-types treats a field of the wrong type as absent: the handler never sees it.
func TestOptionalTypesDropsTheField(t *testing.T) {
	tg := newTarget(t, mock.Options{Lenient: []string{"optional-types"}})
	conforms(t, tg, req{op: "UpdateTenantConfig", body: `{"function_config":{"id":"c1","name":"lenient","status":1}}`}, 204)
	ex := tg.send(t, req{op: "ListTenantConfigs"})
	ex.mustConform(t)
	if got := string(ex.body); got != `{"function_configs":[{"id":"c1","name":"lenient"}]}` {
		t.Errorf("the configuration saved is %s, want it without the status of the wrong type", got)
	}
}

// extra-response-fields adds a field that the response schema does not describe to every
// object of every JSON answer, successes and errors of every provider, at the top and nested;
// the answers still conform.
func TestExtraResponseFields(t *testing.T) {
	tg := newTarget(t, mock.Options{Lenient: []string{"extra-response-fields"}})
	cases := map[string]req{
		"Huawei 400":             {op: "UpdateEnterpriseId", body: `{}`},
		"Huawei gateway 401":     {op: "InitializeTenant", body: `{"service_status":"active"}`, auth: noCredentials},
		"Alibaba gateway 400":    {op: "GetUserActiveTenant", auth: wrongCredentials},
		"Alibaba Success false":  {op: "GetUserActiveTenant", query: map[string]string{"Tid": "1"}},
		"ZStack 401":             {op: "ChangeIAM2ProjectState", body: `{"changeIAM2ProjectState":{"stateEvent":"enable"}}`, auth: noCredentials},
		"ZStack query inventory": {op: "QueryIAM2Project"},
	}
	for id, rq := range positive(tg) {
		cases[id] = rq
	}
	// The answers whose nested object must carry the field too, so that the check below
	// cannot pass for want of nested objects.
	nestedIn := map[string]string{"GetUserActiveTenant": "Tenant", "ChangeIAM2ProjectState": "inventory",
		"LogInByAccount": "inventory", "ZStack 401": "error"}
	for name, rq := range cases {
		t.Run(name, func(t *testing.T) {
			ex := tg.send(t, rq)
			ex.mustConform(t)
			if ex.status == http.StatusNoContent {
				return
			}
			resp := ex.op.Responses[ex.status]
			if resp == nil || resp.Schema == nil {
				t.Fatalf("%d has no documented schema", ex.status)
			}
			body := ex.json(t)
			if want, ok := nestedIn[name]; ok && body[want] == nil {
				t.Fatalf("the answer %s has no %s", ex.body, want)
			}
			if len(undocumented(resp.Schema, body)) == 0 {
				t.Errorf("the answer %s carries no undocumented field", ex.body)
			}
			for _, nested := range []string{"Tenant", "inventory", "error"} {
				obj, ok := body[nested].(map[string]any)
				if !ok {
					continue
				}
				if len(undocumented(resp.Schema.Properties[nested].Value, obj)) == 0 {
					t.Errorf("the nested %s of %s carries no undocumented field", nested, ex.body)
				}
			}
		})
	}
}

// undocumented are the members of v that s does not describe.
func undocumented(s *openapi3.Schema, v map[string]any) []string {
	var out []string
	for name := range v {
		if s.Properties[name] == nil {
			out = append(out, name)
		}
	}
	return out
}

// Lenient modes combine with each other and with a fault: one request that breaks every
// point they leave open is accepted, and the fault still breaks its own point.
func TestLenientModesCombine(t *testing.T) {
	var all []string
	for _, l := range mock.Lenients() {
		all = append(all, l.Name)
	}
	tg := newTarget(t, mock.Options{Lenient: all, Fault: "wrong-field-type"})
	conforms(t, tg, req{op: "ChangeIAM2ProjectState", contentType: textPlain,
		body: `{"changeIAM2ProjectState":{"stateEvent":"disable","force":true},"systemTags":"a","requestIp":"10.0.0.1"}`}, 200)
	conforms(t, tg, req{op: "UpdateEnterpriseId", contentType: noContentType, body: `{"enterprise_id":"huawei","colour":"blue"}`}, 200)
	refusedAsInvalid(t, tg, req{op: "UpdateEnterpriseId", contentType: textPlain, body: `{"enterprise_id":1,"colour":"blue"}`})
	ex := breaksSpec(t, tg, req{op: "InitializeTenant", body: `{"service_status":"active"}`})
	if _, isNumber := ex.json(t)["project_id"].(float64); !isNumber {
		t.Errorf("the fault's project_id is not a number: %s", ex.body)
	}
	if !strings.Contains(string(ex.body), `"x_conformance_undocumented"`) {
		t.Errorf("the faulty answer lacks the lenient field: %s", ex.body)
	}
}

func TestLenientTable(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range mock.Lenients() {
		if seen[l.Name] || l.Name == "" || l.Description == "" {
			t.Errorf("lenient mode %+v: want a unique name and a description", l)
		}
		seen[l.Name] = true
		for _, f := range mock.Faults() {
			if f.Name == l.Name {
				t.Errorf("%s is both a fault and a lenient mode", l.Name)
			}
		}
	}
	for _, want := range []string{"content-type", "optional-types", "unknown-fields", "extra-response-fields"} {
		if !seen[want] {
			t.Errorf("no lenient mode %s", want)
		}
	}
	if _, err := mock.New(mock.Options{Lenient: []string{"content-type", "no-such-mode"}}); err == nil || !strings.Contains(err.Error(), `"no-such-mode"`) {
		t.Errorf("New with an unknown lenient mode: %v, want an error naming it", err)
	}
}
