package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conformance-suite/conformance/specs"
)

func TestSpecDiffCmd(t *testing.T) {
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	sp, _ := set.Service("huaweicloud-workspaceapp")
	oldDir, newDir := t.TempDir(), t.TempDir()
	write := func(dir, name string, b []byte) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	edit := func(from, to string) []byte {
		t.Helper()
		if !bytes.Contains(sp.Raw, []byte(from)) {
			t.Fatalf("%s no longer contains %q: update the test's edit", sp.File, from)
		}
		return bytes.Replace(sp.Raw, []byte(from), []byte(to), 1)
	}
	old := write(oldDir, sp.File, sp.Raw)
	breaking := write(t.TempDir(), sp.File, edit("enum: [active, inactive]", "enum: [active]"))
	additive := write(t.TempDir(), sp.File, edit("        error_msg:\n          type: string\n        request_id:",
		"        error_msg:\n          type: string\n        trace_id:\n          type: string\n        request_id:"))
	newOperation := write(t.TempDir(), sp.File, edit("\ncomponents:\n",
		"\n  /v1/{project_id}/tenant/quota:\n    get:\n      operationId: ShowTenantQuota\n      parameters:\n"+
			"        - $ref: '#/components/parameters/ProjectId'\n      responses:\n        \"200\":\n          description: the quota\ncomponents:\n"))
	invalid := write(t.TempDir(), sp.File, []byte("openapi: 3.0.3\ninfo: [\n"))
	write(newDir, sp.File, sp.Raw)
	write(oldDir, "gone.yaml", sp.Raw)

	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"narrowed enum", []string{old, breaking}, 1, "/properties/service_status enum: was \"inactive\""},
		{"additive", []string{old, additive}, 0, "1 change, 0 breaking"},
		{"new operation", []string{old, newOperation}, 0, "0 breaking"},
		{"unchanged", []string{old, old}, 0, "0 changes, 0 breaking"},
		{"invalid YAML", []string{old, invalid}, 2, invalid},
		{"missing file", []string{old, filepath.Join(t.TempDir(), "nope.yaml")}, 2, "nope.yaml"},
		{"a document removed from a directory", []string{oldDir, newDir}, 1, "BREAKING removed the document"},
		{"directories unchanged", []string{newDir, newDir}, 0, "0 changes"},
		{"file against directory", []string{old, newDir}, 2, "two files or two directories"},
		{"one argument", []string{old}, 2, "want OLD and NEW"},
		{"help", []string{"-h"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(specDiffCmd, tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			where := r.stdout
			if tt.code == 2 {
				where = r.stderr
			}
			if !strings.Contains(where, tt.out) {
				t.Errorf("output lacks %q:\n%s", tt.out, where)
			}
		})
	}
}
