// Package runner resolves a run's configuration and targets, builds and signs each fixture
// request as the providers' official clients send it, records the exchanges, runs the Ginkgo
// suite over them and writes the report.
package runner

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/console"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/specs"
)

// Config is a run's whole configuration: flags and environment, resolved once.
type Config struct {
	// Target is the base URL for every service; Targets overrides it per service
	// (keys are service names such as "huaweicloud-workspace"). The command starts the
	// built-in reference target and sets Target to it when neither is given (Embedded).
	Target  string
	Targets map[string]string
	// Builtin says the target is the built-in reference target the command started for the
	// run (a replay starts one of its own, so its URL is in no replay command).
	Builtin bool
	// Description says what the run is against in the reports ("built-in reference target at
	// …"); empty means the target URL.
	Description string
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
	// Parallel bounds the requests in flight at once, across all services; each service has
	// at most serviceInFlight of them (schedule.go).
	Parallel int
	// RateLimit, when set, bounds the requests per second or minute sent to each service
	// (--rate-limit N/s|N/m, throttle.go).
	RateLimit RateLimit
	// SpecsDir, when set, holds spec files over the embedded ones (--specs, see LoadSpecs).
	SpecsDir string
	// FixturesDir, when set, replaces the embedded fixtures.
	FixturesDir string
	// MaxBody is the largest answer body read; a larger one fails the case. A body the case
	// asked to be compressed is bounded by it after decompression too.
	MaxBody int64
	// MaxTransportFailures is how many transport failures in a row (timeouts, refused
	// connections; no HTTP status) make the runner stop sending to a service: its remaining
	// cases then fail at once (--max-transport-failures).
	MaxTransportFailures int
	// AllowJobHosts are hosts ("host" for any port, or "host:port") besides the job's own
	// origin where an async job's location may be polled with the run's credentials
	// (--allow-job-host).
	AllowJobHosts []string
	// Credentials are the credentials and resource ids, from the environment.
	Credentials providers.Credentials
	// AlibabaSignature is "v1" (HMAC-SHA1, the classic SDK) or "v3" (ACS3-HMAC-SHA256).
	AlibabaSignature string
	// Profile is the conformance profile the exit status is computed on: in core, findings of
	// strict cases and strict checks are warnings; in strict they are failures (--profile).
	Profile fixtures.Profile
	// Checks, when set, is the only checks evaluated (--checks); ExcludeChecks are not
	// evaluated (--exclude-checks). Both are validated against conformance.Checks.
	Checks        []conformance.CheckName
	ExcludeChecks []conformance.CheckName
	// Operations holds per-operation overrides from the --config file, keyed by operationId.
	Operations map[string]OperationConfig
	// MinCoverage is the coverage gate (--min-coverage): by dimension (or "overall"), the
	// percentage every operation must reach, else the run exits 1 naming what it misses.
	MinCoverage map[string]float64
	// RecordDir, when set, receives each exchange as a fixture case, one file per operation
	// (--record): conformance run --fixtures replays the recording.
	RecordDir string
	// Cases, when set, are the only cases run, by id (conformance replay), with the whole
	// sequence of any step named.
	Cases []string
	// Console shows each case as it finishes and the closing summary; nil shows nothing.
	Console Console
	// Command names the command on the console's first line ("conformance replay");
	// "" is "conformance run".
	Command string
	// LimitMemory has the run set the process's soft memory limit while it sends and writes
	// its reports (see memoryLimit); the command sets it unless GOMEMLIMIT is set.
	LimitMemory bool
	// Output is how the command's console shows the run (--output); the command builds
	// Console from it.
	Output console.Mode
	// ConfigFile is the --config file the other settings were read from, "" for none.
	ConfigFile string
}

// DefaultConfig is the configuration of a run with no flags.
func DefaultConfig() Config {
	return Config{
		ReportDir:        "conformance-report",
		Timeout:          10 * time.Second,
		Parallel:         64, // four services at serviceInFlight each: a remote run is latency-bound (schedule.go)
		Seed:             1,
		MaxBody:          8 << 20,
		AlibabaSignature: "v1",
		Profile:          fixtures.Core,

		// MaxTransportFailures: three timeouts in a row tell a dead target from a slow answer,
		// and cost 3 × --timeout per service.
		MaxTransportFailures: 3,
	}
}

// Validate rejects a configuration that cannot run, naming the setting: each value is
// checked as its flag checks it (Settings), so a Config built in code is held to the same
// ranges as one read from flags, environment and file.
func (c Config) Validate() error {
	return c.checkSettings()
}

// Embedded reports whether the run is for the built-in reference target: no target and no
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

// checkURL accepts an absolute http or https URL with a host and, if given, a port in
// 1..65535. Its messages never show a password the URL holds.
func checkURL(raw string) error {
	shown := strconv.Quote(displayURL(raw))
	u, err := url.Parse(raw)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return fmt.Errorf("%s is not a URL: %s", shown, displayURL(err.Error()))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%s is not an http or https URL", shown)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%s has no host", shown)
	}
	if err := checkPort(u.Host); err != nil {
		return fmt.Errorf("%s: %w", shown, err)
	}
	return nil
}

// checkHost accepts a host name or address, with an optional port in 1..65535.
func checkHost(h string) error {
	if h == "" || strings.ContainsAny(h, "/?#@ ") {
		return fmt.Errorf("%q is not HOST or HOST:PORT", h)
	}
	if err := checkPort(h); err != nil {
		return fmt.Errorf("%q: %w", h, err)
	}
	return nil
}

// checkPort checks the port of a host[:port], if it has one.
func checkPort(hostport string) error {
	i := strings.LastIndex(hostport, ":")
	if i < 0 || strings.HasSuffix(hostport, "]") {
		return nil // no port; "[::1]" is a bracketed address without one
	}
	if strings.Count(hostport, ":") > 1 && !strings.HasPrefix(hostport, "[") {
		return nil // a bare IPv6 address
	}
	port, err := strconv.Atoi(hostport[i+1:])
	if err != nil || port < 1 || port > 65535 {
		return fmt.Errorf("port %q is not in 1..65535", hostport[i+1:])
	}
	return nil
}

// alibabaRegionID is the RegionId the Alibaba SDK would send.
func (c Config) alibabaRegionID() string {
	if r := c.region("alibabacloud"); r != "" {
		return r
	}
	return "cn-hangzhou"
}

// OperationConfig is what the --config file may change for one operation, as Schemathesis lets
// a user tune a check per operation: checks turned off, the statuses that count as a refusal of
// invalid input, and the profile of named cases.
type OperationConfig struct {
	// ExcludeChecks are not evaluated on the operation's cases.
	ExcludeChecks []conformance.CheckName `yaml:"exclude_checks"`
	// RefusalStatuses, when set, are the statuses negative_data_rejection accepts for the
	// operation's invalid input (Schemathesis' expected-statuses).
	RefusalStatuses []int `yaml:"refusal_statuses"`
	// Profiles sets the profile of cases, by case id or name.
	Profiles map[string]fixtures.Profile `yaml:"profiles"`
}

// options builds the evaluation options of one case: the run's check selection, then its
// operation's overrides.
func (c Config) options(cs *fixtures.Case) *conformance.Options {
	o := &conformance.Options{Disabled: map[conformance.CheckName]bool{}}
	if len(c.Checks) > 0 {
		for _, name := range conformance.CheckNames() {
			o.Disabled[name] = !slices.Contains(c.Checks, name)
		}
	}
	for _, name := range c.ExcludeChecks {
		o.Disabled[name] = true
	}
	oc, ok := c.Operations[cs.Operation]
	if !ok {
		return o
	}
	for _, name := range oc.ExcludeChecks {
		o.Disabled[name] = true
	}
	o.RefusalStatuses = oc.RefusalStatuses
	if p, ok := oc.Profiles[cs.ID]; ok {
		o.Profile = p
	} else if p, ok := oc.Profiles[cs.Name]; ok {
		o.Profile = p
	}
	return o
}

// prepareDirs makes the directories the reports and the recording go to (0700, never through
// a symlink planted there) before anything is sent: one that cannot be written is a UsageError.
func (c Config) prepareDirs() error {
	for _, d := range []struct{ flag, dir string }{{"--report-dir", c.ReportDir}, {"--record", c.RecordDir}} {
		if d.dir == "" {
			continue
		}
		if err := reports.PrepareDir(d.dir); err != nil {
			return UsageError{fmt.Errorf("%s: %w", d.flag, err)}
		}
	}
	return nil
}

// loadSpecs validates the configuration and loads its specs, checking the per-operation
// overrides against them: what a plan and an observer need first. Every error is a UsageError.
func (c Config) loadSpecs() (*specs.Set, error) {
	if err := c.Validate(); err != nil {
		return nil, UsageError{err}
	}
	set, err := LoadSpecs(c.SpecsDir)
	if err != nil {
		return nil, UsageError{err}
	}
	if err := c.validateSelection(func(id string) bool { _, ok := set.Operation(id); return ok }); err != nil {
		return nil, UsageError{err}
	}
	return set, nil
}

// validateSelection checks the per-operation overrides against the checks and the operations
// that exist (the profile and the check names are settings: Validate).
func (c Config) validateSelection(known func(operationID string) bool) error {
	var errs []error
	for _, op := range slices.Sorted(maps.Keys(c.Operations)) {
		oc := c.Operations[op]
		if !known(op) {
			errs = append(errs, fmt.Errorf("operations: unknown operation %q (no such operationId in the specs)", op))
		}
		for _, n := range oc.ExcludeChecks {
			if _, err := conformance.ParseCheckNames(string(n)); err != nil {
				errs = append(errs, fmt.Errorf("operations.%s.exclude_checks: %w", op, err))
			}
		}
		for _, s := range oc.RefusalStatuses {
			if s < 100 || s > 599 {
				errs = append(errs, fmt.Errorf("operations.%s.refusal_statuses: %d is not an HTTP status", op, s))
			}
		}
		for name, p := range oc.Profiles {
			if _, err := fixtures.ParseProfile(string(p)); err != nil {
				errs = append(errs, fmt.Errorf("operations.%s.profiles[%q]: %w", op, name, err))
			}
		}
	}
	return errors.Join(errs...)
}
