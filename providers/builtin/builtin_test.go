package builtin_test

import (
	"strings"
	"testing"

	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/alibabacloud"
	_ "github.com/conformance-suite/conformance/providers/builtin"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
)

// A forbidden case needs the identity without the permission, and names its variables when it
// is not configured; every other mode needs the run's own credentials; ZStack has no such
// identity at all.
func TestUnavailableCredentials(t *testing.T) {
	all := providers.Defaults()
	noForbidden := all.With(huaweicloud.ForbiddenSecretKey, "").With(alibabacloud.ForbiddenKeyID, "")
	onlyForbidden := providers.Credentials{}
	for _, v := range []providers.Variable{huaweicloud.ForbiddenAccessKey, huaweicloud.ForbiddenSecretKey, alibabacloud.ForbiddenKeyID, alibabacloud.ForbiddenKeySecret} {
		onlyForbidden = onlyForbidden.With(v, all.Get(v))
	}
	for _, tc := range []struct {
		provider string
		mode     providers.Mode
		creds    providers.Credentials
		want     []string // substrings of the reason; none: the case can run
	}{
		{"huaweicloud", providers.ForbiddenCredentials, all, nil},
		{"huaweicloud", providers.ForbiddenCredentials, onlyForbidden, nil},
		{"huaweicloud", providers.ForbiddenCredentials, noForbidden, []string{huaweicloud.ForbiddenAccessKey.Env, huaweicloud.ForbiddenSecretKey.Env}},
		{"huaweicloud", providers.Valid, onlyForbidden, []string{huaweicloud.AccessKey.Env}},
		{"huaweicloud", providers.StaleCredentials, all.With(huaweicloud.AccessKey, ""), []string{huaweicloud.AccessKey.Env}},
		{"huaweicloud", providers.Valid, all.With(huaweicloud.AccessKey, ""), nil}, // the token serves
		{"alibabacloud", providers.ForbiddenCredentials, all, nil},
		{"alibabacloud", providers.ForbiddenCredentials, noForbidden, []string{alibabacloud.ForbiddenKeyID.Env, alibabacloud.ForbiddenKeySecret.Env}},
		{"alibabacloud", providers.StaleCredentials, noForbidden, nil},
		{"alibabacloud", providers.Valid, onlyForbidden, []string{alibabacloud.KeyID.Env}},
		{"zstack", providers.ForbiddenCredentials, all, []string{"job", "403"}},
		{"zstack", providers.StaleCredentials, all, nil},
		{"zstack", providers.Valid, onlyForbidden, []string{"CONFORMANCE_ZSTACK_SESSION"}},
	} {
		p, ok := providers.Lookup(tc.provider)
		if !ok {
			t.Fatalf("%s is not registered", tc.provider)
		}
		got := p.Client.Unavailable(tc.creds, tc.mode)
		if (got == "") != (len(tc.want) == 0) {
			t.Errorf("%s %s: %q, want a reason naming %v", tc.provider, tc.mode, got, tc.want)
		}
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s %s: %q does not name %s", tc.provider, tc.mode, got, w)
			}
		}
	}
}

// Each variable, placeholder and provider is declared once; every provider can send every
// credential mode it is asked about, and every credential has a published default.
func TestDeclarations(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range providers.All() {
		if p.Client.Authenticate == nil || p.Client.Prepare == nil || p.Client.Unavailable == nil || p.Client.ContentType == "" {
			t.Errorf("%s: incomplete client", p.Name)
		}
		if len(p.Refusals) == 0 {
			t.Errorf("%s: no refusal statuses", p.Name)
		}
		for _, v := range p.Variables {
			if seen[v.Env] || v.Default == "" || v.Help == "" || !strings.HasPrefix(v.Env, "CONFORMANCE_") {
				t.Errorf("%s: variable %+v is repeated, has no default or help, or is not CONFORMANCE_*", p.Name, v)
			}
			seen[v.Env] = true
		}
		for _, ph := range p.Placeholders {
			if !seen[ph.From.Env] {
				t.Errorf("%s: placeholder {%s} reads %s, not a variable of its provider", p.Name, ph.Name, ph.From.Env)
			}
		}
	}
	if got := providers.Names(); got != "alibabacloud, huaweicloud, zstack" {
		t.Errorf("providers %q", got)
	}
}
