package providers

import "maps"

// Credentials are the values of the providers' variables, by variable name (Variable.Env),
// as read from the environment: the one configuration that the runner and the reference
// target must agree on.
type Credentials map[string]string

// Get is the value of one variable, "" when unset.
func (c Credentials) Get(v Variable) string { return c[v.Env] }

// Has reports whether every one of vars has a value.
func (c Credentials) Has(vars ...Variable) bool {
	for _, v := range vars {
		if c.Get(v) == "" {
			return false
		}
	}
	return true
}

// FromEnv reads every registered variable through lookup (os.LookupEnv in production, a map
// in tests).
func FromEnv(lookup func(string) (string, bool)) Credentials {
	c := Credentials{}
	for _, v := range Variables() {
		if value, ok := lookup(v.Env); ok && value != "" {
			c[v.Env] = value
		}
	}
	return c
}

// Defaults are the credentials and ids of the built-in reference target, used where a variable
// is unset. They are test values, published in the README; never real secrets.
func Defaults() Credentials {
	c := Credentials{}
	for _, v := range Variables() {
		c[v.Env] = v.Default
	}
	return c
}

// WithDefaults is c with every unset variable taken from d.
func (c Credentials) WithDefaults(d Credentials) Credentials {
	out := maps.Clone(d)
	if out == nil {
		out = Credentials{}
	}
	for k, v := range c {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// With is c with one variable set (or unset, with ""), for a caller that needs a variant.
func (c Credentials) With(v Variable, value string) Credentials {
	out := Credentials{}
	maps.Copy(out, c)
	if value == "" {
		delete(out, v.Env)
	} else {
		out[v.Env] = value
	}
	return out
}

// Secrets lists the non-empty secret values (tokens, keys, passwords, sessions), for redaction.
func (c Credentials) Secrets() []string {
	var out []string
	for _, v := range Variables() {
		if v.Secret && c.Get(v) != "" {
			out = append(out, c.Get(v))
		}
	}
	return out
}

// VariableNames lists every registered variable's name.
func VariableNames() []string {
	var out []string
	for _, v := range Variables() {
		out = append(out, v.Env)
	}
	return out
}
