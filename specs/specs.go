// Package specs holds the hand-written OpenAPI documents of the endpoints under test and the
// index of their operations.
//
// Each document is loaded twice, on purpose: kin-openapi gives the fast validators used at run
// time (a few microseconds per response), libopenapi the high-fidelity document model with line
// numbers that error messages, discrepancy listings and breaking-change diffs need. Only
// kin-openapi's is kept once a document is loaded: libopenapi's, with its YAML nodes and
// index, is most of a large document's memory and nothing reads it after loading.
package specs

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"path"
	"runtime"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	yaml "github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/datamodel"
	v3high "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/index"
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
	// Envelope is the provider's error envelope (info.x-error-envelope.schema), which every
	// non-2xx answer must carry, documented status or not.
	Envelope *openapi3.Schema
	// PlainTextAuthRefusal says some deployments refuse bad credentials with a non-JSON body
	// (info.x-error-envelope.plain-text-auth-refusal): the refusal is required, the envelope
	// only where the body is JSON.
	PlainTextAuthRefusal bool
	// EnvelopeCode is the JSON pointer of the error code in the envelope
	// (info.x-error-envelope.code-pointer), e.g. "/error_code" or "/error/code".
	EnvelopeCode string
	// SeedTitles maps each seed page the document was written from to the page's title
	// (info.x-seed-titles).
	SeedTitles map[string]string

	discrepancies []Discrepancy // every x-doc-discrepancy, in line order
	// idPositions is where each operationId is written, which only libopenapi's model knows:
	// the error of an operationId that two documents share points at both.
	idPositions map[string]position
}

// position is a line and column in a document, 1-based.
type position struct{ line, column int }

// Set is every loaded document and the index of their operations.
type Set struct {
	Specs      []*Spec
	Operations []*Operation // sorted by service, then path, then method
	byID       map[string]*Operation
	routes     *router // built once the operations are known (Route)
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

// LoadFS loads every *.yaml file at the top of each layer; a file of a later layer replaces the
// one of the same name in an earlier layer, and adds to them otherwise (--specs DIR over the
// embedded documents). A document that does not parse, has an unresolvable $ref, or fails
// kin-openapi's validation is rejected with an error naming the file and, where the libraries
// know it, the line.
func LoadFS(layers ...fs.FS) (*Set, error) {
	from := map[string]fs.FS{}
	for _, fsys := range layers {
		names, err := fs.Glob(fsys, "*.yaml")
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			from[name] = fsys
		}
	}
	if len(from) == 0 {
		return nil, errors.New("specs: no *.yaml documents found")
	}
	names := slices.Sorted(maps.Keys(from))
	set := &Set{byID: map[string]*Operation{}}
	for _, name := range names {
		raw, err := fs.ReadFile(from[name], name)
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
				line, col := sp.operationIDPosition(op)
				prevLine, _ := prev.Spec.operationIDPosition(prev)
				return nil, &Error{File: sp.File, Line: line, Column: col,
					Err: fmt.Errorf("operationId %s is also in %s:%d", op.ID, prev.Spec.File, prevLine)}
			}
			set.byID[op.ID] = op
			set.Operations = append(set.Operations, op)
		}
	}
	set.routes = newRouter(set.Operations)
	return set, nil
}

// Parse loads one document from its bytes; file names it in errors, which are *Error values
// carrying the line of a YAML syntax error or of an unresolvable $ref.
func Parse(file string, raw []byte) (*Spec, error) {
	// The two models are built one after the other, libopenapi's first (its errors come
	// first), and libopenapi's is dropped before kin-openapi's is built: of the 1,000
	// operations of make bench-scale, each model and its parsing garbage take about 150 MB;
	// both at once took twice that, more than the whole run then needs.
	ids, discrepancies, err := readModel(file, raw)
	if err != nil {
		return nil, err
	}
	// Collected now, libopenapi's model costs nothing more: left to the collector's pace, its
	// garbage would set the heap's next goal, and kin-openapi's parsing grow the heap to it.
	runtime.GC()
	doc, err := kinModel(file, raw)
	if err != nil {
		return nil, err
	}
	sp := &Spec{File: file, Raw: raw, Doc: doc, idPositions: ids, discrepancies: discrepancies}
	if doc.Info != nil {
		sp.Provider, _ = doc.Info.Extensions["x-provider"].(string)
		sp.Service, _ = doc.Info.Extensions["x-service"].(string)
	}
	if sp.Provider == "" || sp.Service == "" {
		return nil, &Error{File: file, Err: errors.New("info needs x-provider and x-service")}
	}
	if err := sp.resolveEnvelope(); err != nil {
		return nil, &Error{File: file, Err: err}
	}
	if want := strings.TrimSuffix(file, ".yaml"); sp.Service != want {
		return nil, &Error{File: file, Err: fmt.Errorf("info.x-service is %q, want the file's base name %q", sp.Service, want)}
	}
	if sp.SeedTitles, err = seedTitles(doc.Info.Extensions); err != nil {
		return nil, &Error{File: file, Err: err}
	}
	sp.describeDiscrepancies()
	return sp, nil
}

// readModel builds libopenapi's model of a document and keeps what only it knows: where each
// operationId is written, and the x-doc-discrepancy notes with their lines. A document it
// cannot parse or resolve is rejected here, with the line.
func readModel(file string, raw []byte) (map[string]position, []Discrepancy, error) {
	config := quietConfig()
	// The index's diagnostic metadata (every description, summary, enum) is for linters;
	// nothing here reads it, and it is a good part of the model of a large document.
	config.SkipMetadataCollection = true
	ldoc, err := libopenapi.NewDocumentWithConfiguration(raw, config)
	if err != nil {
		return nil, nil, syntaxError(file, raw, err)
	}
	model, err := ldoc.BuildV3Model()
	if err != nil {
		return nil, nil, modelError(file, err)
	}
	discrepancies, err := findDiscrepancies(file, ldoc.GetSpecInfo().RootNode)
	if err != nil {
		return nil, nil, err
	}
	return operationIDPositions(model), discrepancies, nil
}

// quietConfig is libopenapi's default configuration without its logger, which writes to
// stdout, where a report may be going: its errors come back as values anyway.
func quietConfig() *datamodel.DocumentConfiguration {
	config := datamodel.NewDocumentConfiguration()
	config.Logger = slog.New(slog.DiscardHandler)
	return config
}

// kinModel builds and validates kin-openapi's model of a document; references outside the
// document are refused.
func kinModel(file string, raw []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(raw)
	if err == nil {
		err = doc.Validate(loader.Context)
	}
	if err != nil {
		return nil, &Error{File: file, Err: err}
	}
	return doc, nil
}

// syntaxError locates a document libopenapi could not parse. libopenapi flattens the YAML
// parser's error into text, so the document is parsed once more, on this failure path only,
// to get the position as numbers.
func syntaxError(file string, raw []byte, err error) error {
	var node yaml.Node
	var lerr *yaml.LoadError
	if perr := yaml.Unmarshal(raw, &node); errors.As(perr, &lerr) && lerr.Mark.Line > 0 {
		return &Error{File: file, Line: lerr.Mark.Line, Column: lerr.Mark.Column, Err: fmt.Errorf("invalid YAML: %s", lerr.Message)}
	}
	return &Error{File: file, Err: err}
}

// modelError turns libopenapi's model errors, unresolvable references above all, into one
// located *Error each.
func modelError(file string, err error) error {
	var errs []error
	for _, e := range unwrapAll(err) {
		located := &Error{File: file, Err: e}
		var ierr *index.IndexingError
		var rerr *index.ResolvingError
		switch {
		case errors.As(e, &ierr) && ierr.Node != nil:
			located.Line, located.Column = ierr.Node.Line, ierr.Node.Column
		case errors.As(e, &rerr) && rerr.Node != nil:
			located.Line, located.Column = rerr.Node.Line, rerr.Node.Column
		}
		errs = append(errs, located)
	}
	return errors.Join(errs...)
}

// unwrapAll flattens errors.Join trees into their leaves.
func unwrapAll(err error) []error {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range joined.Unwrap() {
			out = append(out, unwrapAll(e)...)
		}
		return out
	}
	return []error{err}
}

// operationIDPosition is where op's operationId is written, 0, 0 when unknown.
func (sp *Spec) operationIDPosition(op *Operation) (line, column int) {
	p := sp.idPositions[op.ID]
	return p.line, p.column
}

// operationIDPositions is where every operationId of a model is written.
func operationIDPositions(model *libopenapi.DocumentModel[v3high.Document]) map[string]position {
	out := map[string]position{}
	if model.Model.Paths == nil {
		return out
	}
	for _, item := range model.Model.Paths.PathItems.FromOldest() {
		for _, op := range item.GetOperations().FromOldest() {
			if low := op.GoLow(); low != nil && low.OperationId.ValueNode != nil {
				out[op.OperationId] = position{low.OperationId.ValueNode.Line, low.OperationId.ValueNode.Column}
			}
		}
	}
	return out
}

// resolveEnvelope finds the schema named by info.x-error-envelope.schema ("#/components/schemas/X").
func (sp *Spec) resolveEnvelope() error {
	ext, ok := sp.Doc.Info.Extensions["x-error-envelope"].(map[string]any)
	if !ok {
		return errors.New("info needs x-error-envelope: {schema: '#/components/schemas/<Name>'}")
	}
	sp.PlainTextAuthRefusal, _ = ext["plain-text-auth-refusal"].(bool)
	sp.EnvelopeCode, _ = ext["code-pointer"].(string)
	if !strings.HasPrefix(sp.EnvelopeCode, "/") {
		return errors.New("info.x-error-envelope needs code-pointer, the JSON pointer of the error code")
	}
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
