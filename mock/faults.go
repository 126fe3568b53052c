package mock

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/conformance-suite/conformance/specs"
)

// Fault is one fault mode of the reference target: a way to break exactly one contract point
// on a few operations, so that the check that guards the point can be shown to fail.
type Fault struct {
	Name        string
	Description string
	// Breaks is the name of the conformance check that must fail, e.g. "response_schema_conformance".
	Breaks string
	// Operations are the operationIds the fault affects; every other operation, and every
	// other check, stays conformant.
	Operations []string
}

// fault is a Fault and how it breaks the answer. Exactly one hook is set.
type fault struct {
	Fault
	skipAuth       bool // credentials are not checked
	skipValidation bool // neither the mandatory Content-Type nor the request is checked
	jobForever     bool // the job of an async call never finishes; implies async
	staleState     bool // a state change answers the state before it, not after
	// refuse names why a request that passed validation is refused anyway (400 in the
	// operation's envelope), "" to let it through.
	refuse func(body []byte) string
	// rewrite edits the answer before it is written.
	rewrite func(rep *reply)
	// deliver writes the answer its own way (late, endlessly, or not at all).
	deliver func(m *mock, w http.ResponseWriter, r *http.Request, rep reply)
}

// faultTable is every fault mode. A function, not a variable, so that nothing can change it.
func faultTable() []fault {
	return []fault{
		{
			Fault:   Fault{"wrong-success-status", "success answered 201 instead of 200 (same body)", "status_code_conformance", []string{"UpdateEnterpriseId"}},
			rewrite: onStatus(http.StatusOK, func(rep *reply) { rep.status = http.StatusCreated }),
		},
		{
			Fault:   Fault{"wrong-field-type", "the 200 body's project_id is a JSON number", "response_schema_conformance", []string{"InitializeTenant"}},
			rewrite: onStatus(http.StatusOK, editJSON(func(v map[string]any) { v["project_id"] = 165454005845 })),
		},
		{
			Fault:   Fault{"missing-required-field", "the 200 body is {} (enterprise_id omitted)", "response_schema_conformance", []string{"UpdateEnterpriseId"}},
			rewrite: onStatus(http.StatusOK, func(rep *reply) { rep.body = []byte("{}") }),
		},
		{
			Fault:   Fault{"out-of-enum-value", `the 200 body's service_status is "ACTIVATED"`, "response_schema_conformance", []string{"InitializeTenant"}},
			rewrite: onStatus(http.StatusOK, editJSON(func(v map[string]any) { v["service_status"] = "ACTIVATED" })),
		},
		{
			Fault: Fault{"wrong-error-envelope", `every non-2xx body is {"code", "message"} instead of {error_code, error_msg} (same status)`, "error_envelope_conformance", []string{"UpdateEnterpriseId"}},
			rewrite: func(rep *reply) {
				var v struct {
					Code string `json:"error_code"`
					Msg  string `json:"error_msg"`
				}
				if rep.status >= 300 && json.Unmarshal(rep.body, &v) == nil {
					rep.body, _ = json.Marshal(map[string]string{"code": v.Code, "message": v.Msg})
				}
			},
		},
		{
			Fault: Fault{"undocumented-5xx", "valid requests are answered 502 with a Huawei gateway envelope", "not_a_server_error", []string{"UpdateTenantConfig"}},
			rewrite: func(rep *reply) {
				if rep.status < 300 {
					*rep = jsonReply(http.StatusBadGateway, huaweiContentType, map[string]string{
						"error_code": "APIGW.0502", "error_msg": "Bad gateway: the backend service did not answer",
					})
				}
			},
		},
		{
			Fault:   Fault{"wrong-content-type", "the 200 JSON body is sent with Content-Type text/plain", "content_type_conformance", []string{"UpdateEnterpriseId"}},
			rewrite: onStatus(http.StatusOK, func(rep *reply) { rep.contentType = "text/plain; charset=utf-8" }),
		},
		{
			Fault:   Fault{"body-on-204", `the 204 carries a JSON body {"result":"ok"}`, "no_body_on_204", []string{"UpdateTenantConfig"}},
			deliver: bodyOn204,
		},
		{
			Fault:          Fault{"accept-invalid-input", "Content-Type and body are not checked: bad input is answered 200, echoing whatever enterprise_id string it got (\"\" if none)", "negative_data_rejection", []string{"UpdateEnterpriseId"}},
			skipValidation: true,
		},
		{
			Fault:    Fault{"ignore-auth", "missing or wrong credentials are accepted as valid", "ignored_auth", []string{"InitializeTenant"}},
			skipAuth: true,
		},
		{
			Fault: Fault{"success-as-string", `Success is sent as the string "true" or "false"`, "response_schema_conformance", []string{"GetUserActiveTenant"}},
			rewrite: onStatus(http.StatusOK, editJSON(func(v map[string]any) {
				if b, ok := v["Success"].(bool); ok {
					v["Success"] = strconv.FormatBool(b)
				}
			})),
		},
		{
			Fault: Fault{"state-as-number", "inventory.state is sent as a number (1 = Enabled, 2 = Disabled)", "response_schema_conformance", []string{"ChangeIAM2ProjectState"}},
			rewrite: onStatus(http.StatusOK, editJSON(func(v map[string]any) {
				if inv, ok := v["inventory"].(map[string]any); ok {
					inv["state"] = map[any]int{"Enabled": 1, "Disabled": 2}[inv["state"]]
				}
			})),
		},
		{
			Fault:   Fault{"slow-response", "every answer is delayed 30 s (ended early when the client goes away)", "response_received", []string{"GetUserActiveTenant"}},
			deliver: slow,
		},
		{
			Fault:   Fault{"connection-reset", "the connection is reset instead of answering", "response_received", []string{"UpdateTenantConfig"}},
			deliver: func(m *mock, w http.ResponseWriter, r *http.Request, _ reply) { resetConnection(w) },
		},
		{
			Fault:   Fault{"endless-body", "the 200 carries a JSON body that never ends (streamed until the client goes away)", "response_received", []string{"InitializeTenant"}},
			deliver: onSuccess(endlessBody),
		},
		{
			Fault:   Fault{"oversized-body", "the 200 carries a valid 64 MiB JSON body with Content-Length set, streamed", "response_received", []string{"UpdateEnterpriseId"}},
			deliver: onSuccess(oversizedBody),
		},
		{
			Fault:   Fault{"malformed-json", "the 200 body is truncated JSON", "response_schema_conformance", []string{"GetUserActiveTenant"}},
			rewrite: onStatus(http.StatusOK, func(rep *reply) { rep.body = rep.body[:len(rep.body)/2] }),
		},
		{
			Fault:  Fault{"reject-optional-fields", "a valid request whose function_config has the optional values is refused 400 (WKS.00200001)", "positive_data_acceptance", []string{"UpdateTenantConfig"}},
			refuse: rejectFunctionConfigValues,
		},
		{
			Fault:      Fault{"stale-state", "the answer to a state change shows inventory.state as it was before the event", "response_values_conformance", []string{"ChangeIAM2ProjectState"}},
			staleState: true,
		},
		{
			Fault:      Fault{"job-never-finishes", "in async mode (which it implies) the job answers 202 forever", "response_received", []string{"ChangeIAM2ProjectState"}},
			jobForever: true,
		},
	}
}

// Faults lists the fault modes, in the order of the table.
func Faults() []Fault {
	table := faultTable()
	out := make([]Fault, len(table))
	for i, f := range table {
		out[i] = f.Fault
		out[i].Operations = slices.Clone(f.Operations)
	}
	return out
}

func lookupFault(name string) (fault, bool) {
	for _, f := range faultTable() {
		if f.Name == name {
			return f, true
		}
	}
	return fault{}, false
}

func faultNames() string {
	var names []string
	for _, f := range faultTable() {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

// faultFor is the fault in force if it concerns op, else nil.
func (m *mock) faultFor(op *specs.Operation) *fault {
	if m.fault == nil || op == nil || !slices.Contains(m.fault.Operations, op.ID) {
		return nil
	}
	return m.fault
}

func (f *fault) skipsAuth() bool       { return f != nil && f.skipAuth }
func (f *fault) skipsValidation() bool { return f != nil && f.skipValidation }

// refuses is why the fault refuses a valid request, "" when it does not.
func (f *fault) refuses(body []byte) string {
	if f == nil || f.refuse == nil {
		return ""
	}
	return f.refuse(body)
}

// shown is the project as the answer to a state change shows it: as the event left it, or,
// under stale-state, as it was before.
func (f *fault) shown(p iam2Project) iam2Project {
	if f != nil && f.staleState && p.Previous != "" {
		p.State = p.Previous
	}
	return p
}

// rejectFunctionConfigValues refuses an UpdateTenantConfig body that sets the optional
// function_config.values, as a target that handles only part of a schema would.
func rejectFunctionConfigValues(body []byte) string {
	var in struct {
		FunctionConfig map[string]json.RawMessage `json:"function_config"`
	}
	if json.Unmarshal(body, &in) != nil {
		return ""
	}
	if _, ok := in.FunctionConfig["values"]; ok {
		return `body field "/function_config/values": this target does not accept the optional values`
	}
	return ""
}

// onStatus applies edit to answers of one status only, leaving refusals conformant.
func onStatus(status int, edit func(rep *reply)) func(rep *reply) {
	return func(rep *reply) {
		if rep.status == status {
			edit(rep)
		}
	}
}

// editJSON edits a JSON object body in place; a body that is not an object is left alone.
func editJSON(edit func(v map[string]any)) func(rep *reply) {
	return func(rep *reply) {
		var v map[string]any
		if json.Unmarshal(rep.body, &v) != nil {
			return
		}
		edit(v)
		if b, err := json.Marshal(v); err == nil {
			rep.body = b
		}
	}
}

// onSuccess delivers 2xx answers with deliver and the others plainly, so that a transport
// fault on the success leaves refusals conformant.
func onSuccess(deliver func(m *mock, w http.ResponseWriter, r *http.Request, rep reply)) func(*mock, http.ResponseWriter, *http.Request, reply) {
	return func(m *mock, w http.ResponseWriter, r *http.Request, rep reply) {
		if rep.status >= 200 && rep.status < 300 {
			deliver(m, w, r, rep)
			return
		}
		writeReply(w, rep)
	}
}
