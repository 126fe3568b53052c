package interop_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/alibabacloud-go/tea/tea"
	alierrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/alibabacloud"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
)

// TestWrongSecretIsRefused makes every call of sdkCalls against a reference target that holds
// other secrets for the same access keys: each must fail with the provider's own signature
// error, as the SDK reports it, which shows that the target's verifiers check the signature
// rather than its presence.
func TestWrongSecretIsRefused(t *testing.T) {
	held := providers.Defaults()
	held[huaweicloud.SecretKey.Env] = "not-the-secret-the-client-has"
	held[alibabacloud.KeySecret.Env] = "not-the-secret-the-client-has"
	tg := startTarget(t, mock.Options{Credentials: held})
	c := newSDKClients(t, tg.URL(), providers.Defaults(), nil)
	for _, call := range sdkCalls() {
		t.Run(call.name, func(t *testing.T) {
			_, err := call.send(c)
			sent := tg.take()
			if err == nil {
				t.Fatalf("the SDK call succeeded against a target holding another secret (requests: %v)", sent)
			}
			want := refusals[call.scheme]
			status, code, ok := want.read(err)
			if !ok {
				t.Fatalf("the SDK returned %T, want its %s: %v", err, want.errorType, err)
			}
			if status != want.status || code != want.code {
				t.Errorf("the SDK reports %d %s, want %d %s: %v", status, code, want.status, want.code, err)
			}
			for _, e := range sent {
				if e.status != want.status {
					t.Errorf("%s: the target answered %d, want %d", e, e.status, want.status)
				}
			}
		})
	}
}

// refusal is how an SDK reports the provider's answer to a bad signature.
type refusal struct {
	status    int
	code      string
	errorType string
	// read takes the HTTP status and error code out of the SDK's error.
	read func(error) (status int, code string, ok bool)
}

var refusals = map[string]refusal{
	huaweiAKSK: {
		status: http.StatusUnauthorized, code: "APIGW.0301", errorType: "*sdkerr.ServiceResponseError",
		read: func(err error) (int, string, bool) {
			var e *sdkerr.ServiceResponseError
			if !errors.As(err, &e) {
				return 0, "", false
			}
			return e.StatusCode, e.ErrorCode, true
		},
	},
	alibabaV1: {
		status: http.StatusBadRequest, code: "SignatureDoesNotMatch", errorType: "*errors.ServerError",
		read: func(err error) (int, string, bool) {
			var e *alierrors.ServerError
			if !errors.As(err, &e) {
				return 0, "", false
			}
			return e.HttpStatus(), e.ErrorCode(), true
		},
	},
	alibabaV3: {
		status: http.StatusBadRequest, code: "SignatureDoesNotMatch", errorType: "*tea.SDKError",
		read: func(err error) (int, string, bool) {
			var e *tea.SDKError
			if !errors.As(err, &e) {
				return 0, "", false
			}
			return tea.IntValue(e.StatusCode), tea.StringValue(e.Code), true
		},
	},
}
