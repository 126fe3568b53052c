package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conformance-suite/conformance/reports"
)

func TestMergeCmd(t *testing.T) {
	all := cases("Op/f=passed", "Op/e=failed", "Op/d=skipped", "Op/c=passed", "Op/b=passed", "Op/a=failed")
	var shards []string
	for i := 1; i <= 3; i++ {
		var mine []reports.Case
		for _, c := range all {
			if reports.InShard(c.ID, i, 3) {
				mine = append(mine, c)
			}
		}
		shards = append(shards, report(t, &reports.Shard{Index: i, Count: 3}, mine...))
	}
	out := filepath.Join(t.TempDir(), "merged")
	r := call(mergeCmd, append([]string{"--out", out}, shards...)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, name := range []string{"report.json", "junit.xml", "summary.md", "report.html"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("merge wrote no %s", name)
		}
	}
	merged, err := reports.ReadJSON(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if merged.Summary != (reports.Summary{Passed: 3, Failed: 2, Skipped: 1}) || len(merged.Cases) != len(all) {
		t.Errorf("merged %v from %d cases", merged.Summary, len(merged.Cases))
	}
	for i, c := range merged.Cases {
		if c.ID != all[i].ID {
			t.Errorf("case %d is %s, want %s: not in plan order", i+1, c.ID, all[i].ID)
		}
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"a shard missing", []string{"--out", t.TempDir(), shards[0], shards[2]}, "shard 2/3 is missing"},
		{"a shard twice", []string{"--out", t.TempDir(), shards[0], shards[1], shards[1], shards[2]}, "given twice"},
		{"unreadable", []string{"--out", t.TempDir(), filepath.Join(t.TempDir(), "nope")}, "nope"},
		{"no shard", []string{"--out", t.TempDir()}, "no shard given"},
		{"out is a shard", []string{"--out", shards[0], shards[0], shards[1], shards[2]}, "is one of the shards"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(mergeCmd, tt.args...)
			if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, tt.want)
			}
		})
	}
}
