package runner

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/suggest"
)

// File is the YAML configuration file (--config): everything the flags and the environment
// hold, for runs that are easier to describe than to type. Flags override it; so does the
// environment, for credentials.
type File struct {
	Target                string            `yaml:"target"`
	Targets               map[string]string `yaml:"targets"`
	Region                string            `yaml:"region"`
	HuaweiCloudRegion     string            `yaml:"huaweicloud_region"`
	AlibabaCloudRegion    string            `yaml:"alibabacloud_region"`
	AlibabaCloudSignature string            `yaml:"alibabacloud_signature"`
	ReportDir             string            `yaml:"report_dir"`
	Timeout               time.Duration     `yaml:"timeout"`
	LabelFilter           string            `yaml:"label_filter"`
	Parallel              int               `yaml:"parallel"`
	RateLimit             string            `yaml:"rate_limit"`
	Fixtures              string            `yaml:"fixtures"`
	Specs                 string            `yaml:"specs"`
	MaxBody               int64             `yaml:"max_body"`
	MaxTransportFailures  int               `yaml:"max_transport_failures"`
	AllowJobHosts         []string          `yaml:"allow_job_hosts"`
	AllowMutations        bool              `yaml:"allow_mutations"`
	Profile               string            `yaml:"profile"`
	Checks                []string          `yaml:"checks"`
	ExcludeChecks         []string          `yaml:"exclude_checks"`
	// Operations holds per-operation overrides, keyed by operationId.
	Operations map[string]OperationConfig `yaml:"operations"`
	// Environment holds the CONFORMANCE_* variables by name; a variable set in the real
	// environment wins.
	Environment map[string]string `yaml:"environment"`
}

// ReadFile decodes a configuration file strictly: an unknown key, a number out of range (a
// zero or negative timeout, parallel or max_body) or an invalid URL or host is an error naming
// the key and its line, so that no setting is dropped silently.
func ReadFile(path string) (*File, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, decodeError(path, err)
	}
	known := map[string]bool{}
	for _, name := range providers.VariableNames() {
		known[name] = true
	}
	for name := range f.Environment {
		if !known[name] {
			return nil, fmt.Errorf("%s: environment: unknown variable %s", path, name)
		}
	}
	if err := f.check(path, raw); err != nil {
		return nil, err
	}
	return &f, nil
}

// decodeError says what the YAML decoder refused in the words of the file, not of the Go types
// it decodes into: "config.yaml:2: unknown key tagret (did you mean target?)", one line per
// problem, each with the file and its line.
func decodeError(path string, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("%s: %w", path, err)
	}
	errs := make([]error, len(te.Errors))
	for i, e := range te.Errors {
		if m := unknownField.FindStringSubmatch(e); m != nil {
			keys := fileKeys[m[3]]
			hint := "valid keys: " + strings.Join(keys, ", ")
			if near := suggest.Closest(m[2], keys); near != "" {
				hint = "did you mean " + near + "?"
			}
			where := ""
			if m[3] != reflect.TypeFor[File]().String() {
				where = " of an operation (under operations:)"
			}
			errs[i] = fmt.Errorf("%s:%s: unknown key %s%s (%s)", path, m[1], m[2], where, hint)
			continue
		}
		if m := badValue.FindStringSubmatch(e); m != nil {
			want := goTypeWords[m[3]]
			if want == "" {
				want = "a value of another type"
			}
			errs[i] = fmt.Errorf("%s:%s: %s is not %s", path, m[1], m[2], want)
			continue
		}
		errs[i] = fmt.Errorf("%s: %s", path, e)
	}
	return errors.Join(errs...)
}

// The messages of yaml.v3's TypeError that name Go types: an unknown key, a value of the
// wrong type.
var (
	unknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found in type (\S+)$`)
	badValue     = regexp.MustCompile(`^line (\d+): cannot unmarshal !!\w+ (.*) into (\S+)$`)
)

// fileKeys are the keys of the configuration file's mappings, by the Go type decoding them,
// read from their yaml tags.
var fileKeys = func() map[string][]string {
	out := map[string][]string{}
	for _, t := range []reflect.Type{reflect.TypeFor[File](), reflect.TypeFor[OperationConfig]()} {
		for f := range t.Fields() {
			if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name != "" && name != "-" {
				out[t.String()] = append(out[t.String()], name)
			}
		}
	}
	return out
}()

// goTypeWords says in words what a value of a setting's Go type is written as.
var goTypeWords = map[string]string{
	"time.Duration":                     "a duration (10s, 1m30s)",
	"int":                               "a whole number",
	"int64":                             "a whole number",
	"bool":                              "true or false",
	"string":                            "a string",
	"[]string":                          "a list of strings",
	"[]int":                             "a list of whole numbers",
	"map[string]string":                 "a mapping of names to strings",
	"runner.OperationConfig":            "a mapping of an operation's settings",
	"map[string]runner.OperationConfig": "a mapping of operation ids to their settings",
}

// check validates the settings the file gives, with the ranges the flags have
// (numberSettings), naming each bad key and its line.
func (f *File) check(path string, raw []byte) error {
	lines := map[string]int{} // top-level key → its line
	var doc yaml.Node
	if yaml.Unmarshal(raw, &doc) == nil && len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode {
		m := doc.Content[0].Content
		for i := 0; i+1 < len(m); i += 2 {
			lines[m[i].Value] = m[i].Line
		}
	}
	var errs []error
	bad := func(key string, err error) {
		errs = append(errs, fmt.Errorf("%s:%d: %s: %w", path, lines[key], key, err))
	}
	given := Config{Timeout: f.Timeout, Parallel: f.Parallel, MaxBody: f.MaxBody, MaxTransportFailures: f.MaxTransportFailures}
	for _, n := range numberSettings {
		if _, set := lines[n.key]; set {
			if err := n.check(n.value(given)); err != nil {
				bad(n.key, err)
			}
		}
	}
	if f.Target != "" {
		if err := checkURL(f.Target); err != nil {
			bad("target", err)
		}
	}
	for _, svc := range slices.Sorted(maps.Keys(f.Targets)) {
		if err := checkURL(f.Targets[svc]); err != nil {
			bad("targets", fmt.Errorf("%s: %w", svc, err))
		}
	}
	for _, h := range f.AllowJobHosts {
		if err := checkHost(h); err != nil {
			bad("allow_job_hosts", err)
		}
	}
	if f.RateLimit != "" {
		if _, err := ParseRateLimit(f.RateLimit); err != nil {
			bad("rate_limit", err)
		}
	}
	return errors.Join(errs...)
}

// Apply copies the file's settings into cfg, under whatever the flags then set.
func (f *File) Apply(cfg *Config) {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&cfg.Target, f.Target)
	for k, v := range f.Targets {
		if cfg.Targets == nil {
			cfg.Targets = map[string]string{}
		}
		cfg.Targets[k] = v
	}
	for provider, region := range map[string]string{"": f.Region, "huaweicloud": f.HuaweiCloudRegion, "alibabacloud": f.AlibabaCloudRegion} {
		if region != "" {
			if cfg.Regions == nil {
				cfg.Regions = map[string]string{}
			}
			cfg.Regions[provider] = region
		}
	}
	set(&cfg.AlibabaSignature, f.AlibabaCloudSignature)
	set(&cfg.ReportDir, f.ReportDir)
	set(&cfg.LabelFilter, f.LabelFilter)
	set(&cfg.FixturesDir, f.Fixtures)
	set(&cfg.SpecsDir, f.Specs)
	if f.Timeout > 0 {
		cfg.Timeout = f.Timeout
	}
	if f.Parallel > 0 {
		cfg.Parallel = f.Parallel
	}
	if r, err := ParseRateLimit(f.RateLimit); err == nil { // checked by ReadFile
		cfg.RateLimit = r
	}
	if f.MaxBody > 0 {
		cfg.MaxBody = f.MaxBody
	}
	if f.MaxTransportFailures > 0 {
		cfg.MaxTransportFailures = f.MaxTransportFailures
	}
	cfg.AllowJobHosts = append(cfg.AllowJobHosts, f.AllowJobHosts...)
	cfg.AllowMutations = cfg.AllowMutations || f.AllowMutations
	if f.Profile != "" {
		cfg.Profile = fixtures.Profile(f.Profile)
	}
	for _, n := range f.Checks {
		cfg.Checks = append(cfg.Checks, conformance.CheckName(n))
	}
	for _, n := range f.ExcludeChecks {
		cfg.ExcludeChecks = append(cfg.ExcludeChecks, conformance.CheckName(n))
	}
	if f.Operations != nil {
		cfg.Operations = f.Operations
	}
}

// Lookup layers the real environment over the file's: it is what providers.FromEnv reads.
func (f *File) Lookup(env func(string) (string, bool)) func(string) (string, bool) {
	return func(name string) (string, bool) {
		if v, ok := env(name); ok {
			return v, true
		}
		v, ok := f.Environment[name]
		return v, ok
	}
}
