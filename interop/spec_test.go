package interop_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/specs"
)

// TestSDKRequestsConformToSpecs records what the official SDKs put on the wire for every call
// of sdkCalls and validates each request against the suite's specs with kin-openapi: the
// request must match its operation's method and path template, and its parameters, headers
// and body must validate. A spec that refused what the real clients send would fail every
// real user of the suite.
func TestSDKRequestsConformToSpecs(t *testing.T) {
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	tg := startTarget(t, mock.Options{Credentials: providers.Defaults()})
	c := newSDKClients(t, tg.URL(), providers.Defaults(), nil)
	for _, call := range sdkCalls() {
		t.Run(call.name, func(t *testing.T) {
			op, ok := set.Operation(call.operation)
			if !ok {
				t.Fatalf("no operation %s in the specs", call.operation)
			}
			if _, err := call.send(c); err != nil {
				t.Fatalf("the SDK call failed: %v", err)
			}
			for _, e := range tg.take() {
				for _, p := range specProblems(op, e) {
					t.Errorf("%s: %s\nheaders: %v\nbody: %s", e, p, e.header, e.body)
				}
			}
		})
	}
}

// specProblems checks one recorded request against op and says what does not conform.
func specProblems(op *specs.Operation, e exchange) []string {
	var out []string
	r := e.request()
	if r.Method != op.Method {
		out = append(out, fmt.Sprintf("method %s, but %s is %s %s", r.Method, op.ID, op.Method, op.Path))
	}
	params, ok := specs.PathValues(op.Path, r.URL.EscapedPath())
	if !ok || len(params) < specs.PathParameterCount(op.Path) {
		return append(out, fmt.Sprintf("path does not match %s's template %s", op.ID, op.Path))
	}
	if op.Action != "" {
		action := r.URL.Query().Get("Action")
		if action == "" {
			action = r.Header.Get("x-acs-action")
		}
		if action != op.Action {
			out = append(out, fmt.Sprintf("names action %q (query Action or x-acs-action), want %s", action, op.Action))
		}
	}
	err := openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      op.Route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			MultiError:         true,
		},
	})
	if err != nil {
		out = append(out, fmt.Sprintf("does not validate against %s: %v", op.Key(), err))
	}
	return out
}

// TestSpecValidationRejectsBrokenSDKRequests breaks one documented field of every recorded
// SDK request and expects specProblems to notice, so that TestSDKRequestsConformToSpecs cannot
// pass by validating nothing (a wrong route, a schema that accepts anything).
func TestSpecValidationRejectsBrokenSDKRequests(t *testing.T) {
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	breakTid := func(e *exchange) {
		u, _ := url.Parse(e.requestURI)
		q := u.Query()
		q.Set("Tid", "not-a-number")
		u.RawQuery = q.Encode()
		e.requestURI = u.RequestURI()
	}
	breaks := map[string]func(e *exchange){
		"InitializeTenant":         func(e *exchange) { e.body = []byte(`{"service_status":"paused"}`) },
		"UpdateTenantConfig":       func(e *exchange) { e.body = []byte(`{"function_config":{"status":"MAYBE"}}`) },
		"UpdateEnterpriseId":       func(e *exchange) { e.body = []byte(`{"enterprise_id":42}`) },
		"GetUserActiveTenant":      breakTid,
		"GetUserActiveTenantByGet": breakTid,
	}
	tg := startTarget(t, mock.Options{Credentials: providers.Defaults()})
	c := newSDKClients(t, tg.URL(), providers.Defaults(), nil)
	for _, call := range sdkCalls() {
		t.Run(call.name, func(t *testing.T) {
			op, ok := set.Operation(call.operation)
			if !ok {
				t.Fatalf("no operation %s in the specs", call.operation)
			}
			breakIt, ok := breaks[call.operation]
			if !ok {
				t.Fatalf("no way to break a request of %s: add one to breaks", call.operation)
			}
			if _, err := call.send(c); err != nil {
				t.Fatalf("the SDK call failed: %v", err)
			}
			for _, e := range tg.take() {
				breakIt(&e)
				if len(specProblems(op, e)) == 0 {
					t.Errorf("%s with body %s validates against %s, want a validation error", e, e.body, op.Key())
				}
			}
		})
	}
}
