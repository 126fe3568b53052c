package specs

import (
	"strconv"
	"strings"

	"github.com/go-openapi/jsonpointer"
	yaml "github.com/pb33f/go-yaml"
)

// breakingRule says why a kind of change breaks a client, and, for the changes libopenapi
// does not rate breaking, when it does.
type breakingRule struct {
	kind     ChangeKind
	property string
	why      string
	// own, when set, makes the rule rate changes breaking that libopenapi does not; it gets the
	// change and the old document's node at the change's path (nil when the path is new).
	own func(c Change, old *yaml.Node) bool
}

// breakingRules explains libopenapi's verdicts in the words of the spec gate, and adds the
// verdicts it lacks: libopenapi compares keyword by keyword, so it sees an enum that appears on
// a schema as values added (a widening) rather than as a narrowing from "any value", and a
// type keyword that comes or goes as harmless. The suite's own extension x-error-envelope is
// the error contract of every operation, which libopenapi treats as free-form metadata.
var breakingRules = []breakingRule{
	{kind: Removed, property: "properties", why: "a field was removed: a client that reads or sends it breaks"},
	{kind: Removed, property: "enum", why: "the enum was narrowed: a value clients send or handle is gone"},
	{kind: Added, property: "enum", why: "the enum was narrowed: the field took any value, now only the listed ones",
		own: func(_ Change, old *yaml.Node) bool { return old != nil && mappingValue(old, "enum") == nil }},
	{kind: Added, property: "required", why: "a field became required: a request without it is refused"},
	{kind: Removed, property: "required", why: "a field is no longer guaranteed: a client reading it may find it missing"},
	{kind: Modified, property: "required", why: "a parameter or body became required: a request without it is refused"},
	{kind: Added, property: "parameters", why: "a new required parameter: a request without it is refused"},
	{kind: Modified, property: "type", why: "the type changed: a client parsing or sending the old type breaks"},
	{kind: Removed, property: "type", why: "the type changed: the field may now hold any JSON type",
		own: func(Change, *yaml.Node) bool { return true }},
	{kind: Added, property: "type", why: "the type changed: the field took any JSON type, now only one",
		own: func(Change, *yaml.Node) bool { return true }},
	{kind: Modified, property: "format", why: "the format changed: a client parsing the old format breaks"},
	{kind: Removed, property: "codes", why: "a documented status code was removed: a client handling it meets an undocumented answer"},
	{kind: Removed, property: "content", why: "a media type was removed: a client sending or accepting it breaks"},
	{kind: Modified, property: "x-error-envelope", why: "the provider's error envelope changed: every client reading errors is affected",
		own: func(Change, *yaml.Node) bool { return true }},
	{kind: Removed, property: "x-error-envelope", why: "the provider's error envelope is gone: every client reading errors is affected",
		own: func(Change, *yaml.Node) bool { return true }},
}

// removedOperation explains the removal of a path or an operation, whose property is the
// path itself or a method.
const removedOperation = "an operation was removed: every client calling it breaks"

// judge completes a change's verdict with the suite's own rules and says why it breaks.
func judge(c *Change, oldRoot *yaml.Node) {
	for _, r := range breakingRules {
		if r.kind != c.Kind || r.property != c.Property {
			continue
		}
		if !c.Breaking && r.own != nil && r.own(*c, resolve(oldRoot, c.Path)) {
			c.Breaking, c.OwnRule = true, true
		}
		if c.Breaking {
			c.Why = r.why
		}
		return
	}
	if c.Breaking {
		switch {
		case c.Kind == Removed && (isMethod(c.Property) || strings.HasPrefix(c.Property, "/")):
			c.Why = removedOperation
		default:
			c.Why = "libopenapi rates this change breaking"
		}
	}
}

func isMethod(s string) bool {
	switch s {
	case "get", "put", "post", "delete", "options", "head", "patch", "trace", "query":
		return true
	}
	return false
}

// resolve finds the node at a change's path in a document: a JSON pointer whose segments
// may also name a list element by its name key (parameters), following local $refs on the
// way. It returns nil when the path does not exist there.
func resolve(root *yaml.Node, pointer string) *yaml.Node {
	n := root
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if pointer == "" {
		return n
	}
	for _, seg := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		seg = jsonpointer.Unescape(seg)
		n = follow(root, n, 0)
		switch {
		case n == nil:
			return nil
		case n.Kind == yaml.MappingNode:
			n = mappingValue(n, seg)
		case n.Kind == yaml.SequenceNode:
			n = element(root, n, seg)
		default:
			return nil
		}
	}
	return follow(root, n, 0)
}

// follow replaces a {$ref: '#/...'} mapping by the node it names.
func follow(root, n *yaml.Node, depth int) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode || depth > 32 {
		return n
	}
	ref := mappingValue(n, "$ref")
	if ref == nil || !strings.HasPrefix(ref.Value, "#/") {
		return n
	}
	return follow(root, resolve(root, strings.TrimPrefix(ref.Value, "#")), depth+1)
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// element picks a list element by index, or by its name (after following a $ref).
func element(root, seq *yaml.Node, seg string) *yaml.Node {
	for _, e := range seq.Content {
		if name := mappingValue(follow(root, e, 0), "name"); name != nil && name.Value == seg {
			return e
		}
	}
	if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(seq.Content) {
		return seq.Content[i]
	}
	return nil
}
