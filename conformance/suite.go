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
	labels := []string{op.Provider, op.Service, op.ID, string(c.Kind)}
	for _, l := range c.Labels {
		if !contains(labels, l) {
			labels = append(labels, l)
		}
	}
	return labels
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

// Light is the verdict as Suite reads it: its skip, its retries, the failures of its checks and
// the curl of its exchange, without the exchange itself. A runner that reports each case as it
// is judged keeps only this for the suite, so that the memory of the verdicts waiting for the
// suite stays small however far the sending runs ahead of it.
func (v Verdict) Light() Verdict {
	l := Verdict{Planned: v.Planned, Skipped: v.Skipped, Reason: v.Reason, Throttled: v.Throttled, Retries: v.Retries}
	if x := v.Exchange; x != nil {
		l.Exchange = &Exchange{Case: x.Case, Op: x.Op, Curl: x.Curl}
	}
	for _, c := range v.Result.Checks {
		if len(c.Failures) > 0 {
			l.Result.Checks = append(l.Result.Checks, c)
		}
	}
	return l
}

// Suite is the Ginkgo suite over a plan of cases. Judge returns a case's verdict, waiting
// for its exchange to be sent and judged; Report, if set, receives every verdict as its spec
// ends. Gate is the run's profile: a failure outside it is a warning, which does not fail the
// spec.
type Suite struct {
	Cases  []*Planned
	Gate   fixtures.Profile
	Judge  func(p *Planned) Verdict
	Report func(Verdict)
}

// Define builds the Ginkgo tree: a container per service, a table per operation, an entry per
// case, labelled so that --label-filter selects them. Call it before RunSpecs.
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
				var entries []ginkgo.TableEntry
				for _, p := range byService[svc][op] {
					entries = append(entries, ginkgo.Entry(p.Case.Name, ginkgo.Label(p.Labels...), p))
				}
				ginkgo.DescribeTable(op, s.run, entries)
			}
		})
	}
}

// run is the body of every entry: get the exchange, evaluate every check, fail with one message
// that lists each broken contract point and the curl that reproduces it.
func (s Suite) run(p *Planned) {
	v := s.Judge(p)
	s.report(v)
	if v.Skipped {
		ginkgo.Skip(v.Reason)
	}
	// No report entry carries the curl of a passing case: Ginkgo keeps every spec's report
	// until the suite ends, and the runner's reports have it.
	failures, warnings := v.Result.Split(s.Gate)
	if len(warnings) > 0 {
		ginkgo.AddReportEntry("warnings", Message(p, v.Exchange, warnings))
	}
	if len(failures) > 0 {
		ginkgo.Fail(Message(p, v.Exchange, failures))
	}
}

func (s Suite) report(v Verdict) {
	if s.Report != nil {
		s.Report(v)
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

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
