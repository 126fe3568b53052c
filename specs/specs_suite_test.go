package specs_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/conformance-suite/conformance/specs"
)

// embedded is the suite's own documents, loaded before RunSpecs so that the tables below can
// be built from them while Ginkgo constructs the spec tree.
var embedded *specs.Set

func TestSpecs(t *testing.T) {
	RegisterFailHandler(Fail)
	var err error
	if embedded, err = specs.Load(); err != nil {
		t.Fatalf("the embedded documents do not load: %v", err)
	}
	RunSpecs(t, "specs")
}
