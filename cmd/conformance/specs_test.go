package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `conformance specs export DIR` writes one standard OpenAPI file per REST spec and per RPC
// action, and lists them; a wrong invocation exits 2 saying what it wants.
func TestSpecsExportCmd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "exported")
	r := call(specsCmd, "export", out)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	ali, _ := os.ReadFile(filepath.Join(out, "alibabacloud-dms-enterprise.GetUserActiveTenant.yaml"))
	if !strings.Contains(string(ali), "\npaths:\n  /:\n") {
		t.Error("the exported Alibaba action is not at the path /")
	}
	for _, name := range []string{"alibabacloud-dms-enterprise.GetUserActiveTenant.yaml", "huaweicloud-workspace.yaml", "huaweicloud-workspaceapp.yaml", "zstack-iam2.yaml"} {
		raw, err := os.ReadFile(filepath.Join(out, name))
		if err != nil || !strings.Contains(r.stdout, name) {
			t.Errorf("%s not written or not listed: %v", name, err)
		}
		if strings.Contains(string(raw), "\n  /#Action=") {
			t.Errorf("%s keeps the /#Action= path key", name)
		}
	}
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "want the subcommand export"},
		{[]string{"import", out}, "want the subcommand export"},
		{[]string{"export"}, "want one output directory"},
		{[]string{"export", file}, "a-file"},
		{[]string{"export", "--specs", filepath.Join(t.TempDir(), "none"), out}, "none"},
	} {
		if r := call(specsCmd, tt.args...); r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("specs %v: exit %d, stderr %q; want 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}
