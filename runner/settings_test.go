package runner

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/console"
	"github.com/conformance-suite/conformance/providers"
)

var testServices = []string{"huaweicloud-workspace", "zstack-iam2"}

// Each setting is declared once, with names no other setting or variable takes.
func TestSettingsAreDeclaredOnce(t *testing.T) {
	seen := map[string]string{}
	for _, name := range providers.VariableNames() {
		seen[name] = "the providers' variable"
	}
	claim := func(kind, name, by string) {
		if name == "" {
			return
		}
		if other, ok := seen[kind+name]; ok {
			t.Errorf("%s %s of --%s is also %s", kind, name, by, other)
		}
		seen[kind+name] = "--" + by
	}
	for _, s := range Settings {
		claim("flag ", s.Flag, s.Flag)
		claim("key ", s.Key, s.Flag)
		claim("", s.Env, s.Flag) // variables share one name space with the providers'
		if s.Help == "" || s.Value == nil {
			t.Errorf("--%s has no help or no value", s.Flag)
		}
		if !s.Value(&Config{}, "").IsBoolFlag() && !strings.Contains(s.Help, "`") {
			t.Errorf("--%s: its help names no `value`", s.Flag)
		}
		if s.Key == "" && s.Flag != "config" {
			t.Errorf("--%s has no --config key", s.Flag)
		}
	}
}

// A setting read from the file, the environment or a flag is the same value, and the
// higher source wins: file < environment < flags. A list of a higher source replaces the
// lower one's instead of adding to it.
func TestResolveLayersTheSources(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("timeout: 3s\nparallel: 5\nseed: 7\nallow_job_hosts: [a.test, b.test]\ntargets:\n  zstack-iam2: http://127.0.0.1:9\noutput: dots\nenvironment:\n  CONFORMANCE_ZSTACK_ACCOUNT: alice\n"), 0o600)
	env := map[string]string{
		"CONFORMANCE_PARALLEL":                     "6",
		"CONFORMANCE_SEED":                         "8",
		"CONFORMANCE_ALLOW_JOB_HOSTS":              "c.test",
		"CONFORMANCE_TARGET_HUAWEICLOUD_WORKSPACE": "http://127.0.0.1:8",
		"CONFORMANCE_CHECKS":                       "", // empty is unset
	}
	lookup := func(name string) (string, bool) { v, ok := env[name]; return v, ok }
	cfg, vars, err := Resolve([]string{"--config", path, "--seed", "9"}, lookup, testServices)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Timeout != 3*time.Second || cfg.Parallel != 6 || cfg.Seed != 9 {
		t.Errorf("timeout %v (file: 3s), parallel %d (environment: 6), seed %d (flag: 9)", cfg.Timeout, cfg.Parallel, cfg.Seed)
	}
	if !reflect.DeepEqual(cfg.AllowJobHosts, []string{"c.test"}) {
		t.Errorf("allow-job-host %v, want the environment's list alone", cfg.AllowJobHosts)
	}
	want := map[string]string{"zstack-iam2": "http://127.0.0.1:9", "huaweicloud-workspace": "http://127.0.0.1:8"}
	if !reflect.DeepEqual(cfg.Targets, want) || cfg.Output != console.Dots || cfg.Checks != nil {
		t.Errorf("targets %v, output %q, checks %v", cfg.Targets, cfg.Output, cfg.Checks)
	}
	if v, _ := vars("CONFORMANCE_ZSTACK_ACCOUNT"); v != "alice" {
		t.Errorf("the file's environment: gives %q", v)
	}
	if cfg.ConfigFile != path || cfg.ReportDir != DefaultConfig().ReportDir {
		t.Errorf("config %q, report dir %q", cfg.ConfigFile, cfg.ReportDir)
	}
}

// A value is refused the same way from every source, each naming where it came from; a
// variable under a flag that was given is not read.
func TestResolveRefusesBadValuesFromEverySource(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("parallel: 0\n"), 0o600)
	none := func(string) (string, bool) { return "", false }
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{args: []string{"--config", path}, want: "c.yaml:1: parallel: must be between 1 and 256, not 0"},
		{env: map[string]string{"CONFORMANCE_PARALLEL": "0"}, want: "CONFORMANCE_PARALLEL: must be between 1 and 256, not 0"},
		{env: map[string]string{"CONFORMANCE_TIMEOUT": "soon"}, want: `CONFORMANCE_TIMEOUT: "soon" is not a duration`},
		{env: map[string]string{"CONFORMANCE_TARGET_ZSTACK_IAM2": "ftp://x"}, want: "CONFORMANCE_TARGET_ZSTACK_IAM2: \"ftp://x\" is not an http or https URL"},
		{env: map[string]string{"CONFORMANCE_CHECKS": "no_such_check"}, want: "CONFORMANCE_CHECKS:"},
		{env: map[string]string{"CONFORMANCE_CONFIG": filepath.Join(filepath.Dir(path), "missing.yaml")}, want: "--config:"},
	} {
		lookup := none
		if tc.env != nil {
			lookup = func(name string) (string, bool) { v, ok := tc.env[name]; return v, ok }
		}
		_, _, err := Resolve(tc.args, lookup, testServices)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: %v, want %q", tc.args, tc.env, err, tc.want)
		}
	}
	env := map[string]string{"CONFORMANCE_PARALLEL": "0"}
	cfg, _, err := Resolve([]string{"--parallel", "4"}, func(name string) (string, bool) { v, ok := env[name]; return v, ok }, testServices)
	if err != nil || cfg.Parallel != 4 {
		t.Errorf("a bad variable under the flag that wins: %v, parallel %d", err, cfg.Parallel)
	}
}

// Every default survives its own String and Set: what -h shows as the default is what the
// flag would read back.
func TestSettingDefaultsRoundTrip(t *testing.T) {
	for _, s := range Settings {
		if s.perService() {
			continue
		}
		def := DefaultConfig()
		shown := s.Value(&def, "").String()
		if shown == "" {
			continue
		}
		got := DefaultConfig()
		if err := setAll(s, s.Value(&got, ""), shown); err != nil {
			t.Errorf("--%s: its default %q is refused: %v", s.Flag, shown, err)
			continue
		}
		if !reflect.DeepEqual(got, def) {
			t.Errorf("--%s: its default %q read back differs", s.Flag, shown)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	cfg := DefaultConfig()
	Flags(fs, &cfg, testServices)
	if fs.Lookup("target-zstack-iam2") == nil || fs.Lookup("target-<service>") != nil {
		t.Error("the <service> setting is not one flag per service")
	}
}
