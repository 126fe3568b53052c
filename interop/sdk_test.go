package interop_test

import (
	"testing"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
)

// TestSDKCallsSucceed makes every call of sdkCalls with the official SDKs against the
// reference target: each must succeed, decode the answer the operation promises, and take
// exactly one request (no retries, no endpoint or credential discovery).
func TestSDKCallsSucceed(t *testing.T) {
	tg := startTarget(t, mock.Options{Credentials: providers.Defaults()})
	c := newSDKClients(t, tg.URL(), providers.Defaults(), nil)
	for _, call := range sdkCalls() {
		t.Run(call.name, func(t *testing.T) {
			answer, err := call.send(c)
			sent := tg.take()
			if err != nil {
				t.Fatalf("the SDK call failed: %v (requests: %v)", err, sent)
			}
			if len(sent) != 1 {
				t.Errorf("the SDK sent %d requests %v, want 1", len(sent), sent)
			}
			call.check(t, c, answer)
		})
	}
}
