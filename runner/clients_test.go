package runner

import (
	"strings"
	"testing"

	"github.com/conformance-suite/conformance/credentials"
	"github.com/conformance-suite/conformance/fixtures"
)

// A forbidden case needs the identity without the permission, and names its variables when it
// is not configured; every other mode needs the run's own credentials; ZStack has no such
// identity at all.
func TestUnavailableCredentials(t *testing.T) {
	all := credentials.Defaults()
	noForbidden := all
	noForbidden.HuaweiForbiddenSecretKey, noForbidden.AlibabaForbiddenKeyID = "", ""
	onlyForbidden := credentials.Set{
		HuaweiForbiddenAccessKey: all.HuaweiForbiddenAccessKey, HuaweiForbiddenSecretKey: all.HuaweiForbiddenSecretKey,
		AlibabaForbiddenKeyID: all.AlibabaForbiddenKeyID, AlibabaForbiddenKeySecret: all.AlibabaForbiddenKeySecret,
	}
	for _, tc := range []struct {
		provider string
		mode     fixtures.Credentials
		creds    credentials.Set
		want     []string // substrings of the reason; none: the case can run
	}{
		{"huaweicloud", fixtures.ForbiddenCredentials, all, nil},
		{"huaweicloud", fixtures.ForbiddenCredentials, onlyForbidden, nil},
		{"huaweicloud", fixtures.ForbiddenCredentials, noForbidden, []string{credentials.EnvHuaweiForbiddenAccessKey, credentials.EnvHuaweiForbiddenSecretKey}},
		{"huaweicloud", fixtures.Valid, onlyForbidden, []string{credentials.EnvHuaweiAccessKey}},
		{"alibabacloud", fixtures.ForbiddenCredentials, all, nil},
		{"alibabacloud", fixtures.ForbiddenCredentials, noForbidden, []string{credentials.EnvAlibabaForbiddenKeyID, credentials.EnvAlibabaForbiddenKeySecret}},
		{"alibabacloud", fixtures.StaleCredentials, noForbidden, nil},
		{"alibabacloud", fixtures.Valid, onlyForbidden, []string{credentials.EnvAlibabaKeyID}},
		{"zstack", fixtures.ForbiddenCredentials, all, []string{"job", "403"}},
		{"zstack", fixtures.StaleCredentials, all, nil},
	} {
		got := clients[tc.provider].unavailable(tc.mode, tc.creds)
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
