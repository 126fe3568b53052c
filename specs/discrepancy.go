package specs

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-openapi/jsonpointer"
	yaml "github.com/pb33f/go-yaml"
)

// DiscrepancyKey is the extension that records where a vendor page and the real service
// differ. It sits on the node it concerns, and its value is one mapping:
//
//	x-doc-discrepancy:
//	  doc: what the page says
//	  actual: what the service does, and so what the spec and the checks follow
//	  source: the seed page, e.g. 002_cc0f0efc32c76b7d.txt
const DiscrepancyKey = "x-doc-discrepancy"

// Discrepancy is one recorded difference between a vendor page and the real service, so a
// report can say "the documentation says X, the service does Y, we test Y".
type Discrepancy struct {
	File string // base name of the document, e.g. "zstack-iam2.yaml"
	Line int    // line of the x-doc-discrepancy key, 1-based
	// Pointer is the JSON pointer of the node that carries the extension, e.g.
	// /components/schemas/IAM2ProjectInventory/properties/state.
	Pointer string
	Doc     string // what the page says
	Actual  string // what the service does; what the spec follows
	Source  string // the page, e.g. "002_cc0f0efc32c76b7d.txt"
	// Title is the page's own title (info.x-seed-titles), empty when the document names none.
	Title string
	// Operation names the operations it concerns, comma-separated: the one its pointer lies
	// in, or those written from its page.
	Operation string
}

func (d Discrepancy) String() string {
	return fmt.Sprintf("%s:%d %s: doc: %s; actual: %s (%s)", d.File, d.Line, d.Pointer, d.Doc, d.Actual, d.Source)
}

// Discrepancies returns the document's recorded discrepancies in line order.
func (sp *Spec) Discrepancies() []Discrepancy { return slices.Clone(sp.discrepancies) }

// Discrepancies returns every document's recorded discrepancies, sorted by file, then line.
func (s *Set) Discrepancies() []Discrepancy {
	var out []Discrepancy
	for _, sp := range s.Specs {
		out = append(out, sp.discrepancies...)
	}
	slices.SortStableFunc(out, func(a, b Discrepancy) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	return out
}

// findDiscrepancies walks a document's YAML tree for every x-doc-discrepancy key and checks
// that each value is one {doc, actual, source} mapping. Literal data (example values,
// defaults, enums) is not walked: a key there is payload, not an extension.
func findDiscrepancies(file string, root *yaml.Node) ([]Discrepancy, error) {
	w := discrepancyWalker{file: file}
	if root != nil && root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	w.walk(root, nil)
	return w.found, errors.Join(w.errs...)
}

type discrepancyWalker struct {
	file  string
	found []Discrepancy
	errs  []error
}

// Pointer renders a path of names as a JSON pointer (RFC 6901): nil is the whole document.
func Pointer(segments []string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(jsonpointer.Escape(s))
	}
	return b.String()
}

func (w *discrepancyWalker) walk(n *yaml.Node, at []string) {
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for i, item := range n.Content {
			w.walk(item, append(at, fmt.Sprint(i)))
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			switch {
			case key.Value == DiscrepancyKey:
				w.record(key, value, Pointer(at))
			case isLiteralData(at, key.Value, value):
			default:
				w.walk(value, append(at, key.Value))
			}
		}
	}
	// Scalars hold no keys; aliases repeat an anchored node that is walked where it is defined.
}

// isLiteralData says whether the value of key, in the mapping at path at, is example or
// schema data rather than OpenAPI structure. In doubt it says no: walking data costs nothing,
// skipping structure would lose a discrepancy.
func isLiteralData(at []string, key string, value *yaml.Node) bool {
	n := len(at)
	if n > 0 && namedEntries[at[n-1]] {
		return false // a name such as responses/default or properties/value
	}
	switch key {
	case "example", "default", "enum", "const":
		return true
	case "examples":
		return value.Kind == yaml.SequenceNode // JSON Schema's list of examples (OpenAPI 3.1)
	case "value":
		return n >= 2 && at[n-2] == "examples" // an Example Object's .../examples/<name>/value
	}
	return false
}

// namedEntries are the OpenAPI maps whose keys are names chosen by the author.
var namedEntries = map[string]bool{
	"paths": true, "properties": true, "patternProperties": true, "$defs": true, "definitions": true,
	"schemas": true, "responses": true, "parameters": true, "examples": true, "requestBodies": true,
	"headers": true, "securitySchemes": true, "links": true, "callbacks": true, "pathItems": true,
	"content": true, "encoding": true, "variables": true, "mapping": true, "webhooks": true,
}

func (w *discrepancyWalker) record(key, value *yaml.Node, at string) {
	fail := func(format string, args ...any) {
		w.errs = append(w.errs, &Error{File: w.file, Line: key.Line, Column: key.Column,
			Err: fmt.Errorf("%s at %s: %s", DiscrepancyKey, at, fmt.Sprintf(format, args...))})
	}
	if value.Kind != yaml.MappingNode {
		fail("want a mapping {doc, actual, source}")
		return
	}
	d := Discrepancy{File: w.file, Line: key.Line, Pointer: at}
	for i := 0; i+1 < len(value.Content); i += 2 {
		k, v := value.Content[i], value.Content[i+1]
		var field *string
		switch k.Value {
		case "doc":
			field = &d.Doc
		case "actual":
			field = &d.Actual
		case "source":
			field = &d.Source
		default:
			fail("unknown field %q (line %d); want doc, actual, source", k.Value, k.Line)
			return
		}
		if v.Kind != yaml.ScalarNode {
			fail("%s (line %d) is not a string", k.Value, k.Line)
			return
		}
		*field = strings.TrimSpace(v.Value)
	}
	var missing []string
	for _, f := range []struct{ name, value string }{{"doc", d.Doc}, {"actual", d.Actual}, {"source", d.Source}} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		fail("missing %s", strings.Join(missing, ", "))
		return
	}
	w.found = append(w.found, d)
}
