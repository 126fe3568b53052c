package specs

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/utils"
)

// SpecDiff is every change between two versions of one OpenAPI document, sorted by path. It is
// the spec gate: a change that a client written against the old version can trip on is
// Breaking, and `conformance spec-diff` fails on it.
type SpecDiff struct {
	Changes []Change
}

// Change is one difference between the old and the new document.
type Change struct {
	// Path locates the changed node as a JSON pointer into the document (the new one, or the
	// old one for a removal), except that a parameter is named by its name, not its index:
	// /paths/~1v1~1{project_id}~1tenant~1action~1active/post/requestBody/content/application~1json/schema.
	// A change inside a schema under /components is reported there once, not at every
	// operation that refers to it.
	Path string
	// Property is what changed at Path: a keyword ("type", "enum", "required"), a property or
	// status code that came or went ("enterprise_id", "404"), or an operation ("get").
	Property string
	Kind     ChangeKind
	Old, New string // the values before and after, where they are scalars
	// OldLine and NewLine are where the change is in each document, 0 where it is not there
	// (an addition has no old line) or the library does not know.
	OldLine, NewLine int
	Breaking         bool
	// OwnRule is true when the suite's own rule rated the change breaking where libopenapi
	// did not (see breakingRules).
	OwnRule bool
	// Why says, for a breaking change, what a client written against the old version trips on.
	Why string
}

// ChangeKind says whether something was added, removed or modified.
type ChangeKind string

// The kinds of change.
const (
	Added    ChangeKind = "added"
	Removed  ChangeKind = "removed"
	Modified ChangeKind = "modified"
)

func (c Change) String() string {
	s := fmt.Sprintf("%s %s %s", c.Kind, c.Path, c.Property)
	switch {
	case c.Old != "" && c.New != "":
		s += fmt.Sprintf(": %q → %q", c.Old, c.New)
	case c.Old != "":
		s += fmt.Sprintf(": was %q", c.Old)
	case c.New != "":
		s += fmt.Sprintf(": now %q", c.New)
	}
	switch {
	case c.Kind == Removed && c.OldLine > 0:
		s += fmt.Sprintf(" (old line %d)", c.OldLine)
	case c.NewLine > 0:
		s += fmt.Sprintf(" (new line %d)", c.NewLine)
	}
	if c.Breaking {
		s = "BREAKING " + s
		if c.Why != "" {
			s += ": " + c.Why
		}
	}
	return s
}

// Breaking returns the breaking changes.
func (d *SpecDiff) Breaking() []Change {
	var out []Change
	for _, c := range d.Changes {
		if c.Breaking {
			out = append(out, c)
		}
	}
	return out
}

// Write prints one line per change, breaking ones first, then a count.
func (d *SpecDiff) Write(w io.Writer) error {
	ordered := slices.Clone(d.Changes)
	slices.SortStableFunc(ordered, func(a, b Change) int {
		switch {
		case a.Breaking == b.Breaking:
			return 0
		case a.Breaking:
			return -1
		}
		return 1
	})
	for _, c := range ordered {
		if _, err := fmt.Fprintln(w, c); err != nil {
			return err
		}
	}
	noun := "changes"
	if len(d.Changes) == 1 {
		noun = "change"
	}
	_, err := fmt.Fprintf(w, "%d %s, %d breaking\n", len(d.Changes), noun, len(d.Breaking()))
	return err
}

// Diff compares two versions of an OpenAPI 3 document with libopenapi's what-changed and lists
// every change. libopenapi's verdicts are kept, and completed where they miss what this suite
// counts as breaking (see breakingRules). Both versions must parse and validate, because a
// diff against a broken document would pass changes nobody can judge.
func Diff(oldYAML, newYAML []byte) (*SpecDiff, error) {
	return DiffNamed("old document", oldYAML, "new document", newYAML)
}

// DiffNamed is Diff with the documents named, e.g. by their paths, in the errors it returns.
func DiffNamed(oldName string, oldYAML []byte, newName string, newYAML []byte) (*SpecDiff, error) {
	oldDoc, err := diffDocument(oldName, oldYAML)
	if err != nil {
		return nil, err
	}
	newDoc, err := diffDocument(newName, newYAML)
	if err != nil {
		return nil, err
	}
	changes, err := libopenapi.CompareDocuments(oldDoc, newDoc)
	if err != nil {
		return nil, fmt.Errorf("specs: comparing the documents: %w", err)
	}
	d := &SpecDiff{}
	if changes == nil {
		return d, nil
	}
	w := &changeWalker{}
	w.walk(reflect.ValueOf(changes), "")
	oldRoot := oldDoc.GetSpecInfo().RootNode
	for _, c := range w.changes {
		judge(&c, oldRoot)
		d.Changes = append(d.Changes, c)
	}
	// libopenapi collects some changes (enum values, required names) from Go maps: sort, so
	// that the same two documents always print the same diff.
	slices.SortStableFunc(d.Changes, func(a, b Change) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Property, b.Property),
			strings.Compare(string(a.Kind), string(b.Kind)), strings.Compare(a.Old, b.Old), strings.Compare(a.New, b.New))
	})
	return d, nil
}

// diffDocument parses one side of a diff with both libraries, so that it fails exactly where
// Parse would, without Parse's suite-specific demands (x-provider, x-service, the file name).
func diffDocument(name string, raw []byte) (libopenapi.Document, error) {
	if len(strings.TrimSpace(string(raw))) == 0 {
		return nil, &Error{File: name, Err: errors.New("empty document")}
	}
	doc, err := libopenapi.NewDocumentWithConfiguration(raw, quietConfig())
	if err != nil {
		return nil, syntaxError(name, raw, err)
	}
	if v := doc.GetSpecInfo().SpecType; v != utils.OpenApi3 {
		return nil, &Error{File: name, Err: fmt.Errorf("not an OpenAPI 3 document (%q)", v)}
	}
	if _, err := doc.BuildV3Model(); err != nil {
		return nil, modelError(name, err)
	}
	if _, err := kinModel(name, raw); err != nil {
		return nil, err
	}
	return doc, nil
}
