package specs

import (
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/go-openapi/jsonpointer"
	"github.com/pb33f/libopenapi/what-changed/model"
)

// changeWalker flattens libopenapi's tree of *XxxChanges structs into Changes with a path.
// The tree has one struct type per OpenAPI object; walking it by reflection, naming each field
// by the OpenAPI key it stands for, covers every object type without a function per type.
type changeWalker struct {
	changes []Change
}

func (w *changeWalker) walk(v reflect.Value, path string) {
	if v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	t := v.Type()
	for i := range t.NumField() {
		f, fv := t.Field(i), v.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Anonymous {
			if pc, ok := fv.Interface().(*model.PropertyChanges); ok && pc != nil {
				w.add(path, pc.Changes)
			}
			continue
		}
		seg, ok := segment(f.Name, fv.Kind())
		if !ok {
			continue
		}
		child := join(path, seg)
		switch fv.Kind() {
		case reflect.Pointer:
			w.walk(fv, child)
		case reflect.Map:
			keys := fv.MapKeys()
			slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
			for _, k := range keys {
				w.walk(fv.MapIndex(k), join(child, k.String()))
			}
		case reflect.Slice:
			if changes, ok := fv.Interface().([]*model.Change); ok {
				w.add(child, changes)
				continue
			}
			for j := range fv.Len() {
				w.walk(fv.Index(j), join(child, elementName(fv.Index(j), j)))
			}
		}
	}
}

func (w *changeWalker) add(path string, changes []*model.Change) {
	for _, mc := range changes {
		if mc == nil {
			continue
		}
		c := Change{Path: path, Property: mc.Property, Old: mc.Original, New: mc.New, Breaking: mc.Breaking}
		switch mc.ChangeType {
		case model.PropertyAdded, model.ObjectAdded:
			c.Kind = Added
		case model.PropertyRemoved, model.ObjectRemoved:
			c.Kind = Removed
		default:
			c.Kind = Modified
		}
		if ctx := mc.Context; ctx != nil {
			if ctx.OriginalLine != nil {
				c.OldLine = *ctx.OriginalLine
			}
			if ctx.NewLine != nil {
				c.NewLine = *ctx.NewLine
			}
		}
		w.changes = append(w.changes, c)
	}
}

// segmentNames maps the fields of libopenapi's change structs to the OpenAPI keys they stand
// for, where dropping "Changes" and lower-casing the first letter gets it wrong. An empty name
// means the field's map keys sit directly under the parent (paths, status codes, extensions).
var segmentNames = map[string]string{
	"PathItemsChanges":           "",
	"ResponseChanges":            "",
	"ExtensionChanges":           "",
	"AdditionalOperationChanges": "",
	"ExternalDocChanges":         "externalDocs",
	"SecurityRequirementChanges": "security",
	"SchemaPropertyChanges":      "properties",
	"XMLChanges":                 "xml",
	"TagChanges":                 "tags",
	"ServerChanges":              "servers",
	"WebhookChanges":             "webhooks",
	"ParameterChanges":           "parameters",
	"CallbackChanges":            "callbacks",
	"HeaderChanges":              "headers",
	"LinkChanges":                "links",
	"ExampleChanges":             "examples",
	"SecuritySchemeChanges":      "securitySchemes",
	"VocabularyChanges":          "$vocabulary",
}

// segment names the path segment of a change-struct field; ok is false for fields that are
// not changes (a parameter's Name, say).
func segment(field string, kind reflect.Kind) (string, bool) {
	base, isChanges := strings.CutSuffix(field, "Changes")
	if !isChanges {
		return "", false
	}
	if name, ok := segmentNames[field]; ok {
		return name, true
	}
	if field == "SchemaChanges" && kind == reflect.Map {
		return "schemas", true // components/schemas; elsewhere it is one schema
	}
	return strings.ToLower(base[:1]) + base[1:], true
}

// elementName names an element of a list of changes by its Name field (parameters, tags),
// or else by its index.
func elementName(v reflect.Value, index int) string {
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		if name := v.Elem().FieldByName("Name"); name.IsValid() && name.Kind() == reflect.String && name.String() != "" {
			return name.String()
		}
	}
	return strconv.Itoa(index)
}

// join appends a segment to a JSON pointer, escaping it; an empty segment adds nothing.
func join(path, seg string) string {
	if seg == "" {
		return path
	}
	return path + "/" + jsonpointer.Escape(seg)
}
