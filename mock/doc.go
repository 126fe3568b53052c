// Package mock is the reference target: an implementation of the documented endpoints that
// behaves like the real services, so that the suite can be run, and proven, without a cloud
// account.
//
// It behaves like the providers' gateways as well as their services. A request is routed by
// method and path template (or RPC action) from the spec index, then authenticated with the
// provider's real scheme (Huawei X-Auth-Token or SDK-HMAC-SHA256, Alibaba RPC signature V1 or
// V3, ZStack OAuth sessions), then checked for a mandatory Content-Type, then validated against
// the spec, and only then handled; every refusal comes in the provider's own envelope and
// status. It accepts requests exactly as the official SDKs send them.
//
// Every answer of the plain target validates against the specs: it is the conformant reference.
// Where the pages are silent it is strict, as an exemplary service would be: it refuses a
// request body with a field its schema does not describe (which OpenAPI itself allows unless
// additionalProperties is false) or with text that is not Unicode, and it answers only the
// documented fields.
//
// A fault mode (Options.Fault, listed by Faults) breaks exactly one contract point on a few
// operations, so that each check of the suite can be shown to fail when it should. A lenient
// mode (Options.Lenient, listed by Lenients) breaks none: it takes the permissive side where
// the pages are silent, as real services often do, so that the suite can be shown to warn
// rather than fail on such a service in its core profile. Lenient modes combine with each
// other and with a fault.
package mock
