package conformance

import (
	"fmt"
	"strings"
)

// Failure is one broken contract point: which check, where in the body, what was expected and
// what came instead. Message says all of it in one sentence.
type Failure struct {
	Check    string `json:"check"`
	Message  string `json:"message"`
	Pointer  string `json:"pointer"`
	Expected string `json:"expected"`
	Actual   string `json:"actual"`
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
)

// Check is one rule that an answer can break.
type Check struct {
	Name        string
	Description string
	// Needs lists checks whose failure makes this one meaningless: a body cannot be judged
	// against a schema when no answer arrived. Each broken contract point thus fails one check.
	Needs []string
	// Run judges the exchange; applies is false when the check has nothing to judge.
	Run func(x *Exchange) (applies bool, failures []Failure)
}

// Checks is every check, in evaluation order (a check comes after those it needs).
var Checks = []Check{
	ResponseReceived,
	NotAServerError,
	StatusCodeConformance,
	ContentTypeConformance,
	NoBodyOn204,
	ResponseSchemaConformance,
	ErrorEnvelopeConformance,
	NegativeDataRejection,
	PositiveDataAcceptance,
	IgnoredAuth,
	ResponseValuesConformance,
}

// CheckResult is the verdict of one check on one exchange.
type CheckResult struct {
	Check    string    `json:"check"`
	State    State     `json:"state"`
	Failures []Failure `json:"failures,omitempty"`
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

// Failed reports whether any check failed.
func (r Result) Failed() bool { return len(r.Failures()) > 0 }

// Evaluate runs every check on the exchange.
func Evaluate(x *Exchange) Result {
	res := Result{Checks: make([]CheckResult, 0, len(Checks))}
	failed := make(map[string]bool, len(Checks))
	for _, c := range Checks {
		cr := CheckResult{Check: c.Name}
		switch {
		case anyFailed(failed, c.Needs):
			cr.State = NotEvaluated
		default:
			applies, fs := c.Run(x)
			switch {
			case len(fs) > 0:
				cr.State, cr.Failures = Failed, fs
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

func anyFailed(failed map[string]bool, names []string) bool {
	for _, n := range names {
		if failed[n] {
			return true
		}
	}
	return false
}

// fail builds a Failure whose message names the check, the pointer, the expected and the actual.
func fail(check, pointer, expected, actual string) Failure {
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

// excerpt shortens a body for a message: messages must stay readable whatever a target sends.
func excerpt(b []byte) string {
	const limit = 200
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	if len(s) > limit {
		return fmt.Sprintf("%q… (%d bytes)", s[:limit], len(b))
	}
	return fmt.Sprintf("%q", s)
}
