package coverage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/go-openapi/jsonpointer"
)

// walkSchema visits every property a schema documents, depth first, with its JSON pointer
// under prefix: the properties of allOf, oneOf and anyOf branches as the schema's own (a
// value may take any branch), array items as "/-". A schema that contains itself is walked
// once along each path.
func walkSchema(s *openapi3.Schema, prefix string, visit func(ptr string, s *openapi3.Schema)) {
	walk(s, prefix, visit, nil)
}

func walk(s *openapi3.Schema, prefix string, visit func(string, *openapi3.Schema), stack []*openapi3.Schema) {
	if s == nil || slices.Contains(stack, s) {
		return
	}
	stack = append(stack, s)
	for _, b := range branches(s) {
		walk(b, prefix, visit, stack)
	}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		ref := s.Properties[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		ptr := prefix + "/" + jsonpointer.Escape(name)
		visit(ptr, ref.Value)
		walk(ref.Value, ptr, visit, stack)
	}
	if s.Items != nil && s.Items.Value != nil {
		ptr := prefix + "/-"
		visit(ptr, s.Items.Value)
		walk(s.Items.Value, ptr, visit, stack)
	}
}

// branches are the schemas of a schema's allOf, oneOf and anyOf.
func branches(s *openapi3.Schema) []*openapi3.Schema {
	var out []*openapi3.Schema
	for _, refs := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, r := range refs {
			if r != nil && r.Value != nil {
				out = append(out, r.Value)
			}
		}
	}
	return out
}

// enumValues are the values a field's enum allows, its branches' included, as items spell
// them (scalar), without repeats, in the spec's order.
func enumValues(s *openapi3.Schema) []string {
	var out []string
	var collect func(s *openapi3.Schema, depth int)
	collect = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 8 {
			return
		}
		for _, v := range s.Enum {
			if str := scalar(v); !slices.Contains(out, str) {
				out = append(out, str)
			}
		}
		for _, b := range branches(s) {
			collect(b, depth+1)
		}
	}
	collect(s, 0)
	return out
}

// invalidable reports whether some value of an input breaks its schema, so that sending it
// invalid is possible at all. A JSON field can always take a value of another type than its
// declared one; a parameter arrives as a string, so only a non-string type, an enum, a pattern,
// a format or a length bound makes a string invalid. An input that must be sent is invalid
// when left out.
func invalidable(s *openapi3.Schema, stringValued, mustBeSent bool) bool {
	if mustBeSent {
		return true
	}
	if s == nil {
		return false
	}
	if len(s.Enum) > 0 || s.Pattern != "" || s.MinLength > 0 || s.MaxLength != nil {
		return true
	}
	if s.Type != nil && len(s.Type.Slice()) > 0 {
		if !stringValued || !s.Type.Is(openapi3.TypeString) {
			return true
		}
		if s.Format != "" {
			return true
		}
	}
	for _, b := range s.AllOf {
		if b != nil && invalidable(b.Value, stringValued, false) {
			return true
		}
	}
	return false
}

// valid reports whether a value satisfies a field's own constraints: type, enum, format,
// pattern, bounds, allOf branches; not those of the properties or items inside it, which are
// inputs of their own.
func (c *contract) valid(s *openapi3.Schema, v any) bool {
	if s == nil {
		return true
	}
	own := c.own[s]
	if own == nil {
		own = shallow(s, 0)
	}
	return own.VisitJSON(v, openapi3.VisitAsRequest()) == nil
}

// shallow is s without what it says of the values inside a value: its properties, items
// and the like. A schema of a scalar type without branches says nothing of values inside,
// and a value that is not a scalar already breaks its type, so such a schema, most fields
// of a request body, is its own shallow schema: no copy of it is kept.
func shallow(s *openapi3.Schema, depth int) *openapi3.Schema {
	if scalarLeaf(s) {
		return s
	}
	out := &openapi3.Schema{
		Type: s.Type, Enum: s.Enum, Format: s.Format, Pattern: s.Pattern, Nullable: s.Nullable,
		Min: s.Min, Max: s.Max, ExclusiveMin: s.ExclusiveMin, ExclusiveMax: s.ExclusiveMax, MultipleOf: s.MultipleOf,
		MinLength: s.MinLength, MaxLength: s.MaxLength, MinItems: s.MinItems, MaxItems: s.MaxItems,
	}
	if depth < 8 {
		for _, b := range s.AllOf {
			if b != nil && b.Value != nil {
				out.AllOf = append(out.AllOf, &openapi3.SchemaRef{Value: shallow(b.Value, depth+1)})
			}
		}
	}
	return out
}

// scalarLeaf reports whether s only admits scalar types and has no branches (allOf, oneOf,
// anyOf, not, if).
func scalarLeaf(s *openapi3.Schema) bool {
	if s.Type == nil || len(*s.Type) == 0 || len(s.AllOf)+len(s.OneOf)+len(s.AnyOf) > 0 || s.Not != nil || s.If != nil {
		return false
	}
	for _, t := range *s.Type {
		if t == openapi3.TypeObject || t == openapi3.TypeArray {
			return false
		}
	}
	return true
}

// requiredNames are the properties an object schema requires, its allOf branches' included.
func requiredNames(s *openapi3.Schema) []string {
	if s == nil {
		return nil
	}
	out := slices.Clone(s.Required)
	for _, b := range s.AllOf {
		if b != nil {
			out = append(out, requiredNames(b.Value)...)
		}
	}
	return out
}

// coerce reads a parameter's string as its schema's type; ok is false when it cannot be read
// so, which makes the value invalid.
func coerce(s *openapi3.Schema, raw string) (v any, ok bool) {
	if s == nil || s.Type == nil {
		return raw, true
	}
	switch {
	case s.Type.Is(openapi3.TypeInteger):
		n, err := strconv.ParseInt(raw, 10, 64)
		return float64(n), err == nil
	case s.Type.Is(openapi3.TypeNumber):
		f, err := strconv.ParseFloat(raw, 64)
		return f, err == nil
	case s.Type.Is(openapi3.TypeBoolean):
		b, err := strconv.ParseBool(raw)
		return b, err == nil
	case s.Type.Is(openapi3.TypeArray):
		var out []any
		for _, part := range strings.Split(raw, ",") {
			out = append(out, part)
		}
		return out, true
	}
	return raw, true
}

// walkValue visits every node of a decoded JSON value below the root, with its JSON pointer,
// array elements as "/-" as walkSchema names them.
func walkValue(v any, prefix string, visit func(ptr string, v any)) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t { // in map order: what is visited lands in sets
			ptr := prefix + "/" + jsonpointer.Escape(k)
			visit(ptr, e)
			walkValue(e, ptr, visit)
		}
	case []any:
		ptr := prefix + "/-"
		for _, e := range t {
			visit(ptr, e)
			walkValue(e, ptr, visit)
		}
	}
}

// decode reads a JSON body; ok is false when it is empty or not JSON.
func decode(body []byte) (any, bool) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, false
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, false
	}
	return v, true
}

// lookup resolves a JSON pointer in a decoded value, nil when nothing is there.
func lookup(v any, ptr string) any {
	if ptr == "" {
		return v
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		switch t := v.(type) {
		case map[string]any:
			v = t[jsonpointer.Unescape(tok)]
		case []any:
			i, err := strconv.Atoi(tok)
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

func escape(token string) string { return jsonpointer.Escape(token) }

// scalar spells a JSON scalar as coverage items do: a string as itself, a number or boolean
// as JSON writes it; "" for anything else.
func scalar(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case float32, int, int64, int32, uint64, json.Number:
		return fmt.Sprint(t)
	case bool:
		return strconv.FormatBool(t)
	}
	return ""
}
