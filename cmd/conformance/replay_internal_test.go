package main

import (
	"strings"
	"testing"
)

// The words of a replay command read back as written, quotes and all.
func TestShellWords(t *testing.T) {
	got, err := shellWords(`conformance replay 'it'\''s/a b' --target 'http://x'`)
	want := []string{"conformance", "replay", "it's/a b", "--target", "http://x"}
	if err != nil || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, %v", got, err)
	}
	if _, err := shellWords("'open"); err == nil {
		t.Error("an unclosed quote was read")
	}
}
