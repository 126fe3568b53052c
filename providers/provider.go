// Package providers declares, once per cloud provider, what the suite knows of it beyond its
// specs: the environment variables of its credentials and resource ids with the reference
// target's defaults, the placeholders fixtures may use, how its official client shapes and
// authenticates a request, the statuses it refuses bad credentials with, its session and
// asynchronous jobs, and how state changed by a run is put back. The runner, the reference
// target, redaction, derived cases, `conformance serve` and the README's variable table all
// read these declarations; nothing else names a provider.
//
// Each provider is a package of its own (providers/huaweicloud, providers/alibabacloud,
// providers/zstack) that registers itself, as database/sql drivers do; providers/builtin
// imports the three. A spec whose info.x-provider names no registered provider is refused
// when the specs are loaded.
package providers

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/conformance-suite/conformance/specs"
)

// Provider is everything the suite knows of one provider beyond its specs.
type Provider struct {
	// Name is the provider as the specs' info.x-provider names it, e.g. "huaweicloud".
	Name string
	// Title is the provider as people name it, for banners and the README.
	Title string
	// Variables are the environment variables of the provider's credentials and resource
	// ids, in the order the README and `conformance serve` list them.
	Variables []Variable
	// Placeholders are the names a fixture string may hold in braces, e.g. "{project_id}".
	Placeholders []Placeholder
	// Refusals are the statuses with which the provider refuses bad credentials (none,
	// malformed, wrong, tampered, stale); Forbidden those with which it refuses an identity
	// it authenticated that lacks the operation's permission, nil when it refuses none so.
	Refusals  []int
	Forbidden []int
	// Client is how the provider's official client sends a request.
	Client Client
	// Session, when set, is how a client gets the session it sends (a login).
	Session *Session
	// Async, when set, says how an accepted (202) answer names the job to poll.
	Async *Async
	// Throttling says which answers mean "slow down" rather than a broken contract.
	Throttling Throttling
	// Restorers, per mutating operationId, turn what the operation's read counterpart
	// (x-snapshot) showed before a run into the bodies that put that state back.
	Restorers map[string]Restorer
}

// Variable is one environment variable of a provider.
type Variable struct {
	Env string
	// Default is the reference target's value, published in the README: never a real secret.
	Default string
	// Help says what the variable holds, for the README's table and `conformance serve`.
	Help string
	// Secret values are redacted from every output.
	Secret bool
	// Verbatim values are sent as they are in a header (a token, a session): a curl that
	// reproduces a case names the variable instead of the value.
	Verbatim bool
	// ClientOmits marks a credential sent instead of a signature when it is set (a token): a
	// client of the built-in reference target leaves it unset, so that the default run
	// exercises the signer and the verifier.
	ClientOmits bool
}

// Placeholder is a name a fixture may hold in braces and the variable whose value replaces it.
type Placeholder struct {
	Name string
	From Variable
	// Fills are the path parameters of the provider's operations that the placeholder fills
	// when a case gives none, e.g. Huawei's {project_id}.
	Fills []string
}

// Client is how a provider's official client shapes and authenticates a request, so that the
// runner sends what real clients send (CONTEXT.md section 2 records what they were seen to send).
type Client struct {
	// ContentType is what the official client sends with a body.
	ContentType string
	// Prepare adds the headers and query parameters the official client always sends.
	Prepare func(r *http.Request, op *specs.Operation, run Run)
	// Authenticate applies credentials of mode, signing last of all. Every signature it
	// computes is registered with run.Signed as it is made.
	Authenticate func(r *http.Request, body []byte, mode Mode, run Run) error
	// Unavailable says why a case sending credentials of mode cannot run with c; "" when it can.
	Unavailable func(c Credentials, mode Mode) string
}

// Run is what a provider's client needs of the run that sends a request.
type Run interface {
	Credentials() Credentials
	// Clock is the time a signature of mode is made at (an hour behind when stale).
	Clock(mode Mode) func() time.Time
	// Signed registers the signature just added to r for redaction.
	Signed(r *http.Request)
	// Setting is the value of a run setting by its flag name, e.g. "alibaba-signature".
	Setting(name string) string
	// Session is the provider's session (see Session), logging in once if need be.
	Session(ctx context.Context) (string, error)
}

// Session is how a client of the provider gets the session it sends: one configured, or one
// from logging in once, ended after the run if the run logged in.
type Session struct {
	// Configured holds a session the user gave; the login is skipped when it is set.
	Configured Variable
	// Login is the operationId of the login and Logout of the logout, whose path takes the
	// session as {uuid}.
	Login, Logout string
	// LoginBody is the login's body from the credentials, and the secrets derived from them
	// (a password hash) that must be redacted.
	LoginBody func(c Credentials) (body []byte, secrets []string)
	// Account names who logs in, for the error of a failed login.
	Account Variable
	// SessionOf reads the session from the login's answer, "" when it holds none.
	SessionOf func(body []byte) string
}

// Async says how the provider's asynchronous jobs are followed: an accepted (202) answer
// names where the job is polled, with some of the request's headers.
type Async struct {
	// Location reads where the job is polled from the 202 answer, "" when it names none.
	Location func(body []byte) string
	// Carry are the request headers each poll sends again (the credentials).
	Carry []string
}

// Throttling is what a provider answers when it throttles a caller, as its documentation and
// its gateway say it: HTTP statuses that mean throttling whatever the body, and the error codes
// of its envelope that do on any error status.
type Throttling struct {
	Statuses  []int
	CodeField string   // top-level field of the error envelope that holds the code
	Codes     []string // codes of that field that mean throttled
}

// Restorer turns the snapshot of an operation's state into the bodies that put it back, and
// says in a few words what they restore.
type Restorer func(snapshot any) (bodies []any, what string, err error)

// Mode says which credentials a request sends (fixtures name it `credentials:`).
type Mode string

// The credential modes of a request.
const (
	// Valid sends the configured credentials (the default).
	Valid Mode = "valid"
	// NoCredentials sends none at all.
	NoCredentials Mode = "none"
	// WrongCredentials sends well-formed credentials that the target must not accept.
	WrongCredentials Mode = "wrong"
	// MalformedCredentials sends the configured credential in the provider's place and
	// scheme with one part of it unreadable: a signature that is neither hex nor base64, a
	// session with a space in it.
	MalformedCredentials Mode = "malformed"
	// TamperedCredentials signs the request correctly with the configured key and then
	// changes what was signed: one space appended to a non-empty body, or else the digit 0
	// appended to the case's first query parameter by name, or, with neither, the query
	// parameter Tampered=1 added. Signed providers only.
	TamperedCredentials Mode = "tampered"
	// StaleCredentials signs the request correctly with the configured key, with a clock one
	// hour behind: outside the gateways' 15-minute window. Signed providers only, and ZStack:
	// there it is an access-key signature (Authorization: ZStack) by a key of the runner's own,
	// which need not exist, since a management node refuses the Date (403) before it looks the
	// key up.
	StaleCredentials Mode = "stale"
	// ForbiddenCredentials signs the request correctly as a second configured identity that
	// is known to lack the operation's permission (a Huawei IAM user, an Alibaba RAM user
	// without the policy): authenticated, and refused with 403.
	ForbiddenCredentials Mode = "forbidden"
)

// Modes lists every mode, in the order the fixture loader names them.
var Modes = []Mode{Valid, NoCredentials, WrongCredentials, MalformedCredentials, TamperedCredentials, StaleCredentials, ForbiddenCredentials}

// Signed reports whether the mode needs a signing key: tampered and stale are a signature
// made over other content or at another time, which a bearer token or session cannot express.
func (m Mode) Signed() bool { return m == TamperedCredentials || m == StaleCredentials }

// The registry. Providers register from init, so it is complete before any run; the lists
// are kept sorted as they are registered, since the runner reads them for every case it plans
// and sends (placeholders, variables) and they need not be rebuilt each time.
var (
	mu           sync.RWMutex
	registered   = map[string]*Provider{}
	sorted       []*Provider
	placeholders []Placeholder
	variables    []Variable
)

// Register adds a provider; a provider package calls it from init. Registering a name twice,
// or a placeholder or variable another provider declares, panics: it is a programming error
// found by the first test.
func Register(p *Provider) {
	mu.Lock()
	defer mu.Unlock()
	if p.Name == "" || registered[p.Name] != nil {
		panic(fmt.Sprintf("providers: %q registered twice or unnamed", p.Name))
	}
	for _, other := range registered {
		for _, v := range other.Variables {
			if slices.ContainsFunc(p.Variables, func(w Variable) bool { return w.Env == v.Env }) {
				panic("providers: " + p.Name + " declares " + v.Env + ", a variable of " + other.Name)
			}
		}
		for _, ph := range other.Placeholders {
			if slices.ContainsFunc(p.Placeholders, func(q Placeholder) bool { return q.Name == ph.Name }) {
				panic("providers: " + p.Name + " declares {" + ph.Name + "}, a placeholder of " + other.Name)
			}
		}
	}
	registered[p.Name] = p
	sorted = slices.SortedFunc(maps.Values(registered), func(a, b *Provider) int { return strings.Compare(a.Name, b.Name) })
	placeholders, variables = nil, nil
	for _, q := range sorted {
		placeholders = append(placeholders, q.Placeholders...)
		variables = append(variables, q.Variables...)
	}
}

// Lookup returns the registered provider of a name.
func Lookup(name string) (*Provider, bool) {
	mu.RLock()
	defer mu.RUnlock()
	p, ok := registered[name]
	return p, ok
}

// All returns every registered provider, by name. The slice is shared: do not modify it.
func All() []*Provider {
	mu.RLock()
	defer mu.RUnlock()
	return sorted
}

// Names lists the registered providers, for messages.
func Names() string {
	var names []string
	for _, p := range All() {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// Check refuses specs whose info.x-provider names no registered provider, when they are loaded,
// so that no later step meets a provider it knows nothing of.
func Check(set *specs.Set) error {
	for _, sp := range set.Specs {
		if _, ok := Lookup(sp.Provider); !ok {
			return fmt.Errorf("specs: %s: info.x-provider %q is not a provider the suite supports (%s)", sp.File, sp.Provider, Names())
		}
	}
	return nil
}

// Of returns the provider of an operation; the specs were checked when loaded (Check).
func Of(op *specs.Operation) *Provider {
	p, ok := Lookup(op.Provider)
	if !ok {
		panic("providers: operation " + op.ID + " of unregistered provider " + op.Provider + " (specs not checked with providers.Check)")
	}
	return p
}

// Placeholders lists every registered placeholder, provider by provider. The slice is
// shared: do not modify it.
func Placeholders() []Placeholder {
	mu.RLock()
	defer mu.RUnlock()
	return placeholders
}

// Variables lists every registered variable, provider by provider. The slice is shared: do
// not modify it.
func Variables() []Variable {
	mu.RLock()
	defer mu.RUnlock()
	return variables
}

// VariablesMarkdown is the README's table of every registered variable: the README holds
// it between markers, and a test keeps the two equal.
func VariablesMarkdown() string {
	var b strings.Builder
	b.WriteString("| provider | variable | what | reference target default |\n|---|---|---|---|\n")
	for _, p := range All() {
		for _, v := range p.Variables {
			fmt.Fprintf(&b, "| %s | `%s` | %s | `%s` |\n", p.Title, v.Env, v.Help, v.Default)
		}
	}
	return b.String()
}
