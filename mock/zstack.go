package mock

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	zstackcloud "github.com/conformance-suite/conformance/providers/zstack"

	"github.com/conformance-suite/conformance/signing"
	"github.com/conformance-suite/conformance/specs"
)

// zstackContentType is what a ZStack management node answers JSON with.
const zstackContentType = "application/json; charset=utf-8"

// zstackAPITimeout is the apiTimeout of a 202 answer, in milliseconds: ZStack's default 30 min.
const zstackAPITimeout = 1800000

// accountUUID is the uuid of the one account, and of its user, in a login answer.
const accountUUID = "36c27e8ff05c4780bf6d2fa65700f22e"

// sessionLifetime is the expiredDate of a login answer; the target does not expire sessions.
const sessionLifetime = 2 * time.Hour

// ZStack error codes (SysErrors and IdentityErrors of the management node).
const (
	zstackAuthFailed      = "ID.1000"
	zstackBadSession      = "ID.1001"
	zstackNotFound        = "SYS.1003"
	zstackInvalidArgument = "SYS.1007"
	zstackUnknownAPI      = "SYS.1008"
)

// zstack is a ZStack management node: OAuth sessions, {error: {...}} envelopes, and
// asynchronous API jobs.
type zstack struct{ m *mock }

func (z zstack) endpoints() map[string]endpoint {
	return map[string]endpoint{
		"LogInByAccount":         {handle: z.logIn},
		"ChangeIAM2ProjectState": {handle: z.changeProjectState, normalise: normaliseChangeIAM2ProjectState},
		"GetAPIJobResult":        {handle: z.getJobResult},
		"QueryIAM2Project":       {handle: z.queryProject},
		"LogOut":                 {handle: z.logOut},
	}
}

// authenticate accepts "Authorization: OAuth <session>" for the configured session or one
// issued by LogInByAccount. X-Session-Id, which the ZStack SDK also sends, is not the
// credential: the management node reads the Authorization header. "ZStack <keyId>:<sig>"
// access keys are verified too, but the credentials name no ZStack access key, so none is
// known and every one is refused; first, as the management node's RestServer.checkTime does
// before it looks the key up, a Date more than 15 minutes from the clock is refused 403
// (requestTimeTooSkewed).
func (z zstack) authenticate(r *http.Request, _ []byte) *apiError {
	refuse := func(detail string) *apiError {
		return &apiError{status: http.StatusUnauthorized, code: zstackBadSession, message: "Session expired or does not exist", detail: detail}
	}
	auth := r.Header.Get("Authorization")
	if strings.HasPrefix(auth, "ZStack ") {
		if date, err := http.ParseTime(r.Header.Get("Date")); err == nil && outsideWindow(date, z.m.now()) {
			// The management node answers this in plain text; the reference target in the
			// envelope the spec documents, with the identity module's authentication code.
			return &apiError{status: http.StatusForbidden, code: zstackAuthFailed, message: "requestTimeTooSkewed",
				detail: "the Date header is more than " + maxSkew.String() + " from the management node's clock"}
		}
		noKeys := func(string) (string, bool) { return "", false }
		if err := signing.VerifyZStackAccessKey(r, noKeys, z.m.now(), maxSkew); err != nil {
			return refuse(signingFailure(err, "ZStack access-key signature", "Date header"))
		}
		return nil
	}
	session, err := signing.ZStackSession(r)
	switch {
	case errors.Is(err, signing.ErrNoCredentials):
		return refuse("send the header Authorization: OAuth <session uuid>")
	case err != nil:
		return refuse("the Authorization header is not OAuth <session uuid>")
	case !z.m.state.validSession(session):
		return refuse("the session is not one this management node issued")
	}
	return nil
}

// outsideWindow reports whether a request's time lies more than maxSkew from now.
func outsideWindow(t, now time.Time) bool {
	d := now.Sub(t)
	return d > maxSkew || d < -maxSkew
}

func (z zstack) invalid(_ *specs.Operation, reason string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: zstackInvalidArgument, message: "One or more API argument is invalid", detail: reason}
}

func (z zstack) notFound(r *http.Request, _ *specs.Miss) *apiError {
	return &apiError{status: http.StatusNotFound, code: zstackUnknownAPI, message: "No API is mapped to this URL and method",
		detail: r.Method + " " + r.URL.EscapedPath()}
}

func (z zstack) render(_ *specs.Operation, _ *http.Request, e *apiError) reply {
	return jsonReply(e.status, zstackContentType, map[string]any{
		"error": map[string]string{"code": e.code, "description": e.message, "details": e.detail},
	})
}

// logIn answers a new session for the configured account and the SHA-512 hex of its password.
func (z zstack) logIn(c *call) reply {
	var in struct {
		LogInByAccount struct {
			AccountName string `json:"accountName"`
			Password    string `json:"password"`
		} `json:"logInByAccount"`
	}
	_ = json.Unmarshal(c.body, &in) // validated against the spec
	name := subtle.ConstantTimeCompare([]byte(in.LogInByAccount.AccountName), []byte(z.m.creds.Get(zstackcloud.Account)))
	pw := subtle.ConstantTimeCompare([]byte(strings.ToLower(in.LogInByAccount.Password)), []byte(signing.ZStackPasswordHash(z.m.creds.Get(zstackcloud.Password))))
	if name&pw != 1 {
		return z.render(c.op, c.r, &apiError{status: http.StatusUnauthorized, code: zstackAuthFailed,
			message: "Authentication failed", detail: "wrong account name or password"})
	}
	now := z.m.now()
	return jsonReply(http.StatusOK, zstackContentType, map[string]any{
		"inventory": map[string]string{
			"uuid":        z.m.state.newSession(),
			"accountUuid": accountUUID,
			"userUuid":    accountUUID,
			"createDate":  now.Format(zstackDateLayout),
			"expiredDate": now.Add(sessionLifetime).Format(zstackDateLayout),
		},
	})
}

// normaliseChangeIAM2ProjectState accepts the vendor page's spelling of the body key,
// changeiam2projectstate, by renaming it to the real one before validation.
func normaliseChangeIAM2ProjectState(body []byte) []byte {
	const page, real = "changeiam2projectstate", "changeIAM2ProjectState"
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return body // not an object: validation will say so
	}
	v, ok := fields[page]
	if _, has := fields[real]; !ok || has {
		return body
	}
	delete(fields, page)
	fields[real] = v
	out, err := json.Marshal(fields)
	if err != nil {
		return body
	}
	return out
}

// changeProjectState enables or disables the configured project, at once or, in async mode,
// through a job that the client polls.
func (z zstack) changeProjectState(c *call) reply {
	if c.params["uuid"] != z.m.creds.Get(zstackcloud.ProjectUUID) {
		return z.render(c.op, c.r, &apiError{status: http.StatusNotFound, code: zstackNotFound,
			message: "Resource not found", detail: "no IAM2 project with uuid[" + c.params["uuid"] + "]"})
	}
	var in struct {
		Change struct {
			StateEvent string `json:"stateEvent"`
		} `json:"changeIAM2ProjectState"`
	}
	_ = json.Unmarshal(c.body, &in) // normalised and validated against the spec
	if !z.m.async {
		return z.inventory(z.m.faultFor(c.op).shown(z.m.state.changeProjectState(in.Change.StateEvent, z.m.now())))
	}
	f := z.m.faultFor(c.op)
	id := z.m.state.startJob(&zstackJob{origin: c.op, polls: z.m.polls, forever: f != nil && f.jobForever, event: in.Change.StateEvent})
	return z.accepted(c.r, id)
}

// getJobResult answers 202 while the job runs, then the final answer of the operation that
// started it, as that operation would have answered it (faults included).
func (z zstack) getJobResult(c *call) reply {
	id := c.params["uuid"]
	origin, project, done, found := z.m.state.pollJob(id, z.m.now())
	switch {
	case !found:
		return z.render(c.op, c.r, &apiError{status: http.StatusNotFound, code: zstackNotFound,
			message: "Resource not found", detail: "no API job with uuid[" + id + "]"})
	case !done:
		return z.accepted(c.r, id)
	}
	rep := z.inventory(z.m.faultFor(origin).shown(project))
	if f := z.m.faultFor(origin); f != nil && f.rewrite != nil {
		f.rewrite(&rep)
	}
	return rep
}

// accepted is the 202 of a running job; location points back at this target, as a management
// node's points at itself.
func (z zstack) accepted(r *http.Request, id string) reply {
	return jsonReply(http.StatusAccepted, zstackContentType, map[string]any{
		"location":   "http://" + r.Host + "/zstack/v1/api-jobs/" + id,
		"apiTimeout": zstackAPITimeout,
	})
}

func (z zstack) inventory(p iam2Project) reply {
	return jsonReply(http.StatusOK, zstackContentType, map[string]any{"inventory": inventoryOf(p)})
}

// inventoryOf is a project as the management node serialises it.
func inventoryOf(p iam2Project) map[string]any {
	return map[string]any{
		"uuid":        p.UUID,
		"name":        p.Name,
		"description": p.Description,
		"createDate":  p.Created.Format(zstackDateLayout),
		"lastOpDate":  p.LastOp.Format(zstackDateLayout),
		"state":       p.State,
		"attributes":  []any{},
	}
}

// queryProject answers the project as ZStack's query APIs do: a list of inventories.
func (z zstack) queryProject(c *call) reply {
	p := z.m.state.snapshot().Project
	if c.params["uuid"] != p.UUID {
		return jsonReply(http.StatusOK, zstackContentType, map[string]any{"inventories": []any{}})
	}
	return jsonReply(http.StatusOK, zstackContentType, map[string]any{"inventories": []any{inventoryOf(p)}})
}

// logOut ends a session issued by LogInByAccount; ZStack answers an empty object.
func (z zstack) logOut(c *call) reply {
	z.m.state.endSession(c.params["uuid"])
	return jsonReply(http.StatusOK, zstackContentType, map[string]any{})
}
