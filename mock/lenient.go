package mock

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Lenient is one conformant-but-lenient mode of the reference target. Where the documentation
// is silent (what a service does with a missing Content-Type, an optional field of the wrong
// type, a field it does not know, or which fields an answer may carry besides the documented
// ones), the plain target takes the strict side; a lenient mode takes the permissive side that
// real services routinely take, so that the suite can be shown to warn, not fail, on it in its
// core profile. Unlike a fault, it breaks nothing the documentation states, and it applies to
// every operation.
type Lenient struct {
	Name        string
	Description string
}

// leniency is the set of lenient modes in force; the zero value is the strict target.
type leniency struct {
	contentType         bool // a missing or foreign Content-Type is read as JSON
	optionalTypes       bool // optional members of the wrong JSON type are dropped
	unknownFields       bool // members no schema describes are dropped, not refused
	extraResponseFields bool // every object of a JSON answer carries undocumentedField
}

// lenientMode is a Lenient and the switch it sets.
type lenientMode struct {
	Lenient
	enable func(l *leniency)
}

// lenientTable is every lenient mode. A function, not a variable, so that nothing can change it.
func lenientTable() []lenientMode {
	return []lenientMode{
		{
			Lenient: Lenient{"content-type", "a missing or foreign Content-Type (text/plain) is tolerated, even where the page mandates the header (UpdateEnterpriseId): the body is read as JSON anyway"},
			enable:  func(l *leniency) { l.contentType = true },
		},
		{
			Lenient: Lenient{"optional-types", "an optional request field (not required by its parent) of the wrong JSON type is ignored as if absent (systemTags as a string, any UpdateTenantConfig field); a required one is still refused"},
			enable:  func(l *leniency) { l.optionalTypes = true },
		},
		{
			Lenient: Lenient{"unknown-fields", "request-body fields the spec's schema does not describe are ignored instead of refused"},
			enable:  func(l *leniency) { l.unknownFields = true },
		},
		{
			Lenient: Lenient{"extra-response-fields", "every JSON object of every answer (success and error, nested ones included) carries the undocumented field " + undocumentedField + "; the documented fields are unchanged"},
			enable:  func(l *leniency) { l.extraResponseFields = true },
		},
	}
}

// Lenients lists the lenient modes, in the order of the table.
func Lenients() []Lenient {
	table := lenientTable()
	out := make([]Lenient, len(table))
	for i, l := range table {
		out[i] = l.Lenient
	}
	return out
}

func lookupLenient(name string) (lenientMode, bool) {
	for _, l := range lenientTable() {
		if l.Name == name {
			return l, true
		}
	}
	return lenientMode{}, false
}

func lenientNames() string {
	var names []string
	for _, l := range lenientTable() {
		names = append(names, l.Name)
	}
	return strings.Join(names, ", ")
}

// undocumentedField is the member extra-response-fields adds to every object of a JSON answer:
// a name that no spec documents, so that a client that refuses unknown fields shows itself.
const undocumentedField = "x_conformance_undocumented"

// undocumentedValue is its value, which says where it comes from.
const undocumentedValue = "added by the reference target's lenient mode extra-response-fields"

// addUndocumentedFields puts undocumentedField into every object of a JSON answer, nested ones
// and those in arrays included. Numbers are kept as sent (an int64 Tid stays exact); an answer
// that is not JSON is left alone.
func addUndocumentedFields(rep *reply) {
	if !strings.Contains(rep.contentType, "json") || len(rep.body) == 0 {
		return
	}
	v, ok := decodeJSON(rep.body)
	if !ok {
		return
	}
	var add func(v any)
	add = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for _, child := range t {
				add(child)
			}
			t[undocumentedField] = undocumentedValue
		case []any:
			for _, child := range t {
				add(child)
			}
		}
	}
	add(v)
	if b, ok := encodeJSON(v); ok {
		rep.body = b
	}
}

// decodeJSON decodes one JSON value, numbers as json.Number so that re-encoding keeps them.
func decodeJSON(b []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	return v, true
}

// encodeJSON encodes a value decodeJSON made, without escaping HTML characters, which a
// re-encoded body has no more reason to escape than the one it replaces.
func encodeJSON(v any) ([]byte, bool) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return nil, false
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), true
}
