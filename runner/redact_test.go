package runner

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
)

// A run of 1,000 cases registers a signature or two per case: redacting a failure text, with
// its curl and an excerpt cut short, stays cheap.
func BenchmarkRedactorThousandCases(b *testing.B) {
	r := newRedactor(providers.Defaults())
	for i := range 2000 {
		sum := sha256.Sum256([]byte(fmt.Sprint(i)))
		r.add(hex.EncodeToString(sum[:]))
		r.add(base64.StdEncoding.EncodeToString(sum[:20]))
	}
	text := strings.Repeat(`negative_data_rejection: expected a refusal, got 200 "{\"enterprise_id\":\"x\"}"… (300 bytes); `, 40)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for range b.N {
		_ = r.text(text)
	}
}

// Each signature registered rebuilds the replacer on the next redaction: with 4,000 forms
// registered, one rebuild stays in the milliseconds.
func BenchmarkRedactorRebuild(b *testing.B) {
	r := newRedactor(providers.Defaults())
	for i := range 2000 {
		sum := sha256.Sum256([]byte(fmt.Sprint(i)))
		r.add(hex.EncodeToString(sum[:]))
		r.add(base64.StdEncoding.EncodeToString(sum[:20]))
	}
	b.ResetTimer()
	for i := range b.N {
		r.add(fmt.Sprintf("signature-%032d", i))
		_ = r.text("a short line")
	}
}

// The evidence of a trimmed body is marked as cut, and a secret the cut split is redacted.
func TestRedactorBodyEvidence(t *testing.T) {
	r := newRedactor(providers.Credentials{huaweicloud.SecretKey.Env: "probe-secret-0123456789"})
	kept := []byte(`{"echo":"probe-secret-01`)
	if got := r.body(kept, 5000); strings.Contains(got, "probe-secret") || !strings.Contains(got, "5000 bytes in all") {
		t.Errorf("body: %q", got)
	}
	if got := r.body([]byte(`{"a":1}`), 7); got != `{"a":1}` {
		t.Errorf("an untrimmed body: %q", got)
	}
}
