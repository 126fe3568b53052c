// Package zstack declares ZStack to the suite: a session (configured, or from logging in with
// an account), how ZStack's own Go client sends it, its asynchronous jobs (202 + location),
// and how an IAM2 project's state is put back.
package zstack

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/signing"
	"github.com/conformance-suite/conformance/specs"
)

// The variables, spelled exactly as the README and CONTEXT.md document them. A management
// node has no identity without the permission to name: it refuses a session without the
// permission only in the result of the job it accepted.
var (
	Session = providers.Variable{Env: "CONFORMANCE_ZSTACK_SESSION", Default: "b86c9016b4f24953a9edefb53ca0678c", Secret: true, Verbatim: true,
		Help: "session uuid, `Authorization: OAuth <session>`; set, the run does not log in"}
	Account = providers.Variable{Env: "CONFORMANCE_ZSTACK_ACCOUNT", Default: "admin",
		Help: "account to log in as instead of a session (`LogInByAccount`)"}
	Password = providers.Variable{Env: "CONFORMANCE_ZSTACK_PASSWORD", Default: "conformance-password", Secret: true,
		Help: "its password, sent as SHA-512 hex as ZStack's client does"}
	ProjectUUID = providers.Variable{Env: "CONFORMANCE_ZSTACK_PROJECT_UUID", Default: "2dce5dc485554d21a3796500c1db007a",
		Help: "the IAM2 project the state changes act on"}
)

// ContentType is what ZStack's own client sends with every body, its login included.
const ContentType = "application/json; charset=utf-8"

// Provider is ZStack.
var Provider = &providers.Provider{
	Name:      "zstack",
	Title:     "ZStack",
	Variables: []providers.Variable{Session, Account, Password, ProjectUUID},
	Placeholders: []providers.Placeholder{
		{Name: "zstack_project_uuid", From: ProjectUUID, Fills: []string{"uuid"}},
	},
	// A management node answers 400, 401 or 403 to a bad session or signature.
	Refusals: []int{400, 401, 403},
	Client:   client,
	// A management node does not throttle; a proxy in front of it may, with HTTP's 429.
	Throttling: providers.Throttling{Statuses: []int{http.StatusTooManyRequests}},
	Session: &providers.Session{
		Configured: Session,
		Login:      "LogInByAccount",
		Logout:     "LogOut",
		Account:    Account,
		LoginBody: func(c providers.Credentials) ([]byte, []string) {
			hash := signing.ZStackPasswordHash(c.Get(Password))
			body, _ := json.Marshal(map[string]any{"logInByAccount": map[string]string{
				"accountName": c.Get(Account),
				"password":    hash,
			}})
			return body, []string{hash}
		},
		SessionOf: func(body []byte) string {
			var reply struct {
				Inventory struct {
					UUID string `json:"uuid"`
				} `json:"inventory"`
			}
			_ = json.Unmarshal(body, &reply)
			return reply.Inventory.UUID
		},
	},
	// ZStack's client polls the location of a 202 with the same session until the job ends.
	Async: &providers.Async{
		Location: func(body []byte) string {
			var job struct {
				Location string `json:"location"`
			}
			_ = json.Unmarshal(body, &job)
			return job.Location
		},
		Carry: []string{"Authorization", "X-Session-Id", "Date"},
	},
	Restorers: map[string]providers.Restorer{
		"ChangeIAM2ProjectState": func(snap any) ([]any, string, error) {
			list, _ := providers.Field(snap, "inventories").([]any)
			if len(list) != 1 {
				return nil, "", fmt.Errorf("the query found %d projects, want 1", len(list))
			}
			state, _ := providers.Field(list[0], "state").(string)
			event := map[string]string{"Enabled": "enable", "Disabled": "disable"}[state]
			if event == "" {
				return nil, "", fmt.Errorf("state %q cannot be restored with a state event", state)
			}
			return []any{map[string]any{"changeIAM2ProjectState": map[string]any{"stateEvent": event}}}, "state " + state, nil
		},
	},
}

func init() { providers.Register(Provider) }

// NoForbiddenIdentity is why a ZStack case cannot send an identity without the permission.
const NoForbiddenIdentity = "ZStack has no identity without the permission to send: a management node accepts the call of such a session (202) and fails its job (ID.1002), it refuses none with 403"

// The ZStack access key of a stale signature: the runner's own, known to no management node,
// since the Date it carries is refused before any key is looked up.
const (
	probeKeyID  = "conformanceStaleProbeKey"
	probeSecret = "conformance-stale-probe-secret"
)

// client is ZStack's own Go client: it sends the session twice (Authorization: OAuth and
// X-Session-Id) and a JSON Content-Type with a charset.
var client = providers.Client{
	ContentType: ContentType,
	Prepare:     func(*http.Request, *specs.Operation, providers.Run) {},
	Authenticate: func(r *http.Request, _ []byte, mode providers.Mode, run providers.Run) error {
		switch mode {
		case providers.NoCredentials:
			return nil
		case providers.WrongCredentials:
			signing.ZStackSessionHeaders(r.Header, "ffffffffffffffffffffffffffffffff")
			return nil
		case providers.StaleCredentials:
			// A session has no time to go stale; an access-key signature has its Date,
			// which the management node checks before it looks the key up (403
			// requestTimeTooSkewed), so a key of the runner's own serves.
			if err := (signing.ZStackAccessKey{KeyID: probeKeyID, Secret: probeSecret, Now: run.Clock(mode)}).Sign(r); err != nil {
				return err
			}
			run.Signed(r)
			return nil
		case providers.ForbiddenCredentials:
			return errors.New(NoForbiddenIdentity)
		}
		session, err := run.Session(r.Context())
		if err != nil {
			return err
		}
		if mode == providers.MalformedCredentials {
			session += " !malformed"
		}
		signing.ZStackSessionHeaders(r.Header, session)
		return nil
	},
	Unavailable: func(c providers.Credentials, mode providers.Mode) string {
		switch {
		case mode == providers.ForbiddenCredentials:
			return NoForbiddenIdentity
		case c.Has(Session), c.Has(Account, Password):
			return ""
		}
		return "no ZStack credentials: set " + Session.Env + " or " + Account.Env + " and " + Password.Env
	},
}
