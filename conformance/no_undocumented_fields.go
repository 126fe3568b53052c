package conformance

import (
	"fmt"
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/specs"
)

// CheckNoUndocumentedFields names NoUndocumentedFields.
const CheckNoUndocumentedFields CheckName = "no_undocumented_fields"

// NoUndocumentedFields fails on a field of a JSON answer that its schema does not describe:
// a property no branch of the object's schema names, where the schema does not allow others.
// The pages never forbid more fields (OpenAPI allows them by default, and real services add
// fields over time), so this is a strict check: in the core profile its findings are warnings,
// telling a client author what the documentation does not say the answer holds.
var NoUndocumentedFields = Check{
	Name:        CheckNoUndocumentedFields,
	Description: "every field of a JSON answer is documented by its schema (strict: the pages do not forbid more)",
	Profile:     fixtures.Strict,
	Needs: []CheckName{CheckResponseReceived, CheckContentEncodingConformance,
		CheckResponseSchemaConformance, CheckErrorEnvelopeConformance},
	Run: func(x *Exchange, _ *Options) (bool, []Failure) {
		status := x.Response.Status
		var schema *openapi3.Schema
		switch {
		case status >= 200 && status <= 299:
			if doc := x.Op.Responses[status]; doc != nil {
				schema = doc.Schema
			}
		case status >= 400 && !plainTextRefusal(x):
			schema = errorSchema(x)
		}
		if schema == nil {
			return false, nil
		}
		body, err := x.Response.JSON()
		if err != nil {
			return false, nil // the body checks own an unreadable body
		}
		var out []Failure
		undocumented(schema, body, nil, &out)
		return true, out
	},
}

// undocumented walks a decoded value along its schema and reports every property that no
// schema of the object describes. allOf branches all describe the object; of oneOf and anyOf,
// the branches the value matches.
func undocumented(s *openapi3.Schema, v any, path []string, out *[]Failure) {
	if s == nil || len(*out) > maxFailures {
		return
	}
	branches := applicable(s, v)
	switch t := v.(type) {
	case map[string]any:
		for _, name := range slices.Sorted(maps.Keys(t)) {
			child := append(slices.Clone(path), name)
			prop, described := propertyOf(branches, name)
			if !described {
				*out = append(*out, fail(CheckNoUndocumentedFields, specs.Pointer(child), "only the documented properties", "undocumented property "+fmt.Sprintf("%q", name)+" = "+jsonValue(t[name])))
				continue
			}
			undocumented(prop, t[name], child, out)
		}
	case []any:
		for i, item := range t {
			for _, b := range branches {
				if b.Items != nil {
					undocumented(b.Items.Value, item, append(slices.Clone(path), fmt.Sprint(i)), out)
					break
				}
			}
		}
	}
}

// applicable is s with the allOf branches and the matching oneOf/anyOf branches, flattened.
func applicable(s *openapi3.Schema, v any) []*openapi3.Schema {
	out := []*openapi3.Schema{s}
	for _, ref := range s.AllOf {
		if ref != nil && ref.Value != nil {
			out = append(out, applicable(ref.Value, v)...)
		}
	}
	for _, refs := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
		for _, ref := range refs {
			if ref != nil && ref.Value != nil && ref.Value.VisitJSON(v, visitOptions...) == nil {
				out = append(out, applicable(ref.Value, v)...)
			}
		}
	}
	return out
}

// propertyOf finds the schema of a property among the branches; described is false when no
// branch names it and none allows additional properties. A branch that allows any additional
// property describes it with no schema to walk further.
func propertyOf(branches []*openapi3.Schema, name string) (prop *openapi3.Schema, described bool) {
	for _, b := range branches {
		if ref := b.Properties[name]; ref != nil {
			return ref.Value, true
		}
	}
	free := true // an object schema that names no property at all is free-form
	for _, b := range branches {
		ap := b.AdditionalProperties
		if len(b.Properties) > 0 || ap.Has != nil && !*ap.Has {
			free = false
		}
		switch {
		case ap.Schema != nil:
			return ap.Schema.Value, true
		case ap.Has != nil && *ap.Has:
			return nil, true
		}
	}
	return nil, free
}
