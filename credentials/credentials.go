// Package credentials holds the one configuration that the runner and the reference target must
// agree on: which environment variables carry the credentials and resource ids, and the
// documented defaults the built-in reference target uses when they are unset.
package credentials

// The environment variables, spelled exactly as the README and CONTEXT.md document them.
const (
	EnvHuaweiToken       = "CONFORMANCE_HUAWEICLOUD_TOKEN"
	EnvHuaweiAccessKey   = "CONFORMANCE_HUAWEICLOUD_ACCESS_KEY"
	EnvHuaweiSecretKey   = "CONFORMANCE_HUAWEICLOUD_SECRET_KEY"
	EnvHuaweiProjectID   = "CONFORMANCE_HUAWEICLOUD_PROJECT_ID"
	EnvAlibabaKeyID      = "CONFORMANCE_ALIBABACLOUD_ACCESS_KEY_ID"
	EnvAlibabaKeySecret  = "CONFORMANCE_ALIBABACLOUD_ACCESS_KEY_SECRET"
	EnvAlibabaTid        = "CONFORMANCE_ALIBABACLOUD_TID"
	EnvZStackSession     = "CONFORMANCE_ZSTACK_SESSION"
	EnvZStackAccount     = "CONFORMANCE_ZSTACK_ACCOUNT"
	EnvZStackPassword    = "CONFORMANCE_ZSTACK_PASSWORD"
	EnvZStackProjectUUID = "CONFORMANCE_ZSTACK_PROJECT_UUID"

	// The identities without the permission: authenticated, and refused 403 (the forbidden
	// cases). A ZStack management node has none to name: it refuses a session without the
	// permission only in the result of the job it accepted.
	EnvHuaweiForbiddenAccessKey  = "CONFORMANCE_HUAWEICLOUD_FORBIDDEN_ACCESS_KEY"
	EnvHuaweiForbiddenSecretKey  = "CONFORMANCE_HUAWEICLOUD_FORBIDDEN_SECRET_KEY"
	EnvAlibabaForbiddenKeyID     = "CONFORMANCE_ALIBABACLOUD_FORBIDDEN_ACCESS_KEY_ID"
	EnvAlibabaForbiddenKeySecret = "CONFORMANCE_ALIBABACLOUD_FORBIDDEN_ACCESS_KEY_SECRET"
)

// Set is every credential and resource id, as read from the environment.
type Set struct {
	HuaweiToken       string
	HuaweiAccessKey   string
	HuaweiSecretKey   string
	HuaweiProjectID   string
	AlibabaKeyID      string
	AlibabaKeySecret  string
	AlibabaTid        string
	ZStackSession     string
	ZStackAccount     string
	ZStackPassword    string
	ZStackProjectUUID string
	// HuaweiForbidden* is the AK/SK of an IAM user that lacks the operations' permissions;
	// AlibabaForbidden* the AccessKey of a RAM user that lacks them.
	HuaweiForbiddenAccessKey  string
	HuaweiForbiddenSecretKey  string
	AlibabaForbiddenKeyID     string
	AlibabaForbiddenKeySecret string
}

// fields ties each variable to its field, so reading, defaulting and redaction share one table.
func (s *Set) fields() []struct {
	env    string
	value  *string
	secret bool
} {
	return []struct {
		env    string
		value  *string
		secret bool
	}{
		{EnvHuaweiToken, &s.HuaweiToken, true},
		{EnvHuaweiAccessKey, &s.HuaweiAccessKey, true},
		{EnvHuaweiSecretKey, &s.HuaweiSecretKey, true},
		{EnvHuaweiProjectID, &s.HuaweiProjectID, false},
		{EnvAlibabaKeyID, &s.AlibabaKeyID, true},
		{EnvAlibabaKeySecret, &s.AlibabaKeySecret, true},
		{EnvAlibabaTid, &s.AlibabaTid, false},
		{EnvZStackSession, &s.ZStackSession, true},
		{EnvZStackAccount, &s.ZStackAccount, false},
		{EnvZStackPassword, &s.ZStackPassword, true},
		{EnvZStackProjectUUID, &s.ZStackProjectUUID, false},
		{EnvHuaweiForbiddenAccessKey, &s.HuaweiForbiddenAccessKey, true},
		{EnvHuaweiForbiddenSecretKey, &s.HuaweiForbiddenSecretKey, true},
		{EnvAlibabaForbiddenKeyID, &s.AlibabaForbiddenKeyID, true},
		{EnvAlibabaForbiddenKeySecret, &s.AlibabaForbiddenKeySecret, true},
	}
}

// Names lists every variable.
func Names() []string {
	var s Set
	var out []string
	for _, f := range s.fields() {
		out = append(out, f.env)
	}
	return out
}

// FromEnv reads every variable through lookup (os.LookupEnv in production, a map in tests).
func FromEnv(lookup func(string) (string, bool)) Set {
	var s Set
	for _, f := range s.fields() {
		*f.value, _ = lookup(f.env)
	}
	return s
}

// Defaults are the credentials and ids of the built-in reference target, used where a variable
// is unset. They are test values, published in the README; never real secrets.
func Defaults() Set {
	return Set{
		HuaweiToken:       "conformance-iam-token",
		HuaweiAccessKey:   "CONFORMANCEHWAK00001",
		HuaweiSecretKey:   "conformance-huawei-secret-key",
		HuaweiProjectID:   "0f5181caba0024e72f89c0045e707b91",
		AlibabaKeyID:      "LTAIconformance00001",
		AlibabaKeySecret:  "conformance-alibaba-secret",
		AlibabaTid:        "3000",
		ZStackSession:     "b86c9016b4f24953a9edefb53ca0678c",
		ZStackAccount:     "admin",
		ZStackPassword:    "conformance-password",
		ZStackProjectUUID: "2dce5dc485554d21a3796500c1db007a",

		HuaweiForbiddenAccessKey:  "CONFORMANCEHWAK00403",
		HuaweiForbiddenSecretKey:  "conformance-huawei-forbidden-secret-key",
		AlibabaForbiddenKeyID:     "LTAIconformance00403",
		AlibabaForbiddenKeySecret: "conformance-alibaba-forbidden-secret",
	}
}

// WithDefaults fills every empty field from d.
func (s Set) WithDefaults(d Set) Set {
	dst, src := s.fields(), d.fields()
	for i := range dst {
		if *dst[i].value == "" {
			*dst[i].value = *src[i].value
		}
	}
	return s
}

// Secrets lists the non-empty secret values (tokens, keys, passwords, sessions), for redaction.
func (s Set) Secrets() []string {
	var out []string
	for _, f := range s.fields() {
		if f.secret && *f.value != "" {
			out = append(out, *f.value)
		}
	}
	return out
}
