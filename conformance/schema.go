package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/go-openapi/jsonpointer"

	"github.com/conformance-suite/conformance/specs"
)

// visitOptions are the same for every body: built once, they cost no allocation per call.
// VisitAsResponse only matters to a schema that declares a writeOnly property (such a
// property must be absent from an answer, and is not required in it); elsewhere it changes
// no verdict and costs a sorted copy of every object's property names, a third of a
// validation, so a schema without writeOnly is visited without it (responseOptions).
var (
	visitOptions = []openapi3.SchemaValidationOption{
		openapi3.MultiErrors(), openapi3.VisitAsResponse(), openapi3.DisableSchemaErrorDetails(),
	}
	plainVisitOptions = []openapi3.SchemaValidationOption{
		openapi3.MultiErrors(), openapi3.DisableSchemaErrorDetails(),
	}
)

// writeOnlySchemas memoises declaresWriteOnly per schema: the loaded schemas never change,
// so the answer is a fact of the schema, worked out once.
var writeOnlySchemas sync.Map // *openapi3.Schema → bool

// responseOptions are the options to visit an answer's body with under schema s.
func responseOptions(s *openapi3.Schema) []openapi3.SchemaValidationOption {
	wo, ok := writeOnlySchemas.Load(s)
	if !ok {
		wo, _ = writeOnlySchemas.LoadOrStore(s, declaresWriteOnly(s, map[*openapi3.Schema]bool{}))
	}
	if wo.(bool) {
		return visitOptions
	}
	return plainVisitOptions
}

// declaresWriteOnly reports whether any schema reachable from s marks a property writeOnly.
func declaresWriteOnly(s *openapi3.Schema, seen map[*openapi3.Schema]bool) bool {
	if s == nil || seen[s] {
		return false
	}
	seen[s] = true
	if s.WriteOnly {
		return true
	}
	var refs []*openapi3.SchemaRef
	for _, r := range s.Properties {
		refs = append(refs, r)
	}
	refs = append(refs, s.Items, s.AdditionalProperties.Schema, s.Not)
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		refs = append(refs, list...)
	}
	for _, r := range refs {
		if r != nil && declaresWriteOnly(r.Value, seen) {
			return true
		}
	}
	return false
}

// validateBody decodes a JSON body and validates it with kin-openapi, one Failure per broken
// field, each with its JSON pointer. It is the body half of openapi3filter.ValidateResponse:
// status and media type are judged by their own checks, so that each broken contract point
// fails exactly one check, and decoding once keeps a validation within a few microseconds.
func validateBody(check CheckName, schema *openapi3.Schema, r *Response) []Failure {
	value, err := r.JSON()
	if err != nil {
		return []Failure{fail(check, "", "a JSON body", fmt.Sprintf("%v: %s", err, excerpt(r.Body)))}
	}
	err = schema.VisitJSON(value, responseOptions(schema)...)
	if err == nil {
		return nil
	}
	return schemaFailures(check, err, func(*openapi3.SchemaError, []string) bool { return false })
}

// schemaFailures turns kin-openapi's schema errors into one failure per broken field, each
// with its JSON pointer; the value of a field withheld says is described, never quoted (a
// password in a request).
func schemaFailures(check CheckName, err error, withheld func(se *openapi3.SchemaError, path []string) bool) []Failure {
	var out []Failure
	for _, e := range flatten(err) {
		var se *openapi3.SchemaError
		if !errors.As(e, &se) {
			out = append(out, fail(check, "", "a body matching the schema", e.Error()))
			continue
		}
		path := se.JSONPointer()
		if se.SchemaField == "required" {
			// kin-openapi ends the path of a missing property with its name: the value that
			// breaks the rule is the parent object, and the message names the property.
			if name, ok := missingProperty(se.Reason); ok {
				if n := len(path); n > 0 && path[n-1] == name {
					path = path[:n-1]
				}
				out = append(out, fail(check, specs.Pointer(path), fmt.Sprintf("required property %q", name), "absent"))
				continue
			}
		}
		actual := jsonValue(se.Value)
		if withheld(se, path) {
			actual = secretWithheld
		}
		out = append(out, fail(check, specs.Pointer(path), expectation(se), actual))
	}
	return out
}

func flatten(err error) []error {
	var me openapi3.MultiError
	if !errors.As(err, &me) {
		return []error{err}
	}
	var out []error
	for _, e := range me {
		out = append(out, flatten(e)...)
	}
	return out
}

// expectation says what the schema wanted at the failing field, in the words of the schema.
func expectation(se *openapi3.SchemaError) string {
	s := se.Schema
	switch se.SchemaField {
	case "type":
		if s != nil && s.Type != nil {
			t := strings.Join(s.Type.Slice(), " or ")
			if s.Format != "" {
				t += " (" + s.Format + ")"
			}
			return "type " + t
		}
	case "enum":
		if s != nil {
			vals := make([]string, len(s.Enum))
			for i, v := range s.Enum {
				vals[i] = jsonValue(v)
			}
			return "one of [" + strings.Join(vals, ", ") + "]"
		}
	case "additionalProperties":
		return "no undocumented property"
	}
	if se.Reason != "" {
		return se.SchemaField + " (" + se.Reason + ")"
	}
	return "a value matching " + se.SchemaField
}

// missingProperty extracts the name from kin-openapi's `property "x" is missing`.
func missingProperty(reason string) (string, bool) {
	_, rest, ok := strings.Cut(reason, `property "`)
	if !ok {
		return "", false
	}
	name, _, ok := strings.Cut(rest, `"`)
	return name, ok
}

// lookup follows a JSON pointer through a decoded body; nil when it leads nowhere.
func lookup(v any, ptr string) any {
	got, _ := lookupPointer(v, ptr)
	return got
}

// lookupPointer follows an RFC 6901 JSON pointer with go-openapi's jsonpointer (kin-openapi's
// own); found is false when it leads nowhere, which tells an absent field from a null one.
func lookupPointer(v any, ptr string) (any, bool) {
	p, err := jsonpointer.New(ptr)
	if err != nil {
		return nil, false
	}
	got, _, err := p.Get(v)
	return got, err == nil
}

// jsonValue renders a decoded value for a message, with its JSON type visible.
func jsonValue(v any) string {
	if v == nil {
		return "null or absent"
	}
	if str, ok := v.(string); ok && len(str) > textLimit {
		v = str[:textLimit] // quoted below: a target's megabyte string must not be marshalled whole
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	kind := ""
	switch v.(type) {
	case string:
		kind = "string "
	case float64, json.Number:
		kind = "number "
	case bool:
		kind = "boolean "
	case map[string]any:
		kind = "object "
	case []any:
		kind = "array "
	}
	s := string(b)
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return kind + s
}
