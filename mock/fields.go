package mock

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// isJSON reports whether a media type (without parameters) is JSON.
func isJSON(mediaType string) bool { return strings.HasSuffix(mediaType, "json") }

// fieldPolicy is what the target does with the members of a JSON request body that kin-openapi
// lets through although the schema does not allow them as they are: members no schema
// describes (OpenAPI allows them unless additionalProperties is false) and, under
// optional-types, optional members of the wrong type, which kin-openapi refuses.
type fieldPolicy struct {
	dropUnknown   bool // remove unknown members instead of reporting them
	dropWrongType bool // remove optional members whose JSON type the schema does not allow
}

// sift walks the decoded body v along its schema s, removing in place what the policy drops,
// and returns the JSON pointers of the unknown members it kept, which the strict target
// refuses. changed says whether it removed anything. A required member of the wrong type is
// never removed: kin-openapi refuses it.
func (p fieldPolicy) sift(s *openapi3.Schema, v any) (unknown []string, changed bool) {
	var walk func(s *openapi3.Schema, v any, at string)
	walk = func(s *openapi3.Schema, v any, at string) {
		if s == nil {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			if freeForm(s) {
				return
			}
			required := requiredOf(s)
			for _, name := range slices.Sorted(maps.Keys(t)) {
				ptr := at + "/" + escapePointer(name)
				child, known := member(s, name)
				drop := false
				switch {
				case !known:
					drop = p.dropUnknown
					if !drop {
						unknown = append(unknown, ptr)
					}
				case p.dropWrongType && !required[name] && !hasType(child, t[name]):
					drop = true
				default:
					walk(child, t[name], ptr)
				}
				if drop {
					delete(t, name)
					changed = true
				}
			}
		case []any:
			if s.Items == nil {
				return
			}
			for i, item := range t {
				walk(s.Items.Value, item, at+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(s, v, "")
	return unknown, changed
}

// branches are s and the schemas it is composed of (allOf, anyOf, oneOf), one level deep:
// the members any of them describes are members of s.
func branches(s *openapi3.Schema) []*openapi3.Schema {
	out := []*openapi3.Schema{s}
	for _, refs := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, ref := range refs {
			if ref != nil && ref.Value != nil {
				out = append(out, ref.Value)
			}
		}
	}
	return out
}

// member is the schema s gives its member name, and whether s describes that member at all:
// as a property (its own or a branch's) or through additionalProperties, which may allow any
// member without giving it a schema (then the schema is nil).
func member(s *openapi3.Schema, name string) (*openapi3.Schema, bool) {
	bs := branches(s)
	for _, b := range bs {
		if ref := b.Properties[name]; ref != nil {
			return ref.Value, true
		}
	}
	for _, b := range bs {
		switch ap := b.AdditionalProperties; {
		case ap.Schema != nil:
			return ap.Schema.Value, true
		case ap.Has != nil && *ap.Has:
			return nil, true
		}
	}
	return nil, false
}

// freeForm reports whether s describes no members at all, so that every member is allowed:
// an object without properties (ZStack's clientInfo), or a schema that is not about objects.
// additionalProperties: false makes even such an object closed.
func freeForm(s *openapi3.Schema) bool {
	for _, b := range branches(s) {
		if len(b.Properties) > 0 {
			return false
		}
	}
	return s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has
}

// requiredOf are the members s requires, its allOf branches' included (an anyOf or oneOf
// branch requires them only if it is the one that matches).
func requiredOf(s *openapi3.Schema) map[string]bool {
	out := map[string]bool{}
	for _, name := range s.Required {
		out[name] = true
	}
	for _, ref := range s.AllOf {
		if ref != nil && ref.Value != nil {
			for _, name := range ref.Value.Required {
				out[name] = true
			}
		}
	}
	return out
}

// hasType reports whether v, decoded with json.Number, is of a JSON type s allows. A schema
// that names no type allows every one, so only a value that is plainly of another type fails.
func hasType(s *openapi3.Schema, v any) bool {
	if s == nil || s.Type.IsEmpty() {
		return true
	}
	if v == nil {
		return s.Nullable || s.Type.IncludesNull()
	}
	for _, t := range s.Type.Slice() {
		switch x := v.(type) {
		case string:
			if t == openapi3.TypeString {
				return true
			}
		case bool:
			if t == openapi3.TypeBoolean {
				return true
			}
		case json.Number:
			f, err := x.Float64()
			if t == openapi3.TypeNumber || t == openapi3.TypeInteger && err == nil && f == math.Trunc(f) {
				return true
			}
		case map[string]any:
			if t == openapi3.TypeObject {
				return true
			}
		case []any:
			if t == openapi3.TypeArray {
				return true
			}
		}
	}
	return false
}

// escapePointer escapes a member name as a JSON pointer segment (RFC 6901).
func escapePointer(name string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(name)
}
