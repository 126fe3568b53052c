package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/conformance-suite/conformance/specs"
)

// specDiffCmd is `conformance spec-diff OLD NEW`: the spec gate. OLD and NEW are two versions
// of one OpenAPI document, or two directories of them compared file by file (a spec
// directory checked out from the base branch, and the one of the change). It exits 1 on a
// breaking change, 0 otherwise, 2 when a document cannot be read or is not valid OpenAPI.
func specDiffCmd(args []string, stdout, stderr io.Writer) int {
	fs := newCommand("conformance spec-diff", specdiffUsage, stderr)
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() != 2 {
		fmt.Fprintf(stderr, "conformance spec-diff: want OLD and NEW; got %d arguments\n", fs.NArg())
		fs.Usage()
		return 2
	}
	pairs, err := specPairs(fs.Arg(0), fs.Arg(1))
	if err != nil {
		fmt.Fprintf(stderr, "conformance spec-diff: %v\n", err)
		return 2
	}
	breaking := false
	for _, p := range pairs {
		if len(pairs) > 1 {
			fmt.Fprintf(stdout, "== %s\n", p.name)
		}
		switch {
		case p.new == "":
			fmt.Fprintf(stdout, "BREAKING removed the document %s: every client of its operations breaks\n", p.old)
			breaking = true
			continue
		case p.old == "":
			fmt.Fprintf(stdout, "added the document %s\n", p.new)
			continue
		}
		oldRaw, err1 := os.ReadFile(p.old)
		newRaw, err2 := os.ReadFile(p.new)
		if err := errors.Join(err1, err2); err != nil {
			fmt.Fprintf(stderr, "conformance spec-diff: %v\n", err)
			return 2
		}
		d, err := specs.DiffNamed(p.old, oldRaw, p.new, newRaw)
		if err != nil {
			fmt.Fprintf(stderr, "conformance spec-diff: %v\n", err)
			return 2
		}
		if err := d.Write(stdout); err != nil {
			fmt.Fprintf(stderr, "conformance spec-diff: %v\n", err)
			return 2
		}
		breaking = breaking || len(d.Breaking()) > 0
	}
	if breaking {
		return 1
	}
	return 0
}

// specPair is one document in its old and new version; a side is "" where it does not exist.
type specPair struct{ name, old, new string }

// specPairs pairs two files, or the *.yaml files of two directories by name.
func specPairs(oldPath, newPath string) ([]specPair, error) {
	oldInfo, err := os.Stat(oldPath)
	if err != nil {
		return nil, err
	}
	newInfo, err := os.Stat(newPath)
	if err != nil {
		return nil, err
	}
	switch {
	case !oldInfo.IsDir() && !newInfo.IsDir():
		return []specPair{{name: filepath.Base(newPath), old: oldPath, new: newPath}}, nil
	case oldInfo.IsDir() != newInfo.IsDir():
		return nil, fmt.Errorf("%s and %s: compare two files or two directories", oldPath, newPath)
	}
	names := map[string]*specPair{}
	for _, side := range []struct {
		dir string
		set func(p *specPair, path string)
	}{
		{oldPath, func(p *specPair, path string) { p.old = path }},
		{newPath, func(p *specPair, path string) { p.new = path }},
	} {
		files, err := filepath.Glob(filepath.Join(side.dir, "*.yaml"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			name := filepath.Base(f)
			if names[name] == nil {
				names[name] = &specPair{name: name}
			}
			side.set(names[name], f)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no *.yaml document in %s or %s", oldPath, newPath)
	}
	var pairs []specPair
	for _, p := range names {
		pairs = append(pairs, *p)
	}
	slices.SortFunc(pairs, func(a, b specPair) int { return strings.Compare(a.name, b.name) })
	return pairs, nil
}

const specdiffUsage = `usage: conformance spec-diff OLD.yaml NEW.yaml
       conformance spec-diff OLD-DIR NEW-DIR

Lists every change between two versions of an OpenAPI document (libopenapi's what-changed),
and flags the breaking ones: a removed field, operation, status code or media type, a
narrowed enum, a new required request field or parameter, a changed type or format, a
changed error envelope. Given two directories, it compares their *.yaml files by name; a
removed document is breaking, a new one is not.

Exit status: 0 no breaking change, 1 a breaking change, 2 unreadable or invalid input.
`
