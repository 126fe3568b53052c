package runner

import (
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"

	"github.com/conformance-suite/conformance/credentials"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/signing"
	"github.com/conformance-suite/conformance/specs"
)

// client is how one provider's official client shapes and authenticates a request, so that
// the runner sends what real clients send (CONTEXT.md section 2 records what they were seen to send).
type client struct {
	// contentType is what the official client sends with a body.
	contentType string
	// prepare adds the headers and query parameters the official client always sends.
	prepare func(r *http.Request, op *specs.Operation, s *session)
	// authenticate applies valid, no or wrong credentials, signing last of all. Every
	// signature it computes is registered with the session's redactor as it is made.
	authenticate func(r *http.Request, body []byte, mode fixtures.Credentials, s *session) error
	// missing says why cases needing valid credentials cannot run; "" when they can.
	missing func(c credentials.Set) string
	// forbidden says why the cases sending an identity without the permission cannot run;
	// nil when the provider has no such identity to send (ZStack).
	forbidden func(c credentials.Set) string
}

// unavailable says why a case whose request sends credentials of mode cannot run with c, ""
// when it can: a forbidden case needs the identity without the permission, every other one
// the run's own. It is the skip reason of a secured case that sends credentials.
func (cl client) unavailable(mode fixtures.Credentials, c credentials.Set) string {
	if mode != fixtures.ForbiddenCredentials {
		return cl.missing(c)
	}
	if cl.forbidden == nil {
		return noForbiddenIdentity
	}
	return cl.forbidden(c)
}

// noForbiddenIdentity is why a ZStack case cannot send an identity without the permission.
const noForbiddenIdentity = "ZStack has no identity without the permission to send: a management node accepts the call of such a session (202) and fails its job (ID.1002), it refuses none with 403"

// wrongSecret turns a real secret into a well-formed wrong one: the key is known to the
// target, the signature made with it is not.
func wrongSecret(secret string) string { return secret + "-wrong" }

var clients = map[string]client{
	"huaweicloud": {
		// The official Go SDK (v0.1.207) was seen to send X-Project-Id and a User-Agent,
		// and to sign user-agent;x-project-id;x-sdk-date.
		contentType: "application/json",
		prepare: func(r *http.Request, _ *specs.Operation, s *session) {
			r.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
			if id := s.creds.HuaweiProjectID; id != "" {
				r.Header.Set("X-Project-Id", id)
			}
		},
		authenticate: func(r *http.Request, body []byte, mode fixtures.Credentials, s *session) error {
			c := s.creds
			signed := c.HuaweiAccessKey != "" && c.HuaweiSecretKey != ""
			switch {
			case mode == fixtures.ForbiddenCredentials:
				if why := huaweiForbidden(c); why != "" {
					return errors.New(why)
				}
				if err := (signing.Huawei{AccessKey: c.HuaweiForbiddenAccessKey, SecretKey: c.HuaweiForbiddenSecretKey, Now: s.clock(mode)}).Sign(r, body); err != nil {
					return err
				}
				s.redact.addSigned(r)
				return nil
			case mode == fixtures.NoCredentials:
				return nil
			case c.HuaweiToken != "" && (mode == fixtures.Valid || mode == fixtures.MalformedCredentials && !signed):
				r.Header.Set("X-Auth-Token", c.HuaweiToken)
				if mode == fixtures.MalformedCredentials {
					r.Header.Set("X-Auth-Token", c.HuaweiToken+" !malformed")
				}
				return nil
			case signed:
				secret := c.HuaweiSecretKey
				if mode == fixtures.WrongCredentials {
					secret = wrongSecret(secret)
				}
				if err := (signing.Huawei{AccessKey: c.HuaweiAccessKey, SecretKey: secret, Now: s.clock(mode)}).Sign(r, body); err != nil {
					return err
				}
				s.redact.addSigned(r)
				if mode == fixtures.MalformedCredentials {
					malformSignature(r, "Signature=")
				}
				return nil
			case mode == fixtures.WrongCredentials:
				r.Header.Set("X-Auth-Token", "conformance-wrong-token")
				return nil
			}
			return fmt.Errorf("no Huawei credentials")
		},
		missing: func(c credentials.Set) string {
			if c.HuaweiToken == "" && (c.HuaweiAccessKey == "" || c.HuaweiSecretKey == "") {
				return "no Huawei Cloud credentials: set " + credentials.EnvHuaweiToken + " or " +
					credentials.EnvHuaweiAccessKey + " and " + credentials.EnvHuaweiSecretKey
			}
			return ""
		},
		forbidden: huaweiForbidden,
	},
	"alibabacloud": {
		// The official SDK (v1.63.107) sends POST / with every parameter in the query, an
		// empty body, the form Content-Type and x-acs-action/x-acs-version even under V1.
		contentType: "application/x-www-form-urlencoded",
		prepare: func(r *http.Request, op *specs.Operation, s *session) {
			r.Header.Set("User-Agent", fmt.Sprintf("AlibabaCloud (%s; %s) Golang/%s Core/1.63.107", runtime.GOOS, runtime.GOARCH, runtime.Version()))
			r.Header.Set("x-acs-action", op.Action)
			r.Header.Set("x-acs-version", op.Version)
			if s.cfg.AlibabaSignature == "v3" {
				// V3 clients carry the action and version in the headers alone; darabonba
				// also sends (and so signs) the kind of credential it used.
				r.Header.Set("x-acs-credentials-provider", "static_ak")
				return
			}
			q := r.URL.Query()
			q.Set("Action", op.Action)
			q.Set("Version", op.Version)
			q.Set("Format", "JSON")
			q.Set("RegionId", s.cfg.alibabaRegionID())
			r.URL.RawQuery = q.Encode()
		},
		authenticate: func(r *http.Request, body []byte, mode fixtures.Credentials, s *session) error {
			if mode == fixtures.NoCredentials {
				return nil
			}
			id, secret := s.creds.AlibabaKeyID, s.creds.AlibabaKeySecret
			if mode == fixtures.ForbiddenCredentials {
				if why := alibabaForbidden(s.creds); why != "" {
					return errors.New(why)
				}
				id, secret = s.creds.AlibabaForbiddenKeyID, s.creds.AlibabaForbiddenKeySecret
			}
			if id == "" || secret == "" {
				if mode != fixtures.WrongCredentials {
					return fmt.Errorf("no Alibaba Cloud credentials")
				}
				id, secret = "LTAIconformanceWrongKey", "wrong"
			}
			if mode == fixtures.WrongCredentials {
				secret = wrongSecret(secret)
			}
			if s.cfg.AlibabaSignature == "v3" {
				if err := (signing.AlibabaV3{AccessKeyID: id, Secret: secret, Now: s.clock(mode)}).Sign(r, body); err != nil {
					return err
				}
				s.redact.addSigned(r)
				if mode == fixtures.MalformedCredentials {
					malformSignature(r, "Signature=")
				}
				return nil
			}
			if err := (signing.AlibabaV1{AccessKeyID: id, Secret: secret, Now: s.clock(mode)}).Sign(r); err != nil {
				return err
			}
			s.redact.addSigned(r)
			if mode == fixtures.MalformedCredentials {
				q := r.URL.Query()
				q.Set("Signature", "!not-base64!")
				r.URL.RawQuery = q.Encode()
			}
			return nil
		},
		missing: func(c credentials.Set) string {
			if c.AlibabaKeyID == "" || c.AlibabaKeySecret == "" {
				return "no Alibaba Cloud credentials: set " + credentials.EnvAlibabaKeyID + " and " + credentials.EnvAlibabaKeySecret
			}
			return ""
		},
		forbidden: alibabaForbidden,
	},
	"zstack": {
		// ZStack's own Go client sends the session twice (Authorization: OAuth and
		// X-Session-Id) and a JSON Content-Type with a charset.
		contentType: zstackContentType,
		prepare:     func(*http.Request, *specs.Operation, *session) {},
		authenticate: func(r *http.Request, _ []byte, mode fixtures.Credentials, s *session) error {
			switch mode {
			case fixtures.NoCredentials:
				return nil
			case fixtures.WrongCredentials:
				signing.ZStackSessionHeaders(r.Header, "ffffffffffffffffffffffffffffffff")
				return nil
			case fixtures.StaleCredentials:
				// A session has no time to go stale; an access-key signature has its Date,
				// which the management node checks before it looks the key up (403
				// requestTimeTooSkewed), so a key of the runner's own serves.
				if err := (signing.ZStackAccessKey{KeyID: zstackProbeKeyID, Secret: zstackProbeSecret, Now: s.clock(mode)}).Sign(r); err != nil {
					return err
				}
				s.redact.addSigned(r)
				return nil
			case fixtures.ForbiddenCredentials:
				return errors.New(noForbiddenIdentity)
			}
			session, err := s.zstackSession(r.Context())
			if err != nil {
				return err
			}
			if mode == fixtures.MalformedCredentials {
				session += " !malformed"
			}
			signing.ZStackSessionHeaders(r.Header, session)
			return nil
		},
		missing: func(c credentials.Set) string {
			if c.ZStackSession == "" && (c.ZStackAccount == "" || c.ZStackPassword == "") {
				return "no ZStack credentials: set " + credentials.EnvZStackSession + " or " +
					credentials.EnvZStackAccount + " and " + credentials.EnvZStackPassword
			}
			return ""
		},
	},
}

// zstackContentType is what ZStack's own client sends with every body, its login included.
const zstackContentType = "application/json; charset=utf-8"

// The ZStack access key of a stale signature: the runner's own, known to no management node,
// since the Date it carries is refused before any key is looked up.
const (
	zstackProbeKeyID  = "conformanceStaleProbeKey"
	zstackProbeSecret = "conformance-stale-probe-secret"
)

// huaweiForbidden says why the Huawei identity without the permission cannot be sent.
func huaweiForbidden(c credentials.Set) string {
	if c.HuaweiForbiddenAccessKey == "" || c.HuaweiForbiddenSecretKey == "" {
		return "no Huawei Cloud identity without the permission: set " + credentials.EnvHuaweiForbiddenAccessKey + " and " +
			credentials.EnvHuaweiForbiddenSecretKey + " to the AK/SK of an IAM user that lacks the operations' permissions"
	}
	return ""
}

// alibabaForbidden says why the Alibaba identity without the permission cannot be sent.
func alibabaForbidden(c credentials.Set) string {
	if c.AlibabaForbiddenKeyID == "" || c.AlibabaForbiddenKeySecret == "" {
		return "no Alibaba Cloud identity without the permission: set " + credentials.EnvAlibabaForbiddenKeyID + " and " +
			credentials.EnvAlibabaForbiddenKeySecret + " to the AccessKey of a RAM user that lacks the operations' permissions"
	}
	return ""
}

// malformSignature makes the signature of an Authorization header unreadable (neither hex nor
// base64), keeping the scheme and every other part as signed.
func malformSignature(r *http.Request, key string) {
	auth := r.Header.Get("Authorization")
	if i := strings.LastIndex(auth, key); i >= 0 {
		r.Header.Set("Authorization", auth[:i+len(key)]+"!not-a-signature!")
	}
}
