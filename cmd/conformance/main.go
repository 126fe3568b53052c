// Command conformance checks that cloud API endpoints behave as their OpenAPI specs say, and
// serves the reference target the suite is proven against.
//
//	conformance <command> [flags]
//
// Each command parses its own flags; `conformance help <command>` shows them. Exit status: 0
// success, 1 failure, 2 usage or configuration error.
package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/conformance-suite/conformance/suggest"
)

// commands are the subcommands by name. A command parses its own flags from args and returns
// the exit status; adding one is an entry here and a file beside this one.
func commands() map[string]func(args []string, stdout, stderr io.Writer) int {
	return map[string]func(args []string, stdout, stderr io.Writer) int{
		"run":       runCmd,
		"replay":    replayCmd,
		"check":     checkCmd,
		"proxy":     proxyCmd,
		"serve":     serveCmd,
		"diff":      diffCmd,
		"merge":     mergeCmd,
		"coverage":  coverageCmd,
		"spec-diff": specDiffCmd,
		"specs":     specsCmd,
		"help":      helpCmd,
		"version":   versionCmd,
	}
}

// summaries are the one-line descriptions `conformance help` prints, by command.
func summaries() map[string]string {
	return map[string]string{
		"run":       "replay the fixtures against a target and judge every answer (default: the built-in reference target)",
		"check":     "FILE.har...: judge recorded traffic offline, with the checks and reports of run",
		"replay":    "CASE-ID: send one case of a run again, signed afresh, and print the whole exchange",
		"proxy":     "relay a client's traffic to a service and judge every exchange (default: the built-in reference target)",
		"serve":     "serve the reference target, conformant or with one fault mode",
		"diff":      "compare two report.json files; exit 1 on a regression",
		"merge":     "merge the reports of sharded runs into one report directory",
		"coverage":  "print what runs exercised of each documented contract; exit 1 below --min-coverage",
		"spec-diff": "list the changes between two versions of a spec; exit 1 on a breaking one",
		"specs":     "export DIR: write the specs as standard OpenAPI for Prism, Specmatic and Schemathesis",
		"help":      "show the commands, or the flags of one: help <command>",
		"version":   "print the module version, VCS revision and Go version of this binary (also --version)",
	}
}

func main() {
	// A reader that goes away (`conformance run | head -1`) must not kill a run before it has
	// written its reports: with SIGPIPE ignored a write to the closed pipe fails with EPIPE,
	// and the writers stop printing (closedPipe) while the command carries on.
	signal.Ignore(syscall.SIGPIPE)
	os.Exit(dispatch(os.Args[1:], &closedPipe{f: os.Stdout}, &closedPipe{f: os.Stderr}))
}

// closedPipe writes to f until a write fails with EPIPE (its reader went away), and then
// discards everything: the output was for that reader alone, the exit status and the reports
// stay the command's. Fd lets the console tell a terminal.
type closedPipe struct {
	f      *os.File
	closed atomic.Bool
}

func (p *closedPipe) Write(b []byte) (int, error) {
	if p.closed.Load() {
		return len(b), nil
	}
	n, err := p.f.Write(b)
	if errors.Is(err, syscall.EPIPE) {
		p.closed.Store(true)
		return len(b), nil
	}
	return n, err
}

func (p *closedPipe) Fd() uintptr { return p.f.Fd() }

// dispatch runs the command named by args[0] with the rest of args.
func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "conformance: no command given")
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help":
		return helpCmd(nil, stdout, stderr)
	case "-version", "--version":
		return versionCmd(nil, stdout, stderr)
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "conformance: unknown command %q%s (conformance help for the commands)\n", args[0], didYouMean(args[0]))
		return 2
	}
	return cmd(args[1:], stdout, stderr)
}

// helpCmd lists the commands, or shows one command's flags.
func helpCmd(args []string, stdout, stderr io.Writer) int {
	switch len(args) {
	case 0:
		usage(stdout)
		return 0
	case 1:
		if cmd, ok := commands()[args[0]]; ok && args[0] != "help" {
			return cmd([]string{"-h"}, stdout, stdout) // asked for: the usage is the output
		}
		fmt.Fprintf(stderr, "conformance help: unknown command %q%s\n", args[0], didYouMean(args[0]))
	default:
		fmt.Fprintln(stderr, "conformance help: want at most one command")
	}
	usage(stderr)
	return 2
}

// didYouMean names the command closest to a mistyped one, "" when none is near.
func didYouMean(name string) string {
	near := suggest.Closest(strings.TrimLeft(name, "-"), slices.Sorted(maps.Keys(commands())))
	if near == "" {
		return ""
	}
	return "; did you mean " + near + "?"
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "usage: conformance <command> [flags]\n\ncommands:\n")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for name := range cmds {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-8s %s\n", name, summaries()[name])
	}
	fmt.Fprintf(w, "\n`conformance help <command>` shows the flags of a command.\n")
}
