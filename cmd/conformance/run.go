package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/console"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/specs"
)

// runCmd is `conformance run`: replay the fixtures against a target and judge the answers.
// A --config file is applied first and the flags over it, so flags always win.
func runCmd(args []string, stdout, stderr io.Writer) int {
	// The specs name the services, and so the --target-<service> flags: a --specs directory
	// may add services, so it is read before the flags are defined.
	set, err := runner.LoadSpecs(flagValue(args, "specs"))
	if err != nil {
		fmt.Fprintf(stderr, "conformance run: %v\n", err)
		return 2
	}
	cfg := runner.DefaultConfig()
	var configPath string
	mode := console.Auto
	fs := runFlags(&cfg, &configPath, &mode, set, stderr)
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "conformance run: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	lookup := os.LookupEnv
	if configPath != "" {
		file, err := runner.ReadFile(configPath)
		if err != nil {
			fmt.Fprintf(stderr, "conformance run: --config: %v\n", err)
			return 2
		}
		cfg = runner.DefaultConfig()
		file.Apply(&cfg)
		_ = runFlags(&cfg, &configPath, &mode, set, io.Discard).Parse(args) // parsed once already
		lookup = file.Lookup(os.LookupEnv)
	}
	if cfg.Shard == nil { // --shard wins over the environment
		if cfg.Shard, err = runner.ShardFromEnv(lookup); err != nil {
			fmt.Fprintf(stderr, "conformance run: %v\n", err)
			return 2
		}
	}
	cfg.Console = console.New(stdout, stderr, mode, console.Detect(stdout, os.Getenv))
	cfg.Credentials = providers.FromEnv(lookup)
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		// A hostile target can make every request in flight carry a --max-body answer: with
		// the default limit, the garbage collector keeps the heap near what is live instead of
		// letting it double, so a run stays within its memory budget (64 MiB at the defaults).
		debug.SetMemoryLimit(memoryLimit)
	}
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
			fmt.Fprintf(stderr, "conformance run: %v: sending no more cases; finishing those in flight, restoring, writing the reports\n", sig)
		}
	}()
	if cfg.Embedded() {
		builtin, err := specs.Load() // the reference target implements the built-in specs only
		if err != nil {
			fmt.Fprintf(stderr, "conformance run: %v\n", err)
			return 2
		}
		srv, creds, err := mock.StartBuiltin(cfg.Credentials, builtin)
		if err != nil {
			fmt.Fprintf(stderr, "conformance run: %v\n", err)
			return 1
		}
		defer srv.Close()
		cfg.Target, cfg.Credentials = srv.URL(), creds
		cfg.Description = "built-in reference target at " + srv.URL()
	}
	code, err := runner.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "conformance run: %v\n", err)
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

// memoryLimit is the run's soft memory limit (runtime/debug.SetMemoryLimit) unless GOMEMLIMIT
// sets another: about what the defaults keep live (the bodies in flight, bounded by the runner's
// body budget, and the suite itself). It is soft: a larger --max-body still works, with more
// collection.
const memoryLimit = 24 << 20

// runFlags binds every flag of `conformance run` to cfg (and --output to mode: how the console
// shows the run is no setting of the run itself).
func runFlags(cfg *runner.Config, configPath *string, mode *console.Mode, set *specs.Set, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("conformance run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(configPath, "config", "", "YAML `file` with any of these settings and the CONFORMANCE_* variables; flags and the environment win")
	fs.StringVar(&cfg.Target, "target", cfg.Target, "base `URL` of every service (default: start the built-in reference target on loopback)")
	for _, sp := range set.Specs {
		svc := sp.Service
		fs.Func("target-"+svc, "base `URL` of "+svc+", overriding --target", func(v string) error {
			if cfg.Targets == nil {
				cfg.Targets = map[string]string{}
			}
			cfg.Targets[svc] = v
			return nil
		})
	}
	region := func(provider string) func(string) error {
		return func(v string) error {
			if cfg.Regions == nil {
				cfg.Regions = map[string]string{}
			}
			cfg.Regions[provider] = v
			return nil
		}
	}
	fs.Func("region", "`region` whose public endpoints every regional service is run against (explicit targets win)", region(""))
	fs.Func("huaweicloud-region", "`region` of the Huawei Cloud endpoints, e.g. cn-north-4", region("huaweicloud"))
	fs.StringVar(&cfg.AlibabaRegion, "alibabacloud-region", cfg.AlibabaRegion, "`region` of the Alibaba Cloud endpoint, also sent as RegionId (default cn-hangzhou)")
	fs.BoolVar(&cfg.AllowMutations, "allow-mutations", cfg.AllowMutations, "run the cases that change state against a target that is not on loopback, restoring what can be restored")
	fs.StringVar(&cfg.ReportDir, "report-dir", cfg.ReportDir, "`directory` that receives report.json, junit.xml, summary.md and report.html")
	fs.StringVar(&cfg.Baseline, "baseline", cfg.Baseline, "a previous `report.json`: exit 1 only on regressions against it (a case that passed and now fails or is gone)")
	fs.Func("shard", "run one `i/n` shard of the cases (merge the shards' reports with conformance merge)", func(v string) error {
		sh, err := reports.ParseShard(v)
		if err != nil {
			return err
		}
		cfg.Shard = &sh
		return nil
	})
	fs.DurationVar(&cfg.Timeout, "timeout", cfg.Timeout, "bound on one exchange, request sent to answer read (an async job's polls included)")
	fs.StringVar(&cfg.LabelFilter, "label-filter", cfg.LabelFilter, "select cases by label, in Ginkgo syntax, e.g. 'huaweicloud && !auth'")
	fs.IntVar(&cfg.Parallel, "parallel", cfg.Parallel, "requests in flight at once, across all services (each service takes at most 16)")
	fs.Func("rate-limit", "at most `N/s or N/m` requests to each service (a token bucket); throttled answers are retried either way", func(v string) error {
		r, err := runner.ParseRateLimit(v)
		cfg.RateLimit = r
		return err
	})
	fs.Int64Var(&cfg.Seed, "seed", cfg.Seed, "seed of the generated cases: the same seed sends the same requests")
	fs.StringVar(&cfg.FixturesDir, "fixtures", cfg.FixturesDir, "`directory` of fixture files replacing the built-in ones")
	fs.StringVar(&cfg.SpecsDir, "specs", cfg.SpecsDir, "`directory` of spec files over the built-in ones: a file of the same name replaces one, others add operations of the supported providers")
	fs.Int64Var(&cfg.MaxBody, "max-body", cfg.MaxBody, "largest answer body read, in `bytes`; a larger one fails the case")
	fs.IntVar(&cfg.MaxTransportFailures, "max-transport-failures", cfg.MaxTransportFailures, "stop sending to a service after `K` transport failures in a row (timeouts, refused connections, unreachable hosts; resets and HTTP error statuses do not count): its remaining cases fail at once, so a dead target costs about K × --timeout")
	fs.Func("allow-job-host", "`HOST[:PORT]` where an async job's location may be polled with the run's credentials besides the job's own scheme, host and port (repeatable or comma-separated; HOST alone allows any port)", func(v string) error {
		for _, h := range strings.Split(v, ",") {
			if h = strings.TrimSpace(h); h != "" {
				cfg.AllowJobHosts = append(cfg.AllowJobHosts, h)
			}
		}
		return nil
	})
	fs.Func("profile", "conformance `profile` the exit status is computed on: core (what the pages promise; strict findings are warnings) or strict (core and the probes the pages leave open)", func(v string) error {
		p, err := fixtures.ParseProfile(v)
		cfg.Profile = p
		return err
	})
	checkList := func(dst *[]conformance.CheckName) func(string) error {
		return func(v string) error {
			names, err := conformance.ParseCheckNames(v)
			*dst = append(*dst, names...)
			return err
		}
	}
	fs.Func("checks", "evaluate only these comma-separated `checks`", checkList(&cfg.Checks))
	fs.Func("exclude-checks", "do not evaluate these comma-separated `checks`", checkList(&cfg.ExcludeChecks))
	fs.Func("min-coverage", "exit 1 when an operation's contract coverage is below `DIM=PCT[,...]`, e.g. statuses=100,fields=90 (dimensions: "+strings.Join(reports.CoverageDimensions(), ", ")+", overall)", func(v string) error {
		m, err := reports.ParseMinCoverage(v)
		if err != nil {
			return err
		}
		if cfg.MinCoverage == nil {
			cfg.MinCoverage = map[string]float64{}
		}
		maps.Copy(cfg.MinCoverage, m)
		return nil
	})
	fs.Func("output", "what the console prints per case: lines, dots, quiet (the failures and the verdict) or json (one JSON object per finished case on stdout, the rest on stderr); default: lines, under a live progress line on a terminal", func(v string) error {
		m, err := console.ParseMode(v)
		*mode = m
		return err
	})
	fs.StringVar(&cfg.AlibabaSignature, "alibabacloud-signature", cfg.AlibabaSignature, "Alibaba Cloud signature version: v1 (HMAC-SHA1) or v3 (ACS3-HMAC-SHA256)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: conformance run [flags]\n\nCredentials and resource ids come from the environment (or --config):\n")
		for _, v := range providers.VariableNames() {
			fmt.Fprintf(stderr, "  %s\n", v)
		}
		fmt.Fprintf(stderr, "\nChecks: %s\n", conformance.CheckNamesText())
		fmt.Fprintf(stderr, "\nExit status: 0 passed (no failure at the profile, or no regression against --baseline), 1 failed,\n2 usage or configuration error or no case could run, 130/143 interrupted by SIGINT/SIGTERM.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs
}

// flagValue finds the value of one flag in raw arguments (-name v, --name v, -name=v,
// --name=v) before the flag set exists; "" when it is absent. Parsing proper reports errors.
func flagValue(args []string, name string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		trimmed := strings.TrimLeft(a, "-")
		if len(a)-len(trimmed) == 0 || len(a)-len(trimmed) > 2 {
			continue
		}
		if v, ok := strings.CutPrefix(trimmed, name+"="); ok {
			return v
		}
		if trimmed == name && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}
