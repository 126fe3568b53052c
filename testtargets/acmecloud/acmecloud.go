// Package acmecloud is a fourth provider that exists only for tests: declared in this one
// package, it shows that a provider is added without touching the runner, the checks or the
// reports. It authenticates with an API key header, names an account in every path, and
// refuses bad keys with 401 in its own error envelope. Stub answers its one operation.
package acmecloud

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/specs"
)

// The provider's variables.
var (
	Key = providers.Variable{Env: "CONFORMANCE_ACMECLOUD_KEY", Default: "acme-test-key-0001", Secret: true, Verbatim: true,
		Help: "API key, sent as `X-Acme-Key`"}
	Account = providers.Variable{Env: "CONFORMANCE_ACMECLOUD_ACCOUNT", Default: "acct-42",
		Help: "account of every path, `{acme_account}`"}
)

// Provider is Acme Cloud.
var Provider = &providers.Provider{
	Name:      "acmecloud",
	Title:     "Acme Cloud",
	Variables: []providers.Variable{Key, Account},
	Placeholders: []providers.Placeholder{
		{Name: "acme_account", From: Account, Fills: []string{"account_id"}},
	},
	Refusals: []int{401},
	Client: providers.Client{
		ContentType: "application/json",
		Prepare: func(r *http.Request, _ *specs.Operation, _ providers.Run) {
			r.Header.Set("User-Agent", "acme-sdk/1.0")
		},
		Authenticate: func(r *http.Request, _ []byte, mode providers.Mode, run providers.Run) error {
			key := run.Credentials().Get(Key)
			switch mode {
			case providers.NoCredentials:
				return nil
			case providers.WrongCredentials:
				key = providers.WrongSecret(key)
			case providers.MalformedCredentials:
				key += " !malformed"
			}
			r.Header.Set("X-Acme-Key", key)
			return nil
		},
		Unavailable: func(c providers.Credentials, _ providers.Mode) string {
			return providers.Need(c, "no Acme Cloud key", Key)
		},
	},
}

func init() { providers.Register(Provider) }

// Spec is the provider's one operation, as a user would write it.
const Spec = `openapi: 3.0.3
info:
  title: Acme Cloud widgets
  version: "v1"
  x-provider: acmecloud
  x-service: acmecloud-widgets
  x-error-envelope:
    schema: '#/components/schemas/AcmeError'
    code-pointer: /error/code
servers:
  - url: https://widgets.acme.example
security:
  - apiKey: []
paths:
  /v1/accounts/{account_id}/widgets:
    get:
      operationId: ListAcmeWidgets
      x-mutates: false
      parameters:
        - {name: account_id, in: path, required: true, schema: {type: string}}
        - {name: limit, in: query, required: false, schema: {type: integer, minimum: 1, maximum: 100}}
      responses:
        "200":
          description: The account's widgets.
          content:
            application/json:
              schema:
                type: object
                required: [widgets]
                properties:
                  widgets:
                    type: array
                    items:
                      type: object
                      required: [id, size]
                      properties:
                        id: {type: string}
                        size: {type: integer}
        "400":
          description: Invalid parameter.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/AcmeError'}
        "401":
          description: Bad or missing key.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/AcmeError'}
        "404":
          description: No such account.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/AcmeError'}
components:
  securitySchemes:
    apiKey:
      type: apiKey
      in: header
      name: X-Acme-Key
  schemas:
    AcmeError:
      type: object
      required: [error]
      properties:
        error:
          type: object
          required: [code, message]
          properties:
            code: {type: string}
            message: {type: string}
`

// Fixture holds the operation's cases.
const Fixture = `operation: ListAcmeWidgets
cases:
  - name: list the widgets
    kind: positive
    request:
      query: {limit: "10"}
    expect: {status: 200}
  - name: unknown account
    kind: negative
    request:
      path: {account_id: nobody}
    expect: {status: 404, error_code: NoSuchAccount}
`

// Stub answers ListAcmeWidgets as the documentation says, for the default credentials.
func Stub() http.Handler {
	d := providers.Defaults()
	answer := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	refuse := func(w http.ResponseWriter, status int, code, msg string) {
		answer(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-Acme-Key")), []byte(d.Get(Key))) != 1 {
			refuse(w, http.StatusUnauthorized, "Unauthorized", "send a valid X-Acme-Key")
			return
		}
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		if len(parts) != 4 || parts[0] != "v1" || parts[1] != "accounts" || parts[3] != "widgets" || r.Method != http.MethodGet {
			refuse(w, http.StatusNotFound, "NotFound", "no such route")
			return
		}
		if parts[2] != d.Get(Account) {
			refuse(w, http.StatusNotFound, "NoSuchAccount", "no such account")
			return
		}
		if l := r.URL.Query().Get("limit"); l != "" && !validLimit(l) {
			refuse(w, http.StatusBadRequest, "InvalidParameter", "limit must be an integer in 1..100")
			return
		}
		answer(w, http.StatusOK, map[string]any{"widgets": []map[string]any{{"id": "w1", "size": 3}}})
	})
}

func validLimit(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= 100
}
