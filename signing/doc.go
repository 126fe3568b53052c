// Package signing signs requests the way the official cloud SDKs sign them and verifies
// them the way the providers' gateways do. The conformance runner uses the signers, so
// that it sends what a real client sends; the reference mock uses the verifiers, so that
// it accepts exactly what a real client sends.
//
// Each scheme has one canonicalisation, shared by its signer and its verifier. A verifier
// rebuilds the canonical request from what it received, the signed-header list included,
// never from a fixed header set: the SDKs do not all sign the same headers (Huawei's Go SDK
// v0.1.207 signs user-agent;x-project-id;x-sdk-date and neither host nor content-type).
//
// The schemes are Huawei Cloud SDK-HMAC-SHA256 (API Gateway AK/SK signing), Alibaba Cloud
// RPC signature V1 (HMAC-SHA1 over the query) and V3 (ACS3-HMAC-SHA256), and ZStack
// sessions and access keys.
//
// Verifiers fail with errors that wrap one of the Err constants, so that a server can map
// a failure to the provider's own error code with errors.Is. Messages name the part of the
// request that broke; they never contain a secret or an expected signature.
package signing
