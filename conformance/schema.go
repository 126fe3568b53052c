package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// visitOptions are the same for every body: built once, they cost no allocation per call.
var visitOptions = []openapi3.SchemaValidationOption{
	openapi3.MultiErrors(), openapi3.VisitAsResponse(), openapi3.DisableSchemaErrorDetails(),
}

// validateBody decodes a JSON body and validates it with kin-openapi, one Failure per broken
// field, each with its JSON pointer. It is the body half of openapi3filter.ValidateResponse:
// status and media type are judged by their own checks, so that each broken contract point
// fails exactly one check, and decoding once keeps a validation within a few microseconds.
func validateBody(check string, schema *openapi3.Schema, body []byte) []Failure {
	value, err := decodeJSON(body)
	if err != nil {
		return []Failure{fail(check, "", "a JSON body", fmt.Sprintf("%v: %s", err, excerpt(body)))}
	}
	err = schema.VisitJSON(value, visitOptions...)
	if err == nil {
		return nil
	}
	var out []Failure
	for _, e := range flatten(err) {
		var se *openapi3.SchemaError
		if !errors.As(e, &se) {
			out = append(out, fail(check, "", "a body matching the schema", e.Error()))
			continue
		}
		ptr := "/" + strings.Join(escapePointer(se.JSONPointer()), "/")
		if se.SchemaField == "required" {
			// kin-openapi reports a missing property at its parent; name the property itself.
			if name, ok := missingProperty(se.Reason); ok {
				ptr = strings.TrimSuffix(ptr, "/") + "/" + name
				out = append(out, fail(check, ptr, "required property", "absent"))
				continue
			}
		}
		out = append(out, fail(check, ptr, expectation(se), jsonValue(se.Value)))
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

func escapePointer(parts []string) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = strings.NewReplacer("~", "~0", "/", "~1").Replace(p)
	}
	return out
}

func decodeJSON(b []byte) (any, error) {
	if len(b) == 0 {
		return nil, errors.New("empty body")
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	return v, nil
}

// lookup follows a JSON pointer through a decoded body; nil when it leads nowhere.
func lookup(v any, ptr string) any {
	for _, part := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if part == "" {
			continue
		}
		part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
		switch t := v.(type) {
		case map[string]any:
			v = t[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(t) {
				return nil
			}
			v = t[i]
		default:
			return nil
		}
	}
	return v
}

// jsonValue renders a decoded value for a message, with its JSON type visible.
func jsonValue(v any) string {
	if v == nil {
		return "null or absent"
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
