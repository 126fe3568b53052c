package conformance_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/conformance-suite/conformance/providers"
	_ "github.com/conformance-suite/conformance/providers/builtin"
)

// variablesBlock is the README's generated table of the providers' variables.
var variablesBlock = regexp.MustCompile(`(?s)(<!-- variables:[^\n]*-->\n).*?(<!-- /variables -->)`)

// TestREADMEVariables: the README's variable table is the providers' declarations, so a
// variable is documented where it is declared and nowhere else. UPDATE_README=1 rewrites it.
func TestREADMEVariables(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !variablesBlock.Match(b) {
		t.Fatal("README.md has no <!-- variables: --> ... <!-- /variables --> block")
	}
	want := variablesBlock.ReplaceAllFunc(b, func(m []byte) []byte {
		sub := variablesBlock.FindSubmatch(m)
		return append(append(append([]byte{}, sub[1]...), providers.VariablesMarkdown()...), sub[2]...)
	})
	if string(want) == string(b) {
		return
	}
	if os.Getenv("UPDATE_README") != "" {
		if err := os.WriteFile("README.md", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Error("README.md's variable table differs from the providers' declarations: run UPDATE_README=1 go test -run TestREADMEVariables .")
}
