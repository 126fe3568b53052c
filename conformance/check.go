package conformance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/conformance-suite/conformance/fixtures"
)

// CheckName is a check's name as reports, --checks and the config file spell it.
type CheckName string

// Failure is one broken contract point: which check, where in the body, what was expected and
// what came instead. Message says all of it in one sentence. Profile is the level the finding
// belongs to: strict when the check or the case is strict.
type Failure struct {
	Check    CheckName        `json:"check"`
	Message  string           `json:"message"`
	Pointer  string           `json:"pointer"`
	Expected string           `json:"expected"`
	Actual   string           `json:"actual"`
	Profile  fixtures.Profile `json:"profile"`
}

// State is the outcome of one check on one exchange.
type State string

// The outcomes of a check.
const (
	Passed State = "passed"
	Failed State = "failed"
	// NotApplicable: the check has nothing to judge here (no_body_on_204 on a 200).
	NotApplicable State = "not_applicable"
	// NotEvaluated: a check it depends on failed, so its verdict would be noise.
	NotEvaluated State = "not_evaluated"
	// Disabled: the user turned the check off (--checks, --exclude-checks, the config file).
	Disabled State = "disabled"
)

// Check is one rule that an answer can break.
type Check struct {
	Name        CheckName
	Description string
	// Profile is the level of the rule: core for what the documentation promises, strict for
	// what it leaves open (an undocumented field in an answer).
	Profile fixtures.Profile
	// JudgesCase marks a check that judges the case's own expectation (a refusal owed, an
	// acceptance owed, values expected): on a strict case its findings are strict. The other
	// checks judge the answer itself, whatever was asked: a reset, a 5xx or a broken envelope
	// in answer to a strict probe is still a broken promise of the documentation.
	JudgesCase bool
	// Needs lists checks whose failure makes this one meaningless: a body cannot be judged
	// against a schema when no answer arrived. Each broken contract point thus fails one check.
	Needs []CheckName
	// Run judges the exchange; applies is false when the check has nothing to judge.
	Run func(x *Exchange, o *Options) (applies bool, failures []Failure)
}

// Checks is every check, in evaluation order (a check comes after those it needs). The list is
// validated when the package loads: a name used twice, or a need that is unknown or comes
// later, is a programming error and panics before any run.
var Checks = mustOrder([]Check{
	RequestConformance,
	ResponseReceived,
	NotAServerError,
	ContentEncodingConformance,
	StatusCodeConformance,
	ContentTypeConformance,
	NoBodyOn204,
	ResponseSchemaConformance,
	ErrorEnvelopeConformance,
	NegativeDataRejection,
	PositiveDataAcceptance,
	IgnoredAuth,
	ResponseValuesConformance,
	NoUndocumentedFields,
})

// mustOrder panics unless every check's name is unique and its needs are checks listed
// before it.
func mustOrder(checks []Check) []Check {
	if err := validateOrder(checks); err != nil {
		panic("conformance: " + err.Error())
	}
	return checks
}

func validateOrder(checks []Check) error {
	seen := map[CheckName]bool{}
	for _, c := range checks {
		if c.Name == "" || c.Run == nil {
			return fmt.Errorf("check %q has no name or no Run", c.Name)
		}
		if seen[c.Name] {
			return fmt.Errorf("check %s is listed twice", c.Name)
		}
		if _, err := fixtures.ParseProfile(string(c.Profile)); err != nil {
			return fmt.Errorf("check %s: %v", c.Name, err)
		}
		for _, n := range c.Needs {
			if !seen[n] {
				return fmt.Errorf("check %s needs %q, which is not a check listed before it", c.Name, n)
			}
		}
		seen[c.Name] = true
	}
	return nil
}

// CheckNames lists every check's name, in evaluation order.
func CheckNames() []CheckName {
	out := make([]CheckName, len(Checks))
	for i, c := range Checks {
		out[i] = c.Name
	}
	return out
}

// JudgesCase reports whether the check named name judges a case's own expectation (its
// JudgesCase): traffic observed without a case (a proxy's, a HAR file's) cannot break it.
func JudgesCase(name CheckName) bool {
	for _, c := range Checks {
		if c.Name == name {
			return c.JudgesCase
		}
	}
	return false
}

// CheckNamesText lists every check's name, comma-separated, for messages and usage texts.
func CheckNamesText() string {
	names := make([]string, len(Checks))
	for i, c := range Checks {
		names[i] = string(c.Name)
	}
	return strings.Join(names, ", ")
}

// ParseCheckNames reads a comma-separated list of check names; an unknown name is an error
// that lists the valid ones.
func ParseCheckNames(list string) ([]CheckName, error) {
	var out []CheckName
	valid := CheckNames()
	for _, part := range strings.Split(list, ",") {
		name := CheckName(strings.TrimSpace(part))
		if name == "" {
			continue
		}
		if !slices.Contains(valid, name) {
			return nil, fmt.Errorf("unknown check %q; the checks are %s", name, CheckNamesText())
		}
		out = append(out, name)
	}
	return out, nil
}

// Options drive one evaluation, as openapi3filter.Options drive kin-openapi's: what to judge
// and how, with no global state. The zero value (or nil) judges with every check at the case's
// own profile.
type Options struct {
	// Profile, when set, replaces the case's profile (a per-operation override).
	Profile fixtures.Profile
	// Disabled checks are not run: their state is Disabled, and the checks that need them run
	// as if they had passed.
	Disabled map[CheckName]bool
	// RefusalStatuses, when set, replaces the statuses negative_data_rejection takes as a
	// refusal of invalid input (Schemathesis' expected-statuses).
	RefusalStatuses []int
}

func (o *Options) profile(c *fixtures.Case) fixtures.Profile {
	if o != nil && o.Profile != "" {
		return o.Profile
	}
	if c != nil && c.Profile != "" {
		return c.Profile
	}
	return fixtures.Core
}

func (o *Options) disabled(name CheckName) bool { return o != nil && o.Disabled[name] }

// CheckResult is the verdict of one check on one exchange.
type CheckResult struct {
	Check    CheckName        `json:"check"`
	State    State            `json:"state"`
	Profile  fixtures.Profile `json:"profile"`
	Failures []Failure        `json:"failures,omitempty"`
}

// Result is every check's verdict on one exchange.
type Result struct {
	Checks []CheckResult
}

// Failures lists every failure of every check.
func (r Result) Failures() []Failure {
	var out []Failure
	for _, c := range r.Checks {
		out = append(out, c.Failures...)
	}
	return out
}

// Failed reports whether any check failed, whatever its profile.
func (r Result) Failed() bool { return len(r.Failures()) > 0 }

// Split parts the failures by the run's profile: those the profile includes fail the case,
// the others are warnings.
func (r Result) Split(gate fixtures.Profile) (failures, warnings []Failure) {
	for _, f := range r.Failures() {
		if gate.Includes(f.Profile) {
			failures = append(failures, f)
		} else {
			warnings = append(warnings, f)
		}
	}
	return failures, warnings
}

// maxFailures bounds the failures one check reports on one exchange: a target that breaks a
// rule ten thousand times in one body gets the first ones and a count, not ten thousand lines.
const maxFailures = 20

// Evaluate runs every enabled check on the exchange.
func Evaluate(x *Exchange, o *Options) Result {
	res := Result{Checks: make([]CheckResult, 0, len(Checks))}
	failed := make(map[CheckName]bool, len(Checks))
	caseProfile := o.profile(x.Case)
	for _, c := range Checks {
		cr := CheckResult{Check: c.Name, Profile: c.Profile}
		if c.JudgesCase {
			cr.Profile = caseProfile.Max(c.Profile)
		}
		switch {
		case o.disabled(c.Name):
			cr.State = Disabled
		case anyFailed(failed, c.Needs):
			cr.State = NotEvaluated
		default:
			applies, fs := c.Run(x, o)
			switch {
			case len(fs) > 0:
				cr.State, cr.Failures = Failed, bound(fs)
				for i := range cr.Failures {
					cr.Failures[i].Profile = cr.Profile
				}
				failed[c.Name] = true
			case applies:
				cr.State = Passed
			default:
				cr.State = NotApplicable
			}
		}
		res.Checks = append(res.Checks, cr)
	}
	return res
}

func bound(fs []Failure) []Failure {
	if len(fs) <= maxFailures {
		return fs
	}
	rest := len(fs) - maxFailures + 1
	last := fs[maxFailures-1]
	last.Message = fmt.Sprintf("%s: %d more failures of this check, not listed", last.Check, rest)
	last.Pointer, last.Expected, last.Actual = "", "", fmt.Sprintf("%d more failures", rest)
	return append(fs[:maxFailures-1:maxFailures-1], last)
}

func anyFailed(failed map[CheckName]bool, names []CheckName) bool {
	for _, n := range names {
		if failed[n] {
			return true
		}
	}
	return false
}

// textLimit bounds expected and actual values in a failure: a target can put a megabyte into
// one JSON number, and a failure text repeats what it quotes.
const textLimit = 512

// fail builds a Failure whose message names the check, the pointer, the expected and the actual.
func fail(check CheckName, pointer, expected, actual string) Failure {
	pointer, expected, actual = clip(pointer), clip(expected), clip(actual)
	where := ""
	if pointer != "" {
		where = " at " + pointer
	}
	return Failure{
		Check:    check,
		Pointer:  pointer,
		Expected: expected,
		Actual:   actual,
		Message:  fmt.Sprintf("%s%s: expected %s, got %s", check, where, expected, actual),
	}
}

// clip cuts a text to textLimit bytes on a rune boundary, saying how long it was.
func clip(s string) string {
	if len(s) <= textLimit {
		return s
	}
	cut := strings.ToValidUTF8(s[:textLimit], "")
	return fmt.Sprintf("%s… (%d bytes)", cut, len(s))
}

// excerpt shortens a body for a message: messages must stay readable whatever a target sends.
func excerpt(b []byte) string {
	const limit = 200
	if len(b) > limit {
		return fmt.Sprintf("%q… (%d bytes)", strings.ToValidUTF8(string(b[:limit]), "\uFFFD"), len(b))
	}
	return fmt.Sprintf("%q", strings.ToValidUTF8(string(b), "\uFFFD"))
}
