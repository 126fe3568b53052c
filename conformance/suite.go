package conformance

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/specs"
)

// Planned is a case ready to run: its fixture, its operation, its labels, how it is judged
// and, when it cannot run, why it is skipped.
type Planned struct {
	Case   *fixtures.Case
	Op     *specs.Operation
	Labels []string
	// Options are the case's evaluation options: its checks and profile after --checks,
	// --exclude-checks and the config file's per-operation overrides.
	Options *Options
	// Skip, when set, is why the case is skipped (e.g. a missing credential); it lands in the report.
	Skip string
}

// Profile is the case's effective profile.
func (p *Planned) Profile() fixtures.Profile { return p.Options.profile(p.Case) }

// Labels are a case's Ginkgo labels: provider, service, operation and kind, then its own.
func Labels(c *fixtures.Case, op *specs.Operation) []string {
	return appendNew([]string{op.Provider, op.Service, op.ID, string(c.Kind)}, c.Labels...)
}

// Verdict is what happened to one planned case.
type Verdict struct {
	Planned *Planned
	// Exchange is the evidence, its bodies trimmed once judged; nil when skipped, except for
	// a throttled case, whose last answer it is.
	Exchange *Exchange
	Result   Result
	Skipped  bool
	// Reason is why a skipped case did not run.
	Reason string
	// Throttled marks a skipped case whose every attempt the target throttled (HTTP 429 or the
	// provider's throttling code): not a broken contract, and not a pass either.
	Throttled bool
	// Retries counts the times the case was sent again after a throttled answer.
	Retries int
}

// Light is the verdict as Suite reads it: its skip, its retries, the failures of its checks
// and, when there are any, the curl of its exchange, without the exchange itself. A runner
// that reports each case as it is judged keeps only this for the suite, so that the memory of
// the verdicts waiting for the suite stays small however far the sending runs ahead of it.
func (v Verdict) Light() Verdict {
	l := Verdict{Planned: v.Planned, Skipped: v.Skipped, Reason: v.Reason, Throttled: v.Throttled, Retries: v.Retries}
	for _, c := range v.Result.Checks {
		if len(c.Failures) > 0 {
			l.Result.Checks = append(l.Result.Checks, c)
		}
	}
	// The curl is read only for the message of a failure or a warning.
	if x := v.Exchange; x != nil && len(l.Result.Checks) > 0 {
		l.Exchange = &Exchange{Case: x.Case, Op: x.Op, Curl: x.Curl}
	}
	return l
}

// Suite is the Ginkgo suite over a plan of cases. Judge returns a case's verdict, waiting
// for its exchange to be sent and judged. Gate is the run's profile: a failure outside it is a
// warning, which does not fail the spec.
type Suite struct {
	Cases []*Planned
	Gate  fixtures.Profile
	Judge func(p *Planned) Verdict
}

// Define builds the Ginkgo tree: a container per service and a spec per operation, which
// judges the operation's cases in plan order and fails with every broken contract point of
// every one of them. Call it before RunSpecs, with Ginkgo's own label filter already applied
// to the plan (the cases are selected one by one, see --label-filter): a spec carries its
// operation's labels and those of all its cases, for the log.
//
// A spec per operation rather than per case: Ginkgo keeps about 5 KB for every spec (its
// nodes, their copies for the ordering, its report) until the suite ends, and runs its specs
// one at a time, so that a plan of tens of thousands of cases (a provider's whole API surface)
// spent most of its memory and much of its time in Ginkgo's bookkeeping. The runner's own
// reports, not Ginkgo's, hold each case's verdict.
func (s Suite) Define() {
	var services []string
	byService := map[string]map[string][]*Planned{}
	var opsOf = map[string][]string{}
	for _, p := range s.Cases {
		svc, op := p.Op.Service, p.Op.ID
		if byService[svc] == nil {
			byService[svc] = map[string][]*Planned{}
			services = append(services, svc)
		}
		if byService[svc][op] == nil {
			opsOf[svc] = append(opsOf[svc], op)
		}
		byService[svc][op] = append(byService[svc][op], p)
	}
	for _, svc := range services {
		ginkgo.Describe(svc, func() {
			for _, op := range opsOf[svc] {
				cases := byService[svc][op]
				var labels []string
				for _, p := range cases {
					labels = appendNew(labels, p.Labels...)
				}
				ginkgo.It(fmt.Sprintf("%s (%d cases)", op, len(cases)), ginkgo.Label(labels...), func() { s.run(cases) })
			}
		})
	}
}

// run is the body of every spec: get each case's exchange, evaluate every check, then fail
// with one message per broken case, each listing its broken contract points and the curl
// that reproduces it. A spec whose every case is skipped is skipped.
func (s Suite) run(cases []*Planned) {
	var failed []string
	var skips []string // the distinct reasons
	skipped := 0
	for _, p := range cases {
		v := s.Judge(p)
		if v.Skipped {
			skipped++
			skips = appendNew(skips, v.Reason)
			continue
		}
		// No report entry carries the curl of a passing case: Ginkgo keeps every spec's
		// report until the suite ends, and the runner's reports have it.
		failures, warnings := v.Result.Split(s.Gate)
		if len(warnings) > 0 {
			ginkgo.AddReportEntry("warnings", Message(p, v.Exchange, warnings))
		}
		if len(failures) > 0 {
			failed = append(failed, Message(p, v.Exchange, failures))
		}
	}
	switch {
	case len(failed) > 0:
		ginkgo.Fail(fmt.Sprintf("%d of %d cases failed:\n%s", len(failed), len(cases), strings.Join(failed, "")))
	case skipped == len(cases):
		ginkgo.Skip(strings.Join(skips, "; "))
	}
}

// Message is the failure text of a case: every failure given, then the reproducing curl.
func Message(p *Planned, x *Exchange, failures []Failure) string {
	var b strings.Builder
	where := p.Case.File // a derived case has no line
	if p.Case.Line > 0 {
		where = fmt.Sprintf("%s:%d", p.Case.File, p.Case.Line)
	}
	fmt.Fprintf(&b, "%s %q (%s)\n", p.Op.Key(), p.Case.Name, where)
	for _, f := range failures {
		fmt.Fprintf(&b, "  - %s\n", f.Message)
	}
	if x != nil && x.Curl != "" {
		fmt.Fprintf(&b, "  reproduce: %s\n", x.Curl)
	}
	return b.String()
}
