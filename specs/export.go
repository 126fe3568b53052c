package specs

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// Exported is one document written by Export: standard OpenAPI that routers outside this suite
// (Prism, Specmatic, Schemathesis) route as they are.
type Exported struct {
	File string // e.g. "alibabacloud-dms-enterprise.GetUserActiveTenant.yaml"
	Doc  *openapi3.T
}

// ExportedFromKey is the info extension that names the suite's document an export came from.
const ExportedFromKey = "x-exported-from"

// Export rewrites the document for the tools users already have. The suite keys an RPC action
// "/#Action=<Name>" (the convention of APIs-guru's RPC conversions), which only its own index
// understands: every other router treats the fragment as part of the path and answers 404. An
// export puts each action at "/", the path it is sent to, and makes the action a required
// Action query parameter whose enum is that one action, so a router tells actions apart by
// their parameters. One path cannot hold two actions, so each action is a file of its own,
// "<service>.<Action>.yaml"; the REST paths stay in "<service>.yaml". Every x- extension is
// kept. The document is loaded afresh from its bytes, so the loaded Spec is left unchanged.
func (sp *Spec) Export() ([]Exported, error) {
	load := func() (*openapi3.T, error) {
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = false
		doc, err := loader.LoadFromData(sp.Raw)
		if err != nil {
			return nil, &Error{File: sp.File, Err: err}
		}
		if doc.Info.Extensions == nil {
			doc.Info.Extensions = map[string]any{}
		}
		doc.Info.Extensions[ExportedFromKey] = sp.File
		return doc, nil
	}
	rest, err := load()
	if err != nil {
		return nil, err
	}
	base := strings.TrimSuffix(sp.File, ".yaml")
	var out []Exported
	for _, key := range slices.Sorted(maps.Keys(rest.Paths.Map())) {
		wire, fragment, rpc := strings.Cut(key, "#")
		if !rpc {
			continue
		}
		action, err := rpcAction(rest.Paths.Value(key))
		if err != nil {
			return nil, &Error{File: sp.File, Err: fmt.Errorf("paths %q (%s): %w", key, fragment, err)}
		}
		rest.Paths.Delete(key)
		doc, err := load()
		if err != nil {
			return nil, err
		}
		item := doc.Paths.Value(key)
		item.Parameters = actionParameters(item.Parameters, action)
		doc.Paths = openapi3.NewPaths(openapi3.WithPath(wire, item))
		out = append(out, Exported{File: base + "." + action + ".yaml", Doc: doc})
	}
	if rest.Paths.Len() > 0 || len(out) == 0 {
		out = append([]Exported{{File: base + ".yaml", Doc: rest}}, out...)
	}
	for _, e := range out {
		if err := e.Doc.Validate(openapi3.NewLoader().Context); err != nil {
			return nil, &Error{File: e.File, Err: fmt.Errorf("exported from %s: %w", sp.File, err)}
		}
	}
	return out, nil
}

// YAML renders the exported document, indented as the suite's own documents are.
func (e Exported) YAML() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(e.Doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// rpcAction is the one x-rpc-action of every operation of an RPC path item.
func rpcAction(item *openapi3.PathItem) (string, error) {
	var action string
	for method, op := range item.Operations() {
		a, _ := op.Extensions["x-rpc-action"].(string)
		switch {
		case a == "":
			return "", fmt.Errorf("%s has no x-rpc-action", method)
		case action != "" && a != action:
			return "", fmt.Errorf("one path holds two actions, %s and %s", action, a)
		}
		action = a
	}
	if action == "" {
		return "", errors.New("no operation")
	}
	return action, nil
}

// actionParameters returns the path item's parameters with the action named: the Action query
// parameter required and the action the only value of it and of the x-acs-action header (a
// signature V3 client sends only the header, but a router needs one parameter it can demand).
// The shared component parameters are copied, not changed.
func actionParameters(params openapi3.Parameters, action string) openapi3.Parameters {
	out := make(openapi3.Parameters, 0, len(params)+1)
	named := false
	for _, ref := range params {
		p := ref.Value
		isAction := p != nil && p.In == openapi3.ParameterInQuery && p.Name == "Action"
		if p == nil || !(isAction || p.In == openapi3.ParameterInHeader && strings.EqualFold(p.Name, "x-acs-action")) {
			out = append(out, ref)
			continue
		}
		named = named || isAction
		out = append(out, &openapi3.ParameterRef{Value: oneValue(p, action, isAction)})
	}
	if !named {
		out = append([]*openapi3.ParameterRef{{Value: oneValue(openapi3.NewQueryParameter("Action"), action, true)}}, out...)
	}
	return out
}

// oneValue copies p with action as its only value, required or not.
func oneValue(p *openapi3.Parameter, action string, required bool) *openapi3.Parameter {
	c := *p
	c.Required = required
	c.Schema = openapi3.NewSchemaRef("", openapi3.NewStringSchema().WithEnum(action))
	c.Example = action
	if required {
		c.Description = strings.TrimSpace(c.Description + " Required in this export: routers outside the suite tell the actions at / apart by it.")
	}
	return &c
}
