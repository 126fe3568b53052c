package mock

import (
	"fmt"

	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/specs"
)

// StartBuiltin starts the reference target on a free loopback port, for a run that names no
// target, and returns the credentials a client should send it. The target accepts the
// configured credentials, else the published defaults; the client gets the same, but without
// the default token, so that Huawei requests are signed (AK/SK) unless the user configured a
// token, and the default run exercises the signers and the verifiers. It answers ZStack state
// changes asynchronously, as a real management node does (202 + location, then the job), so
// that the default run exercises the runner's polling; Start's default, synchronous answers
// are what `conformance serve` and the tests of a target on its own address get.
func StartBuiltin(configured providers.Credentials, set *specs.Set) (*Server, providers.Credentials, error) {
	srv, err := Start("127.0.0.1:0", Options{Credentials: configured.WithDefaults(providers.Defaults()), Specs: set, AsyncZStack: true})
	if err != nil {
		return nil, providers.Credentials{}, fmt.Errorf("starting the built-in reference target: %w", err)
	}
	client := providers.Defaults()
	for _, v := range providers.Variables() {
		if v.ClientOmits {
			delete(client, v.Env)
		}
	}
	return srv, configured.WithDefaults(client), nil
}
