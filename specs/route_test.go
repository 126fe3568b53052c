package specs_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/conformance-suite/conformance/specs"
)

// Every operation is routed from its own method and path template (RPC actions by the query's
// Action or the x-acs-action header), with its path parameters; anything else is a miss that
// names the provider whose paths it shares.
func TestRouteFindsEveryOperation(t *testing.T) {
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`\{[^}]+\}`)
	for _, op := range set.Operations {
		path := param.ReplaceAllString(op.Path, "a%2Fb")
		var reqs []*http.Request
		if op.Action != "" {
			byQuery := httptest.NewRequest(op.Method, path+"?Action="+op.Action, nil)
			byHeader := httptest.NewRequest(op.Method, path, nil)
			byHeader.Header.Set("x-acs-action", op.Action)
			reqs = append(reqs, byQuery, byHeader)
		} else {
			reqs = append(reqs, httptest.NewRequest(op.Method, path, nil))
		}
		for _, r := range reqs {
			got, params, miss := set.Route(r)
			if got != op || miss != nil {
				t.Errorf("%s %s routes to %v (miss %+v), want %s", r.Method, r.URL, got, miss, op.ID)
			}
			for _, name := range op.PathParameters() {
				if params[name] != "a/b" {
					t.Errorf("%s: path parameter %s = %q, want it unescaped", op.ID, name, params[name])
				}
			}
		}
	}
	for _, c := range []struct{ method, target, provider, action string }{
		{http.MethodGet, "/v2/p/no-such-thing", "huaweicloud", ""},
		{http.MethodPost, "/?Action=NoSuchAction", "alibabacloud", "NoSuchAction"},
		{http.MethodPost, "/", "alibabacloud", ""},
		{http.MethodGet, "/elsewhere", "", ""},
	} {
		op, _, miss := set.Route(httptest.NewRequest(c.method, c.target, nil))
		if op != nil || miss == nil || miss.Provider != c.provider || miss.Action != c.action {
			t.Errorf("%s %s: %v, miss %+v, want a miss of %q action %q", c.method, c.target, op, miss, c.provider, c.action)
		}
	}
}
