package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/runner/credentials"
	"github.com/conformance-suite/conformance/specs"
)

// runCmd is `conformance run`: replay the fixtures against a target and judge the answers.
func runCmd(args []string, stdout, stderr io.Writer) int {
	cfg := runner.DefaultConfig()
	cfg.Out = stdout
	cfg.Targets = map[string]string{}
	fs := flag.NewFlagSet("conformance run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Target, "target", "", "base `URL` of every service (default: start the built-in reference target on loopback)")
	set, err := specs.Load()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	for _, sp := range set.Specs {
		svc := sp.Service
		fs.Func("target-"+svc, "base `URL` of "+svc+", overriding --target", func(v string) error {
			cfg.Targets[svc] = v
			return nil
		})
	}
	fs.StringVar(&cfg.ReportDir, "report-dir", cfg.ReportDir, "`directory` that receives report.json")
	fs.DurationVar(&cfg.Timeout, "timeout", cfg.Timeout, "bound on one exchange, request sent to answer read (an async job's polls included)")
	fs.StringVar(&cfg.LabelFilter, "label-filter", "", "select cases by label, in Ginkgo syntax, e.g. 'huaweicloud && !auth'")
	fs.IntVar(&cfg.Parallel, "parallel", cfg.Parallel, "requests in flight at once")
	fs.StringVar(&cfg.FixturesDir, "fixtures", "", "`directory` of fixture files replacing the built-in ones")
	fs.Int64Var(&cfg.MaxBody, "max-body", cfg.MaxBody, "largest answer body read, in `bytes`; a larger one fails the case")
	fs.StringVar(&cfg.AlibabaSignature, "alibabacloud-signature", cfg.AlibabaSignature, "Alibaba Cloud signature version: v1 (HMAC-SHA1) or v3 (ACS3-HMAC-SHA256)")
	fs.StringVar(&cfg.AlibabaRegion, "alibabacloud-region", cfg.AlibabaRegion, "RegionId sent with Alibaba Cloud requests")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: conformance run [flags]\n\nCredentials and resource ids come from the environment:\n")
		for _, v := range []string{
			credentials.EnvHuaweiToken, credentials.EnvHuaweiAccessKey, credentials.EnvHuaweiSecretKey,
			credentials.EnvHuaweiProjectID, credentials.EnvAlibabaKeyID, credentials.EnvAlibabaKeySecret,
			credentials.EnvAlibabaTid, credentials.EnvZStackSession, credentials.EnvZStackAccount,
			credentials.EnvZStackPassword, credentials.EnvZStackProjectUUID,
		} {
			fmt.Fprintf(stderr, "  %s\n", v)
		}
		fmt.Fprintf(stderr, "\nExit status: 0 all passed or skipped, 1 a case failed, 2 usage or configuration error.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "conformance run: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg.Credentials = credentials.FromEnv(os.LookupEnv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code, err := runner.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "conformance run: %v\n", err)
	}
	return code
}
