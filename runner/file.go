package runner

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/conformance-suite/conformance/runner/credentials"
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
	Fixtures              string            `yaml:"fixtures"`
	MaxBody               int64             `yaml:"max_body"`
	AllowMutations        bool              `yaml:"allow_mutations"`
	// Environment holds the CONFORMANCE_* variables by name; a variable set in the real
	// environment wins.
	Environment map[string]string `yaml:"environment"`
}

// ReadFile decodes a configuration file strictly: an unknown key is an error naming the line.
func ReadFile(path string) (*File, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	known := map[string]bool{}
	for _, name := range credentials.Names() {
		known[name] = true
	}
	for name := range f.Environment {
		if !known[name] {
			return nil, fmt.Errorf("%s: environment: unknown variable %s", path, name)
		}
	}
	return &f, nil
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
	if f.Timeout > 0 {
		cfg.Timeout = f.Timeout
	}
	if f.Parallel > 0 {
		cfg.Parallel = f.Parallel
	}
	if f.MaxBody > 0 {
		cfg.MaxBody = f.MaxBody
	}
	cfg.AllowMutations = cfg.AllowMutations || f.AllowMutations
}

// Lookup layers the real environment over the file's: it is what credentials.FromEnv reads.
func (f *File) Lookup(env func(string) (string, bool)) func(string) (string, bool) {
	return func(name string) (string, bool) {
		if v, ok := env(name); ok {
			return v, true
		}
		v, ok := f.Environment[name]
		return v, ok
	}
}
