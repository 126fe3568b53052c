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
	"unicode"
	"unicode/utf8"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
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
	var lenient nameList
	fs.Var(&lenient, "lenient", "be permissive where the documentation is silent, in the lenient mode `name`d (see --list-faults); repeatable, or comma-separated")
	async := fs.Bool("async-zstack", false, "answer ZStack state changes with 202 + location, as a real management node does")
	polls := fs.Int("job-polls", mock.DefaultJobPolls, "202 answers a ZStack job gives before it is done")
	list := fs.Bool("list-faults", false, "list the fault modes and the lenient modes, and exit")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: conformance serve [--addr host:port] [--fault name] [--lenient name[,name]] [--async-zstack] [--job-polls n]\n")
		fmt.Fprintf(stderr, "       conformance serve --list-faults\n\n")
		fmt.Fprintf(stderr, "Serves the reference target. It accepts the credentials of these variables, or the\nbuilt-in defaults where they are unset:\n")
		for _, row := range credentialRows(providers.Credentials{}) {
			fmt.Fprintf(stderr, "  %s\n", row.Env)
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
	for _, name := range lenient {
		if !slices.ContainsFunc(mock.Lenients(), func(l mock.Lenient) bool { return l.Name == name }) {
			fmt.Fprintf(stderr, "conformance serve: unknown lenient mode %q; --list-faults lists them\n", name)
			return 2
		}
	}
	if *polls < 1 {
		fmt.Fprintf(stderr, "conformance serve: --job-polls is %d, want 1 or more\n", *polls)
		return 2
	}

	opts := mock.Options{
		Fault:       *fault,
		Lenient:     lenient.unique(),
		AsyncZStack: *async,
		JobPolls:    *polls,
		Credentials: providers.FromEnv(lookup).WithDefaults(providers.Defaults()),
	}
	srv, err := mock.Start(*addr, opts)
	if err != nil {
		fmt.Fprintf(stderr, "conformance serve: %v\n", err)
		return 1
	}
	if !loopback(*addr) {
		fmt.Fprintf(stderr, "conformance serve: warning: %s is reachable beyond this machine, and the target accepts the published default credentials of every variable left unset\n", *addr)
	}
	banner(stdout, srv.URL(), opts, lookup)

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

// banner says where the target listens, what it does, which credentials it accepts (naming
// each variable, and hiding the secrets taken from the environment), and the exact commands
// that run the suite against it: an export line for each variable left unset, whose built-in
// default is a published test credential, never a value from the environment.
func banner(w io.Writer, url string, opts mock.Options, lookup func(string) (string, bool)) {
	fmt.Fprintf(w, "reference target listening on %s\n", url)
	switch f := findFault(opts.Fault); {
	case opts.Fault == "":
		fmt.Fprintf(w, "fault:       none, every answer conforms\n")
	default:
		fmt.Fprintf(w, "fault:       %s, breaks %s on %s\n", f.Name, f.Breaks, strings.Join(f.Operations, ", "))
	}
	if len(opts.Lenient) == 0 {
		fmt.Fprintf(w, "lenient:     none, strict where the documentation is silent\n")
	} else {
		fmt.Fprintf(w, "lenient:     %s (conformant, permissive where the documentation is silent)\n", strings.Join(opts.Lenient, ", "))
	}
	if opts.AsyncZStack || opts.Fault == "job-never-finishes" {
		fmt.Fprintf(w, "ZStack jobs: asynchronous, %d polls answered 202 before a job is done\n", opts.JobPolls)
	} else {
		fmt.Fprintf(w, "ZStack jobs: synchronous\n")
	}
	fromEnv := func(name string) bool { v, ok := lookup(name); return ok && v != "" }
	// The secrets from the environment are the user's own, never shown; the built-in
	// defaults are published, and shown.
	secrets, rows := opts.Credentials.Secrets(), credentialRows(opts.Credentials)
	var hidden []string
	for _, row := range rows {
		if fromEnv(row.Env) && slices.Contains(secrets, row.value) {
			hidden = append(hidden, row.value)
		}
	}
	fmt.Fprintf(w, "\ncredentials it accepts (set the variables to change them; secrets from the environment are not shown):\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, row := range rows {
		source := "built-in default"
		if fromEnv(row.Env) {
			source = "from the environment"
		}
		value := row.value
		if slices.Contains(hidden, value) {
			value = "(secret)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", row.Env, value, source)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\nrun the suite against it from another shell (the built-in defaults are published test credentials):\n")
	for _, row := range rows {
		switch {
		case fromEnv(row.Env):
			fmt.Fprintf(w, "  # %s: taken from the environment; the run needs the same value\n", row.Env)
		case row.ClientOmits:
			fmt.Fprintf(w, "  # %s: left unset, so that requests are signed (the target accepts it too)\n", row.Env)
		default:
			fmt.Fprintf(w, "  export %s=%s\n", row.Env, shellQuote(row.value))
		}
	}
	fmt.Fprintf(w, "  conformance run --target %s\n", url)
}

// shellQuote quotes v for a POSIX shell, unless it holds only characters that need none.
func shellQuote(v string) string {
	plain := func(r rune) bool {
		return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_./:@%+,", r))
	}
	if v != "" && strings.IndexFunc(v, func(r rune) bool { return !plain(r) }) < 0 {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// credentialRows pairs each variable with its value in s, provider by provider.
func credentialRows(s providers.Credentials) []credentialRow {
	var rows []credentialRow
	for _, v := range providers.Variables() {
		rows = append(rows, credentialRow{v, s.Get(v)})
	}
	return rows
}

type credentialRow struct {
	providers.Variable
	value string
}

// listFaults prints the fault table (name, operations, the check it breaks, what it does) and
// then the lenient modes (name, what they tolerate), each under a line that says what it is.
func listFaults(w io.Writer) {
	fmt.Fprintf(w, "fault modes (--fault NAME): each breaks one contract point, so that the check under BREAKS must fail\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "NAME\tOPERATIONS\tBREAKS\tDESCRIPTION\n")
	for _, f := range mock.Faults() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Name, strings.Join(f.Operations, ","), f.Breaks, f.Description)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\nlenient modes (--lenient NAME[,NAME]): conformant, permissive where the documentation is silent; they combine with each other and with a fault\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "NAME\tDESCRIPTION\n")
	for _, l := range mock.Lenients() {
		fmt.Fprintf(tw, "%s\t%s\n", l.Name, l.Description)
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

// nameList is a flag of names that may be repeated and comma-separated: --lenient a,b --lenient c.
type nameList []string

func (l *nameList) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ",")
}

func (l *nameList) Set(v string) error {
	for name := range strings.SplitSeq(v, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			return fmt.Errorf("an empty name in %q", v)
		}
		*l = append(*l, name)
	}
	return nil
}

// unique are the names in the order first given, each once.
func (l nameList) unique() []string {
	var out []string
	for _, name := range l {
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}
