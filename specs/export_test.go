package specs_test

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/conformance-suite/conformance/specs"
)

// exportAll exports every embedded document, keyed by file name, each re-read from its YAML as
// another tool would read it.
func exportAll(t *testing.T) map[string]*openapi3.T {
	t.Helper()
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*openapi3.T{}
	for _, sp := range set.Specs {
		docs, err := sp.Export()
		if err != nil {
			t.Fatalf("%s: %v", sp.File, err)
		}
		for _, d := range docs {
			raw, err := d.YAML()
			if err != nil {
				t.Fatalf("%s: %v", d.File, err)
			}
			loader := openapi3.NewLoader()
			doc, err := loader.LoadFromData(raw)
			if err == nil {
				err = doc.Validate(loader.Context)
			}
			if err != nil {
				t.Fatalf("exported %s does not load back: %v", d.File, err)
			}
			if _, dup := out[d.File]; dup {
				t.Fatalf("two exports named %s", d.File)
			}
			out[d.File] = doc
		}
	}
	return out
}

// An exported RPC action is routable by path and parameter alone: it sits at "/", and its
// Action query parameter is required with the action as its only value. No path key keeps a
// fragment, and the suite's x- extensions survive.
func TestExportRoutesRPCActionsByParameter(t *testing.T) {
	docs := exportAll(t)
	for _, want := range []string{"alibabacloud-dms-enterprise.GetUserActiveTenant.yaml", "huaweicloud-workspace.yaml", "huaweicloud-workspaceapp.yaml", "zstack-iam2.yaml"} {
		if docs[want] == nil {
			t.Errorf("no export %s", want)
		}
	}
	if len(docs) != 4 {
		t.Errorf("%d exports, want 4", len(docs))
	}
	for file, doc := range docs {
		for key := range doc.Paths.Map() {
			if strings.Contains(key, "#") {
				t.Errorf("%s keeps the path key %q", file, key)
			}
		}
		if doc.Info.Extensions[specs.ExportedFromKey] == nil || doc.Info.Extensions["x-provider"] == nil {
			t.Errorf("%s lost its info extensions: %v", file, doc.Info.Extensions)
		}
	}
	ali := docs["alibabacloud-dms-enterprise.GetUserActiveTenant.yaml"]
	if ali == nil {
		return
	}
	item := ali.Paths.Value("/")
	if item == nil || item.Get == nil || item.Post == nil || ali.Paths.Len() != 1 {
		t.Fatalf("the action is not at / with GET and POST: %v", ali.Paths.Map())
	}
	if item.Post.Extensions["x-rpc-action"] != "GetUserActiveTenant" || item.Post.Extensions["x-seed"] == nil {
		t.Errorf("the operation lost its x- extensions: %v", item.Post.Extensions)
	}
	action := item.Parameters.GetByInAndName(openapi3.ParameterInQuery, "Action")
	if action == nil || !action.Required || action.Schema.Value.Enum == nil || len(action.Schema.Value.Enum) != 1 || action.Schema.Value.Enum[0] != "GetUserActiveTenant" {
		t.Errorf("Action is not a required query parameter of one value: %+v", action)
	}
	if shared := ali.Components.Parameters["Action"].Value; shared.Required {
		t.Error("the shared Action component was changed instead of copied")
	}
	if disc := strings.Count(mustYAML(t, ali), specs.DiscrepancyKey); disc == 0 {
		t.Error("the export lost its x-doc-discrepancy records")
	}
}

// A spec whose RPC path holds operations of two actions cannot be exported: one path of a
// standard router holds one action.
func TestExportRefusesTwoActionsOnOnePath(t *testing.T) {
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	sp, _ := set.Service("alibabacloud-dms-enterprise")
	raw := string(sp.Raw)
	get := strings.Index(raw, "operationId: GetUserActiveTenantByGet")
	if get < 0 {
		t.Fatal("no GET operation in the Alibaba spec")
	}
	raw = raw[:get] + strings.Replace(raw[get:], "x-rpc-action: GetUserActiveTenant\n", "x-rpc-action: AnotherAction\n", 1)
	bad, err := specs.Parse(sp.File, []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.Export(); err == nil || !strings.Contains(err.Error(), "two actions") {
		t.Errorf("exporting two actions on one path: %v, want an error naming them", err)
	}
}

func mustYAML(t *testing.T, doc *openapi3.T) string {
	t.Helper()
	raw, err := specs.Exported{Doc: doc}.YAML()
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
