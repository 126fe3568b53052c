package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/runner"
)

const replayUsage = `usage: conformance replay CASE-ID [--report DIR] [flags]

Sends one case again, built and signed afresh with the credentials of the environment, prints
the whole exchange and the checks' verdicts, and exits as a run of that case would (0 passed,
1 failed, 2 usage error). A curl of a signed case carries a redacted signature; this is how a
failure of a signed Huawei, Alibaba or ZStack case is reproduced. Every failure in every report
names its replay command.

A step of a sequence is replayed with the whole sequence. --report DIR takes the case's
settings (target, seed, signature version, ...) from that run's report.json; the flags given
here win over them. The reports of the replay go to a temporary directory unless --report-dir
is given.
`

// replayCmd is `conformance replay CASE-ID`: a run of one case, the settings it ran with taken
// from a report when --report is given, and its exchanges printed in full.
func replayCmd(args []string, stdout, stderr io.Writer) int {
	const name = "conformance replay"
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		fmt.Fprint(stderr, replayUsage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	id, args := args[0], args[1:]
	if strings.HasPrefix(id, "-") {
		fmt.Fprintf(stderr, "%s: the case id comes first: conformance replay CASE-ID [flags] (%s -h for all flags)\n", name, name)
		return 2
	}
	reportDir, args, err := takeFlag(args, "report")
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	if reportDir != "" {
		base, err := replayedSettings(reportDir, id)
		if err != nil {
			fmt.Fprintf(stderr, "%s: --report: %v\n", name, err)
			return 2
		}
		args = append(base, args...) // the flags given here come last, and win
	}
	if flagValue(args, "report-dir") == "" && os.Getenv("CONFORMANCE_REPORT_DIR") == "" {
		tmp, err := os.MkdirTemp("", "conformance-replay-")
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return 1
		}
		defer os.RemoveAll(tmp)
		args = append([]string{"--report-dir", tmp}, args...)
	}
	inv := invocation{name: name, usage: replayUsage, cases: []string{id}, after: printReplay}
	return execute(inv, args, stdout, stderr)
}

// replayedSettings are the flags a report's case ran with: those of its replay command (a
// failed, warned or throttled case has one), else the run's seed and targets.
func replayedSettings(dir, id string) ([]string, error) {
	path := dir
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		path = filepath.Join(dir, "report.json")
	}
	r, err := reports.ReadJSON(path)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(r.Cases, func(c reports.Case) bool { return c.ID == id })
	if i < 0 {
		return nil, fmt.Errorf("%s has no case %q", path, id)
	}
	if c := r.Cases[i]; c.Replay != "" {
		words, err := shellWords(c.Replay)
		if err != nil || len(words) < 3 {
			return nil, fmt.Errorf("%s: the replay command of %q cannot be read: %q", path, id, c.Replay)
		}
		return words[3:], nil // after "conformance replay ID"
	}
	args := []string{"--seed", fmt.Sprint(r.Seed)}
	if !strings.HasPrefix(r.Target, "built-in reference target") {
		for _, svc := range slices.Sorted(maps.Keys(r.Targets)) {
			args = append(args, "--target-"+svc, r.Targets[svc])
		}
	}
	return args, nil
}

// printReplay prints every case the replay ran: its verdict, the whole exchange and each
// check's verdict, as report.json holds them (so redacted as every report is).
func printReplay(cfg runner.Config, stdout io.Writer) {
	r, err := reports.ReadJSON(filepath.Join(cfg.ReportDir, "report.json"))
	if err != nil {
		fmt.Fprintf(stdout, "no report to print: %v\n", err)
		return
	}
	for _, c := range r.Cases {
		fmt.Fprintf(stdout, "\n=== %s: %s\n", c.ID, c.State)
		if c.Reason != "" {
			fmt.Fprintf(stdout, "%s\n", c.Reason)
		}
		if c.Exchange != nil {
			fmt.Fprintf(stdout, "\n%s\n", c.Exchange.Text())
		}
		for _, name := range r.Checks {
			if state, ok := c.Checks[name]; ok {
				fmt.Fprintf(stdout, "  %-30s %s\n", name, state)
			}
		}
		for _, f := range append(c.Failures, c.Warnings...) {
			fmt.Fprintf(stdout, "  %s (%s): %s\n    at %s\n    expected: %s\n    actual:   %s\n", f.Check, f.Profile, f.Message, f.Pointer, f.Expected, f.Actual)
		}
	}
}

// takeFlag removes one flag of the command's own (-name v, --name v, -name=v, --name=v) from
// args, returning its value.
func takeFlag(args []string, name string) (string, []string, error) {
	var value string
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		trimmed := strings.TrimLeft(a, "-")
		if dashes := len(a) - len(trimmed); dashes == 0 || dashes > 2 {
			rest = append(rest, a)
			continue
		}
		if v, ok := strings.CutPrefix(trimmed, name+"="); ok {
			value = v
			continue
		}
		if trimmed == name {
			if i+1 >= len(args) {
				return "", nil, fmt.Errorf("--%s needs a value", name)
			}
			value = args[i+1]
			i++
			continue
		}
		rest = append(rest, a)
	}
	return value, rest, nil
}

// shellWords splits a command the runner wrote (words separated by spaces, a word with other
// characters single-quoted, a quote inside written '\”) back into its words.
func shellWords(cmd string) ([]string, error) {
	var words []string
	var word strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(cmd); i++ {
		ch := cmd[i]
		switch {
		case quoted && ch == '\'':
			quoted = false
		case quoted:
			word.WriteByte(ch)
		case ch == '\'':
			quoted, inWord = true, true
		case ch == '\\' && i+1 < len(cmd):
			i++
			word.WriteByte(cmd[i])
			inWord = true
		case ch == ' ':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		default:
			word.WriteByte(ch)
			inWord = true
		}
	}
	if quoted {
		return nil, errors.New("an unclosed quote")
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}
