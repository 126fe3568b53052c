package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// revision is the VCS revision `make build` stamps with -ldflags -X when git is at hand: the
// Makefile and CI build with GOFLAGS=-buildvcs=false, which leaves the build info without one.
var revision string

// versionCmd is `conformance version` (and --version): what the build info knows of this
// binary, and no more: "(devel)" for a build from a working tree rather than a tagged
// module, no revision when none was recorded.
func versionCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "conformance version: unexpected argument %q\n", args[0])
		return 2
	}
	fmt.Fprintln(stdout, versionText(debug.ReadBuildInfo()))
	return 0
}

// versionText is one line: module version, revision (with its time and "modified" when the
// build info has them), Go version and platform.
func versionText(info *debug.BuildInfo, ok bool) string {
	version, rev, at, modified := "unknown", revision, "", false
	if ok {
		version = info.Main.Version
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	out := "conformance " + version
	switch {
	case rev == "":
		out += ", no VCS revision recorded (built with -buildvcs=false and without make build)"
	case at != "":
		out += ", revision " + rev + " (" + at + ")"
	default:
		out += ", revision " + rev + " (git HEAD when built; local changes, if any, not recorded)"
	}
	if modified {
		out += " with local changes"
	}
	return out + ", " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
}
