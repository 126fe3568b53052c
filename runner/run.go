package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/fixtures/derive"
	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/runner/credentials"
	"github.com/conformance-suite/conformance/specs"
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
	stop    func()
	// snapshots are the states recorded before mutating a remote target.
	snapshots []snapshot
	// order is every selected case id of the whole plan, before sharding: a merged report
	// keeps the order of one run.
	order []string
	shard *reports.Shard
}

// Close stops the built-in reference target, if the plan started one.
func (p *Plan) Close() {
	if p.stop != nil {
		p.stop()
	}
}

// Exchange returns a case's exchange, sending it if no prefetch did.
func (p *Plan) Exchange(c *conformance.Planned) *conformance.Exchange { return p.session.Exchange(c) }

// Start records what the run will change on a remote target, then sends every runnable case,
// cfg.Parallel at a time, in the background.
func (p *Plan) Start() {
	p.record()
	p.session.Prefetch(p.Cases)
}

// NewPlan loads specs and fixtures, resolves targets and credentials, and selects the cases.
// With no target configured it starts the built-in reference target on loopback.
func NewPlan(cfg Config) (*Plan, error) {
	if err := cfg.Validate(); err != nil {
		return nil, UsageError{err}
	}
	set, err := specs.Load()
	if err != nil {
		return nil, UsageError{err}
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
			return nil, UsageError{fmt.Errorf("--label-filter: %w", err)}
		}
	}
	plan := &Plan{Target: cfg.Target, Targets: cfg.targets(), shard: cfg.Shard}
	creds := cfg.Credentials
	if cfg.Embedded() {
		// The reference target accepts the environment's credentials, or the documented
		// defaults. The runner signs Huawei requests (AK/SK) unless a token is configured, so
		// that the default run exercises the signer and the verifier.
		srv, err := mock.Start("127.0.0.1:0", mock.Options{Credentials: creds.WithDefaults(credentials.Defaults()), Specs: set})
		if err != nil {
			return nil, fmt.Errorf("starting the built-in reference target: %w", err)
		}
		noToken := credentials.Defaults()
		noToken.HuaweiToken = ""
		creds = creds.WithDefaults(noToken)
		plan.Target = "built-in reference target at " + srv.URL()
		plan.Targets = map[string]string{"": srv.URL()}
		plan.stop = func() { _ = srv.Close() }
	} else if cfg.Target != "" {
		plan.Target = cfg.Target
	} else {
		plan.Target = "per-service targets"
	}
	s, err := newSession(cfg, creds, set, plan.Targets)
	if err != nil {
		plan.Close()
		return nil, UsageError{err}
	}
	plan.session = s
	plan.Targets = map[string]string{}
	for svc, u := range s.base {
		plan.Targets[svc] = s.redact.URL(u.String())
	}
	for i := range cases {
		c := &cases[i]
		op, _ := set.Operation(c.Operation)
		labels := conformance.Labels(c, op)
		if !filter(labels) {
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
		plan.Cases = append(plan.Cases, &conformance.Planned{Case: c, Op: op, Labels: labels, Skip: s.skipReason(c, op)})
	}
	plan.keepSequencesWhole(cases)
	if len(plan.order) == 0 {
		plan.Close()
		return nil, UsageError{errors.New("no case matches --label-filter " + cfg.LabelFilter)}
	}
	return plan, nil
}

// skipReason says why a case cannot run with the configured credentials and ids.
func (s *session) skipReason(c *fixtures.Case, op *specs.Operation) string {
	base, ok := s.base[op.Service]
	if !ok {
		return "no target for " + op.Service + ": give --target, --target-" + op.Service + " or a --region"
	}
	if op.Mutates && c.Kind == fixtures.Positive && !loopback(base) && !s.cfg.AllowMutations {
		return op.ID + " changes state and " + base.Host + " is not on loopback: pass --allow-mutations to run it"
	}
	if mode := c.Request.Credentials; op.Secured && mode != fixtures.NoCredentials && mode != fixtures.WrongCredentials {
		if why := clients[op.Provider].missing(s.creds); why != "" {
			return why
		}
		if mode.Signed() && op.Provider == "huaweicloud" && (s.creds.HuaweiAccessKey == "" || s.creds.HuaweiSecretKey == "") {
			return "a " + string(mode) + " signature needs an access key: set " + credentials.EnvHuaweiAccessKey + " and " + credentials.EnvHuaweiSecretKey
		}
	}
	vars := s.vars()
	need := map[string]bool{}
	for _, name := range pathParams(op.Path) {
		if _, given := c.Request.Path[name]; !given {
			need[pathDefaults[name]] = true
		}
	}
	for _, str := range caseStrings(c) {
		for _, name := range fixtures.Placeholders {
			if strings.Contains(str, "{"+name+"}") {
				need[name] = true
			}
		}
	}
	for _, name := range fixtures.Placeholders {
		if need[name] && vars[name] == "" {
			return "no value for {" + name + "}: set " + placeholderEnv[name]
		}
	}
	return ""
}

var placeholderEnv = map[string]string{
	"project_id":          credentials.EnvHuaweiProjectID,
	"tid":                 credentials.EnvAlibabaTid,
	"zstack_project_uuid": credentials.EnvZStackProjectUUID,
}

func pathParams(template string) []string {
	var out []string
	for _, part := range strings.Split(template, "/") {
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			out = append(out, part[1:len(part)-1])
		}
	}
	return out
}

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
// status: 0 when every case passed or was skipped, 1 when any failed, 2 on a UsageError.
// Ginkgo allows one suite run per process, so Run may be called once.
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
	plan, err := NewPlan(cfg)
	if err != nil {
		if errors.As(err, new(UsageError)) {
			return 2, err
		}
		return 1, err
	}
	defer plan.Close()
	if err := os.MkdirAll(cfg.ReportDir, 0o755); err != nil {
		return 2, UsageError{fmt.Errorf("--report-dir: %w", err)}
	}
	fmt.Fprintf(cfg.Out, "conformance run against %s: %d cases (seed %d)\n", plan.Target, len(plan.Cases), cfg.Seed)
	plan.Start()

	var mu sync.Mutex
	verdicts := map[string]conformance.Verdict{}
	suite := conformance.Suite{
		Cases:    plan.Cases,
		Exchange: plan.Exchange,
		Report: func(v conformance.Verdict) {
			mu.Lock()
			defer mu.Unlock()
			verdicts[v.Planned.Case.ID] = v
			printLive(cfg.Out, v, plan.session.redact)
		},
	}
	if err := runGinkgo(ctx, suite, filepath.Join(cfg.ReportDir, "ginkgo-output.txt")); err != nil {
		return 2, err
	}
	restored := plan.Finish()
	report := plan.report(verdicts, started)
	report.Restored = restored
	for _, r := range restored {
		if r.Error != "" {
			fmt.Fprintf(cfg.Out, "NOT RESTORED %s: %s: %s\n", r.Operation, r.What, r.Error)
		} else {
			fmt.Fprintf(cfg.Out, "restored %s: %s\n", r.Operation, r.What)
		}
	}
	if err := reports.WriteAll(cfg.ReportDir, report); err != nil {
		return 2, UsageError{fmt.Errorf("--report-dir: %w", err)}
	}
	if baseline != nil {
		cmp := reports.Compare(baseline, report)
		fmt.Fprintf(cfg.Out, "\ncompared with the baseline %s:\n", cfg.Baseline)
		_ = cmp.Write(cfg.Out)
		printSummary(cfg.Out, report, cfg.ReportDir)
		if cmp.Regressed() {
			return 1, nil
		}
		return 0, nil
	}
	printSummary(cfg.Out, report, cfg.ReportDir)
	if report.Summary.Failed > 0 {
		return 1, nil
	}
	return 0, nil
}

// runGinkgo runs the suite in this process. Ginkgo's own console output goes to a file in the
// report directory; the live lines and the summary are the runner's.
func runGinkgo(ctx context.Context, suite conformance.Suite, logPath string) error {
	logFile, err := os.Create(logPath)
	if err != nil {
		return UsageError{fmt.Errorf("--report-dir: %w", err)}
	}
	defer logFile.Close()
	formatter.ColorableStdOut = logFile
	suite.Define()
	suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
	suiteConfig.LabelFilter = "" // the plan already holds only the selected cases
	suiteConfig.RandomizeAllSpecs = false
	if deadline, ok := ctx.Deadline(); ok {
		suiteConfig.Timeout = time.Until(deadline)
	}
	reporterConfig.NoColor = true
	reporterConfig.Succinct = true
	ginkgo.RunSpecs(failer{}, "conformance", suiteConfig, reporterConfig)
	return nil
}

// failer is the testing.T stand-in RunSpecs wants outside `go test`; the runner reads the
// verdicts itself, so a failed suite needs no further signal here.
type failer struct{}

func (failer) Fail() {}

// report builds the result model from the verdicts, in plan order.
func (p *Plan) report(verdicts map[string]conformance.Verdict, started time.Time) *reports.Report {
	r := &reports.Report{
		Version:    reports.Version,
		Target:     p.session.redact.text(p.Target),
		Targets:    p.Targets,
		Started:    started.UTC(),
		DurationMS: time.Since(started).Milliseconds(),
		Cases:      []reports.Case{},
		Shard:      p.shard,
		Seed:       p.session.cfg.Seed,
	}
	for _, c := range conformance.Checks {
		r.Checks = append(r.Checks, c.Name)
	}
	order := map[string]int{}
	for i, id := range p.order {
		order[id] = i + 1
	}
	for _, d := range p.session.specs.Discrepancies() {
		r.Discrepancies = append(r.Discrepancies, reports.Discrepancy{
			File: d.File, Line: d.Line, Pointer: d.Pointer, Doc: d.Doc, Actual: d.Actual, Source: d.Source,
		})
	}
	for _, pc := range p.Cases {
		v, ran := verdicts[pc.Case.ID]
		c := caseReport(pc, v, ran, p.session.redact)
		c.Order = order[c.ID]
		r.Cases = append(r.Cases, c)
	}
	r.Tally()
	return r
}

func caseReport(pc *conformance.Planned, v conformance.Verdict, ran bool, red *redactor) reports.Case {
	c := reports.Case{
		ID:        pc.Case.ID,
		Provider:  pc.Op.Provider,
		Service:   pc.Op.Service,
		Operation: pc.Op.ID,
		Name:      pc.Case.Name,
		Labels:    pc.Labels,
		Failures:  []reports.Failure{},
	}
	switch {
	case pc.Skip != "":
		c.State, c.Reason = reports.Skipped, pc.Skip
		return c
	case !ran:
		c.State, c.Reason = reports.Skipped, "not run (the suite was interrupted)"
		return c
	}
	x := v.Exchange
	c.DurationMS = x.Duration.Milliseconds()
	c.Curl = x.Curl
	c.Checks = map[string]string{}
	for _, cr := range v.Result.Checks {
		c.Checks[cr.Check] = string(cr.State)
		for _, f := range cr.Failures {
			c.Failures = append(c.Failures, reports.Failure{
				Check: f.Check, Message: red.text(f.Message), Pointer: f.Pointer,
				Expected: red.text(f.Expected), Actual: red.text(f.Actual),
			})
		}
	}
	c.State = reports.Passed
	if len(c.Failures) > 0 {
		c.State = reports.Failed
	}
	c.Exchange = transcript(x, red)
	return c
}

// transcriptLimit bounds each body kept as evidence.
const transcriptLimit = 4 << 10

func transcript(x *conformance.Exchange, red *redactor) *reports.Exchange {
	t := &reports.Exchange{Request: reports.Message{
		Method:    x.Request.Method,
		URL:       red.URL(x.Request.URL),
		Headers:   red.Header(x.Request.Header),
		Body:      red.text(truncate(x.Request.Body)),
		BodyBytes: len(x.Request.Body),
	}}
	if x.Err != nil {
		t.Error = red.text(x.Err.Error())
	}
	if r := x.Response; r != nil {
		t.Response = &reports.Message{
			Status:    r.Status,
			Headers:   red.Header(r.Header),
			Body:      red.text(truncate(r.Body)),
			BodyBytes: len(r.Body),
		}
	}
	return t
}

func truncate(b []byte) string {
	if len(b) > transcriptLimit {
		return strings.ToValidUTF8(string(b[:transcriptLimit]), "") + "…"
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// printLive prints one line per case as its spec ends, and the failures under it.
func printLive(out interface{ Write([]byte) (int, error) }, v conformance.Verdict, red *redactor) {
	p := v.Planned
	switch {
	case v.Skipped:
		fmt.Fprintf(out, "SKIP  %-28s %-26s %s: %s\n", p.Op.Service, p.Op.ID, p.Case.Name, p.Skip)
	case v.Result.Failed():
		fmt.Fprintf(out, "FAIL  %-28s %-26s %s (%dms)\n", p.Op.Service, p.Op.ID, p.Case.Name, v.Exchange.Duration.Milliseconds())
		for _, f := range v.Result.Failures() {
			fmt.Fprintf(out, "      - %s\n", red.text(f.Message))
		}
		fmt.Fprintf(out, "      reproduce: %s\n", v.Exchange.Curl)
	default:
		fmt.Fprintf(out, "PASS  %-28s %-26s %s (%dms)\n", p.Op.Service, p.Op.ID, p.Case.Name, v.Exchange.Duration.Milliseconds())
	}
}

// printSummary prints the closing table: one row per operation, then the totals.
func printSummary(out interface{ Write([]byte) (int, error) }, r *reports.Report, reportDir string) {
	type row struct{ passed, failed, skipped, derived int }
	rows := map[string]*row{}
	var keys []string
	for _, c := range r.Cases {
		k := c.Service + " " + c.Operation
		if rows[k] == nil {
			rows[k] = &row{}
			keys = append(keys, k)
		}
		if slices.Contains(c.Labels, derive.LabelDerived) || slices.Contains(c.Labels, derive.LabelGenerated) {
			rows[k].derived++
		}
		switch c.State {
		case reports.Passed:
			rows[k].passed++
		case reports.Failed:
			rows[k].failed++
		default:
			rows[k].skipped++
		}
	}
	sort.Strings(keys)
	reasons := map[string]int{}
	var order []string
	for _, c := range r.Cases {
		if c.State == reports.Skipped {
			if reasons[c.Reason] == 0 {
				order = append(order, c.Reason)
			}
			reasons[c.Reason]++
		}
	}
	if len(order) > 0 {
		fmt.Fprintln(out)
	}
	for _, why := range order {
		fmt.Fprintf(out, "skipped %d: %s\n", reasons[why], why)
	}
	fmt.Fprintf(out, "\n%-56s %6s %6s %7s %8s\n", "operation", "passed", "failed", "skipped", "derived")
	derived := 0
	for _, k := range keys {
		fmt.Fprintf(out, "%-56s %6d %6d %7d %8d\n", k, rows[k].passed, rows[k].failed, rows[k].skipped, rows[k].derived)
		derived += rows[k].derived
	}
	s := r.Summary
	verdict := "PASS"
	if s.Failed > 0 {
		verdict = "FAIL"
	}
	fmt.Fprintf(out, "%-56s %6d %6d %7d %8d\n\n", "total", s.Passed, s.Failed, s.Skipped, derived)
	if s.Passed+s.Failed == 0 {
		fmt.Fprintln(out, "nothing ran: every case was skipped")
	}
	fmt.Fprintf(out, "%d cases in %.2fs; reports in %s (report.json, junit.xml, summary.md, report.html)\n",
		len(r.Cases), float64(r.DurationMS)/1000, reportDir)
	// The verdict closes the output, alone on its line, in the form CI log readers look for.
	fmt.Fprintf(out, "%s: %d passed, %d failed, %d skipped\n", verdict, s.Passed, s.Failed, s.Skipped)
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
