package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/fixtures/derive"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/specs"
	"github.com/conformance-suite/conformance/suggest"
)

// UsageError is a configuration the run cannot start with: a bad flag value, unreadable
// fixtures, an invalid spec. The command exits 2 on it, 1 on a failed case.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// Plan is everything a run needs before it sends anything: the loaded specs, the selected
// cases with their skip reasons, and the session that will send them.
type Plan struct {
	Cases   []*conformance.Planned
	Target  string
	Targets map[string]string
	session *session
	// snapshots are the states recorded before mutating a remote target.
	snapshots []snapshot
	// order is every selected case id of the whole plan, before sharding: a merged report
	// keeps the order of one run.
	order []string
	shard *reports.Shard
	// finished, when set, hears each case's report as soon as it is judged, in the order
	// cases finish (the console's live lines, see console.go).
	finished func(reports.Case)
}

// Verdict waits for a case's verdict: its exchange sent and judged by the background sender.
func (p *Plan) Verdict(c *conformance.Planned) conformance.Verdict { return p.session.Verdict(c) }

// Start records what the run will change on a remote target, then sends every runnable case,
// cfg.Parallel at a time, in the background, until ctx is done.
func (p *Plan) Start(ctx context.Context) {
	p.record()
	p.session.Start(ctx, p.Cases, p.positions(), p.finished)
}

// NewPlan loads specs and fixtures, resolves targets and credentials, and selects the cases.
// It starts nothing: a run against the built-in reference target gets its URL as Target
// (cmd/conformance starts it, see mock.StartBuiltin).
func NewPlan(cfg Config) (*Plan, error) {
	set, err := cfg.loadSpecs()
	if err != nil {
		return nil, err
	}
	fsys := fixtures.Embedded()
	if cfg.FixturesDir != "" {
		if _, err := os.Stat(cfg.FixturesDir); err != nil {
			return nil, UsageError{fmt.Errorf("--fixtures: %w", err)}
		}
		fsys = os.DirFS(cfg.FixturesDir)
	}
	cases, err := fixtures.Load(fsys, func(id string) bool { _, ok := set.Operation(id); return ok })
	if err != nil {
		return nil, UsageError{err}
	}
	// Cases derived from the specs (labels derived, generated, auth) follow the fixtures'.
	cases = append(cases, derive.All(set, cases, cfg.Seed)...)
	filter := func([]string) bool { return true }
	if cfg.LabelFilter != "" {
		if filter, err = types.ParseLabelFilter(cfg.LabelFilter); err != nil {
			return nil, UsageError{fmt.Errorf("--label-filter: %w", plainGinkgoError(err))}
		}
	}
	plan := &Plan{Target: cfg.Description, Targets: cfg.targets(), shard: cfg.Shard}
	switch {
	case plan.Target != "":
	case cfg.Target != "":
		plan.Target = cfg.Target
	case len(cfg.Targets) > 0:
		plan.Target = "per-service targets"
	default:
		plan.Target = "regional endpoints"
	}
	creds := cfg.Credentials
	s, err := newSession(cfg, creds, set, plan.Targets)
	if err != nil {
		return nil, UsageError{err}
	}
	plan.session = s
	plan.Targets = map[string]string{}
	for svc, u := range s.base {
		plan.Targets[svc] = s.redact.URL(u.String())
	}
	only, err := selected(cases, cfg.Cases)
	if err != nil {
		return nil, UsageError{err}
	}
	// The cases of an operation carry a few distinct label sets: they share them, clipped, so
	// that an append to one copies it.
	labelSets := map[string][]string{}
	for i := range cases {
		c := &cases[i]
		op, _ := set.Operation(c.Operation)
		labels := conformance.Labels(c, op)
		key := strings.Join(labels, "\x00")
		if shared, ok := labelSets[key]; ok {
			labels = shared
		} else {
			labels = slices.Clip(labels)
			labelSets[key] = labels
		}
		if !filter(labels) || only != nil && !only(c) {
			continue
		}
		plan.order = append(plan.order, c.ID)
		shardKey := c.ID
		if c.Sequence != "" {
			shardKey = "sequence/" + c.Sequence // a sequence runs whole, in one shard
		}
		if cfg.Shard != nil && !cfg.Shard.Has(shardKey) {
			continue
		}
		plan.Cases = append(plan.Cases, &conformance.Planned{Case: c, Op: op, Labels: labels, Options: cfg.options(c), Skip: s.skipReason(c, op)})
	}
	plan.keepSequencesWhole(cases)
	if len(plan.order) == 0 {
		return nil, UsageError{errors.New("no case matches --label-filter " + cfg.LabelFilter)}
	}
	return plan, nil
}

// selected is the selection of Config.Cases: the cases named and the whole sequences of the
// steps named (a step judges the state its earlier steps leave); nil selects every case. A
// name that is no case's id is an error naming the closest one.
func selected(cases []fixtures.Case, ids []string) (func(*fixtures.Case) bool, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	byID := map[string]*fixtures.Case{}
	all := make([]string, len(cases))
	for i := range cases {
		byID[cases[i].ID], all[i] = &cases[i], cases[i].ID
	}
	want, sequences := map[string]bool{}, map[string]bool{}
	for _, id := range ids {
		c, ok := byID[id]
		if !ok {
			msg := fmt.Sprintf("no case has the id %q", id)
			if near := suggest.Closest(id, all); near != "" {
				msg += " (did you mean " + near + "?)"
			}
			return nil, errors.New(msg + "; the ids are in report.json, or listed by conformance run --output json")
		}
		want[id] = true
		if c.Sequence != "" {
			sequences[c.Sequence] = true
		}
	}
	return func(c *fixtures.Case) bool { return want[c.ID] || c.Sequence != "" && sequences[c.Sequence] }, nil
}

// LoadSpecs loads the embedded specs and, when dir is set (--specs), the user's files over them:
// a file of the same name replaces a built-in one, any other adds to them. Every document is
// validated as strictly as the built-in ones, and must be of a provider the runner knows how to
// sign for: a spec of another provider is an error here, never a nil call at plan time.
func LoadSpecs(dir string) (*specs.Set, error) {
	layers := []fs.FS{specs.Embedded()}
	if dir != "" {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			if err == nil {
				err = fmt.Errorf("%s is not a directory", dir)
			}
			return nil, fmt.Errorf("--specs: %w", err)
		}
		layers = append(layers, os.DirFS(dir))
	}
	set, err := specs.LoadFS(layers...)
	if err != nil {
		return nil, err
	}
	if err := providers.Check(set); err != nil {
		return nil, err
	}
	return set, nil
}

// skipReason says why a case cannot run with the configured credentials and ids.
func (s *session) skipReason(c *fixtures.Case, op *specs.Operation) string {
	base, ok := s.base[op.Service]
	if !ok {
		return "no target for " + op.Service + ": give --target, --target-" + op.Service + " or a --region"
	}
	if op.Mutates && !loopback(base) && !s.cfg.AllowMutations {
		// Any request to a mutating operation may change state, a refused one included: a
		// lenient service applies a body whose signature is stale or whose type is wrong.
		return HeldBack + ": " + op.ID + " changes state and " + base.Hostname() + " is not on loopback (pass --allow-mutations to run it)"
	}
	provider := providers.Of(op)
	if op.Secured {
		if why := unavailable(provider, c.Request.Credentials, s.creds); why != "" {
			return why
		}
	}
	filled := fills(provider)
	need := map[string]bool{}
	for _, name := range op.PathParameters() {
		if _, given := c.Request.Path[name]; !given {
			need[filled[name]] = true
		}
	}
	for _, str := range caseStrings(c) {
		for _, p := range providers.Placeholders() {
			if strings.Contains(str, "{"+p.Name+"}") {
				need[p.Name] = true
			}
		}
	}
	for _, p := range providers.Placeholders() {
		if need[p.Name] && s.vars()[p.Name] == "" {
			return "no value for {" + p.Name + "}: set " + p.From.Env
		}
	}
	return ""
}

// HeldBack starts the skip reason of a case that was not sent because it could change the state
// of a remote target.
const HeldBack = "held back"

func caseStrings(c *fixtures.Case) []string {
	out := []string{string(c.Request.Body)}
	if c.Request.RawBody != nil {
		out = append(out, *c.Request.RawBody)
	}
	for _, m := range []map[string]string{c.Request.Path, c.Request.Query, c.Request.Headers} {
		for _, v := range m {
			out = append(out, v)
		}
	}
	return out
}

// Run runs the whole suite once: plan, send, judge with Ginkgo, report. It returns the exit
// status: 0 when the run passed its gate (no failure at the run's profile, or no regression
// against the baseline), 1 when it did not, 2 on a UsageError or when no case could run, and
// 130 or 143 when ctx ended (SIGINT, SIGTERM; see ExitCode). Every setting is checked before
// the first request. Ginkgo allows one suite run per process, so Run may be called once.
func Run(ctx context.Context, cfg Config) (int, error) {
	started := time.Now()
	var baseline *reports.Report
	if cfg.Baseline != "" {
		b, err := reports.ReadJSON(cfg.Baseline)
		if err != nil {
			return 2, UsageError{fmt.Errorf("--baseline: %w", err)}
		}
		baseline = b
	}
	if err := cfg.prepareDirs(); err != nil {
		return 2, err
	}
	plan, err := NewPlan(cfg)
	if err != nil {
		if errors.As(err, new(UsageError)) {
			return 2, err
		}
		return 1, err
	}
	if len(plan.Cases) == 0 {
		return 2, UsageError{fmt.Errorf("no case to run: shard %s holds none of the %d selected cases", cfg.Shard, len(plan.order))}
	}
	if !plan.runnable() {
		report := plan.report(started)
		_ = reports.WriteAll(cfg.ReportDir, report)
		return 2, UsageError{fmt.Errorf("no case can run, all %d are skipped: %s", len(plan.Cases), skipReasons(report))}
	}
	con := plan.showOn(cfg.Console)
	defer plan.session.evidence.Close() // once every report is written and the summary shown
	defer plan.limitMemory()()
	report, err := plan.execute(ctx, started)
	if err != nil {
		return 2, err
	}
	restored := report.Restored
	for _, r := range restored {
		if r.Error != "" {
			con.Note(fmt.Sprintf("NOT RESTORED %s: %s: %s", r.Operation, r.What, r.Error))
		} else {
			con.Note(fmt.Sprintf("restored %s: %s", r.Operation, r.What))
		}
	}
	if baseline != nil {
		cmp := reports.Compare(baseline, report)
		report.Baseline(cfg.Baseline, cmp)
		var b strings.Builder
		_ = cmp.Write(&b)
		con.Note(fmt.Sprintf("\ncompared with the baseline %s:\n%s", cfg.Baseline, b.String()))
	}
	if err := reports.WriteAll(cfg.ReportDir, report); err != nil {
		return 2, UsageError{fmt.Errorf("--report-dir: %w", err)}
	}
	if note, err := plan.session.record.flush(); err != nil {
		return 2, UsageError{fmt.Errorf("--record: %w", err)}
	} else if note != "" {
		con.Note(note)
	}
	con.Summary(report, cfg.ReportDir)
	switch {
	case report.Interrupted:
		return ExitInterrupted, nil
	case report.Summary.Throttled > 0 && report.Summary.Failed == 0 && report.BaselineResult == nil:
		return 1, fmt.Errorf("%d cases were still throttled after their retries (HTTP 429 or the provider's throttling code): the run reached no verdict on them; lower --rate-limit or --parallel", report.Summary.Throttled)
	case report.Summary.Passed+report.Summary.Failed == 0:
		return 2, UsageError{errors.New("no case ran: " + skipReasons(report))}
	case !report.Passed():
		return 1, nil
	case report.Coverage.Short() && cfg.Shard == nil: // a shard holds part of the cases: gate the merged shards
		return 1, report.Coverage.ShortfallError()
	}
	return 0, nil
}

// ExitInterrupted is Run's status when its context ended; the command maps it to 130 (SIGINT)
// or 143 (SIGTERM), as shells report a process killed by the signal.
const ExitInterrupted = 130

// limitMemory sets the process's soft memory limit for a run of the plan (memoryLimit) when
// the configuration asks for it (LimitMemory), and returns what restores the previous one.
func (p *Plan) limitMemory() (restore func()) {
	if !p.session.cfg.LimitMemory {
		return func() {}
	}
	previous := debug.SetMemoryLimit(memoryLimit(len(p.Cases)))
	return func() { debug.SetMemoryLimit(previous) }
}

// execute sends every runnable case and has the Ginkgo suite judge it, restores what the run
// changed on a remote target, and returns the report of the verdicts: everything of a run
// but the comparison with a baseline and the writing. Once ctx is done nothing more is sent
// and the report is marked interrupted.
func (p *Plan) execute(ctx context.Context, started time.Time) (*reports.Report, error) {
	// Ginkgo watches SIGINT and SIGTERM too and may end the suite before the caller's
	// handler has cancelled ctx: either one stops the sending.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	// The report is made of each case's as it is judged: the suite is the verdicts' one
	// reader.
	p.session.suiteReads = true
	p.Start(ctx)
	suite := conformance.Suite{Cases: p.Cases, Gate: p.session.cfg.Profile, Judge: p.Verdict}
	interrupted, err := runGinkgo(ctx, suite, p.session.cfg.ReportDir, p.session.redact)
	if interrupted {
		stop()
	}
	p.session.wait()
	if err != nil {
		return nil, err
	}
	restored := p.Finish()
	report := p.report(started)
	report.Restored = restored
	report.Interrupted = ctx.Err() != nil
	return report, nil
}

// positions numbers the selected cases from 1 in the order of the whole plan (Case.Order).
func (p *Plan) positions() map[string]int {
	order := make(map[string]int, len(p.order))
	for i, id := range p.order {
		order[id] = i + 1
	}
	return order
}

// runnable reports whether any planned case can run: a run that tests nothing is a
// configuration error, never a pass.
func (p *Plan) runnable() bool {
	return slices.ContainsFunc(p.Cases, func(c *conformance.Planned) bool { return c.Skip == "" })
}

// skipReasons counts a report's skipped cases by reason, for the message of a run in which
// nothing ran.
func skipReasons(r *reports.Report) string {
	reasons, counts := r.SkipReasons()
	parts := make([]string, len(reasons))
	for i, why := range reasons {
		parts[i] = fmt.Sprintf("%d skipped: %s", counts[why], why)
	}
	return strings.Join(parts, "; ")
}

// runGinkgo runs the suite in this process. Ginkgo's own console output goes to
// ginkgo-output.txt in the report directory, redacted like every other output (a target can
// echo a credential into a failure message); the live lines and the summary are the runner's.
func runGinkgo(ctx context.Context, suite conformance.Suite, dir string, red *redactor) (interrupted bool, err error) {
	suite.Define()
	ginkgo.ReportAfterSuite("interruption", func(r ginkgo.Report) {
		for _, why := range r.SpecialSuiteFailureReasons { // "Interrupted by User", "Suite Timeout Elapsed"
			interrupted = interrupted || strings.Contains(why, "Interrupted") || strings.Contains(why, "Timeout")
		}
	})
	suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
	suiteConfig.LabelFilter = "" // the plan already holds only the selected cases
	suiteConfig.RandomizeAllSpecs = false
	suiteConfig.Timeout = suiteTimeout // Ginkgo's default hour would end a long run
	if deadline, ok := ctx.Deadline(); ok {
		suiteConfig.Timeout = time.Until(deadline)
	}
	reporterConfig.NoColor = true
	reporterConfig.Succinct = true
	// The log goes to its file as Ginkgo writes it, redacted line by line: a run of many
	// failures never holds it in memory.
	err = reports.WriteStream(dir, "ginkgo-output.txt", func(w io.Writer) error {
		log := red.Writer(w)
		formatter.ColorableStdOut = log
		ginkgo.RunSpecs(failer{}, "conformance", suiteConfig, reporterConfig)
		return log.Close()
	})
	if err != nil {
		return interrupted, UsageError{fmt.Errorf("--report-dir: %w", err)}
	}
	return interrupted, nil
}

// suiteTimeout is Ginkgo's suite timeout when ctx sets none: the run's length is bounded by
// its cases and --timeout, not by Ginkgo.
const suiteTimeout = 1000 * time.Hour

// failer is the testing.T stand-in RunSpecs wants outside `go test`; the runner reads the
// verdicts itself, so a failed suite needs no further signal here.
type failer struct{}

func (failer) Fail() {}

// report builds the result model from the cases' reports, in plan order.
func (p *Plan) report(started time.Time) *reports.Report {
	r := p.session.newReport(p.Target, p.Targets, started)
	r.Shard = p.shard
	r.Cases = p.session.caseReports(p.Cases, p.positions())
	ops := make([]*specs.Operation, len(p.Cases))
	for i, pc := range p.Cases {
		ops[i] = pc.Op
	}
	p.session.closeReport(r, ops)
	return r
}

// caseReport is the report of one case: its verdict at the run's profile, its redacted
// evidence and, when it failed, warned or was throttled, the command that replays it.
func (s *session) caseReport(pc *conformance.Planned, v conformance.Verdict, ran bool) reports.Case {
	c := s.caseVerdict(pc, v, ran)
	if c.State == reports.Failed || c.State == reports.Throttled || len(c.Warnings) > 0 {
		c.Replay = s.cfg.replayCommand(c.ID, s.redact)
	}
	return c
}

// caseVerdict is the report of one case at the run's profile, without its replay command.
func (s *session) caseVerdict(pc *conformance.Planned, v conformance.Verdict, ran bool) reports.Case {
	gate, red := s.cfg.Profile, s.redact
	c := reports.Case{
		ID:        pc.Case.ID,
		Provider:  pc.Op.Provider,
		Service:   pc.Op.Service,
		Operation: pc.Op.ID,
		Name:      pc.Case.Name,
		Labels:    pc.Labels,
		Profile:   string(pc.Profile()),
		Failures:  []reports.Failure{},
	}
	switch {
	case pc.Skip != "":
		c.State, c.Reason = reports.Skipped, pc.Skip
		return c
	case !ran:
		c.State, c.Reason = reports.Skipped, NotRunInterrupted
		return c
	case v.Throttled: // its last answer is the evidence, but no verdict
		c.State, c.Reason, c.Retries = reports.Throttled, v.Reason, v.Retries
		c.Curl, c.Exchange = v.Exchange.Curl, transcript(v.Exchange, red)
		return c
	case v.Skipped:
		c.State, c.Reason = reports.Skipped, v.Reason
		return c
	}
	c.Retries = v.Retries
	x := v.Exchange
	c.DurationMS = x.Duration.Milliseconds()
	c.Curl = x.Curl
	c.Checks = s.checkStates(v.Result.Checks)
	failures, warnings := v.Result.Split(gate)
	c.Failures = reportFailures(failures, red)
	if len(warnings) > 0 {
		c.Warnings = reportFailures(warnings, red)
	}
	c.State = reports.Passed
	if len(c.Failures) > 0 {
		c.State = reports.Failed
	}
	c.Exchange = transcript(x, red)
	return c
}

// checkStates is the Checks map of a report case: each check's state. The cases of a run
// end in a handful of ways, so the cases that ended alike share one map, which nobody writes
// once it is made: a map per case was a tenth of the memory a run of 37,000 cases keeps.
func (s *session) checkStates(checks []conformance.CheckResult) map[string]string {
	var key strings.Builder
	for _, cr := range checks {
		key.WriteString(string(cr.Check))
		key.WriteByte('=')
		key.WriteString(string(cr.State))
		key.WriteByte(' ')
	}
	if m, ok := s.checkSets.Load(key.String()); ok {
		return m.(map[string]string)
	}
	m := make(map[string]string, len(checks))
	for _, cr := range checks {
		m[string(cr.Check)] = string(cr.State)
	}
	actual, _ := s.checkSets.LoadOrStore(key.String(), m)
	return actual.(map[string]string)
}

func reportFailures(fs []conformance.Failure, red *redactor) []reports.Failure {
	out := make([]reports.Failure, len(fs))
	for i, f := range fs {
		out[i] = reports.Failure{
			Check: string(f.Check), Message: red.text(f.Message), Pointer: red.text(f.Pointer),
			Expected: red.text(f.Expected), Actual: red.text(f.Actual), Profile: string(f.Profile),
		}
	}
	return out
}

// transcript is the redacted evidence of an exchange: each body cut to evidenceLimit (Trim
// did so for the answers already), the cut marked with the real size.
func transcript(x *conformance.Exchange, red *redactor) *reports.Exchange {
	req := x.Request.Body[:min(len(x.Request.Body), evidenceLimit)]
	t := &reports.Exchange{Request: reports.Message{
		Method:    x.Request.Method,
		URL:       red.URL(x.Request.URL),
		Headers:   red.Header(x.Request.Header),
		Body:      red.body(req, len(x.Request.Body)),
		BodyBytes: len(x.Request.Body),
	}}
	if x.Err != nil {
		t.Error = red.text(x.Err.Error())
	}
	if r := x.Response; r != nil {
		size := max(r.Size, len(r.Body))
		t.Response = &reports.Message{
			Status:    r.Status,
			Headers:   red.Header(r.Header),
			Body:      red.body(r.Body, size),
			BodyBytes: size,
		}
	}
	return t
}

// keepSequencesWhole skips the steps of a sequence that the label filter or the shard cut
// short: a step judges the state the earlier steps leave, so a partial sequence proves nothing.
func (p *Plan) keepSequencesWhole(all []fixtures.Case) {
	total, planned := map[string]int{}, map[string]int{}
	for _, c := range all {
		if c.Sequence != "" {
			total[c.Sequence]++
		}
	}
	for _, pc := range p.Cases {
		if pc.Case.Sequence != "" {
			planned[pc.Case.Sequence]++
		}
	}
	for _, pc := range p.Cases {
		seq := pc.Case.Sequence
		if seq != "" && planned[seq] < total[seq] && pc.Skip == "" {
			pc.Skip = fmt.Sprintf("sequence %q is cut short: %d of its %d steps are selected (--label-filter or --shard)", seq, planned[seq], total[seq])
		}
	}
}
