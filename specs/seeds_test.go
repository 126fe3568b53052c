package specs_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conformance-suite/conformance/specs"
)

// Every page a built-in document names (an operation's x-seed, a discrepancy's source) has its
// title in info.x-seed-titles, and the title is the page's own: where the seed pages are
// checked out beside the repository (../shared/seeds), the page contains it.
func TestSeedTitlesNameEveryPage(t *testing.T) {
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	named := 0
	for _, op := range set.Operations {
		seed, _ := op.Route.Operation.Extensions["x-seed"].(string)
		if seed == "" {
			continue
		}
		named++
		title := op.Spec.SeedTitles[seed]
		if title == "" {
			t.Errorf("%s: x-seed %s has no title in info.%s", op.Key(), seed, specs.SeedTitlesKey)
			continue
		}
		page, err := os.ReadFile(filepath.Join("..", "..", "shared", "seeds", seed))
		if err == nil && !strings.Contains(string(page), title) {
			t.Errorf("%s: the title %q is not in the page %s", op.Key(), title, seed)
		}
	}
	if named < 5 {
		t.Errorf("%d operations name a seed page, want the five documented ones at least", named)
	}
	for _, d := range set.Discrepancies() {
		if d.Title == "" || d.Operation == "" {
			t.Errorf("%s: title %q, operation %q: want both", d, d.Title, d.Operation)
		}
	}
	state := ""
	for _, d := range set.Discrepancies() {
		if strings.HasSuffix(d.Pointer, "/IAM2ProjectInventory/properties/state") {
			state = d.Operation + " · " + d.Title
		}
	}
	if state != "ChangeIAM2ProjectState · ChangeIAM2ProjectState" {
		t.Errorf("the state discrepancy concerns %q, want the operation of its page", state)
	}
}

// A malformed x-seed-titles is refused with the key named.
func TestSeedTitlesMalformed(t *testing.T) {
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	sp, _ := set.Service("zstack-iam2")
	raw := strings.Replace(string(sp.Raw), `002_cc0f0efc32c76b7d.txt: "ChangeIAM2ProjectState"`, `002_cc0f0efc32c76b7d.txt: [not, a, title]`, 1)
	if raw == string(sp.Raw) {
		t.Fatal("the zstack spec's x-seed-titles moved")
	}
	if _, err := specs.Parse(sp.File, []byte(raw)); err == nil || !strings.Contains(err.Error(), specs.SeedTitlesKey) {
		t.Errorf("a list as a page title: %v, want an error naming %s", err, specs.SeedTitlesKey)
	}
}
