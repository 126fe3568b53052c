package runner

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/console"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/reports"
)

// Setting is one setting of a run, declared once: its flag, its environment variable, its key
// in the --config file, its default (DefaultConfig's value, or Default when that value needs
// words) and its help. The flags, the environment and the file are all read through the same
// Value, so a value means the same and is refused the same wherever it comes from (Resolve),
// and the README's flag table is generated from this table (SettingsMarkdown).
type Setting struct {
	// Flag is the flag's name without dashes. A name holding <service> is one flag per
	// service of the specs (target-<service>); its file key is then a mapping by service and
	// its variable holds the service's name in capitals.
	Flag string
	// Key is the key in the --config file; "" when the file does not hold the setting.
	Key string
	// Env is the environment variable; "" when the environment does not hold the setting.
	Env string
	// Help is the one line of `conformance run -h`; a word in backquotes names the value.
	Help string
	// Doc is the README's longer word on the setting, in Markdown; Help when empty.
	Doc string
	// Default says what the zero value means when it is not a value ("built-in reference
	// target", "all"); empty shows the default value itself, or "none".
	Default string
	// List marks a repeatable setting: the flag may be given again, the file gives a YAML
	// list, the variable a comma-separated one; each source replaces the one below it.
	List bool
	// Reproduces marks a setting a case's outcome depends on (where it was sent, how it was
	// built and signed, what bounds it): the replay command of each case carries its value when
	// it is not the default.
	Reproduces bool
	// Value binds the setting to a run's configuration (for the service of a <service>
	// setting, "" otherwise).
	Value func(c *Config, service string) *Value
}

// Value is a setting bound to a Config: Set parses one value from any source, String shows
// the current one, Check validates a value set directly in a Config (Validate).
type Value struct {
	set   func(string) error
	show  func() string
	check func() error
	bool  bool
}

// Set parses v into the configuration.
func (v *Value) Set(s string) error { return v.set(s) }

// String is the current value, as the flag would be written; "" for the zero Value the flag
// package makes to find defaults.
func (v *Value) String() string {
	if v == nil || v.show == nil {
		return ""
	}
	return v.show()
}

// IsBoolFlag lets a bool setting's flag stand alone (--allow-mutations).
func (v *Value) IsBoolFlag() bool { return v.bool }

// Check validates the value as it stands in the Config.
func (v *Value) Check() error {
	if v.check == nil {
		return nil
	}
	return v.check()
}

// Settings is every setting of conformance run, in the order of its help.
var Settings = []Setting{
	{Flag: "config", Env: "CONFORMANCE_CONFIG",
		Help:  "YAML `file` with any of these settings and the CONFORMANCE_* variables; the environment and the flags win",
		Doc:   "a YAML file with any of these settings, by the keys of this table, and an `environment:` map of the `CONFORMANCE_*` variables; the environment and the flags win",
		Value: func(c *Config, _ string) *Value { return text(&c.ConfigFile, nil) }},
	{Flag: "target", Reproduces: true, Key: "target", Env: "CONFORMANCE_TARGET", Default: "built-in reference target",
		Help:  "base `URL` of every service (default: start the built-in reference target on loopback)",
		Doc:   "base URL of every service",
		Value: func(c *Config, _ string) *Value { return text(&c.Target, optionalURL) }},
	{Flag: "target-<service>", Reproduces: true, Key: "targets", Env: "CONFORMANCE_TARGET_<SERVICE>", Default: "`--target`",
		Help:  "base `URL` of <service>, overriding --target",
		Doc:   "base URL of one service (names in the table above)",
		Value: func(c *Config, svc string) *Value { return entry(&c.Targets, svc, checkURL) }},
	{Flag: "region", Reproduces: true, Key: "region", Env: "CONFORMANCE_REGION",
		Help:  "`region` whose public endpoints every regional service is run against (explicit targets win)",
		Doc:   "derive each regional service's public endpoint from its spec's `servers` (e.g. `workspace.R.myhuaweicloud.com`); explicit targets win",
		Value: func(c *Config, _ string) *Value { return entry(&c.Regions, "", nil) }},
	{Flag: "huaweicloud-region", Reproduces: true, Key: "huaweicloud_region", Env: "CONFORMANCE_HUAWEICLOUD_REGION",
		Help:  "`region` of the Huawei Cloud endpoints, e.g. cn-north-4 (over --region)",
		Value: func(c *Config, _ string) *Value { return entry(&c.Regions, "huaweicloud", nil) }},
	{Flag: "alibabacloud-region", Reproduces: true, Key: "alibabacloud_region", Env: "CONFORMANCE_ALIBABACLOUD_REGION", Default: "`cn-hangzhou`",
		Help:  "`region` of the Alibaba Cloud endpoint, also sent as RegionId (over --region; default cn-hangzhou)",
		Doc:   "region of the Alibaba endpoint, sent as `RegionId` as the SDK sends it (over `--region`)",
		Value: func(c *Config, _ string) *Value { return entry(&c.Regions, "alibabacloud", nil) }},
	{Flag: "alibabacloud-signature", Reproduces: true, Key: "alibabacloud_signature", Env: "CONFORMANCE_ALIBABACLOUD_SIGNATURE",
		Help:  "Alibaba Cloud signature `version`: v1 (HMAC-SHA1) or v3 (ACS3-HMAC-SHA256)",
		Doc:   "HMAC-SHA1 (classic SDK) or ACS3-HMAC-SHA256 (darabonba)",
		Value: func(c *Config, _ string) *Value { return text(&c.AlibabaSignature, oneOf("v1", "v3")) }},
	{Flag: "allow-mutations", Reproduces: true, Key: "allow_mutations", Env: "CONFORMANCE_ALLOW_MUTATIONS", Default: "off",
		Help:  "run the cases that change state against a target that is not on loopback, restoring what can be restored",
		Doc:   "run the cases that change state against a target that is not on loopback; the runner records that state first (through the read operations the official SDKs use) and restores it at the end",
		Value: func(c *Config, _ string) *Value { return boolean(&c.AllowMutations) }},
	{Flag: "report-dir", Key: "report_dir", Env: "CONFORMANCE_REPORT_DIR",
		Help:  "`directory` that receives report.json, junit.xml, summary.md and report.html",
		Doc:   "where `report.json`, `junit.xml`, `summary.md` and `report.html` (and Ginkgo's own log) go",
		Value: func(c *Config, _ string) *Value { return text(&c.ReportDir, notEmpty) }},
	{Flag: "baseline", Key: "baseline", Env: "CONFORMANCE_BASELINE",
		Help:  "a previous `report.json`: exit 1 only on regressions against it (a case that passed and now fails or is gone)",
		Doc:   "a previous `report.json` or report directory: exit 1 only on regressions against it; every report then states the baseline verdict",
		Value: func(c *Config, _ string) *Value { return text(&c.Baseline, nil) }},
	{Flag: "shard", Key: "shard", Env: EnvShard,
		Help:  "run one `i/n` shard of the cases (merge the shards' reports with conformance merge)",
		Doc:   "run one shard of the cases (also `JOB_COMPLETION_INDEX` + `CONFORMANCE_SHARD_COUNT`); `conformance merge` joins the shards' reports (see [sharding from the environment](#the-github-action-the-gitlab-template-the-image-kubernetes))",
		Value: func(c *Config, _ string) *Value { return shard(&c.Shard) }},
	{Flag: "timeout", Reproduces: true, Key: "timeout", Env: "CONFORMANCE_TIMEOUT",
		Help:  "`duration` that bounds one exchange, request sent to answer read (an async job's polls included)",
		Doc:   "bound on one exchange, request to last byte (async polls included)",
		Value: func(c *Config, _ string) *Value { return duration(&c.Timeout, time.Millisecond, 24*time.Hour) }},
	{Flag: "label-filter", Key: "label_filter", Env: "CONFORMANCE_LABEL_FILTER", Default: "all",
		Help:  "select cases by label `expression`, in Ginkgo syntax, e.g. 'huaweicloud && !auth'",
		Doc:   "Ginkgo label syntax over provider, service, operation, kind (`positive`, `negative`, `auth`) and fixture labels",
		Value: func(c *Config, _ string) *Value { return text(&c.LabelFilter, nil) }},
	{Flag: "parallel", Key: "parallel", Env: "CONFORMANCE_PARALLEL",
		Help:  "at most `N` requests in flight at once, across all services (each service takes at most 16)",
		Doc:   "requests in flight at once across all services, at most 256; each service takes at most 16 (a remote run is bound by round trips: 300 ms an answer, the default run takes about 2 s). A sequence's steps go one at a time, in order, after every other case of its service",
		Value: func(c *Config, _ string) *Value { return number(&c.Parallel, 1, maxParallel) }},
	{Flag: "rate-limit", Key: "rate_limit", Env: "CONFORMANCE_RATE_LIMIT",
		Help:  "at most `N/s or N/m` requests to each service (a token bucket); throttled answers are retried either way",
		Doc:   "at most N requests a second (or minute) to each service, evenly spaced (a token bucket). Either way a throttled answer (429, or the provider's throttling code: Huawei `APIGW.0308`, Alibaba `Throttling`, `Throttling.User`, `Throttling.Api`) is sent again after its `Retry-After` or a backoff, up to 6 times within `--timeout`; a case still throttled is `throttled` (no verdict, counted in every report, an `<error>` in junit.xml) and the run exits 1 saying so",
		Value: func(c *Config, _ string) *Value { return rateLimit(&c.RateLimit) }},
	{Flag: "max-transport-failures", Key: "max_transport_failures", Env: "CONFORMANCE_MAX_TRANSPORT_FAILURES",
		Help:  "stop sending to a service after `K` transport failures in a row (timeouts, refused connections, unreachable hosts; resets and HTTP error statuses do not count): its remaining cases fail at once, so a dead target costs about K × --timeout",
		Doc:   "after K transport failures in a row to one service (timeouts, refused connections, unreachable hosts; a reset or an early close costs no timeout and does not count, nor does any HTTP status), its remaining cases fail at once without being sent, so a dead target costs about K × `--timeout`",
		Value: func(c *Config, _ string) *Value { return number(&c.MaxTransportFailures, 1, 1<<20) }},
	{Flag: "allow-job-host", Reproduces: true, Key: "allow_job_hosts", Env: "CONFORMANCE_ALLOW_JOB_HOSTS", List: true,
		Help:  "`HOST[:PORT]` where an async job's location may be polled with the run's credentials besides the job's own scheme, host and port (repeatable or comma-separated; HOST alone allows any port)",
		Doc:   "a host (and port) where an async ZStack job's `location` may be polled with the run's credentials; otherwise only the job's own scheme, host and port are followed, and any other location fails the case with nothing sent there",
		Value: func(c *Config, _ string) *Value { return list(&c.AllowJobHosts, hosts) }},
	{Flag: "fixtures", Reproduces: true, Key: "fixtures", Env: "CONFORMANCE_FIXTURES", Default: "built-in",
		Help:  "`directory` of fixture files replacing the built-in ones",
		Doc:   "a directory of fixture files replacing the built-in ones",
		Value: func(c *Config, _ string) *Value { return text(&c.FixturesDir, nil) }},
	{Flag: "specs", Reproduces: true, Key: "specs", Env: "CONFORMANCE_SPECS", Default: "built-in",
		Help:  "`directory` of spec files over the built-in ones: a file of the same name replaces one, others add operations of the supported providers",
		Doc:   "a directory of spec files over the built-in ones: one named like a built-in file replaces it, others add operations (of the supported providers)",
		Value: func(c *Config, _ string) *Value { return text(&c.SpecsDir, nil) }},
	{Flag: "record", Key: "record", Env: "CONFORMANCE_RECORD",
		Help:  "`directory` that receives each exchange as a fixture case, one file per operation, for --fixtures to replay",
		Doc:   "write each exchange as a fixture case into this directory, one file per operation (credentials as `credentials: valid`, secrets and signatures stripped, the run's ids as placeholders, the observed status as the expectation): `--fixtures DIR` replays the recording against any target, and the same traffic gives the same files",
		Value: func(c *Config, _ string) *Value { return text(&c.RecordDir, nil) }},
	{Flag: "max-body", Reproduces: true, Key: "max_body", Env: "CONFORMANCE_MAX_BODY",
		Help:  "largest answer body read, in `bytes`; a larger one fails the case",
		Doc:   "a larger answer fails the case (at most 1 GiB); a gzip or deflate answer is decoded only when the case itself sent `Accept-Encoding`, and then counts decoded bytes",
		Value: func(c *Config, _ string) *Value { return number(&c.MaxBody, 1, maxBodyLimit) }},
	{Flag: "profile", Reproduces: true, Key: "profile", Env: "CONFORMANCE_PROFILE",
		Help:  "conformance `profile` the exit status is computed on: core (what the pages promise; strict findings are warnings) or strict (core and the probes the pages leave open)",
		Doc:   "the profile the exit status is computed on (see [Profiles](#profiles-core-and-strict))",
		Value: func(c *Config, _ string) *Value { return profile(&c.Profile) }},
	{Flag: "checks", Key: "checks", Env: "CONFORMANCE_CHECKS", List: true, Default: "all",
		Help:  "evaluate only these comma-separated `checks`",
		Doc:   "evaluate only these checks (names in [The checks](#the-checks); an unknown name exits 2 listing the valid ones)",
		Value: func(c *Config, _ string) *Value { return checkNames(&c.Checks) }},
	{Flag: "exclude-checks", Key: "exclude_checks", Env: "CONFORMANCE_EXCLUDE_CHECKS", List: true,
		Help:  "do not evaluate these comma-separated `checks`",
		Doc:   "do not evaluate these checks; their state is `disabled` and the checks that need them still run",
		Value: func(c *Config, _ string) *Value { return checkNames(&c.ExcludeChecks) }},
	{Flag: "seed", Reproduces: true, Key: "seed", Env: "CONFORMANCE_SEED",
		Help:  "seed `N` of the generated cases: the same seed sends the same requests",
		Doc:   "seed of the generated positive cases (label `generated`); printed in the report; the same seed sends the same requests",
		Value: func(c *Config, _ string) *Value { return number(&c.Seed, -1<<63, 1<<63-1) }},
	{Flag: "min-coverage", Key: "min_coverage", Env: "CONFORMANCE_MIN_COVERAGE",
		Help:  "exit 1 when an operation's contract coverage is below `DIM=PCT[,...]`, e.g. statuses=100,fields=90 (dimensions: " + strings.Join(reports.CoverageDimensions(), ", ") + ", overall)",
		Doc:   "exit 1 when an operation's [contract coverage](#contract-coverage) of a dimension (or `overall`) is below `PCT`, e.g. `statuses=100,fields=90`, naming what it misses",
		Value: func(c *Config, _ string) *Value { return minCoverage(&c.MinCoverage) }},
	{Flag: "output", Key: "output", Env: "CONFORMANCE_OUTPUT", Default: "`lines`",
		Help:  "what the console prints per case (`mode`): lines, dots, quiet (the failures and the verdict) or json (one JSON object per finished case on stdout, the rest on stderr); default: lines, under a live progress line on a terminal",
		Doc:   "what the console prints per case: `lines`, `dots`, `quiet` or `json` (see [The console](#the-console))",
		Value: func(c *Config, _ string) *Value { return output(&c.Output) }},
}

// SettingsMarkdown is the README's table of the settings, generated from Settings so that a
// setting is documented where it is declared and nowhere else.
func SettingsMarkdown() string {
	var b strings.Builder
	b.WriteString("| flag | variable | `--config` key | default | meaning |\n|---|---|---|---|---|\n")
	defaults := DefaultConfig()
	code := func(s string) string {
		if s == "" {
			return ""
		}
		return "`" + s + "`"
	}
	for _, s := range Settings {
		v := s.Value(&defaults, "")
		arg, _ := flag.UnquoteUsage(&flag.Flag{Name: s.Flag, Usage: s.Help, Value: v})
		name := "--" + s.Flag
		if !v.IsBoolFlag() && arg != "" {
			name += " " + arg
		}
		key := code(s.Key)
		if s.perService() && key != "" {
			key += " (by service)"
		}
		def := s.Default
		if def == "" {
			def = code(v.String())
		}
		if def == "" {
			def = "none"
		}
		doc := s.Doc
		if doc == "" {
			doc = strings.ReplaceAll(s.Help, "`", "")
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", code(name), code(s.Env), key, def, strings.ReplaceAll(doc, "|", "\\|"))
	}
	return b.String()
}

// replayCommand is the command that sends one case of a run again: conformance replay, the
// case's id and the run's settings the case depends on (Reproduces) where they differ from the
// defaults, secrets redacted. Against the built-in target it names none of the targets: a
// replay starts a built-in target of its own.
func (c Config) replayCommand(id string, red *redactor) string {
	def := DefaultConfig()
	cmd := "conformance replay " + shellQuote(id)
	for _, s := range Settings {
		if !s.Reproduces || c.Builtin && (s.Flag == "target" || s.perService()) {
			continue
		}
		svcs := []string{""}
		if s.perService() {
			svcs = slices.Sorted(maps.Keys(c.Targets))
		}
		for _, svc := range svcs {
			v := s.Value(&c, svc)
			shown := v.String()
			switch {
			case shown == s.Value(&def, svc).String():
			case v.IsBoolFlag():
				cmd += " --" + s.flagName(svc)
			default:
				cmd += " --" + s.flagName(svc) + " " + shellQuote(red.URL(shown))
			}
		}
	}
	return cmd
}

// flagName is the flag of a setting for a service ("target-<service>" → "target-zstack-iam2").
func (s Setting) flagName(service string) string {
	return strings.Replace(s.Flag, "<service>", service, 1)
}

// envName is the variable of a setting for a service (CONFORMANCE_TARGET_ZSTACK_IAM2).
func (s Setting) envName(service string) string {
	return strings.Replace(s.Env, "<SERVICE>", strings.ToUpper(strings.ReplaceAll(service, "-", "_")), 1)
}

// perService reports whether the setting is one flag per service.
func (s Setting) perService() bool { return strings.Contains(s.Flag, "<service>") }

// instances are the services a setting is given for: every service for a <service> setting,
// "" alone for the others.
func (s Setting) instances(services []string) []string {
	if s.perService() {
		return services
	}
	return []string{""}
}

// Flags binds the settings to cfg as flags of fs, one per service for <service> settings:
// every setting, or only those named (by flag) when only is given, for a command that shares
// some of run's settings and reads them the same way.
func Flags(fs *flag.FlagSet, cfg *Config, services []string, only ...string) {
	for _, s := range Settings {
		if len(only) > 0 && !slices.Contains(only, s.Flag) {
			continue
		}
		for _, svc := range s.instances(services) {
			help := s.Help
			if svc != "" {
				help = strings.ReplaceAll(help, "<service>", svc)
			}
			fs.Var(s.Value(cfg, svc), s.flagName(svc), help)
		}
	}
}

// Resolve is a run's configuration from its sources, each setting read the same way from
// each: the defaults, then the --config file, then the environment, then the flags (a higher
// source wins; a list of a higher source replaces the lower one's). The flags are parsed onto
// a fresh set each time, so args must already have been parsed once by the command (which
// reports a bad flag its own way). It also returns the lookup of the providers' variables: the
// real environment over the file's environment: map.
func Resolve(args []string, env func(string) (string, bool), services []string) (Config, func(string) (string, bool), error) {
	flagged := map[string]bool{} // the flags given: their variables are not read
	parse := func(cfg *Config) error {
		fs := flag.NewFlagSet("conformance run", flag.ContinueOnError)
		fs.SetOutput(discard{})
		Flags(fs, cfg, services)
		err := fs.Parse(args)
		fs.Visit(func(f *flag.Flag) { flagged[f.Name] = true })
		return err
	}
	given := Config{}
	if err := parse(&given); err != nil {
		return Config{}, nil, err
	}
	cfg := DefaultConfig()
	path := given.ConfigFile
	if path == "" {
		path, _ = env("CONFORMANCE_CONFIG")
	}
	lookup := env
	if path != "" {
		f, err := ReadFile(path)
		if err != nil {
			return Config{}, nil, fmt.Errorf("--config: %w", err)
		}
		if err := f.Apply(&cfg, services); err != nil {
			return Config{}, nil, fmt.Errorf("--config: %w", err)
		}
		lookup = f.Lookup(env)
	}
	if err := applyEnv(&cfg, env, services, flagged); err != nil {
		return Config{}, nil, err
	}
	if err := parse(&cfg); err != nil {
		return Config{}, nil, err
	}
	return cfg, lookup, nil
}

// ApplyEnv reads into cfg the variables of the settings named only (by flag; every setting
// when none is named), as Resolve reads them for a run, for a command that shares some of
// run's settings (Flags(fs, cfg, services, only...)) and layers its flags above them: flagged
// are the flags given, whose variables are not read.
func ApplyEnv(cfg *Config, env func(string) (string, bool), services []string, flagged map[string]bool, only ...string) error {
	return applyEnv(cfg, env, services, flagged, only...)
}

// applyEnv reads the settings' variables, but for the flags given (a flag wins, so a bad
// variable under it is no error); an empty variable is unset, as a CI template passes an empty
// input. The shard may also come from a Kubernetes Indexed Job (ShardFromEnv).
func applyEnv(cfg *Config, env func(string) (string, bool), services []string, flagged map[string]bool, only ...string) error {
	var errs []error
	for _, s := range Settings {
		if s.Env == "" || len(only) > 0 && !slices.Contains(only, s.Flag) {
			continue
		}
		for _, svc := range s.instances(services) {
			if flagged[s.flagName(svc)] {
				continue
			}
			name := s.envName(svc)
			v, _ := env(name)
			if s.Env == EnvShard {
				sh, err := ShardFromEnv(env)
				if err != nil || sh == nil {
					errs = append(errs, err)
					continue
				}
				v = sh.String()
			}
			if v == "" {
				continue
			}
			if err := setAll(s, s.Value(cfg, svc), v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
		}
	}
	return errors.Join(errs...)
}

// setAll sets a value from one source: a list setting's value is comma-separated.
func setAll(s Setting, v *Value, raw string) error {
	if !s.List {
		return v.Set(raw)
	}
	for part := range strings.SplitSeq(raw, ",") {
		if err := v.Set(part); err != nil {
			return err
		}
	}
	return nil
}

// Validate's part: every value set directly in a Config checked as its flag would be.
func (c *Config) checkSettings() error {
	var errs []error
	for _, s := range Settings {
		svcs := []string{""}
		if s.perService() {
			svcs = slices.Sorted(maps.Keys(c.Targets))
		}
		for _, svc := range svcs {
			if err := s.Value(c, svc).Check(); err != nil {
				errs = append(errs, fmt.Errorf("--%s: %w", s.flagName(svc), err))
			}
		}
	}
	return errors.Join(errs...)
}

// discard is an io.Writer for the flag sets Resolve parses silently.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// The kinds of value a setting holds.

// text is a string setting, checked by check when it is given.
func text(p *string, check func(string) error) *Value {
	v := &Value{show: func() string { return *p }}
	v.set = func(s string) error {
		if check != nil {
			if err := check(s); err != nil {
				return err
			}
		}
		*p = s
		return nil
	}
	if check != nil {
		v.check = func() error { return check(*p) }
	}
	return v
}

// optionalURL is checkURL for a URL that may be left out ("" starts the built-in target).
func optionalURL(s string) error {
	if s == "" {
		return nil
	}
	return checkURL(s)
}

// notEmpty refuses an empty string.
func notEmpty(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	return nil
}

// oneOf accepts the listed words only.
func oneOf(words ...string) func(string) error {
	return func(s string) error {
		if !slices.Contains(words, s) {
			return fmt.Errorf("must be %s, not %q", strings.Join(words, " or "), s)
		}
		return nil
	}
}

// entry is the value of one key of a map setting (a service's target, a provider's region).
func entry(m *map[string]string, key string, check func(string) error) *Value {
	v := &Value{show: func() string { return (*m)[key] }}
	v.set = func(s string) error {
		if check != nil {
			if err := check(s); err != nil {
				return err
			}
		}
		if *m == nil {
			*m = map[string]string{}
		}
		(*m)[key] = s
		return nil
	}
	if check != nil {
		v.check = func() error {
			if s, ok := (*m)[key]; ok {
				return check(s)
			}
			return nil
		}
	}
	return v
}

// boolean is an on/off setting: the flag alone is on.
func boolean(p *bool) *Value {
	return &Value{bool: true, show: func() string {
		if !*p {
			return ""
		}
		return "true"
	}, set: func(s string) error {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		*p = b
		return nil
	}}
}

// number is a whole number within [lo, hi].
func number[T int | int64](p *T, lo, hi T) *Value {
	inRange := func(n T) error {
		if n < lo || n > hi {
			return fmt.Errorf("must be between %d and %d, not %d", lo, hi, n)
		}
		return nil
	}
	return &Value{
		show: func() string { return strconv.FormatInt(int64(*p), 10) },
		set: func(s string) error {
			n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a whole number", s)
			}
			if err := inRange(T(n)); err != nil || int64(T(n)) != n {
				return fmt.Errorf("must be between %d and %d, not %s", lo, hi, s)
			}
			*p = T(n)
			return nil
		},
		check: func() error { return inRange(*p) },
	}
}

// duration is a duration within [lo, hi].
func duration(p *time.Duration, lo, hi time.Duration) *Value {
	inRange := func(d time.Duration) error {
		if d < lo || d > hi {
			return fmt.Errorf("must be between %v and %v, not %v", lo, hi, d)
		}
		return nil
	}
	return &Value{
		show: func() string { return p.String() },
		set: func(s string) error {
			d, err := time.ParseDuration(strings.TrimSpace(s))
			if err != nil {
				return fmt.Errorf("%q is not a duration (10s, 1m30s)", s)
			}
			if err := inRange(d); err != nil {
				return err
			}
			*p = d
			return nil
		},
		check: func() error { return inRange(*p) },
	}
}

// list is a repeatable setting: the first value from a source replaces what lower sources
// gave, the next ones add to it. parse reads one given value into items.
func list[T any](p *[]T, parse func(string) ([]T, error)) *Value {
	fresh := true
	return &Value{
		show: func() string {
			parts := make([]string, len(*p))
			for i, x := range *p {
				parts[i] = fmt.Sprint(x)
			}
			return strings.Join(parts, ",")
		},
		set: func(s string) error {
			items, err := parse(s)
			if err != nil {
				return err
			}
			if fresh {
				*p, fresh = nil, false
			}
			*p = append(*p, items...)
			return nil
		},
		check: func() error {
			for _, x := range *p {
				if _, err := parse(fmt.Sprint(x)); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// hosts reads comma-separated HOST[:PORT]s.
func hosts(v string) ([]string, error) {
	var out []string
	for h := range strings.SplitSeq(v, ",") {
		if h = strings.TrimSpace(h); h != "" {
			if err := checkHost(h); err != nil {
				return nil, err
			}
			out = append(out, h)
		}
	}
	return out, nil
}

// checkNames reads comma-separated check names; unknown ones are refused, naming the valid.
func checkNames(p *[]conformance.CheckName) *Value {
	return list(p, func(s string) ([]conformance.CheckName, error) { return conformance.ParseCheckNames(s) })
}

// parsed is a setting read by a parser of its own, shown by show; check, when set, validates
// a value set in code.
func parsed[T any](p *T, parse func(string) (T, error), show func(T) string, check func(T) error) *Value {
	v := &Value{
		show: func() string { return show(*p) },
		set: func(s string) error {
			x, err := parse(s)
			if err != nil {
				return err
			}
			*p = x
			return nil
		},
	}
	if check != nil {
		v.check = func() error { return check(*p) }
	}
	return v
}

func shard(p **reports.Shard) *Value {
	return parsed(p, func(s string) (*reports.Shard, error) {
		sh, err := reports.ParseShard(s)
		return &sh, err
	}, func(sh *reports.Shard) string {
		if sh == nil {
			return ""
		}
		return sh.String()
	}, nil)
}

func rateLimit(p *RateLimit) *Value {
	return parsed(p, ParseRateLimit, RateLimit.String, RateLimit.validate)
}

func profile(p *fixtures.Profile) *Value {
	return parsed(p, fixtures.ParseProfile, func(pr fixtures.Profile) string { return string(pr) },
		func(pr fixtures.Profile) error { _, err := fixtures.ParseProfile(string(pr)); return err })
}

func output(p *console.Mode) *Value {
	return parsed(p, console.ParseMode, func(m console.Mode) string { return string(m) }, nil)
}

// minCoverage reads DIM=PCT[,...]; each value given adds to the gate.
func minCoverage(p *map[string]float64) *Value {
	return &Value{
		show: func() string {
			parts := []string{}
			for _, k := range slices.Sorted(maps.Keys(*p)) {
				parts = append(parts, k+"="+strconv.FormatFloat((*p)[k], 'f', -1, 64))
			}
			return strings.Join(parts, ",")
		},
		set: func(s string) error {
			m, err := reports.ParseMinCoverage(s)
			if err != nil {
				return err
			}
			if *p == nil {
				*p = map[string]float64{}
			}
			maps.Copy(*p, m)
			return nil
		},
	}
}
