package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/runner/credentials"
)

// shutdownGrace is how long a stopping target waits for the answers in flight.
const shutdownGrace = 10 * time.Second

// serveCmd is `conformance serve`: the reference target, until SIGINT or SIGTERM.
func serveCmd(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, args, os.LookupEnv, stdout, stderr)
}

// serve runs the target until ctx ends; lookup reads the environment.
func serve(ctx context.Context, args []string, lookup func(string) (string, bool), stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("conformance serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "`address` to listen on; loopback by default, because the target accepts published test credentials")
	fault := fs.String("fault", "", "break one contract point with the fault `name`d (see --list-faults)")
	async := fs.Bool("async-zstack", false, "answer ZStack state changes with 202 + location, as a real management node does")
	polls := fs.Int("job-polls", mock.DefaultJobPolls, "202 answers a ZStack job gives before it is done")
	list := fs.Bool("list-faults", false, "list the fault modes and exit")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: conformance serve [--addr host:port] [--fault name] [--async-zstack] [--job-polls n]\n")
		fmt.Fprintf(stderr, "       conformance serve --list-faults\n\n")
		fmt.Fprintf(stderr, "Serves the reference target. It accepts the credentials of these variables, or the\nbuilt-in defaults where they are unset:\n")
		for _, row := range credentialRows(credentials.Set{}) {
			fmt.Fprintf(stderr, "  %s\n", row.env)
		}
		fmt.Fprintf(stderr, "\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "conformance serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *list {
		listFaults(stdout)
		return 0
	}
	if *fault != "" && !slices.ContainsFunc(mock.Faults(), func(f mock.Fault) bool { return f.Name == *fault }) {
		fmt.Fprintf(stderr, "conformance serve: unknown fault %q; --list-faults lists them\n", *fault)
		return 2
	}
	if *polls < 1 {
		fmt.Fprintf(stderr, "conformance serve: --job-polls is %d, want 1 or more\n", *polls)
		return 2
	}

	creds := credentials.FromEnv(lookup).WithDefaults(credentials.Defaults())
	srv, err := mock.Start(*addr, mock.Options{Fault: *fault, AsyncZStack: *async, JobPolls: *polls, Credentials: creds})
	if err != nil {
		fmt.Fprintf(stderr, "conformance serve: %v\n", err)
		return 1
	}
	if !loopback(*addr) {
		fmt.Fprintf(stderr, "conformance serve: warning: %s is reachable beyond this machine, and the target accepts the published default credentials of every variable left unset\n", *addr)
	}
	banner(stdout, srv.URL(), *fault, *async, *polls, creds, lookup)

	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		fmt.Fprintf(stderr, "conformance serve: shutting down: %v\n", err)
		_ = srv.Close()
		return 1
	}
	return 0
}

// banner says where the target listens, what it does, and which credentials it accepts,
// naming each variable and showing only the values that are not secret.
func banner(w io.Writer, url, fault string, async bool, polls int, creds credentials.Set, lookup func(string) (string, bool)) {
	fmt.Fprintf(w, "reference target listening on %s\n", url)
	switch f := findFault(fault); {
	case fault == "":
		fmt.Fprintf(w, "fault:       none, every answer conforms\n")
	default:
		fmt.Fprintf(w, "fault:       %s, breaks %s on %s\n", f.Name, f.Breaks, strings.Join(f.Operations, ", "))
	}
	if async || fault == "job-never-finishes" {
		fmt.Fprintf(w, "ZStack jobs: asynchronous, %d polls answered 202 before a job is done\n", polls)
	} else {
		fmt.Fprintf(w, "ZStack jobs: synchronous\n")
	}
	fmt.Fprintf(w, "\ncredentials it accepts (set the variables to change them; secrets are not shown):\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	secrets := creds.Secrets()
	for _, row := range credentialRows(creds) {
		source := "built-in default"
		if v, ok := lookup(row.env); ok && v != "" {
			source = "from the environment"
		}
		value := row.value
		if slices.Contains(secrets, value) {
			value = "(secret)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", row.env, value, source)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\nrun the suite against it, with the same variables set:\n  conformance run --target %s\n", url)
}

// credentialRows pairs each variable with its value in s, in the documented order.
func credentialRows(s credentials.Set) []struct{ env, value string } {
	return []struct{ env, value string }{
		{credentials.EnvHuaweiToken, s.HuaweiToken},
		{credentials.EnvHuaweiAccessKey, s.HuaweiAccessKey},
		{credentials.EnvHuaweiSecretKey, s.HuaweiSecretKey},
		{credentials.EnvHuaweiProjectID, s.HuaweiProjectID},
		{credentials.EnvAlibabaKeyID, s.AlibabaKeyID},
		{credentials.EnvAlibabaKeySecret, s.AlibabaKeySecret},
		{credentials.EnvAlibabaTid, s.AlibabaTid},
		{credentials.EnvZStackSession, s.ZStackSession},
		{credentials.EnvZStackAccount, s.ZStackAccount},
		{credentials.EnvZStackPassword, s.ZStackPassword},
		{credentials.EnvZStackProjectUUID, s.ZStackProjectUUID},
	}
}

// listFaults prints the fault table: name, operations, the check it breaks, what it does.
func listFaults(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "NAME\tOPERATIONS\tBREAKS\tDESCRIPTION\n")
	for _, f := range mock.Faults() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Name, strings.Join(f.Operations, ","), f.Breaks, f.Description)
	}
	_ = tw.Flush()
}

func findFault(name string) mock.Fault {
	for _, f := range mock.Faults() {
		if f.Name == name {
			return f
		}
	}
	return mock.Fault{}
}

// loopback reports whether addr listens on this machine only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
