package mock_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/alibabacloud"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
	zstackcloud "github.com/conformance-suite/conformance/providers/zstack"
	"github.com/conformance-suite/conformance/signing"
)

// zstackJSON is the Content-Type ZStack's Go client sends on every call.
const zstackJSON = "application/json; charset=utf-8"

func TestZStackEndpoints(t *testing.T) {
	tg := newTarget(t, mock.Options{})
	login := func(name, password string) string {
		return `{"logInByAccount":{"accountName":"` + name + `","password":"` + password + `"}}`
	}
	const op = "ChangeIAM2ProjectState"
	runCases(t, tg, []endpointCase{
		{name: "disable, as the SDK sends it", req: req{op: op, contentType: zstackJSON,
			body: `{"changeIAM2ProjectState":{"stateEvent":"disable"},"systemTags":[],"userTags":[]}`},
			want: 200, says: `"state":"Disabled"`},
		{name: "enable", req: req{op: op, body: `{"changeIAM2ProjectState":{"stateEvent":"enable"}}`},
			want: 200, says: `"state":"Enabled"`},
		{name: "the page's spelling changeiam2projectstate", req: req{op: op, body: `{"changeiam2projectstate":{"stateEvent":"disable"}}`},
			want: 200, says: `"state":"Disabled"`},
		{name: "stateEvent outside its enum", req: req{op: op, body: `{"changeIAM2ProjectState":{"stateEvent":"reboot"}}`},
			want: 400, code: "SYS.1007", says: "/changeIAM2ProjectState/stateEvent"},
		{name: "missing changeIAM2ProjectState", req: req{op: op, body: `{"systemTags":[]}`},
			want: 400, code: "SYS.1007", says: "changeIAM2ProjectState"},
		{name: "stateEvent of the wrong type", req: req{op: op, body: `{"changeIAM2ProjectState":{"stateEvent":1}}`},
			want: 400, code: "SYS.1007", says: "stateEvent"},
		{name: "malformed JSON", req: req{op: op, body: `{"changeIAM2ProjectState": {"stateEvent": `},
			want: 400, code: "SYS.1007", says: "not valid JSON"},
		{name: "unknown project", req: req{op: op, path: map[string]string{"uuid": unknownProject}, body: `{"changeIAM2ProjectState":{"stateEvent":"enable"}}`},
			want: 404, code: "SYS.1003", says: unknownProject},
		{name: "no session", req: req{op: op, body: `{"changeIAM2ProjectState":{"stateEvent":"enable"}}`, auth: noCredentials},
			want: 401, code: "ID.1001"},
		{name: "wrong session", req: req{op: op, body: `{"changeIAM2ProjectState":{"stateEvent":"enable"}}`, auth: wrongCredentials},
			want: 401, code: "ID.1001"},
		{name: "an access key the target does not know", req: req{op: op, body: `{"changeIAM2ProjectState":{"stateEvent":"enable"}}`,
			auth: func(_ *target, r *http.Request, _ []byte) error {
				return signing.ZStackAccessKey{KeyID: "nokey", Secret: "nosecret"}.Sign(r)
			}},
			want: 401, code: "ID.1001"},

		{name: "the configured account", req: req{op: "LogInByAccount", contentType: zstackJSON, auth: noCredentials,
			body: login(tg.creds.Get(zstackcloud.Account), signing.ZStackPasswordHash(tg.creds.Get(zstackcloud.Password)))},
			want: 200, says: `"uuid":"`},
		{name: "wrong password", req: req{op: "LogInByAccount", auth: noCredentials,
			body: login(tg.creds.Get(zstackcloud.Account), signing.ZStackPasswordHash("wrong"))},
			want: 401, code: "ID.1000"},
		{name: "unknown account", req: req{op: "LogInByAccount", auth: noCredentials,
			body: login("nobody", signing.ZStackPasswordHash(tg.creds.Get(zstackcloud.Password)))},
			want: 401, code: "ID.1000"},
		{name: "password in clear instead of its SHA-512", req: req{op: "LogInByAccount", auth: noCredentials,
			body: login(tg.creds.Get(zstackcloud.Account), "clear-text")},
			want: 400, code: "SYS.1007", says: "/logInByAccount/password"},

		{name: "unknown job", req: req{op: "GetAPIJobResult", path: map[string]string{"uuid": unknownProject}},
			want: 404, code: "SYS.1003"},
		{name: "no session", req: req{op: "GetAPIJobResult", path: map[string]string{"uuid": unknownProject}, auth: noCredentials},
			want: 401, code: "ID.1001"},
	})
}

// A session issued by LogInByAccount works like the configured one.
func TestZStackLoginThenSession(t *testing.T) {
	tg := newTarget(t, mock.Options{})
	ex := tg.send(t, req{op: "LogInByAccount", auth: noCredentials, contentType: zstackJSON,
		body: `{"logInByAccount":{"accountName":"` + tg.creds.Get(zstackcloud.Account) + `","password":"` + signing.ZStackPasswordHash(tg.creds.Get(zstackcloud.Password)) + `"}}`})
	ex.mustConform(t)
	session, _ := ex.json(t)["inventory"].(map[string]any)["uuid"].(string)
	if session == "" || session == tg.creds.Get(zstackcloud.Session) {
		t.Fatalf("login answered %s, want a new session uuid", ex.body)
	}
	withSession := func(_ *target, r *http.Request, _ []byte) error {
		signing.ZStackSessionHeaders(r.Header, session)
		return nil
	}
	ex = tg.send(t, req{op: "ChangeIAM2ProjectState", contentType: zstackJSON, auth: withSession,
		body: `{"changeIAM2ProjectState":{"stateEvent":"enable"}}`})
	if ex.status != 200 {
		t.Fatalf("with the new session: %d %s", ex.status, ex.body)
	}
	ex.mustConform(t)
}

// In async mode a state change answers 202 + location; the location answers 202 JobPolls
// times, then 200 with the inventory, and the change is applied when the job completes.
func TestZStackAsync(t *testing.T) {
	const polls = 3
	tg := newTarget(t, mock.Options{AsyncZStack: true, JobPolls: polls})
	start := func(event string) (location string) {
		ex := tg.send(t, req{op: "ChangeIAM2ProjectState", contentType: zstackJSON,
			body: `{"changeIAM2ProjectState":{"stateEvent":"` + event + `"}}`})
		if ex.status != http.StatusAccepted {
			t.Fatalf("%s: %d %s, want 202", event, ex.status, ex.body)
		}
		ex.mustConform(t)
		v := ex.json(t)
		location, _ = v["location"].(string)
		if !strings.HasPrefix(location, tg.url+"/zstack/v1/api-jobs/") || v["apiTimeout"] != float64(1800000) {
			t.Fatalf("202 body %s: want location under %s/zstack/v1/api-jobs/ and apiTimeout 1800000", ex.body, tg.url)
		}
		return location
	}
	poll := func(location string) *exchange {
		r, _ := http.NewRequest(http.MethodGet, location, nil)
		signing.ZStackSessionHeaders(r.Header, tg.creds.Get(zstackcloud.Session))
		r.Header.Set("Content-Type", zstackJSON)
		ex, err := tg.do(r, map[string]string{"uuid": location[strings.LastIndex(location, "/")+1:]})
		if err != nil {
			t.Fatal(err)
		}
		ex.mustConform(t)
		return ex
	}
	finish := func(location, wantState string) {
		ex := poll(location)
		if ex.status != http.StatusOK || !strings.Contains(string(ex.body), `"state":"`+wantState+`"`) {
			t.Fatalf("final poll: %d %s, want 200 with state %s", ex.status, ex.body, wantState)
		}
		// The final answer is ChangeIAM2ProjectState's: it must match that operation's 200 too.
		ex.op = tg.op(t, "ChangeIAM2ProjectState")
		ex.mustConform(t)
	}

	disable, enable := start("disable"), start("enable")
	for i := range polls {
		if ex := poll(enable); ex.status != http.StatusAccepted || !strings.Contains(string(ex.body), enable) {
			t.Fatalf("poll %d: %d %s, want the 202 again", i+1, ex.status, ex.body)
		}
	}
	finish(enable, "Enabled")
	for range polls {
		poll(disable)
	}
	finish(disable, "Disabled") // started first, applied last: the change happens on completion
	finish(disable, "Disabled") // a finished job keeps its answer
}

// The built-in target of a run without --target answers state changes as a real management
// node does, 202 + location, so that the default run polls; mock.Start answers at once.
func TestBuiltinZStackIsAsync(t *testing.T) {
	set, err := loadSpecs()
	if err != nil {
		t.Fatal(err)
	}
	srv, creds, err := mock.StartBuiltin(providers.Credentials{}, set)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	r, _ := http.NewRequest(http.MethodPut, srv.URL()+"/zstack/v1/iam2/projects/"+creds.Get(zstackcloud.ProjectUUID)+"/actions",
		strings.NewReader(`{"changeIAM2ProjectState":{"stateEvent":"enable"}}`))
	r.Header.Set("Content-Type", zstackJSON)
	signing.ZStackSessionHeaders(r.Header, creds.Get(zstackcloud.Session))
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("the built-in target answered a state change %d, want 202", resp.StatusCode)
	}
	if creds.Get(huaweicloud.ForbiddenAccessKey) == "" || creds.Get(alibabacloud.ForbiddenKeyID) == "" {
		t.Errorf("the built-in target's client credentials lack the identities without the permission: %+v", creds)
	}
}
