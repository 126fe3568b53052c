package specs_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/conformance-suite/conformance/specs"
)

// diffBase is a small document with every construct the breaking-change rules concern: a
// request body with an enum and a required field, a parameter, a shared response schema, two
// status codes and the suite's error-envelope extension.
const diffBase = `openapi: 3.0.3
info:
  title: things
  version: "1"
  x-error-envelope: {schema: '#/components/schemas/Error', code-pointer: /code}
paths:
  /things/{id}:
    put:
      operationId: PutThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: verbose, in: query, required: false, schema: {type: boolean}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [state]
              properties:
                state: {type: string, enum: [on, off]}
                note: {type: string}
      responses:
        "200":
          description: the thing
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
        "404":
          description: no such thing
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Error'}
components:
  schemas:
    Thing:
      type: object
      required: [id, state]
      properties:
        id: {type: string}
        state: {type: string, enum: [on, off]}
        size: {type: integer}
        created: {type: string, format: date-time}
        label: {type: string}
    Error:
      type: object
      properties:
        code: {type: string}
`

// edit is one textual change to diffBase.
type edit struct{ from, to string }

func apply(t *testing.T, doc string, edits ...edit) []byte {
	t.Helper()
	for _, e := range edits {
		changed := strings.Replace(doc, e.from, e.to, 1)
		if changed == doc {
			t.Fatalf("edit %q does not apply", e.from)
		}
		doc = changed
	}
	return []byte(doc)
}

// Each breaking kind the spec gate must catch, with who catches it: libopenapi's own verdict,
// or the suite's rule where libopenapi lets it pass (own).
func TestDiffFlagsBreakingChanges(t *testing.T) {
	tests := []struct {
		name     string
		edits    []edit
		kind     specs.ChangeKind
		property string
		path     string // suffix of the change's path
		own      bool
	}{
		{"removed response field", []edit{{"        size: {type: integer}\n", ""}},
			specs.Removed, "properties", "/components/schemas/Thing", false},
		{"removed request field", []edit{{"                note: {type: string}\n", ""}},
			specs.Removed, "properties", "/application~1json/schema", false},
		{"narrowed request enum", []edit{{"state: {type: string, enum: [on, off]}\n                note", "state: {type: string, enum: [on]}\n                note"}},
			specs.Removed, "enum", "/schema/properties/state", false},
		{"narrowed response enum", []edit{{"        state: {type: string, enum: [on, off]}\n        size", "        state: {type: string, enum: [off]}\n        size"}},
			specs.Removed, "enum", "/components/schemas/Thing/properties/state", false},
		{"enum imposed on a free field", []edit{{"label: {type: string}", "label: {type: string, enum: [a, b]}"}},
			specs.Added, "enum", "/components/schemas/Thing/properties/label", true},
		{"new required request field", []edit{{"              required: [state]\n              properties:\n", "              required: [state, owner]\n              properties:\n                owner: {type: string}\n"}},
			specs.Added, "required", "/application~1json/schema", false},
		{"new required query parameter", []edit{{"        - {name: verbose,", "        - {name: owner, in: query, required: true, schema: {type: string}}\n        - {name: verbose,"}},
			specs.Added, "parameters", "/paths/~1things~1{id}/put", false},
		{"optional parameter made required", []edit{{"{name: verbose, in: query, required: false", "{name: verbose, in: query, required: true"}},
			specs.Modified, "required", "/put/parameters/verbose", false},
		{"changed response field type", []edit{{"size: {type: integer}", "size: {type: string}"}},
			specs.Modified, "type", "/components/schemas/Thing/properties/size", false},
		{"changed parameter type", []edit{{"schema: {type: boolean}", "schema: {type: string}"}},
			specs.Modified, "type", "/put/parameters/verbose/schema", false},
		{"type dropped from a field", []edit{{"size: {type: integer}", "size: {description: any JSON value}"}},
			specs.Removed, "type", "/components/schemas/Thing/properties/size", true},
		{"changed format", []edit{{"format: date-time", "format: date"}},
			specs.Modified, "format", "/components/schemas/Thing/properties/created", false},
		{"removed status code", []edit{{"        \"404\":\n          description: no such thing\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Error'}\n", ""}},
			specs.Removed, "codes", "/paths/~1things~1{id}/put/responses", false},
		{"removed operation", []edit{{"    put:\n", "    post:\n"}},
			specs.Removed, "put", "/paths/~1things~1{id}", false},
		{"changed error envelope", []edit{{"code-pointer: /code}", "code-pointer: /error/code}"}},
			specs.Modified, "x-error-envelope", "/info", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := specs.Diff([]byte(diffBase), apply(t, diffBase, tt.edits...))
			if err != nil {
				t.Fatal(err)
			}
			var found *specs.Change
			for i, c := range d.Breaking() {
				if c.Kind == tt.kind && c.Property == tt.property && strings.HasSuffix(c.Path, tt.path) {
					found = &d.Breaking()[i]
				}
			}
			if found == nil {
				t.Fatalf("no breaking %s %q at …%s; the diff:\n%s", tt.kind, tt.property, tt.path, write(t, d))
			}
			if found.OwnRule != tt.own {
				t.Errorf("OwnRule = %v, want %v (who rates %q breaking changed: libopenapi upgraded?)", found.OwnRule, tt.own, tt.name)
			}
			if found.Why == "" || found.Why == "libopenapi rates this change breaking" {
				t.Errorf("Why = %q, want the rule's explanation", found.Why)
			}
			if found.OldLine == 0 && found.NewLine == 0 {
				t.Errorf("no line for %v", found)
			}
		})
	}
}

// Purely additive changes pass the gate: they are listed, none is breaking.
func TestDiffPassesAdditiveChanges(t *testing.T) {
	tests := []struct {
		name  string
		edits []edit
	}{
		{"new optional response field", []edit{{"        label: {type: string}\n", "        label: {type: string}\n        colour: {type: string}\n"}}},
		{"new optional request field", []edit{{"                note: {type: string}\n", "                note: {type: string}\n                colour: {type: string}\n"}}},
		{"new operation", []edit{{"components:\n", "  /things:\n    get:\n      operationId: ListThings\n      responses:\n        \"200\":\n          description: every thing\n          content:\n            application/json:\n              schema: {type: array, items: {$ref: '#/components/schemas/Thing'}}\ncomponents:\n"}}},
		{"new status code", []edit{{"        \"404\":\n", "        \"409\":\n          description: conflict\n        \"404\":\n"}}},
		{"widened request enum", []edit{{"state: {type: string, enum: [on, off]}\n                note", "state: {type: string, enum: [on, off, auto]}\n                note"}}},
		{"description edited", []edit{{"description: the thing", "description: the thing, as stored"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := specs.Diff([]byte(diffBase), apply(t, diffBase, tt.edits...))
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Changes) == 0 {
				t.Fatal("the change was not listed")
			}
			if b := d.Breaking(); len(b) > 0 {
				t.Fatalf("rated breaking: %v", b)
			}
		})
	}
}

// The shipped documents diff clean against themselves, and a real edit to one is caught with
// its line in the old file.
func TestDiffShippedSpecs(t *testing.T) {
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, sp := range set.Specs {
		d, err := specs.Diff(sp.Raw, sp.Raw)
		if err != nil {
			t.Fatalf("%s: %v", sp.File, err)
		}
		if len(d.Changes) != 0 {
			t.Errorf("%s against itself: %s", sp.File, write(t, d))
		}
	}
	sp, ok := set.Service("huaweicloud-workspaceapp")
	if !ok {
		t.Fatal("no huaweicloud-workspaceapp spec")
	}
	edited := bytes.Replace(sp.Raw, []byte("        \"503\":"), []byte("        \"502\":"), 1)
	d, err := specs.Diff(sp.Raw, edited)
	if err != nil {
		t.Fatal(err)
	}
	b := d.Breaking()
	if len(b) != 1 || b[0].Property != "codes" || b[0].Old != "503" || b[0].OldLine == 0 {
		t.Fatalf("want one breaking removal of 503 with its line, got:\n%s", write(t, d))
	}
}

func TestDiffRejectsInvalidInput(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"empty", "", "empty document"},
		{"not YAML", "openapi: 3.0.3\ninfo: [\n", "invalid YAML"},
		{"not OpenAPI 3", "swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\npaths: {}\n", "not an OpenAPI 3 document"},
		{"dangling $ref", strings.Replace(diffBase, "'#/components/schemas/Thing'}", "'#/components/schemas/Nope'}", 1), "Nope"},
		{"invalid example", strings.Replace(diffBase, "      required: [id, state]\n", "      required: [id, state]\n      example: {id: 1, state: on}\n", 1), "example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := specs.DiffNamed("old.yaml", []byte(diffBase), "new.yaml", []byte(tt.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			var se *specs.Error
			if !errors.As(err, &se) || se.File != "new.yaml" {
				t.Errorf("error %q does not name new.yaml", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

// The same two documents always print the same diff, whatever order libopenapi's maps give.
func TestDiffIsDeterministic(t *testing.T) {
	changed := apply(t, diffBase, edit{"enum: [on, off]}\n        size", "enum: [a, b, c, d, e]}\n        size"})
	first, err := specs.Diff([]byte(diffBase), changed)
	if err != nil {
		t.Fatal(err)
	}
	want := write(t, first)
	for range 20 {
		d, err := specs.Diff([]byte(diffBase), changed)
		if err != nil {
			t.Fatal(err)
		}
		if got := write(t, d); got != want {
			t.Fatalf("diff changed between runs:\n%s\nthen:\n%s", want, got)
		}
	}
}

func write(t *testing.T, d *specs.SpecDiff) string {
	t.Helper()
	var b strings.Builder
	if err := d.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
