package providers

import (
	"errors"
	"net/http"
	"strings"
)

// WrongSecret turns a real secret into a well-formed wrong one: the key is known to the
// target, the signature made with it is not.
func WrongSecret(secret string) string { return secret + "-wrong" }

// MalformSignature makes the signature of an Authorization header unreadable (neither hex nor
// base64), keeping the scheme and every other part as signed; key is what precedes the
// signature, e.g. "Signature=".
func MalformSignature(r *http.Request, key string) {
	auth := r.Header.Get("Authorization")
	if i := strings.LastIndex(auth, key); i >= 0 {
		r.Header.Set("Authorization", auth[:i+len(key)]+"!not-a-signature!")
	}
}

// Field is a field of a decoded JSON object, nil when v is none or lacks it; restorers read
// snapshots with it.
func Field(v any, name string) any {
	m, _ := v.(map[string]any)
	return m[name]
}

// Need says which variables to set when any of vars is unset: "" when all are set.
func Need(c Credentials, what string, vars ...Variable) string {
	if c.Has(vars...) {
		return ""
	}
	names := make([]string, len(vars))
	for i, v := range vars {
		names[i] = v.Env
	}
	return what + ": set " + strings.Join(names, " and ")
}

// ErrNoCredentials is Authenticate's error when a mode needs credentials the run has none of;
// the plan skips such cases first, so it is seen only by a caller that did not ask Unavailable.
var ErrNoCredentials = errors.New("no credentials for this provider")
