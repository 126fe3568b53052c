package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/conformance-suite/conformance/console"
	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/proxy"
	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/specs"
)

const proxyUsage = `usage: conformance proxy [--listen host:port] [--upstream URL | --upstream-<service> URL ...] [flags]

Relays every exchange between a client and a service unchanged and judges it with the checks
of conformance run: point the client at the proxy as its endpoint (reverse mode), or set
HTTP_PROXY to it for http:// URLs (forward mode: Host is kept, so host-signing clients stay
valid; CONNECT/HTTPS is answered 501). With no upstream, it forwards to the built-in reference
target. The four reports are written to --report-dir every --flush-interval and on SIGINT or
SIGTERM. The settings shared with conformance run are read from their CONFORMANCE_*
variables beneath the flags (CONFORMANCE_TARGET[_<SERVICE>] as the upstreams); credentials
only to redact them.

Exit status on shutdown: 0 no exchange failed, 1 an exchange failed, 2 usage error.
`

// proxySettings are the settings of conformance run that the proxy shares, by flag name: the
// same names, help and checks as run's, bound through runner.Settings.
var proxySettings = []string{"report-dir", "record", "timeout", "specs", "max-body", "profile", "checks", "exclude-checks", "output"}

// proxyCmd is `conformance proxy`, until SIGINT or SIGTERM.
func proxyCmd(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runProxy(ctx, args, os.LookupEnv, stdout, stderr)
}

// proxyConfig is what the command reads from its flags.
type proxyConfig struct {
	runner.Config
	listen string
	flush  time.Duration
}

// runProxy relays and judges until ctx ends, then writes the reports and exits by them.
func runProxy(ctx context.Context, args []string, lookup func(string) (string, bool), stdout, stderr io.Writer) int {
	const name = "conformance proxy"
	specsDir := flagValue(args, "specs")
	if specsDir == "" {
		specsDir, _ = lookup("CONFORMANCE_SPECS")
	}
	set, err := runner.LoadSpecs(specsDir)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	pc, code, ok := resolveProxy(name, args, lookup, serviceNames(set), stderr)
	if !ok {
		return code
	}
	if pc.flush < 0 {
		fmt.Fprintf(stderr, "%s: --flush-interval: %s is negative\n", name, pc.flush)
		return 2
	}
	cfg := pc.Config
	cfg.Credentials = providers.FromEnv(lookup)
	if cfg.Embedded() {
		builtin, err := specs.Load() // the reference target implements the built-in specs only
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return 2
		}
		srv, _, err := mock.StartBuiltin(cfg.Credentials, builtin)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return 1
		}
		defer srv.Close()
		// Whatever a client sends it, the target's own defaults included, is redacted.
		cfg.Target, cfg.Credentials = srv.URL(), cfg.Credentials.WithDefaults(providers.Defaults())
		cfg.Description = "built-in reference target at " + srv.URL()
	}
	obs, err := runner.NewObserver(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	defer obs.Close()
	term := console.Detect(stdout, func(k string) string { v, _ := lookup(k); return v })
	term.Live = false // a proxy has no total to count to
	con := console.New(stdout, stderr, cfg.Output, term)
	p, err := proxy.New(proxy.Options{Observer: obs, Upstream: cfg.Target, Upstreams: cfg.Targets, Timeout: cfg.Timeout, Console: con})
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	ln, err := net.Listen("tcp", pc.listen)
	if err != nil {
		fmt.Fprintf(stderr, "%s: --listen: %v\n", name, err)
		return 2
	}
	srv := &http.Server{Handler: p, ReadHeaderTimeout: cfg.Timeout, IdleTimeout: time.Minute, ErrorLog: log.New(io.Discard, "", 0)}
	go func() { _ = srv.Serve(ln) }()
	addr := "http://" + ln.Addr().String()
	con.Begin(fmt.Sprintf("%s on %s, forwarding to %s\nreverse mode: point the client at %s; forward mode: HTTP_PROXY=%s (http:// URLs only)\nreports in %s", name, addr, obs.Report().Target, addr, addr, obs.ReportDir()), 0)

	var tick <-chan time.Time
	if pc.flush > 0 {
		t := time.NewTicker(pc.flush)
		defer t.Stop()
		tick = t.C
	}
	for stopped := false; !stopped; {
		select {
		case <-tick:
			if _, err := obs.Write(); err != nil {
				con.Note(fmt.Sprintf("%s: %v", name, err))
			}
		case <-ctx.Done():
			stopped = true
		}
	}
	con.Note(name + ": stopping: relaying the exchanges in flight, then writing the reports")
	shutdown, cancel := context.WithTimeout(context.Background(), cfg.Timeout+time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown) // the exchanges in flight end within --timeout
	p.Wait()
	return writeObserved(name, obs, con, stderr)
}

// resolveProxy reads the proxy's configuration from its flags over the environment: the
// CONFORMANCE_* variables of the settings it shares with run, CONFORMANCE_TARGET and
// CONFORMANCE_TARGET_<SERVICE> as its upstreams, each beneath its flag and read as run reads
// it (runner.ApplyEnv). A bad flag or variable is a usage error (exit 2).
func resolveProxy(name string, args []string, lookup func(string) (string, bool), services []string, stderr io.Writer) (proxyConfig, int, bool) {
	given := proxyConfig{Config: runner.DefaultConfig()}
	fs := proxyFlags(&given, services, stderr)
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return given, code, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", name, fs.Arg(0))
		return given, 2, false
	}
	flagged := map[string]bool{}
	fs.Visit(func(f *flag.Flag) {
		if svc, ok := strings.CutPrefix(f.Name, "upstream"); ok {
			flagged["target"+svc] = true // --upstream[-<service>] is run's --target[-<service>]
		} else {
			flagged[f.Name] = true
		}
	})
	pc := proxyConfig{Config: runner.DefaultConfig()}
	if err := runner.ApplyEnv(&pc.Config, lookup, services, flagged, append([]string{"target", "target-<service>"}, proxySettings...)...); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return pc, 2, false
	}
	_ = proxyFlags(&pc, services, io.Discard).Parse(args) // the flags over the variables; parsed once above
	return pc, 0, true
}

// proxyFlags binds the proxy's flags to pc: its own (--listen, --upstream, --upstream-<service>,
// --flush-interval) and run's shared settings, through the same Values as run's flags, so a
// value is checked the same way in both.
func proxyFlags(pc *proxyConfig, services []string, stderr io.Writer) *flag.FlagSet {
	fs := newCommand("conformance proxy", proxyUsage, stderr)
	fs.StringVar(&pc.listen, "listen", "127.0.0.1:8081", "`address` to listen on; loopback by default, since anyone who reaches it can send through it")
	fs.DurationVar(&pc.flush, "flush-interval", 10*time.Second, "write the four reports every `duration` (0: only on SIGINT or SIGTERM)")
	runner.Flags(fs, &pc.Config, services, proxySettings...)
	// The upstreams are run's targets under the proxy's names.
	for _, s := range runner.Settings {
		switch s.Flag {
		case "target":
			fs.Var(s.Value(&pc.Config, ""), "upstream", "base `URL` every request is forwarded to in reverse mode (default: start the built-in reference target on loopback)")
		case "target-<service>":
			for _, svc := range services {
				fs.Var(s.Value(&pc.Config, svc), "upstream-"+svc, "base `URL` of "+svc+", overriding --upstream")
			}
		}
	}
	return fs
}
