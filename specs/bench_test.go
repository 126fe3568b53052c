package specs_test

import (
	"testing"

	"github.com/conformance-suite/conformance/specs"
)

// BenchmarkLoad loads the embedded documents in both libraries, as every run of the suite does.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := specs.Load(); err != nil {
			b.Fatal(err)
		}
	}
}
