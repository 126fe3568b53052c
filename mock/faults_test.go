package mock_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/providers/alibabacloud"
	zstackcloud "github.com/conformance-suite/conformance/providers/zstack"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/signing"
)

// The limits a runner puts on an answer, which the transport faults break.
const (
	answerWithin = 200 * time.Millisecond
	maxBody      = 8 << 20
)

// positive is a documented success of every operation, for proving that a fault leaves the
// operations outside its scope conformant.
func positive(tg *target) map[string]req {
	return map[string]req{
		"InitializeTenant":         {op: "InitializeTenant", body: `{"service_status":"active"}`},
		"UpdateTenantConfig":       {op: "UpdateTenantConfig", body: `{"function_config":{"name":"user_prefix","status":"ON"}}`},
		"UpdateEnterpriseId":       {op: "UpdateEnterpriseId", body: `{"enterprise_id":"huawei"}`},
		"GetUserActiveTenant":      {op: "GetUserActiveTenant", query: map[string]string{"Tid": tg.creds.Get(alibabacloud.Tid)}},
		"GetUserActiveTenantByGet": {op: "GetUserActiveTenantByGet", query: map[string]string{"Tid": tg.creds.Get(alibabacloud.Tid)}},
		"ChangeIAM2ProjectState":   {op: "ChangeIAM2ProjectState", body: `{"changeIAM2ProjectState":{"stateEvent":"enable"}}`},
		"LogInByAccount": {op: "LogInByAccount", auth: noCredentials,
			body: `{"logInByAccount":{"accountName":"` + tg.creds.Get(zstackcloud.Account) + `","password":"` + signing.ZStackPasswordHash(tg.creds.Get(zstackcloud.Password)) + `"}}`},
		"GetAPIJobResult": {op: "GetAPIJobResult", path: map[string]string{"uuid": unknownProject}},
	}
}

// faultProofs shows, for each fault, the contract point it breaks, by name.
func faultProofs() map[string]func(t *testing.T, tg *target) {
	return map[string]func(t *testing.T, tg *target){
		"wrong-success-status": func(t *testing.T, tg *target) {
			ex := breaksSpec(t, tg, req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"huawei"}`})
			if ex.status != http.StatusCreated || string(ex.body) != `{"enterprise_id":"huawei"}` {
				t.Errorf("answered %d %s, want 201 with the 200's body", ex.status, ex.body)
			}
			conforms(t, tg, req{op: "UpdateEnterpriseId", body: `{}`}, 400) // refusals untouched
		},
		"wrong-field-type": func(t *testing.T, tg *target) {
			ex := breaksSpec(t, tg, req{op: "InitializeTenant", body: `{"service_status":"active"}`})
			if _, isNumber := ex.json(t)["project_id"].(float64); !isNumber {
				t.Errorf("project_id is not a number: %s", ex.body)
			}
			conforms(t, tg, req{op: "InitializeTenant", body: `{}`}, 400)
		},
		"missing-required-field": func(t *testing.T, tg *target) {
			if ex := breaksSpec(t, tg, req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"huawei"}`}); string(ex.body) != "{}" {
				t.Errorf("body %s, want {}", ex.body)
			}
		},
		"out-of-enum-value": func(t *testing.T, tg *target) {
			if ex := breaksSpec(t, tg, req{op: "InitializeTenant", body: `{"service_status":"active"}`}); ex.json(t)["service_status"] != "ACTIVATED" {
				t.Errorf("body %s, want service_status ACTIVATED", ex.body)
			}
		},
		"wrong-error-envelope": func(t *testing.T, tg *target) {
			for _, rq := range []req{
				{op: "UpdateEnterpriseId", body: `{"enterprise_id":"huawei"}`, auth: noCredentials},
				{op: "UpdateEnterpriseId", body: `{}`},
				{op: "UpdateEnterpriseId", path: map[string]string{"project_id": unknownProject}, body: `{"enterprise_id":"huawei"}`},
			} {
				ex := breaksSpec(t, tg, rq)
				v := ex.json(t)
				if v["code"] == nil || v["message"] == nil || v["error_code"] != nil {
					t.Errorf("%d %s, want {code, message}", ex.status, ex.body)
				}
			}
			conforms(t, tg, req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"huawei"}`}, 200)
		},
		"undocumented-5xx": func(t *testing.T, tg *target) {
			ex := breaksSpec(t, tg, req{op: "UpdateTenantConfig", body: `{}`})
			if ex.status != http.StatusBadGateway || inEnvelope(ex.op.Spec, ex.body) != nil {
				t.Errorf("answered %d %s, want 502 in the Huawei envelope", ex.status, ex.body)
			}
			conforms(t, tg, req{op: "UpdateTenantConfig", body: `[]`}, 400)
		},
		"wrong-content-type": func(t *testing.T, tg *target) {
			ex := breaksSpec(t, tg, req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"huawei"}`})
			if !strings.HasPrefix(ex.header.Get("Content-Type"), "text/plain") || string(ex.body) != `{"enterprise_id":"huawei"}` {
				t.Errorf("answered Content-Type %q %s, want text/plain over the JSON body", ex.header.Get("Content-Type"), ex.body)
			}
		},
		"body-on-204": func(t *testing.T, tg *target) {
			ex := breaksSpec(t, tg, req{op: "UpdateTenantConfig", body: `{}`})
			if ex.status != http.StatusNoContent {
				t.Errorf("status %d, want 204", ex.status)
			}
			// Go's client drops a 204's body; the wire shows it.
			if raw := rawExchange(t, tg, req{op: "UpdateTenantConfig", body: `{}`}); !strings.HasSuffix(raw, "\r\n\r\n"+`{"result":"ok"}`) {
				t.Errorf("on the wire: %q, want the 204 followed by {\"result\":\"ok\"}", raw)
			}
			conforms(t, tg, req{op: "UpdateTenantConfig", body: `{}`, auth: noCredentials}, 401)
		},
		"accept-invalid-input": func(t *testing.T, tg *target) {
			for _, c := range []struct {
				rq   req
				echo string
			}{
				{req{op: "UpdateEnterpriseId", body: `{}`}, ""},
				{req{op: "UpdateEnterpriseId", body: `{"enterprise_id":42}`}, ""},
				{req{op: "UpdateEnterpriseId", body: `{"enterprise_id": "huawei"`}, ""},
				{req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"no-ct"}`, contentType: noContentType}, "no-ct"},
			} {
				ex := tg.send(t, c.rq)
				if ex.status != http.StatusOK || ex.json(t)["enterprise_id"] != c.echo {
					t.Errorf("bad input %q answered %d %s, want it accepted with 200 echoing %q", c.rq.body, ex.status, ex.body, c.echo)
				}
				ex.mustConform(t) // the answer itself is fine: what breaks is that it was accepted
			}
			conforms(t, tg, req{op: "UpdateEnterpriseId", body: `{}`, auth: noCredentials}, 401)
		},
		"ignore-auth": func(t *testing.T, tg *target) {
			for _, a := range []auth{noCredentials, wrongCredentials} {
				conforms(t, tg, req{op: "InitializeTenant", body: `{"service_status":"active"}`, auth: a}, 200)
			}
			conforms(t, tg, req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"x"}`, auth: noCredentials}, 401)
		},
		"success-as-string": func(t *testing.T, tg *target) {
			for tid, want := range map[string]string{tg.creds.Get(alibabacloud.Tid): "true", "999": "false"} {
				if ex := breaksSpec(t, tg, req{op: "GetUserActiveTenant", query: map[string]string{"Tid": tid}}); ex.json(t)["Success"] != want {
					t.Errorf("Tid %s: %s, want Success %q", tid, ex.body, want)
				}
			}
			conforms(t, tg, req{op: "GetUserActiveTenant", auth: noCredentials}, 400)
		},
		"state-as-number": func(t *testing.T, tg *target) {
			for event, want := range map[string]float64{"enable": 1, "disable": 2} {
				ex := breaksSpec(t, tg, req{op: "ChangeIAM2ProjectState", body: `{"changeIAM2ProjectState":{"stateEvent":"` + event + `"}}`})
				if inv, _ := ex.json(t)["inventory"].(map[string]any); inv["state"] != want {
					t.Errorf("%s: %s, want state %v", event, ex.body, want)
				}
			}
		},
		"slow-response": func(t *testing.T, tg *target) {
			client := *tg.client
			client.Timeout = answerWithin
			r, params := tg.build(t, req{op: "GetUserActiveTenant"})
			slow := *tg
			slow.client = &client
			if ex, err := slow.do(r, params); err == nil {
				t.Errorf("answered %d within %v", ex.status, answerWithin)
			}
			conforms(t, tg, positive(tg)["GetUserActiveTenantByGet"], 200) // the GET form is out of scope
			// The held answer ends with its client: the server closes without waiting 30 s.
			start := time.Now()
			tg.close()
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("the server took %v to close: the slow answer outlived its client", d)
			}
		},
		"connection-reset": func(t *testing.T, tg *target) {
			_, err := tg.trySend(t, req{op: "UpdateTenantConfig", body: `{}`})
			if !errors.Is(err, syscall.ECONNRESET) {
				t.Errorf("error %v, want a connection reset", err)
			}
		},
		"endless-body": func(t *testing.T, tg *target) {
			n, resp := readBody(t, tg, req{op: "InitializeTenant", body: `{"service_status":"active"}`})
			if resp.StatusCode != 200 || resp.ContentLength != -1 || n <= maxBody {
				t.Errorf("answered %d, Content-Length %d, %d bytes read: want 200, no length, more than %d bytes", resp.StatusCode, resp.ContentLength, n, maxBody)
			}
			start := time.Now()
			tg.close()
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("the server took %v to close: the endless body outlived its client", d)
			}
		},
		"oversized-body": func(t *testing.T, tg *target) {
			n, resp := readBody(t, tg, req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"huawei"}`})
			if resp.StatusCode != 200 || resp.ContentLength != 64<<20 || n <= maxBody {
				t.Errorf("answered %d, Content-Length %d, %d bytes read: want 200, 64 MiB, more than %d bytes", resp.StatusCode, resp.ContentLength, n, maxBody)
			}
		},
		"malformed-json": func(t *testing.T, tg *target) {
			ex := breaksSpec(t, tg, req{op: "GetUserActiveTenant"})
			if ex.status != http.StatusOK || !strings.HasPrefix(string(ex.body), "{") {
				t.Errorf("answered %d %s, want 200 with the start of a JSON object", ex.status, ex.body)
			}
		},
		"reject-optional-fields": func(t *testing.T, tg *target) {
			ex := tg.send(t, req{op: "UpdateTenantConfig", body: `{"function_config":{"name":"user_prefix","values":[{"key":"prefix","value":"test"}]}}`})
			if ex.status != http.StatusBadRequest || ex.json(t)["error_code"] != "WKS.00200001" {
				t.Errorf("a valid body with values answered %d %s, want 400 WKS.00200001", ex.status, ex.body)
			}
			ex.mustConform(t) // a documented refusal: what breaks is that valid input was refused
			conforms(t, tg, req{op: "UpdateTenantConfig", body: `{"function_config":{"name":"user_prefix","status":"ON"}}`}, 204)
			conforms(t, tg, req{op: "UpdateTenantConfig", body: `{"function_config":{"values":"x"}}`}, 400)
			conforms(t, tg, req{op: "UpdateTenantConfig", body: `{"function_config":{"values":[]}}`, auth: noCredentials}, 401)
		},
		"stale-state": func(t *testing.T, tg *target) {
			for i, step := range []struct{ event, shown string }{
				{"disable", "Enabled"}, {"disable", "Disabled"}, {"enable", "Disabled"}, {"enable", "Enabled"},
			} {
				ex := tg.send(t, req{op: "ChangeIAM2ProjectState", body: `{"changeIAM2ProjectState":{"stateEvent":"` + step.event + `"}}`})
				ex.mustConform(t) // the answer matches its schema: only its value is stale
				if inv, _ := ex.json(t)["inventory"].(map[string]any); inv["state"] != step.shown {
					t.Errorf("step %d, %s: %s, want state %s, the state before the event", i+1, step.event, ex.body, step.shown)
				}
			}
		},
		"job-never-finishes": func(t *testing.T, tg *target) {
			ex := tg.send(t, req{op: "ChangeIAM2ProjectState", body: `{"changeIAM2ProjectState":{"stateEvent":"enable"}}`})
			if ex.status != http.StatusAccepted {
				t.Fatalf("answered %d %s, want 202 (the fault implies async)", ex.status, ex.body)
			}
			location, _ := ex.json(t)["location"].(string)
			id := location[strings.LastIndex(location, "/")+1:]
			for i := range 20 {
				if ex := tg.send(t, req{op: "GetAPIJobResult", path: map[string]string{"uuid": id}}); ex.status != http.StatusAccepted {
					t.Fatalf("poll %d answered %d %s, want 202 forever", i+1, ex.status, ex.body)
				}
			}
		},
	}
}

// Every fault breaks its contract point, and every operation outside its scope still answers
// its documented success conformantly.
func TestFaults(t *testing.T) {
	proofs := faultProofs()
	for _, f := range mock.Faults() {
		t.Run(f.Name, func(t *testing.T) {
			proof, ok := proofs[f.Name]
			if !ok {
				t.Fatalf("no test shows what %s breaks", f.Name)
			}
			tg := newTarget(t, mock.Options{Fault: f.Name})
			for id, rq := range positive(tg) {
				if slices.Contains(f.Operations, id) {
					continue
				}
				t.Run("outside its scope/"+id, func(t *testing.T) {
					ex := tg.send(t, rq)
					if ex.status >= 500 {
						t.Errorf("answered %d %s", ex.status, ex.body)
					}
					ex.mustConform(t)
				})
			}
			t.Run("breaks "+f.Breaks, func(t *testing.T) { proof(t, tg) })
		})
	}
}

// With async ZStack, state-as-number reaches the final answer of the job: it is still
// ChangeIAM2ProjectState's answer, though GetAPIJobResult's own schema cannot tell.
func TestStateAsNumberInAsyncMode(t *testing.T) {
	tg := newTarget(t, mock.Options{Fault: "state-as-number", AsyncZStack: true, JobPolls: 1})
	ex := tg.send(t, req{op: "ChangeIAM2ProjectState", body: `{"changeIAM2ProjectState":{"stateEvent":"disable"}}`})
	ex.mustConform(t) // the 202 is intact
	location, _ := ex.json(t)["location"].(string)
	id := location[strings.LastIndex(location, "/")+1:]
	for range 2 {
		ex = tg.send(t, req{op: "GetAPIJobResult", path: map[string]string{"uuid": id}})
		ex.mustConform(t)
	}
	if ex.status != http.StatusOK {
		t.Fatalf("final poll %d %s", ex.status, ex.body)
	}
	ex.op = tg.op(t, "ChangeIAM2ProjectState")
	if ex.conformance() == nil {
		t.Errorf("final answer %s conforms to ChangeIAM2ProjectState, want state as a number", ex.body)
	}
}

// With async ZStack, stale-state reaches the final answer of the job.
func TestStaleStateInAsyncMode(t *testing.T) {
	tg := newTarget(t, mock.Options{Fault: "stale-state", AsyncZStack: true, JobPolls: 1})
	ex := tg.send(t, req{op: "ChangeIAM2ProjectState", body: `{"changeIAM2ProjectState":{"stateEvent":"disable"}}`})
	location, _ := ex.json(t)["location"].(string)
	id := location[strings.LastIndex(location, "/")+1:]
	for range 2 {
		ex = tg.send(t, req{op: "GetAPIJobResult", path: map[string]string{"uuid": id}})
	}
	if inv, _ := ex.json(t)["inventory"].(map[string]any); ex.status != http.StatusOK || inv["state"] != "Enabled" {
		t.Fatalf("final poll %d %s, want 200 with the state before the event, Enabled", ex.status, ex.body)
	}
}

func TestFaultTable(t *testing.T) {
	set, err := loadSpecs()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range mock.Faults() {
		if seen[f.Name] || f.Name == "" || f.Description == "" || f.Breaks == "" || len(f.Operations) == 0 {
			t.Errorf("fault %+v: want a unique name, a description, the check it breaks and its operations", f)
		}
		seen[f.Name] = true
		for _, id := range f.Operations {
			if _, ok := set.Operation(id); !ok {
				t.Errorf("fault %s names operation %s, which no spec has", f.Name, id)
			}
		}
	}
	if _, err := mock.New(mock.Options{Fault: "no-such-fault"}); err == nil || !strings.Contains(err.Error(), "no-such-fault") {
		t.Errorf("New with an unknown fault: %v, want an error naming it", err)
	}
}

// breaksSpec sends rq and fails the test if the answer still conforms.
func breaksSpec(t *testing.T, tg *target, rq req) *exchange {
	t.Helper()
	ex := tg.send(t, rq)
	err := ex.conformance()
	if err == nil {
		t.Errorf("%s answered %d %s, which still conforms", rq.op, ex.status, ex.body)
	} else {
		t.Logf("%s answered %d: %v", rq.op, ex.status, err)
	}
	return ex
}

// conforms sends rq and fails the test unless the answer has the status and conforms.
func conforms(t *testing.T, tg *target, rq req, status int) {
	t.Helper()
	ex := tg.send(t, rq)
	if ex.status != status {
		t.Errorf("%s answered %d %s, want %d", rq.op, ex.status, ex.body, status)
	}
	ex.mustConform(t)
}

// readBody sends rq and reads at most maxBody+1 bytes of the answer, then hangs up.
func readBody(t *testing.T, tg *target, rq req) (int64, *http.Response) {
	t.Helper()
	r, _ := tg.build(t, rq)
	resp, err := tg.client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		t.Fatalf("after %d bytes: %v", n, err)
	}
	return n, resp
}

// rawExchange sends rq on a bare TCP connection and returns every byte of the answer, up to
// the server closing the connection.
func rawExchange(t *testing.T, tg *target, rq req) string {
	t.Helper()
	r, _ := tg.build(t, rq)
	conn, err := net.DialTimeout("tcp", r.URL.Host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	r.Close = true
	if err := r.Write(conn); err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(bufio.NewReader(conn))
	if err != nil {
		t.Fatal(fmt.Errorf("reading the raw answer: %w", err))
	}
	return string(raw)
}
