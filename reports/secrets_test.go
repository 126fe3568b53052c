package reports_test

import (
	"regexp"
	"strings"
	"testing"
)

// The runner redacts before it builds a Report; the writers must add nothing back. With the
// reference target's credentials in the environment (as a run would have them), every format
// of a report carrying REDACTED placeholders shows the placeholders and no secret.
func TestFormatsAddNoSecret(t *testing.T) {
	secrets := map[string]string{
		"CONFORMANCE_HUAWEICLOUD_TOKEN":              "conformance-iam-token",
		"CONFORMANCE_HUAWEICLOUD_ACCESS_KEY":         "CONFORMANCEHWAK00001",
		"CONFORMANCE_HUAWEICLOUD_SECRET_KEY":         "conformance-huawei-secret-key",
		"CONFORMANCE_ALIBABACLOUD_ACCESS_KEY_ID":     "LTAIconformance00001",
		"CONFORMANCE_ALIBABACLOUD_ACCESS_KEY_SECRET": "conformance-alibaba-secret",
		"CONFORMANCE_ZSTACK_SESSION":                 "b86c9016b4f24953a9edefb53ca0678c",
		"CONFORMANCE_ZSTACK_PASSWORD":                "conformance-password",
	}
	for name, v := range secrets {
		t.Setenv(name, v)
	}
	// Shapes a leaked credential would have, whatever its value ($VARIABLE references in curl
	// commands are how the runner keeps them reproducible, and are fine).
	shapes := []*regexp.Regexp{
		regexp.MustCompile(`Signature=[0-9a-fA-F]{16,}`),
		regexp.MustCompile(`Access=[A-Za-z0-9]{8,}`),
		regexp.MustCompile(`OAuth [0-9a-f]{32}`),
		regexp.MustCompile(`(?i)x-auth-token: [^R$\s]`),
		regexp.MustCompile(`(?i)x-session-id: [^R$\s]`),
		regexp.MustCompile(`[0-9a-f]{128}`), // a SHA-512 password hash
	}
	for _, tt := range reportsUnderTest {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeAll(t, tt.r())
			for _, file := range []string{"report.json", "junit.xml", "summary.md", "report.html"} {
				out := string(read(t, dir, file))
				for name, v := range secrets {
					if strings.Contains(out, v) {
						t.Errorf("%s contains the value of %s", file, name)
					}
				}
				for _, re := range shapes {
					if m := re.FindString(out); m != "" {
						t.Errorf("%s contains %q, shaped like a credential", file, m)
					}
				}
				if file != "summary.md" && !strings.Contains(out, "REDACTED") {
					// summary.md shows messages and curl commands, which name variables, not values.
					t.Errorf("%s does not show the REDACTED placeholders", file)
				}
			}
		})
	}
}
