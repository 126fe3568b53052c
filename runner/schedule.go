package runner

import (
	"context"
	"sort"
	"sync"

	"golang.org/x/sync/semaphore"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/specs"
)

// evidenceLimit is how much of each body a judged exchange keeps for the reports: a few KiB
// show what came back, and the memory of a run no longer grows with what a target sends.
const evidenceLimit = 4 << 10

// future is one case's verdict, complete once done is closed.
type future struct {
	done chan struct{}
	v    conformance.Verdict
	// c is the case's report, its slot in session.reports: redacted, its evidence kept on
	// disk (session.evidence).
	c *reports.Case
}

// publish makes the verdict the case's report, shows it to finished (the console's live line,
// which shows the curl) while it still holds its evidence, keeps the evidence on disk, and
// then hands the verdict to Verdict's waiters.
func (s *session) publish(f *future, order int, finished func(reports.Case)) {
	*f.c = s.caseReport(f.v.Planned, f.v, true)
	f.c.Order = order
	if finished != nil && !(f.v.Skipped && f.v.Reason == NotRunInterrupted) {
		finished(*f.c)
	}
	s.evidence.Keep(f.c)
	if s.suiteReads {
		f.v = f.v.Light()
	}
	close(f.done)
}

// serviceInFlight bounds the requests in flight to one service. A run against a real cloud is
// bound by latency, not by the endpoint's capacity: every service is its own endpoint behind
// its provider's gateway, and at 100-300 ms an answer, 16 in flight is 50-160 requests a
// second per service, which sends the default run in a few round trips per service and stays
// within the per-account quotas gateways grant by default; an account with a lower quota sets
// --rate-limit, and whatever is still throttled is retried (throttle.go). --parallel bounds
// the requests in flight across all services; a service never takes more than it.
const serviceInFlight = 16

// scheduler is one run's sending: the request slots shared by every service (--parallel) and
// each service's pace (--rate-limit).
type scheduler struct {
	*session
	slots *semaphore.Weighted
	pace  pacer
	// order and finished are Start's.
	order    map[string]int
	finished func(reports.Case)
}

// Start sends every runnable case in the background and judges each answer as it arrives.
// Each service has its own lane of at most serviceInFlight requests in flight, all lanes
// together at most cfg.Parallel, so a slow service does not hold back the others and the
// verdicts of a service arrive in plan order, each as soon as it is judged. The steps of each
// sequence go one at a time, in step order, once every other case of the sequence's service is
// judged, and one sequence of a service at a time: each step judges the state the previous one
// left, and only the cases of its own service could change that state (each service is its own
// product behind its own endpoint, so the sequences of different services run side by side).
// Ginkgo runs its specs serially and only waits for verdicts (Verdict): it never sends. Once
// ctx is done no case is sent any more: the rest are reported as not run, the requests in
// flight end within --timeout. finished, when not nil, hears each case's report as soon as it
// is judged, from the goroutine that judged it; order numbers the reports (Case.Order).
func (s *session) Start(ctx context.Context, cases []*conformance.Planned, order map[string]int, finished func(reports.Case)) {
	type lane struct {
		independent []*conformance.Planned   // in plan order
		sequences   [][]*conformance.Planned // in plan order, each sorted by step below
	}
	lanes := map[string]*lane{}
	var services []string
	sequence := map[string]int{} // sequence name → its index in its lane
	var ops []*specs.Operation   // the operations sent, for coverage.Recorder.Expect
	// One allocation each for the futures and the reports of a plan of any size.
	s.reports = make([]reports.Case, len(cases))
	futures := make([]future, len(cases))
	for i, p := range cases {
		if p.Skip != "" {
			continue
		}
		futures[i] = future{done: make(chan struct{}), c: &s.reports[i]}
		s.results[p.Case.ID] = &futures[i]
		if len(ops) == 0 || ops[len(ops)-1] != p.Op { // a plan lists an operation's cases together
			ops = append(ops, p.Op)
		}
		l := lanes[p.Op.Service]
		if l == nil {
			l = &lane{}
			lanes[p.Op.Service] = l
			services = append(services, p.Op.Service)
		}
		seq := p.Case.Sequence
		if seq == "" {
			l.independent = append(l.independent, p)
			continue
		}
		i, ok := sequence[seq]
		if !ok {
			i = len(l.sequences)
			sequence[seq] = i
			l.sequences = append(l.sequences, nil)
		}
		l.sequences[i] = append(l.sequences[i], p)
	}
	s.coverage.Expect(ops)
	s.openEvidence()
	sch := &scheduler{session: s, slots: semaphore.NewWeighted(int64(s.cfg.Parallel)), order: order, finished: finished}
	s.sent = make(chan struct{})
	go func() {
		defer close(s.sent)
		var all sync.WaitGroup
		for _, svc := range services {
			l := lanes[svc]
			all.Go(func() {
				work := make(chan *conformance.Planned)
				var senders sync.WaitGroup
				for range min(serviceInFlight, s.cfg.Parallel, len(l.independent)) {
					senders.Go(func() {
						for p := range work {
							sch.complete(ctx, p)
						}
					})
				}
				for _, p := range l.independent {
					work <- p
				}
				close(work)
				senders.Wait()
				for _, steps := range l.sequences {
					sort.SliceStable(steps, func(i, j int) bool { return steps[i].Case.Step < steps[j].Case.Step })
					for _, p := range steps {
						sch.complete(ctx, p)
					}
				}
			})
		}
		all.Wait()
	}()
}

// complete sends one case (again while it is throttled: sendThrottled), judges the answer with
// the case's options and keeps the verdict with bounded evidence. A case whose every attempt
// was throttled gets no verdict of its own: it is reported as throttled, with its last answer.
func (s *scheduler) complete(ctx context.Context, p *conformance.Planned) {
	f := s.results[p.Case.ID]
	f.v = s.judge(ctx, p)
	s.publish(f, s.order[p.Case.ID], s.finished)
}

func (s *scheduler) judge(ctx context.Context, p *conformance.Planned) conformance.Verdict {
	if ctx.Err() != nil {
		return conformance.Verdict{Planned: p, Skipped: true, Reason: NotRunInterrupted}
	}
	x, retries, throttled := s.sendThrottled(ctx, p)
	if ctx.Err() != nil { // aborted in flight: its answer, if any, is not evidence
		return conformance.Verdict{Planned: p, Skipped: true, Reason: NotRunInterrupted}
	}
	if throttled != "" {
		x.Trim(evidenceLimit)
		return conformance.Verdict{Planned: p, Exchange: x, Skipped: true, Throttled: true, Reason: throttled, Retries: retries}
	}
	res := conformance.Evaluate(x, p.Options)
	s.coverage.Observe(x) // before Trim: coverage reads whole bodies, and so does recording
	s.record.add(p, x)
	x.Trim(evidenceLimit)
	return conformance.Verdict{Planned: p, Exchange: x, Result: res, Retries: retries}
}

// wait returns once every case Start took is sent and judged, or given up: nothing of the
// run is in flight any more, so restoring cannot race a late case.
func (s *session) wait() {
	if s.sent != nil {
		<-s.sent
	}
}

// NotRunInterrupted is the skip reason of a case the run never sent because it was interrupted.
const NotRunInterrupted = "not run: the run was interrupted (SIGINT or SIGTERM) before this case was judged"

// Verdict waits for a case's verdict; a case that was skipped at plan time has its reason.
// In a run (suiteReads) the suite reads each verdict once, and the session keeps nothing of
// it after: the report of the case holds what the reports need.
// The results map is filled before Start's goroutines begin and only read after, so reading it
// needs no lock.
func (s *session) Verdict(p *conformance.Planned) conformance.Verdict {
	f, ok := s.results[p.Case.ID]
	if !ok {
		reason := p.Skip
		if reason == "" {
			reason = "not planned"
		}
		return conformance.Verdict{Planned: p, Skipped: true, Reason: reason}
	}
	<-f.done
	v := f.v
	if s.suiteReads { // the suite's one read: nothing keeps the verdict after it
		f.v = conformance.Verdict{}
	}
	return v
}

// caseOf is the report of a planned case: its verdict's once judged, a skip at plan time, or
// not run when the run was interrupted before it was judged.
func (s *session) caseOf(p *conformance.Planned, order int) reports.Case {
	if c, ok := s.judged(p); ok {
		return *c
	}
	c := s.caseReport(p, conformance.Verdict{}, false)
	c.Order = order
	return c
}

// judged is the report of a case once its verdict is in.
func (s *session) judged(p *conformance.Planned) (*reports.Case, bool) {
	f, ok := s.results[p.Case.ID]
	if !ok {
		return nil, false
	}
	select {
	case <-f.done:
		return f.c, true
	default:
		return nil, false
	}
}

// caseReports is the report of every case of the plan Start was given, in its order: the
// judged cases' reports where publish put them, with the others filled in, so that the
// reports of a large plan are never copied.
func (s *session) caseReports(cases []*conformance.Planned, order map[string]int) []reports.Case {
	if len(s.reports) != len(cases) { // Start never ran: nothing was judged
		s.reports = make([]reports.Case, len(cases))
	}
	for i, p := range cases {
		if _, ok := s.judged(p); !ok {
			s.reports[i] = s.caseOf(p, order[p.Case.ID])
		}
	}
	return s.reports
}
