// Package specs holds the hand-written OpenAPI documents of the endpoints under test and the
// index of their operations.
//
// Each document is loaded twice, on purpose: kin-openapi gives the fast validators used at run
// time (a few microseconds per response), libopenapi the high-fidelity document model with line
// numbers that error messages, discrepancy listings and breaking-change diffs need.
package specs

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/pb33f/libopenapi"
	v3high "github.com/pb33f/libopenapi/datamodel/high/v3"
)

//go:embed *.yaml
var embedded embed.FS

// Embedded returns the documents shipped with the suite, one YAML file per service.
func Embedded() fs.FS { return embedded }

// Spec is one loaded OpenAPI document: one provider's service.
type Spec struct {
	File     string // base name, e.g. "huaweicloud-workspace.yaml"
	Provider string // info.x-provider, e.g. "huaweicloud"
	Service  string // info.x-service, e.g. "huaweicloud-workspace"; also the --target-<service> flag suffix
	Raw      []byte
	Doc      *openapi3.T
	Model    *libopenapi.DocumentModel[v3high.Document]
	// Envelope is the provider's error envelope (info.x-error-envelope.schema), which every
	// non-2xx answer must carry, documented status or not.
	Envelope *openapi3.Schema
	// PlainTextAuthRefusal says some deployments refuse bad credentials with a non-JSON body
	// (info.x-error-envelope.plain-text-auth-refusal): the refusal is required, the envelope
	// only where the body is JSON.
	PlainTextAuthRefusal bool
}

// Set is every loaded document and the index of their operations.
type Set struct {
	Specs      []*Spec
	Operations []*Operation // sorted by service, then path, then method
	byID       map[string]*Operation
}

// Operation looks an operation up by its operationId.
func (s *Set) Operation(id string) (*Operation, bool) {
	op, ok := s.byID[id]
	return op, ok
}

// Service returns the spec of a service name such as "zstack-iam2".
func (s *Set) Service(name string) (*Spec, bool) {
	for _, sp := range s.Specs {
		if sp.Service == name {
			return sp, true
		}
	}
	return nil, false
}

// Load loads the embedded documents.
func Load() (*Set, error) { return LoadFS(embedded) }

// LoadFS loads every *.yaml file at the top of fsys. A document that does not parse, has an
// unresolvable $ref, or fails kin-openapi's validation is rejected with an error naming the file
// and, where the libraries know it, the line.
func LoadFS(fsys fs.FS) (*Set, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("specs: no *.yaml documents found")
	}
	sort.Strings(names)
	set := &Set{byID: map[string]*Operation{}}
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("specs: %s: %w", name, err)
		}
		sp, err := Parse(path.Base(name), raw)
		if err != nil {
			return nil, err
		}
		set.Specs = append(set.Specs, sp)
		for _, op := range sp.operations() {
			if prev, dup := set.byID[op.ID]; dup {
				return nil, fmt.Errorf("specs: %s: operationId %s is also in %s", sp.File, op.ID, prev.Spec.File)
			}
			set.byID[op.ID] = op
			set.Operations = append(set.Operations, op)
		}
	}
	return set, nil
}

// Parse loads one document from its bytes; file names it in errors.
func Parse(file string, raw []byte) (*Spec, error) {
	ldoc, err := libopenapi.NewDocument(raw)
	if err != nil {
		return nil, fmt.Errorf("specs: %s: %w", file, err)
	}
	model, err := ldoc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("specs: %s: %w", file, err)
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("specs: %s: %w", file, err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("specs: %s: %w", file, err)
	}
	sp := &Spec{File: file, Raw: raw, Doc: doc, Model: model}
	if doc.Info != nil {
		sp.Provider, _ = doc.Info.Extensions["x-provider"].(string)
		sp.Service, _ = doc.Info.Extensions["x-service"].(string)
	}
	if sp.Provider == "" || sp.Service == "" {
		return nil, fmt.Errorf("specs: %s: info needs x-provider and x-service", file)
	}
	if err := sp.resolveEnvelope(); err != nil {
		return nil, fmt.Errorf("specs: %s: %w", file, err)
	}
	if want := strings.TrimSuffix(file, ".yaml"); sp.Service != want {
		return nil, fmt.Errorf("specs: %s: info.x-service is %q, want the file's base name %q", file, sp.Service, want)
	}
	return sp, nil
}

// resolveEnvelope finds the schema named by info.x-error-envelope.schema ("#/components/schemas/X").
func (sp *Spec) resolveEnvelope() error {
	ext, ok := sp.Doc.Info.Extensions["x-error-envelope"].(map[string]any)
	if !ok {
		return errors.New("info needs x-error-envelope: {schema: '#/components/schemas/<Name>'}")
	}
	sp.PlainTextAuthRefusal, _ = ext["plain-text-auth-refusal"].(bool)
	ref, _ := ext["schema"].(string)
	name, found := strings.CutPrefix(ref, "#/components/schemas/")
	if !found {
		return fmt.Errorf("info.x-error-envelope.schema %q is not a #/components/schemas/ reference", ref)
	}
	schema := sp.Doc.Components.Schemas[name]
	if schema == nil || schema.Value == nil {
		return fmt.Errorf("info.x-error-envelope.schema %q names no schema", ref)
	}
	sp.Envelope = schema.Value
	return nil
}
