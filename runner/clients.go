package runner

import (
	"context"
	"net/http"
	"time"

	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/alibabacloud"
)

// run is what a provider's client sees of the session sending one of its requests
// (providers.Run): the credentials, the signing clock, the redactor, the settings and the
// provider's session.
type run struct {
	s        *session
	provider *providers.Provider
}

func (r run) Credentials() providers.Credentials { return r.s.creds }

func (r run) Clock(mode providers.Mode) func() time.Time { return r.s.clock(mode) }

// Signed registers every signature the request now carries with the redactor.
func (r run) Signed(req *http.Request) { r.s.redact.addSigned(req) }

func (r run) Session(ctx context.Context) (string, error) { return r.s.providerSession(r.provider) }

// Setting is a run setting by flag name, for the providers whose client depends on one.
func (r run) Setting(name string) string {
	switch name {
	case alibabacloud.SettingSignature:
		return r.s.cfg.AlibabaSignature
	case alibabacloud.SettingRegionID:
		return r.s.cfg.alibabaRegionID()
	}
	return ""
}

// unavailable says why a secured case sending credentials of mode cannot run with c, "" when
// it can. No credentials and wrong ones can always be sent.
func unavailable(provider *providers.Provider, mode fixtures.Credentials, c providers.Credentials) string {
	if mode == fixtures.NoCredentials || mode == fixtures.WrongCredentials {
		return ""
	}
	return provider.Client.Unavailable(c, mode)
}
