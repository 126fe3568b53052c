package runner

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/suggest"
)

// File is the YAML configuration file (--config): any setting of the Settings table by its
// key, for runs that are easier to describe than to type, the per-operation overrides no flag
// holds, and the CONFORMANCE_* variables of the providers. The environment and the flags win.
type File struct {
	// Operations holds per-operation overrides, keyed by operationId.
	Operations map[string]OperationConfig `yaml:"operations"`
	// Environment holds the CONFORMANCE_* variables by name; a variable set in the real
	// environment wins.
	Environment map[string]string `yaml:"environment"`
	// Settings are the other keys, each read by its setting's Value (apply).
	Settings map[string]yaml.Node `yaml:",inline"`

	path  string
	lines map[string]int // top-level key → its line
}

// ReadFile decodes a configuration file strictly: an unknown key, a value its setting refuses
// (a zero or negative timeout, parallel or max_body, an invalid URL or host) or an unknown
// variable is an error naming the key and its line, so that no setting is dropped silently.
func ReadFile(path string) (*File, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	f := File{path: path, lines: map[string]int{}}
	var errs []error
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, decodeError(path, err)
		}
		errs = append(errs, decodeError(path, err)) // the rest is decoded: say all that is wrong
	}
	var doc yaml.Node
	if yaml.Unmarshal(raw, &doc) == nil && len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode {
		m := doc.Content[0].Content
		for i := 0; i+1 < len(m); i += 2 {
			f.lines[m[i].Value] = m[i].Line
		}
	}
	known := map[string]bool{}
	for _, name := range providers.VariableNames() {
		known[name] = true
	}
	for _, name := range slices.Sorted(maps.Keys(f.Environment)) {
		if !known[name] {
			errs = append(errs, fmt.Errorf("%s:%d: environment: unknown variable %s", path, f.lines["environment"], name))
		}
	}
	// Every key is applied once to a scratch configuration, so that a bad value is refused
	// here, with its line, before anything is sent.
	scratch := DefaultConfig()
	errs = append(errs, f.Apply(&scratch, nil))
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &f, nil
}

// Apply sets cfg's settings from the file, each through its setting's Value, and names the
// file, the line and the key of each value refused. services are the services a mapping by
// service may name; nil accepts any (the specs decide later).
func (f *File) Apply(cfg *Config, services []string) error {
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(f.Settings)) {
		node := f.Settings[key]
		bad := func(err error) {
			errs = append(errs, fmt.Errorf("%s:%d: %s: %w", f.path, f.lines[key], key, err))
		}
		s, ok := settingByKey(key)
		if !ok {
			keys := fileKeys[reflect.TypeFor[File]().String()]
			hint := "valid keys: " + strings.Join(keys, ", ")
			if near := suggest.Closest(key, keys); near != "" {
				hint = "did you mean " + near + "?"
			}
			errs = append(errs, fmt.Errorf("%s:%d: unknown key %s (%s)", f.path, f.lines[key], key, hint))
			continue
		}
		switch {
		case s.perService():
			if node.Kind != yaml.MappingNode {
				bad(errors.New("must be a mapping of service names to values"))
				continue
			}
			for i := 0; i+1 < len(node.Content); i += 2 {
				svc, v := node.Content[i].Value, node.Content[i+1]
				if services != nil && !slices.Contains(services, svc) {
					bad(fmt.Errorf("unknown service %q (services: %s)", svc, strings.Join(services, ", ")))
					continue
				}
				if err := s.Value(cfg, svc).Set(v.Value); err != nil || v.Kind != yaml.ScalarNode {
					if err == nil {
						err = errors.New("must be a single value")
					}
					bad(fmt.Errorf("%s: %w", svc, err))
				}
			}
		case s.List && node.Kind == yaml.SequenceNode:
			v := s.Value(cfg, "")
			for _, item := range node.Content {
				if err := v.Set(item.Value); err != nil || item.Kind != yaml.ScalarNode {
					if err == nil {
						err = errors.New("must be a list of single values")
					}
					bad(err)
				}
			}
		case node.Kind == yaml.ScalarNode:
			if err := setAll(s, s.Value(cfg, ""), node.Value); err != nil {
				bad(err)
			}
		default:
			bad(errors.New("must be a single value" + map[bool]string{true: " or a list"}[s.List]))
		}
	}
	if f.Operations != nil {
		cfg.Operations = f.Operations
	}
	return errors.Join(errs...)
}

// settingByKey is the setting a file key holds.
func settingByKey(key string) (Setting, bool) {
	for _, s := range Settings {
		if s.Key != "" && s.Key == key {
			return s, true
		}
	}
	return Setting{}, false
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

// fileKeys are the keys of the configuration file's mappings, by the Go type decoding them:
// the settings' keys and the file's own at the top, the yaml tags of an operation's below.
var fileKeys = func() map[string][]string {
	out := map[string][]string{}
	for _, t := range []reflect.Type{reflect.TypeFor[File](), reflect.TypeFor[OperationConfig]()} {
		for f := range t.Fields() {
			if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name != "" && name != "-" {
				out[t.String()] = append(out[t.String()], name)
			}
		}
	}
	top := reflect.TypeFor[File]().String()
	for _, s := range Settings {
		if s.Key != "" {
			out[top] = append(out[top], s.Key)
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
