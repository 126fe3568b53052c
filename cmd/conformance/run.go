package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/console"
	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/specs"
)

// runCmd is `conformance run`: replay the fixtures against a target and judge the answers.
func runCmd(args []string, stdout, stderr io.Writer) int {
	return execute(invocation{name: "conformance run", usage: runUsage}, args, stdout, stderr)
}

const runUsage = "usage: conformance run [flags]\n"

// invocation is a command that runs cases: conformance run, or conformance replay of some.
type invocation struct {
	name, usage string
	// cases, when set, are the only cases run (runner.Config.Cases).
	cases []string
	// after, when set, is called with the run's configuration once its reports are written.
	after func(cfg runner.Config, stdout io.Writer)
}

// execute runs cases as inv says: settings resolved from the defaults, --config, the
// environment and the flags, in that order (runner.Resolve), the built-in target started when
// no target is given, SIGINT and SIGTERM stopping the sending but not the reports.
func execute(inv invocation, args []string, stdout, stderr io.Writer) int {
	// The specs name the services, and so the --target-<service> flags: a --specs directory
	// may add services, so it is read before the flags are defined.
	specsDir := flagValue(args, "specs")
	if specsDir == "" {
		specsDir = os.Getenv("CONFORMANCE_SPECS")
	}
	set, err := runner.LoadSpecs(specsDir)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", inv.name, err)
		return 2
	}
	services := serviceNames(set)
	defaults := runner.DefaultConfig()
	fs := runFlags(inv, &defaults, services, stderr)
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", inv.name, fs.Arg(0))
		return 2
	}
	cfg, lookup, err := runner.Resolve(args, os.LookupEnv, services)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", inv.name, err)
		return 2
	}
	cfg.Cases, cfg.Command = inv.cases, inv.name
	cfg.Console = console.New(stdout, stderr, cfg.Output, console.Detect(stdout, os.Getenv))
	cfg.Credentials = providers.FromEnv(lookup)
	_, userLimit := os.LookupEnv("GOMEMLIMIT")
	cfg.LimitMemory = !userLimit // the user's limit stands
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)
	var caught atomic.Value
	handled := make(chan struct{})
	go func() {
		if sig, ok := <-signals; ok {
			caught.Store(sig)
			cancel()
			close(handled)
			fmt.Fprintf(stderr, "%s: %v: sending no more cases; finishing those in flight, restoring, writing the reports\n", inv.name, sig)
		}
	}()
	if cfg.Embedded() {
		builtin, err := specs.Load() // the reference target implements the built-in specs only
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", inv.name, err)
			return 2
		}
		srv, creds, err := mock.StartBuiltin(cfg.Credentials, builtin)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", inv.name, err)
			return 1
		}
		defer srv.Close()
		cfg.Target, cfg.Credentials = srv.URL(), creds
		cfg.Description = "built-in reference target at " + srv.URL()
		cfg.Builtin = true
	}
	code, err := runner.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", inv.name, err)
	}
	if inv.after != nil && code != 2 {
		inv.after(cfg, stdout)
	}
	if code == runner.ExitInterrupted {
		// Ginkgo sees the signal too and may end the run before this handler has run.
		select {
		case <-handled:
		case <-time.After(time.Second):
		}
	}
	if code == runner.ExitInterrupted && caught.Load() == syscall.SIGTERM {
		code = 143 // 128 + SIGTERM, as a shell reports a process the signal ended
	}
	return code
}

// runFlags is the flag set of a command that runs cases: every setting of runner.Settings,
// bound to cfg, with the usage that says where credentials come from and what the exit
// statuses mean.
func runFlags(inv invocation, cfg *runner.Config, services []string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(inv.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	runner.Flags(fs, cfg, services)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "%s\nEvery flag may also be set by its CONFORMANCE_* variable or its --config key (README: flags).\nCredentials and resource ids come from the environment (or --config):\n", inv.usage)
		for _, v := range providers.VariableNames() {
			fmt.Fprintf(stderr, "  %s\n", v)
		}
		fmt.Fprintf(stderr, "\nChecks: %s\n", conformance.CheckNamesText())
		fmt.Fprintf(stderr, "\nExit status: 0 passed (no failure at the profile, or no regression against --baseline), 1 failed,\n2 usage or configuration error or no case could run, 130/143 interrupted by SIGINT/SIGTERM.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs
}

// serviceNames are the services of the specs, in their order.
func serviceNames(set *specs.Set) []string {
	names := make([]string, len(set.Specs))
	for i, sp := range set.Specs {
		names[i] = sp.Service
	}
	return names
}

// flagValue finds the value of one flag in raw arguments (-name v, --name v, -name=v,
// --name=v) before the flag set exists; "" when it is absent. Parsing proper reports errors.
func flagValue(args []string, name string) string {
	v, _, _ := takeFlag(args, name)
	return v
}
