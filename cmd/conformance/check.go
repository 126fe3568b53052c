package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/conformance-suite/conformance/console"
	"github.com/conformance-suite/conformance/har"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/runner"
)

const checkUsage = `usage: conformance check [flags] FILE.har...

Judges recorded traffic without any target: every exchange of each HAR 1.2 file (as browsers,
Postman, Charles, mitmproxy and Insomnia export it), with the checks of conformance run and the
request_conformance check of the proxy, into the same four reports. Secrets the requests carry
(signatures, tokens, sessions) and the CONFORMANCE_* credentials are redacted from every report.
A HAR file keeps bodies decoded, so content_encoding_conformance has nothing to judge there.

Exit status: 0 every exchange passed, 1 an exchange failed, 2 usage error, an unreadable or
malformed file, or no exchange to judge.
`

// checkSettings are the settings of conformance run that check shares, by flag name.
var checkSettings = []string{"report-dir", "specs", "max-body", "profile", "checks", "exclude-checks", "output"}

// checkCmd is `conformance check FILE...`: offline judgement of recorded traffic.
func checkCmd(args []string, stdout, stderr io.Writer) int {
	const name = "conformance check"
	set, err := runner.LoadSpecs(flagValue(args, "specs"))
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	cfg := runner.DefaultConfig()
	fs := newCommand(name, checkUsage, stderr)
	runner.Flags(fs, &cfg, serviceNames(set), checkSettings...)
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	files := fs.Args()
	if len(files) == 0 {
		fmt.Fprintf(stderr, "%s: no file to judge (%s -h for usage)\n", name, name)
		return 2
	}
	cfg.Credentials = providers.FromEnv(os.LookupEnv)
	cfg.Description = "recorded traffic: " + strings.Join(files, ", ")
	obs, err := runner.NewObserver(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	defer obs.Close()
	term := console.Detect(stdout, os.Getenv)
	term.Live = false // entries stream in: there is no total to count to
	con := console.New(stdout, stderr, cfg.Output, term)
	con.Begin(fmt.Sprintf("%s: %s", name, strings.Join(files, ", ")), 0)
	judged := 0
	for _, path := range files {
		if err := judgeFile(path, obs, con, &judged); err != nil {
			fmt.Fprintf(stderr, "%s: %s: %v\n", name, path, err)
			return 2
		}
	}
	if judged == 0 {
		fmt.Fprintf(stderr, "%s: the files hold no exchange: nothing was judged\n", name)
		return 2
	}
	return writeObserved(name, obs, con, stderr)
}

// writeObserved writes the reports of observed traffic, shows the summary and returns the
// exit status: 1 when an exchange failed, 2 when none was judged (or the reports cannot be
// written), else 0.
func writeObserved(name string, obs *runner.Observer, con runner.Console, stderr io.Writer) int {
	r, err := obs.Write()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	con.Summary(r, obs.ReportDir())
	switch sum := r.Summary; {
	case sum.Failed > 0:
		return 1
	case sum.Passed+sum.Warned == 0:
		// As a run in which no case could run: a session that judged nothing is no pass.
		why := "no exchange came"
		if sum.Skipped > 0 {
			why = fmt.Sprintf("all %d exchanges were skipped", sum.Skipped)
		}
		fmt.Fprintf(stderr, "%s: nothing was judged: %s\n", name, why)
		return 2
	}
	return 0
}

// judgeFile judges each exchange of one HAR file as it is read, showing its case.
func judgeFile(path string, obs *runner.Observer, con interface{ Case(reports.Case) }, judged *int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return har.Read(f, obs.MaxBody(), func(e har.Entry) error {
		con.Case(obs.Judge(e.Request, e.Response, e.Err, e.Time))
		*judged++
		return nil
	})
}
