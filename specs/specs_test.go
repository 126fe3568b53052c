package specs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/pb33f/libopenapi"

	"github.com/conformance-suite/conformance/specs"
)

// The documents the suite ships, and what each of them holds.
var wantFiles = []string{
	"alibabacloud-dms-enterprise.yaml",
	"huaweicloud-workspace.yaml",
	"huaweicloud-workspaceapp.yaml",
	"zstack-iam2.yaml",
}

// wantOperations is every operation of the embedded documents, as CONTEXT.md section 1 describes
// them. The Alibaba action lives at "/" (keyed "/#Action=GetUserActiveTenant" in its document),
// in a POST form, which the official SDKs send, and a GET form.
var wantOperations = []struct {
	id, service, method, path, action string
	mutates, async, secured           bool
}{
	{"InitializeTenant", "huaweicloud-workspaceapp", "POST", "/v1/{project_id}/tenant/action/active", "", true, false, true},
	{"UpdateTenantConfig", "huaweicloud-workspace", "PUT", "/v2/{project_id}/tenant-configs", "", true, false, true},
	{"UpdateEnterpriseId", "huaweicloud-workspace", "PUT", "/v2/{project_id}/workspaces/enterprise-id", "", true, false, true},
	{"GetUserActiveTenant", "alibabacloud-dms-enterprise", "POST", "/", "GetUserActiveTenant", false, false, true},
	{"GetUserActiveTenantByGet", "alibabacloud-dms-enterprise", "GET", "/", "GetUserActiveTenant", false, false, true},
	{"ChangeIAM2ProjectState", "zstack-iam2", "PUT", "/zstack/v1/iam2/projects/{uuid}/actions", "", true, true, true},
	{"LogInByAccount", "zstack-iam2", "PUT", "/zstack/v1/accounts/login", "", false, false, false},
	{"GetAPIJobResult", "zstack-iam2", "GET", "/zstack/v1/api-jobs/{uuid}", "", false, false, true},
	// The read operations that show what the mutating ones change, so that a run with
	// --allow-mutations can restore it (issue #8); from the official SDKs, not from a seed page.
	{"ListTenantProfile", "huaweicloud-workspaceapp", "GET", "/v1/{project_id}/tenant/profile", "", false, false, true},
	{"ListTenantConfigs", "huaweicloud-workspace", "GET", "/v2/{project_id}/tenant-configs", "", false, false, true},
	{"ListWorkspaces", "huaweicloud-workspace", "GET", "/v2/{project_id}/workspaces", "", false, false, true},
	{"QueryIAM2Project", "zstack-iam2", "GET", "/zstack/v1/iam2/projects/{uuid}", "", false, false, true},
	{"LogOut", "zstack-iam2", "DELETE", "/zstack/v1/accounts/sessions/{uuid}", "", false, false, false},
}

// wantEnvelopes is, per provider, the fields every non-2xx answer must carry (dotted paths,
// each required by its parent object): CONTEXT.md sections 1 and 2.
var wantEnvelopes = map[string][]string{
	"huaweicloud":  {"error_code", "error_msg"},
	"alibabacloud": {"RequestId", "Code", "Message"},
	"zstack":       {"error", "error.code"},
}

var _ = Describe("the embedded documents", func() {
	It("are exactly the suite's four files", func() {
		var files []string
		for _, sp := range embedded.Specs {
			files = append(files, sp.File)
		}
		Expect(files).To(Equal(wantFiles))
	})

	DescribeTable("load in both libraries and pass kin-openapi's validation",
		func(file string) {
			sp := specByFile(file)
			Expect(sp.Doc).NotTo(BeNil())
			Expect(sp.Doc.Validate(context.Background())).To(Succeed())
			By("both libraries seeing the same operations")
			Expect(libopenapiOperationIDs(sp)).To(ConsistOf(kinOperationIDs(sp)))
		},
		fileEntries(),
	)

	It("index every operation, and no other", func() {
		var ids, want []string
		for _, op := range embedded.Operations {
			ids = append(ids, op.ID)
		}
		for _, w := range wantOperations {
			want = append(want, w.id)
		}
		Expect(ids).To(ConsistOf(want))
	})

	for _, w := range wantOperations {
		It(fmt.Sprintf("have %s as %s %s in %s", w.id, w.method, w.path, w.service), func() {
			op := operation(w.id)
			Expect(op.Service).To(Equal(w.service))
			Expect(op.Method).To(Equal(w.method))
			Expect(op.Path).To(Equal(w.path))
			Expect(op.Action).To(Equal(w.action))
			if w.action != "" {
				Expect(op.Version).To(Equal("2018-11-01"))
			}
			Expect(op.Mutates).To(Equal(w.mutates), "x-mutates")
			Expect(op.Async).To(Equal(w.async), "x-async")
			Expect(op.Secured).To(Equal(w.secured), "security")
			found, ok := embedded.Operation(w.id)
			Expect(ok).To(BeTrue())
			Expect(found).To(BeIdenticalTo(op))
		})
	}
})

var _ = Describe("every example", func() {
	var entries []TableEntry
	for _, sp := range embedded.Specs {
		examples := examplesOf(sp.File, sp.Doc)
		It(fmt.Sprintf("is found in %s", sp.File), func() {
			Expect(examples).NotTo(BeEmpty())
		})
		for _, ex := range examples {
			entries = append(entries, Entry(ex.where, ex))
		}
	}
	DescribeTable("validates against its own schema",
		func(ex example) {
			Expect(ex.schema.VisitJSON(ex.value, openapi3.MultiErrors())).To(Succeed())
		},
		entries,
	)

	It("is checked, as the walk finds one that breaks its schema", func() {
		doc, err := openapi3.NewLoader().LoadFromData([]byte(badExampleDoc))
		Expect(err).NotTo(HaveOccurred())
		examples := examplesOf("bad.yaml", doc)
		Expect(examples).To(HaveLen(5))
		for _, ex := range examples {
			Expect(ex.schema.VisitJSON(ex.value)).NotTo(Succeed(), ex.where)
		}
	})
})

var _ = Describe("every documented status", func() {
	var entries []TableEntry
	for _, op := range embedded.Operations {
		for _, status := range op.Statuses {
			entries = append(entries, Entry(op.Key()+" "+specs.StatusText(status), op.ID, status))
		}
	}
	DescribeTable("has a JSON schema, or no content at all when it is 204",
		func(id string, status int) {
			r := operation(id).Responses[status]
			if status == http.StatusNoContent {
				Expect(r.HasBody()).To(BeFalse(), "a 204 has no content")
				Expect(r.Schema).To(BeNil())
				return
			}
			Expect(r.MediaTypes).To(ContainElement("application/json"))
			Expect(r.Schema).NotTo(BeNil())
		},
		entries,
	)

	var errorEntries []TableEntry
	for _, op := range embedded.Operations {
		for _, status := range op.Statuses {
			if status >= 300 {
				errorEntries = append(errorEntries, Entry(op.Key()+" "+specs.StatusText(status), op.ID, status))
			}
		}
	}
	DescribeTable("carries the provider's error envelope when it is not 2xx",
		func(id string, status int) {
			op := operation(id)
			want, ok := wantEnvelopes[op.Provider]
			Expect(ok).To(BeTrue(), "no envelope known for provider %s", op.Provider)
			for _, f := range want {
				Expect(requiredField(op.Responses[status].Schema, f)).To(Succeed())
			}
		},
		errorEntries,
	)

	DescribeTable("names the provider's envelope in info.x-error-envelope",
		func(file string) {
			sp := specByFile(file)
			for _, f := range wantEnvelopes[sp.Provider] {
				Expect(requiredField(sp.Envelope, f)).To(Succeed())
			}
		},
		fileEntries(),
	)

	for _, op := range embedded.Operations {
		if op.Provider != "huaweicloud" {
			continue
		}
		It(fmt.Sprintf("of %s includes the API gateway's 401, 403 and 404", op.Key()), func() {
			for _, status := range []int{401, 403, 404} {
				Expect(op.Documented(status)).To(BeTrue(), "%s is not documented", specs.StatusText(status))
			}
		})
	}
})

// An example is one example value of a document, with the schema it must satisfy.
type example struct {
	where  string // e.g. "zstack-iam2.yaml PUT /zstack/v1/accounts/login request application/json examples.admin"
	schema *openapi3.Schema
	value  any // as decoded from JSON
}

// examplesOf collects every example of a kin-openapi document: of parameters, request bodies
// and responses, in operations and in components, and the example of every schema. A
// reference is followed where it is defined, in components, not where it is used.
func examplesOf(file string, doc *openapi3.T) []example {
	var out []example
	seen := map[*openapi3.Schema]bool{}
	var schemaExamples func(where string, s *openapi3.SchemaRef)
	schemaExamples = func(where string, ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if s.Example != nil {
			out = append(out, example{where + " example", s, asJSON(s.Example)})
		}
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			schemaExamples(where+".properties."+name, s.Properties[name])
		}
		schemaExamples(where+".items", s.Items)
		for _, list := range [][]*openapi3.SchemaRef{s.AllOf, s.AnyOf, s.OneOf} {
			for i, sub := range list {
				schemaExamples(fmt.Sprintf("%s.%d", where, i), sub)
			}
		}
	}
	content := func(where string, c openapi3.Content) {
		for _, mt := range slices.Sorted(maps.Keys(c)) {
			media := c[mt]
			if media.Schema == nil || media.Schema.Value == nil {
				continue
			}
			if media.Example != nil {
				out = append(out, example{where + " " + mt + " example", media.Schema.Value, asJSON(media.Example)})
			}
			for _, name := range slices.Sorted(maps.Keys(media.Examples)) {
				if ex := media.Examples[name]; ex != nil && ex.Value != nil {
					out = append(out, example{where + " " + mt + " examples." + name, media.Schema.Value, asJSON(ex.Value.Value)})
				}
			}
			schemaExamples(where+" "+mt+" schema", media.Schema)
		}
	}
	parameter := func(where string, ref *openapi3.ParameterRef) {
		if ref == nil || ref.Ref != "" || ref.Value == nil {
			return
		}
		p := ref.Value
		where += " parameter " + p.In + " " + p.Name
		if p.Schema != nil && p.Schema.Value != nil {
			if p.Example != nil {
				out = append(out, example{where + " example", p.Schema.Value, asJSON(p.Example)})
			}
			for _, name := range slices.Sorted(maps.Keys(p.Examples)) {
				if ex := p.Examples[name]; ex != nil && ex.Value != nil {
					out = append(out, example{where + " examples." + name, p.Schema.Value, asJSON(ex.Value.Value)})
				}
			}
			schemaExamples(where+" schema", p.Schema)
		}
		content(where, p.Content)
	}
	response := func(where string, ref *openapi3.ResponseRef) {
		if ref != nil && ref.Ref == "" && ref.Value != nil {
			content(where, ref.Value.Content)
		}
	}

	for _, key := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(key)
		for _, p := range item.Parameters {
			parameter(file+" "+key, p)
		}
		for _, method := range slices.Sorted(maps.Keys(item.Operations())) {
			op := item.Operations()[method]
			where := file + " " + method + " " + key
			for _, p := range op.Parameters {
				parameter(where, p)
			}
			if op.RequestBody != nil && op.RequestBody.Ref == "" && op.RequestBody.Value != nil {
				content(where+" request", op.RequestBody.Value.Content)
			}
			for code, ref := range op.Responses.Map() {
				response(where+" "+code, ref)
			}
		}
	}
	c := doc.Components
	if c == nil {
		return out
	}
	for _, name := range slices.Sorted(maps.Keys(c.Parameters)) {
		parameter(file+" components", c.Parameters[name])
	}
	for _, name := range slices.Sorted(maps.Keys(c.RequestBodies)) {
		if rb := c.RequestBodies[name]; rb.Value != nil {
			content(file+" components.requestBodies."+name, rb.Value.Content)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(c.Responses)) {
		response(file+" components.responses."+name, c.Responses[name])
	}
	for _, name := range slices.Sorted(maps.Keys(c.Schemas)) {
		schemaExamples(file+" components.schemas."+name, c.Schemas[name])
	}
	return out
}

// badExampleDoc has one example that breaks its schema in each place examplesOf looks.
const badExampleDoc = `openapi: 3.0.3
info: {title: bad, version: "1"}
paths:
  /things/{id}:
    put:
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: integer}
          example: not-a-number
      requestBody:
        content:
          application/json:
            schema: {type: object, required: [name]}
            examples:
              nameless: {value: {}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: string, enum: [done]}
              example: pending
        "400":
          $ref: '#/components/responses/Bad'
components:
  responses:
    Bad:
      description: bad
      content:
        application/json:
          schema: {type: object, properties: {code: {type: string}}}
          example: {code: 7}
  schemas:
    Date:
      type: string
      pattern: '^\d{4}-\d{2}-\d{2}$'
      example: yesterday
`

// asJSON gives a value the shape encoding/json decodes to, which VisitJSON expects.
func asJSON(v any) any {
	raw, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	var out any
	Expect(json.Unmarshal(raw, &out)).To(Succeed())
	return out
}

// requiredField checks that a dotted path ("error.code") names properties of s, each one
// listed in its parent's required.
func requiredField(s *openapi3.Schema, dotted string) error {
	parent, name, _, err := resolve(s, dotted)
	if err != nil {
		return err
	}
	if !slices.Contains(parent.Required, name) {
		return fmt.Errorf("%s is not required (required: %v)", dotted, parent.Required)
	}
	return nil
}

func specByFile(file string) *specs.Spec {
	for _, sp := range embedded.Specs {
		if sp.File == file {
			return sp
		}
	}
	Fail("no embedded document " + file)
	return nil
}

func operation(id string) *specs.Operation {
	op, ok := embedded.Operation(id)
	if !ok {
		Fail("no operation " + id)
	}
	return op
}

func fileEntries() []TableEntry {
	var out []TableEntry
	for _, f := range wantFiles {
		out = append(out, Entry(f, f))
	}
	return out
}

func kinOperationIDs(sp *specs.Spec) []string {
	var ids []string
	for _, key := range sp.Doc.Paths.InMatchingOrder() {
		for _, op := range sp.Doc.Paths.Value(key).Operations() {
			ids = append(ids, op.OperationID)
		}
	}
	return ids
}

// libopenapiOperationIDs are the operationIds libopenapi reads in sp's document (the Spec
// keeps kin-openapi's model only).
func libopenapiOperationIDs(sp *specs.Spec) []string {
	doc, err := libopenapi.NewDocument(sp.Raw)
	Expect(err).NotTo(HaveOccurred())
	model, err := doc.BuildV3Model()
	Expect(err).NotTo(HaveOccurred())
	var ids []string
	for _, item := range model.Model.Paths.PathItems.FromOldest() {
		for _, op := range item.GetOperations().FromOldest() {
			ids = append(ids, op.OperationId)
		}
	}
	return ids
}

// lineOf is the 1-based number of the first line of text that contains s, 0 when none does.
func lineOf(text, s string) int {
	for i, line := range strings.Split(text, "\n") {
		if strings.Contains(line, s) {
			return i + 1
		}
	}
	return 0
}
