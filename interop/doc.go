// Package interop proves the reference target and the suite's signers against the providers'
// official Go SDKs: the SDKs call the reference target over loopback HTTP and must succeed,
// their requests must validate against the suite's specs, the suite's signers must reproduce
// their signatures byte for byte, and a target holding a different secret must refuse them
// with the provider's own error.
//
// It is a separate module so that the main module does not depend on the SDKs; the tests are
// all in the external test package, and this package is empty.
package interop
