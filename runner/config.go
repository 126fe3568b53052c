// Package runner resolves a run's configuration and targets, builds and signs each fixture
// request as the providers' official clients send it, records the exchanges, runs the Ginkgo
// suite over them and writes the report.
package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"time"

	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/runner/credentials"
)

// Config is a run's whole configuration: flags and environment, resolved once.
type Config struct {
	// Target is the base URL for every service; Targets overrides it per service
	// (keys are service names such as "huaweicloud-workspace"). Both empty: the built-in
	// reference target is started on loopback and used.
	Target  string
	Targets map[string]string
	// Regions derives the public endpoint of every regional service of a provider (keys are
	// providers, "" for all); an explicit target wins.
	Regions map[string]string
	// AllowMutations lets cases that change state run against a target that is not on
	// loopback; the runner then restores what it can at the end.
	AllowMutations bool
	// Dial, when set, replaces the network dialer (tests map host names to loopback with it).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Seed drives the generated positive cases: the same seed sends the same requests.
	Seed int64
	// Shard, when set, runs only the cases of one shard of the plan (--shard i/n).
	Shard *reports.Shard
	// Baseline, when set, is a report.json to compare with: the run then fails only on
	// regressions against it (--baseline).
	Baseline string
	// ReportDir receives report.json.
	ReportDir string
	// Timeout bounds one exchange, from the first byte sent to the last byte read.
	Timeout time.Duration
	// LabelFilter selects cases, in Ginkgo's label-filter syntax.
	LabelFilter string
	// Parallel is how many requests are in flight at once.
	Parallel int
	// FixturesDir, when set, replaces the embedded fixtures.
	FixturesDir string
	// MaxBody is the largest answer body read; a larger one fails the case.
	MaxBody int64
	// Credentials are the credentials and resource ids, from the environment.
	Credentials credentials.Set
	// AlibabaRegion is sent as RegionId, as the official SDK does; empty means the Alibaba
	// region of Regions, else cn-hangzhou.
	AlibabaRegion string
	// AlibabaSignature is "v1" (HMAC-SHA1, the classic SDK) or "v3" (ACS3-HMAC-SHA256).
	AlibabaSignature string
	// Out receives the live line per case and the closing summary.
	Out io.Writer
}

// DefaultConfig is the configuration of a run with no flags.
func DefaultConfig() Config {
	return Config{
		ReportDir:        "conformance-report",
		Timeout:          10 * time.Second,
		Parallel:         4,
		Seed:             1,
		MaxBody:          8 << 20,
		AlibabaSignature: "v1",
		Out:              io.Discard,
	}
}

// Validate rejects a configuration that cannot run, naming the setting.
func (c Config) Validate() error {
	var errs []error
	for svc, u := range c.targets() {
		if err := checkURL(u); err != nil {
			name := "--target"
			if svc != "" {
				name = "--target-" + svc
			}
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	if c.Timeout <= 0 {
		errs = append(errs, errors.New("--timeout must be positive"))
	}
	if c.Parallel < 1 {
		errs = append(errs, errors.New("--parallel must be at least 1"))
	}
	if c.MaxBody < 1 {
		errs = append(errs, errors.New("--max-body must be at least 1 byte"))
	}
	if c.AlibabaSignature != "v1" && c.AlibabaSignature != "v3" {
		errs = append(errs, fmt.Errorf("--alibabacloud-signature must be v1 or v3, not %q", c.AlibabaSignature))
	}
	if c.ReportDir == "" {
		errs = append(errs, errors.New("--report-dir must not be empty"))
	}
	return errors.Join(errs...)
}

// Embedded reports whether the run uses the built-in reference target: no target and no
// region given.
func (c Config) Embedded() bool {
	return c.Target == "" && len(c.Targets) == 0 && len(c.Regions) == 0
}

// region is the region of a provider's services, "" when none was given.
func (c Config) region(provider string) string {
	if r := c.Regions[provider]; r != "" {
		return r
	}
	return c.Regions[""]
}

// targets lists every configured base URL, "" keying --target.
func (c Config) targets() map[string]string {
	out := map[string]string{}
	if c.Target != "" {
		out[""] = c.Target
	}
	for k, v := range c.Targets {
		out[k] = v
	}
	return out
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q is not an http or https URL", raw)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", raw)
	}
	return nil
}

// alibabaRegionID is the RegionId the Alibaba SDK would send.
func (c Config) alibabaRegionID() string {
	for _, r := range []string{c.AlibabaRegion, c.region("alibabacloud")} {
		if r != "" {
			return r
		}
	}
	return "cn-hangzhou"
}
