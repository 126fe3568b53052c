package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/specs"
)

// CheckResponseValuesConformance names ResponseValuesConformance.
const CheckResponseValuesConformance CheckName = "response_values_conformance"

// ResponseValuesConformance fails when a value the fixture expects in the answer's body
// (expect.body: JSON pointer → value) is absent or different: the state a stateful step must
// leave, the field an answer must echo. It judges only an answer that is otherwise conformant,
// hence Needs lists every check that can fail on the same broken point: a wrong status, a
// refusal owed or not, a body that breaks its schema or envelope. content_type_conformance is
// left out: a mislabelled body can still hold the right values.
//
// An expected string holding placeholders ("{tid}") is expanded with Exchange.Vars, or, for a
// placeholder the runner left out, with the value the request was sent with (read back from
// the recorded path, query or headers where the case put that placeholder). The expansion
// matches a JSON string equal to it, or a JSON number or boolean that it spells: "{tid}"
// matches 3000 when the tid is "3000". Every other expected value matches by JSON type and
// value, numbers compared exactly (3000 matches 3000.0; the string "3000" does not match 3000).
var ResponseValuesConformance = Check{
	Name:        CheckResponseValuesConformance,
	Profile:     fixtures.Core,
	JudgesCase:  true,
	Description: "the answer's body holds the values the fixture expects (expect.body)",
	Needs: []CheckName{CheckResponseReceived, CheckNotAServerError, CheckContentEncodingConformance,
		CheckStatusCodeConformance, CheckNoBodyOn204, CheckResponseSchemaConformance, CheckErrorEnvelopeConformance,
		CheckNegativeDataRejection, CheckPositiveDataAcceptance, CheckIgnoredAuth},
	Run: func(x *Exchange, _ *Options) (bool, []Failure) {
		const name = CheckResponseValuesConformance
		want := x.Case.Expect.Body
		if len(want) == 0 {
			return false, nil
		}
		body, err := decodeJSONNumbers(x.Response.Body)
		if err != nil {
			return true, []Failure{fail(name, "", "a JSON body holding the expected values", fmt.Sprintf("%v: %s", err, excerpt(x.Response.Body)))}
		}
		vars := placeholderValues(x)
		var out []Failure
		for _, ptr := range sortedMapKeys(want) {
			expected := want[ptr]
			actual, found := lookupPointer(body, ptr)
			ok, text := matchValue(expected, actual, vars)
			if found && ok {
				continue
			}
			got := "absent"
			if found {
				got = jsonValue(actual)
				if actual == nil {
					got = "null"
				}
			}
			out = append(out, fail(name, ptr, text, got))
		}
		return true, out
	},
}

// matchValue compares an expected value with the actual one and says what was expected, in
// words, for the message.
func matchValue(expected, actual any, vars map[string]string) (bool, string) {
	// Expectations built in Go rather than decoded by the loader may hold Go numbers.
	switch n := expected.(type) {
	case float64:
		expected = json.Number(strconv.FormatFloat(n, 'g', -1, 64))
	case int:
		expected = json.Number(strconv.Itoa(n))
	case int64:
		expected = json.Number(strconv.FormatInt(n, 10))
	}
	switch e := expected.(type) {
	case nil:
		return actual == nil, "null"
	case string:
		if !fixtures.PlaceholderPattern.MatchString(e) {
			a, ok := actual.(string)
			return ok && a == e, jsonValue(e)
		}
		expanded := fixtures.Expand(e, vars)
		text := fmt.Sprintf("%s = %s (a string, or the number or boolean it spells)", e, strconv.Quote(expanded))
		if m := fixtures.PlaceholderPattern.FindString(expanded); m != "" {
			return false, fmt.Sprintf("%s, but the run gave no value for %s", e, m)
		}
		switch a := actual.(type) {
		case string:
			return a == expanded, text
		case json.Number:
			return sameNumber(expanded, a.String()), text
		case bool:
			return expanded == strconv.FormatBool(a), text
		}
		return false, text
	case json.Number:
		a, ok := actual.(json.Number)
		return ok && sameNumber(e.String(), a.String()), jsonValue(e)
	case bool:
		a, ok := actual.(bool)
		return ok && a == e, jsonValue(e)
	case []any:
		a, ok := actual.([]any)
		if !ok || len(a) != len(e) {
			return false, jsonValue(e)
		}
		for i := range e {
			if ok, _ := matchValue(e[i], a[i], vars); !ok {
				return false, jsonValue(e)
			}
		}
		return true, jsonValue(e)
	case map[string]any:
		a, ok := actual.(map[string]any)
		if !ok || len(a) != len(e) {
			return false, jsonValue(e)
		}
		for k, ev := range e {
			av, found := a[k]
			if !found {
				return false, jsonValue(e)
			}
			if ok, _ := matchValue(ev, av, vars); !ok {
				return false, jsonValue(e)
			}
		}
		return true, jsonValue(e)
	}
	return false, fmt.Sprintf("%v", expected)
}

// sameNumber compares two JSON numbers exactly, whatever their spelling (3000, 3e3, 3000.0).
func sameNumber(a, b string) bool {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	return ok1 && ok2 && x.Cmp(y) == 0
}

// placeholderValues are the values of the run's placeholders: Exchange.Vars, completed with
// what the recorded request shows where the case wrote a placeholder.
func placeholderValues(x *Exchange) map[string]string {
	vars := make(map[string]string, len(x.Vars))
	for k, v := range x.Vars {
		vars[k] = v
	}
	learn := func(template, sent string) {
		for name, value := range matchTemplate(template, sent) {
			if _, known := vars[name]; !known {
				vars[name] = value
			}
		}
	}
	u, err := url.Parse(x.Request.URL)
	if err != nil || u == nil {
		u = &url.URL{}
	}
	r := x.Case.Request
	// Path: the case's own values, and parameters named like a placeholder ({project_id}).
	if x.Op != nil {
		sent, _ := specs.PathValues(x.Op.Path, u.EscapedPath())
		for name, value := range sent {
			if template, given := r.Path[name]; given {
				learn(template, value)
			} else {
				learn("{"+name+"}", value)
			}
		}
	}
	query := u.Query()
	for _, k := range slices.Sorted(maps.Keys(r.Query)) {
		if query.Has(k) {
			learn(r.Query[k], query.Get(k))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(r.Headers)) {
		if v := x.Request.Header.Get(k); v != "" {
			learn(r.Headers[k], v)
		}
	}
	return vars
}

// matchTemplate reads the placeholder values out of a string sent for a template, e.g.
// "{tid}" and "3000" give tid=3000; nothing when the string does not fit the template.
func matchTemplate(template, sent string) map[string]string {
	names := fixtures.PlaceholderPattern.FindAllString(template, -1)
	if len(names) == 0 {
		return nil
	}
	parts := fixtures.PlaceholderPattern.Split(template, -1)
	var re strings.Builder
	re.WriteString("^")
	for i, p := range parts {
		re.WriteString(regexp.QuoteMeta(p))
		if i < len(names) {
			re.WriteString("(.*?)")
		}
	}
	re.WriteString("$")
	m := regexp.MustCompile(re.String()).FindStringSubmatch(sent)
	if m == nil {
		return nil
	}
	out := map[string]string{}
	for i, name := range names {
		key := name[1 : len(name)-1]
		if _, seen := out[key]; !seen {
			out[key] = m[i+1]
		}
	}
	return out
}

// decodeJSONNumbers decodes a body keeping numbers as json.Number, so that an int64 such as a
// Tid is compared exactly.
func decodeJSONNumbers(b []byte) (any, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("empty body")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("invalid JSON: data after the value")
	}
	return v, nil
}
