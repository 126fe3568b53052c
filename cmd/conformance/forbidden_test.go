package main_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers/alibabacloud"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
	"github.com/conformance-suite/conformance/reports"
)

// Against a target of its own, a run without the identities without the permission skips the
// forbidden cases, naming the variables to set, and runs every other case.
func TestForbiddenCasesSkipWithoutTheIdentity(t *testing.T) {
	env := []string{huaweicloud.ForbiddenAccessKey.Env + "=", huaweicloud.ForbiddenSecretKey.Env + "=",
		alibabacloud.ForbiddenKeyID.Env + "=", alibabacloud.ForbiddenKeySecret.Env + "="}
	r := run(t, env, "--target", startMock(t, mock.Options{}))
	if r.code != 0 || r.report == nil || r.report.Summary.Failed != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	skipped := 0
	for _, c := range r.report.Cases {
		forbidden := c.Name == "an identity without the permission" && slices.Contains(c.Labels, string(fixtures.Auth))
		switch {
		case forbidden && c.State != reports.Skipped:
			t.Errorf("%s: %s without the identity, want skipped", c.ID, c.State)
		case forbidden:
			skipped++
			want := map[string][]string{
				"huaweicloud":  {huaweicloud.ForbiddenAccessKey.Env, huaweicloud.ForbiddenSecretKey.Env},
				"alibabacloud": {alibabacloud.ForbiddenKeyID.Env, alibabacloud.ForbiddenKeySecret.Env},
			}[c.Provider]
			for _, v := range want {
				if !strings.Contains(c.Reason, v) {
					t.Errorf("%s: skip reason %q does not name %s", c.ID, c.Reason, v)
				}
			}
		case c.State == reports.Skipped:
			t.Errorf("%s skipped: %s", c.ID, c.Reason)
		}
	}
	if skipped != 5 {
		t.Errorf("%d forbidden cases skipped, want one per Huawei and Alibaba operation (5)", skipped)
	}
}
