// Package recording turns exchanges into fixture files in the suite's own format, one file per
// operation, so that `conformance run --fixtures DIR` replays what a client (through the proxy)
// or a run sent, against any target.
//
// A recording holds no credential: every signature, key, token, session and signing parameter
// is left out and each case says `credentials: valid`, since the replaying run signs afresh
// with its own. What the provider's official client sends by itself (Action, Version, RegionId,
// User-Agent, X-Project-Id, …) is left to the replaying client too. The run's configured ids
// become their placeholders ({project_id}, …) when the recorder is given them, so that the
// recording replays on another account. The expectation is the observed status, with the
// provider's error code when the answer carries one, and nothing of the body: a recorder cannot
// tell a documented value from a request id, a date or a job's uuid, and an expectation of a
// volatile value is a check that fails on every replay.
//
// Every case is decoded back with the fixtures package, strictly, before it is kept: a recording
// always loads.
package recording

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/specs"
)

// MaxBody is the largest request body recorded: a fixture is read whole and reviewed by
// people, and no documented request of the suite's operations comes near it.
const MaxBody = 1 << 20

// MaxCases bounds the distinct cases kept per operation, so that a long-running proxy holds
// bounded memory; identical exchanges count once.
const MaxCases = 1000

// Label is the label of every recorded case (`--label-filter recorded` selects them).
const Label = "recorded"

// ErrNoAnswer is Add's error for an exchange that got no complete answer: there is no status
// to expect, and a timeout is a property of the moment, not of the contract.
var ErrNoAnswer = errors.New("no complete answer: nothing to expect")

// Options are what a recorder knows of the run whose exchanges it records.
type Options struct {
	// Values are the run's placeholder values by name ("project_id" → "0f51…", as
	// providers.Placeholders name them): a path parameter, query value, header value, form value
	// or JSON string equal to one is written as the placeholder. Without them values stay literal.
	Values map[string]string
	// Secrets are values no recording may hold (the configured keys, tokens, sessions, password
	// hashes): an exchange that still holds one after the credentials were stripped is refused,
	// rather than written with a secret or replayed with a REDACTED in its place.
	Secrets []string
}

// Recorder collects exchanges as fixture cases and writes them, one file per operation. It is
// safe for concurrent use.
type Recorder struct {
	dir     string
	byValue map[string]string // placeholder value → its name
	secrets []string

	mu  sync.Mutex
	ops map[string]map[string]recorded // operationId → case name → case
}

// recorded is one kept case and its encoding without the name, which tells a repeated
// exchange from a name collision.
type recorded struct {
	c       fileCase
	content string
}

// New returns a recorder that writes into dir.
func New(dir string, opts Options) *Recorder {
	r := &Recorder{dir: dir, byValue: map[string]string{}, ops: map[string]map[string]recorded{}}
	// Two placeholders with one value: the first by name wins, whatever the map's order.
	for _, name := range slices.Sorted(maps.Keys(opts.Values)) {
		if v := opts.Values[name]; v != "" && r.byValue[v] == "" {
			r.byValue[v] = name
		}
	}
	for _, s := range opts.Secrets {
		if len(s) >= minSecret {
			r.secrets = append(r.secrets, s)
		}
	}
	return r
}

// minSecret is the shortest value treated as a secret, as the runner's redactor treats them:
// refusing on shorter ones would refuse ordinary text.
const minSecret = 4

// Add records one exchange of op as a case. It returns why an exchange is not recorded:
// ErrNoAnswer when resp is nil; a request the fixture format cannot replay faithfully (a path
// that does not fit op's template, a repeated query parameter, a header value the runner could
// not send, a literal {name} the runner would take for a placeholder, a body over MaxBody, a
// status that is not HTTP's); the provider's login and logout, whose bodies and answers are
// credentials; a request still holding one of Options.Secrets; an operation already holding
// MaxCases cases. An exchange identical to one recorded adds nothing.
func (r *Recorder) Add(op *specs.Operation, req conformance.Request, resp *conformance.Response) error {
	if op == nil {
		return errors.New("recording: no operation")
	}
	if resp == nil {
		return fmt.Errorf("recording %s: %w", op.ID, ErrNoAnswer)
	}
	c, content, err := r.caseOf(op, req, resp)
	if err != nil {
		return fmt.Errorf("recording %s: %w", op.ID, err)
	}
	sum := sha256.Sum256([]byte(content))
	c.Name = fmt.Sprintf("%s %s answers %d (%s)", op.Method, op.Path, resp.Status, hex.EncodeToString(sum[:6]))
	r.mu.Lock()
	defer r.mu.Unlock()
	cases := r.ops[op.ID]
	if cases == nil {
		cases = map[string]recorded{}
		r.ops[op.ID] = cases
	}
	if prev, ok := cases[c.Name]; ok && prev.content != content {
		c.Name = fmt.Sprintf("%s %s answers %d (%s)", op.Method, op.Path, resp.Status, hex.EncodeToString(sum[:]))
	}
	if prev, ok := cases[c.Name]; ok && prev.content == content {
		return nil
	}
	if len(cases) >= MaxCases {
		return fmt.Errorf("recording %s: already %d distinct cases (MaxCases)", op.ID, MaxCases)
	}
	cases[c.Name] = recorded{c: c, content: content}
	return nil
}

// Flush writes <operationId>.yaml into dir for every operation recorded so far (dir 0700,
// files 0600, each written to a new file and renamed, as the reports are), its cases sorted by
// name, so that the same exchanges in any order give the same bytes. It may be called again:
// each call rewrites the files whole.
func (r *Recorder) Flush() error {
	r.mu.Lock()
	files := make(map[string][]fileCase, len(r.ops))
	for id, cases := range r.ops {
		for _, name := range slices.Sorted(maps.Keys(cases)) {
			files[id] = append(files[id], cases[name].c)
		}
	}
	r.mu.Unlock()
	var errs []error
	for _, id := range slices.Sorted(maps.Keys(files)) {
		data, err := encode(id, files[id])
		if err == nil {
			err = reports.WriteFile(r.dir, id+".yaml", data)
		}
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("writing the recording to %s: %w", r.dir, err)
	}
	return nil
}

// The YAML layout of a fixture file (package fixtures decodes it; its types are its own). A
// test decodes every recording with fixtures.Load, strictly, so the two cannot drift apart.
type file struct {
	Operation string     `yaml:"operation"`
	Labels    []string   `yaml:"labels,flow"`
	Cases     []fileCase `yaml:"cases"`
}

type fileCase struct {
	Name    string        `yaml:"name,omitempty"`
	Kind    fixtures.Kind `yaml:"kind"`
	Request fileRequest   `yaml:"request"`
	Expect  fileExpect    `yaml:"expect"`
}

type fileRequest struct {
	Path        map[string]string    `yaml:"path,omitempty"`
	Query       map[string]string    `yaml:"query,omitempty"`
	Headers     map[string]string    `yaml:"headers,omitempty"`
	Body        *yaml.Node           `yaml:"body,omitempty"`
	RawBody     *string              `yaml:"raw_body,omitempty"`
	ContentType *string              `yaml:"content_type,omitempty"`
	Credentials fixtures.Credentials `yaml:"credentials"`
}

type fileExpect struct {
	Status    int    `yaml:"status"`
	ErrorCode string `yaml:"error_code,omitempty"`
}

// header heads every recorded file; it names nothing of the run, so that recordings of the
// same traffic compare equal wherever they were made.
const header = "# Recorded exchanges of %s, one case each (package recording). Credentials, signatures\n" +
	"# and what the provider's client sends by itself are left out; replay with\n" +
	"# `conformance run --fixtures <this directory>`.\n"

func encode(operation string, cases []fileCase) ([]byte, error) {
	body, err := yaml.Marshal(file{Operation: operation, Labels: []string{Label}, Cases: cases})
	if err != nil {
		return nil, err
	}
	return append([]byte(fmt.Sprintf(header, operation)), body...), nil
}

// caseOf turns one exchange into a case and its encoding without a name, checked by decoding
// it back with the fixtures package. A JSON body that does not survive that (a number YAML
// cannot hold) is recorded verbatim instead.
func (r *Recorder) caseOf(op *specs.Operation, req conformance.Request, resp *conformance.Response) (fileCase, string, error) {
	if resp.Status < 100 || resp.Status > 599 {
		return fileCase{}, "", fmt.Errorf("status %d is not an HTTP status", resp.Status)
	}
	fr, raw, err := r.request(op, req)
	if err != nil {
		return fileCase{}, "", err
	}
	c := fileCase{Kind: fixtures.Positive, Request: fr, Expect: fileExpect{Status: resp.Status, ErrorCode: errorCode(op, resp)}}
	if c.Expect.Status >= 400 || c.Expect.ErrorCode != "" {
		c.Kind = fixtures.Negative
	}
	if fr.Credentials == fixtures.NoCredentials {
		if c.Kind == fixtures.Positive {
			return fileCase{}, "", fmt.Errorf("the request carries no credentials and was answered %s: a fixture can only expect a refusal of such a request", specs.StatusText(resp.Status))
		}
		c.Kind = fixtures.Auth
	}
	if err := r.checkSecrets(c, raw); err != nil {
		return fileCase{}, "", err
	}
	content, err := verify(op, c)
	if err != nil && c.Request.Body != nil {
		body := string(raw.body)
		c.Request.Body, c.Request.RawBody = nil, &body
		content, err = verify(op, c)
	}
	return c, content, err
}

// verify encodes a case alone in a file and decodes it with the fixtures package, the way a
// replaying run will. The case is named later, from a hash of this encoding, so it is encoded
// under a name of its own meanwhile.
func verify(op *specs.Operation, c fileCase) (string, error) {
	c.Name = "unnamed"
	data, err := encode(op.ID, []fileCase{c})
	if err != nil {
		return "", err
	}
	if _, err := fixtures.Parse(op.ID+".yaml", data, func(id string) bool { return id == op.ID }); err != nil {
		return "", err
	}
	return string(data), nil
}

// errorCode is the provider's error code in the answer, when it is an error envelope or a
// business failure that carries one; error_envelope_conformance compares it on replay.
func errorCode(op *specs.Operation, resp *conformance.Response) string {
	body, err := resp.JSON()
	if err != nil {
		return ""
	}
	ptr := op.Spec.EnvelopeCode
	if resp.Status < 400 {
		doc := op.Responses[resp.Status]
		if doc == nil || doc.BusinessFailure == nil {
			return ""
		}
		m, _ := body.(map[string]any)
		if success, ok := m[doc.BusinessFailure.SuccessField].(bool); !ok || success {
			return ""
		}
		ptr = "/" + doc.BusinessFailure.CodeField
	}
	if ptr == "" {
		return ""
	}
	code, _ := lookup(body, ptr).(string)
	return code
}

// checkSecrets refuses a case that still holds a secret, in the forms a request carries it in.
func (r *Recorder) checkSecrets(c fileCase, raw rawRequest) error {
	hay := strings.Join(append(raw.strings, string(raw.body)), "\n")
	data, err := yaml.Marshal(c)
	if err != nil {
		return err
	}
	hay += "\n" + string(data)
	for _, s := range r.secrets {
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s)} {
			if strings.Contains(hay, form) {
				return errors.New("the request holds one of the secrets the recorder was given, outside the credentials it strips: not recorded")
			}
		}
	}
	return nil
}
