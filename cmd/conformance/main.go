// Command conformance checks that cloud API endpoints behave as their OpenAPI specs say, and
// serves the reference target the suite is proven against.
//
//	conformance <command> [flags]
//
// Each command parses its own flags; `conformance help <command>` shows them. Exit status: 0
// success, 1 failure, 2 usage or configuration error.
package main

import (
	"fmt"
	"io"
	"os"
	"slices"
)

// commands are the subcommands by name. A command parses its own flags from args and returns
// the exit status; adding one is an entry here and a file beside this one.
func commands() map[string]func(args []string, stdout, stderr io.Writer) int {
	return map[string]func(args []string, stdout, stderr io.Writer) int{
		"run":       runCmd,
		"serve":     serveCmd,
		"diff":      diffCmd,
		"merge":     mergeCmd,
		"coverage":  coverageCmd,
		"spec-diff": specDiffCmd,
		"help":      helpCmd,
	}
}

// summaries are the one-line descriptions `conformance help` prints, by command.
func summaries() map[string]string {
	return map[string]string{
		"run":       "replay the fixtures against a target and judge every answer (default: the built-in reference target)",
		"serve":     "serve the reference target, conformant or with one fault mode",
		"diff":      "compare two report.json files; exit 1 on a regression",
		"merge":     "merge the reports of sharded runs into one report directory",
		"coverage":  "print what runs exercised of each documented contract; exit 1 below --min-coverage",
		"spec-diff": "list the changes between two versions of a spec; exit 1 on a breaking one",
		"help":      "show the commands, or the flags of one: help <command>",
	}
}

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

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
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "conformance: unknown command %q\n", args[0])
		usage(stderr)
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
		fmt.Fprintf(stderr, "conformance help: unknown command %q\n", args[0])
	default:
		fmt.Fprintln(stderr, "conformance help: want at most one command")
	}
	usage(stderr)
	return 2
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
