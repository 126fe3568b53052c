package conformance_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/conformance-suite/conformance/providers"
	_ "github.com/conformance-suite/conformance/providers/builtin"
	"github.com/conformance-suite/conformance/runner"
)

// generatedBlocks are the README's tables generated from their declarations, by the name of
// their block (<!-- name: ... --> ... <!-- /name -->): a variable is documented where its
// provider declares it, a setting where runner.Settings declares it, and nowhere else.
var generatedBlocks = map[string]func() string{
	"variables": providers.VariablesMarkdown,
	"settings":  runner.SettingsMarkdown,
}

// TestREADMEGeneratedTables: each generated table of the README is its declarations'.
// UPDATE_README=1 rewrites them.
func TestREADMEGeneratedTables(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := b
	for name, generate := range generatedBlocks {
		block := regexp.MustCompile(`(?s)(<!-- ` + name + `:[^\n]*-->\n).*?(<!-- /` + name + ` -->)`)
		if !block.Match(want) {
			t.Fatalf("README.md has no <!-- %s: --> ... <!-- /%s --> block", name, name)
		}
		want = block.ReplaceAllFunc(want, func(m []byte) []byte {
			sub := block.FindSubmatch(m)
			return append(append(append([]byte{}, sub[1]...), generate()...), sub[2]...)
		})
	}
	if string(want) == string(b) {
		return
	}
	if os.Getenv("UPDATE_README") != "" {
		if err := os.WriteFile("README.md", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Error("README.md's generated tables differ from their declarations: run UPDATE_README=1 go test -run TestREADMEGeneratedTables .")
}
