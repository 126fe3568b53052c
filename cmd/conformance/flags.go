package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/conformance-suite/conformance/suggest"
)

// newCommand is the flag set of a subcommand whose -h prints usage, the command's own text,
// then its flags if it has any.
func newCommand(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprint(fs.Output(), "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// badFlagValue is the flag package's message for a value a flag refused.
var badFlagValue = regexp.MustCompile(`^invalid (?:boolean )?value ".*" for (?:flag )?-(\S+): (.*)$`)

// parseFlags parses args into fs. -h prints the command's whole usage (exit 0); a bad flag is
// answered in one line, with the closest valid flag's name when one is near, and where the
// whole list is (exit 2): "unknown flag --tagret; did you mean --target? (conformance run -h
// for all flags)". ok is false when the command is to return code.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (code int, ok bool) {
	usage := fs.Usage
	fs.Usage = func() {} // the flag package prints it on every error: only -h asks for it
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.Usage = usage
	fs.SetOutput(stderr)
	switch {
	case err == nil:
		return 0, true
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return 0, false
	}
	msg := err.Error()
	if m := badFlagValue.FindStringSubmatch(msg); m != nil {
		// The flag package quotes the value, which may hold a password (a target URL's): the
		// setting's own message names what is wrong without it.
		msg = "--" + m[1] + ": " + m[2]
	}
	if name, unknown := strings.CutPrefix(msg, "flag provided but not defined: "); unknown {
		name = strings.TrimLeft(name, "-")
		msg = "unknown flag --" + name
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if near := suggest.Closest(name, names); near != "" {
			msg += "; did you mean --" + near + "?"
		}
	}
	fmt.Fprintf(stderr, "%s: %s (%s -h for all flags)\n", fs.Name(), msg, fs.Name())
	return 2, false
}
