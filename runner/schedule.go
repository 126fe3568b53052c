package runner

import (
	"context"
	"sort"
	"sync"

	"github.com/conformance-suite/conformance/conformance"
)

// evidenceLimit is how much of each body a judged exchange keeps for the reports: a few KiB
// show what came back, and the memory of a run no longer grows with what a target sends.
const evidenceLimit = 4 << 10

// future is one case's verdict, complete once done is closed.
type future struct {
	done chan struct{}
	v    conformance.Verdict
}

// Start sends every runnable case in the background, exactly cfg.Parallel requests in flight,
// and judges each answer as it arrives; the steps of each sequence go last, one at a time, in
// step order, once nothing else is in flight, since each step judges the state the previous one
// left. Ginkgo runs its specs serially and only waits for verdicts (Verdict): it never sends,
// so nothing else is in flight. Once ctx is done no case is sent any more: the rest are
// reported as not run, the requests in flight end within --timeout.
func (s *session) Start(ctx context.Context, cases []*conformance.Planned) {
	var independent []*conformance.Planned
	sequences := map[string][]*conformance.Planned{}
	var order []string
	for _, p := range cases {
		if p.Skip != "" {
			continue
		}
		s.results[p.Case.ID] = &future{done: make(chan struct{})}
		if seq := p.Case.Sequence; seq != "" {
			if sequences[seq] == nil {
				order = append(order, seq)
			}
			sequences[seq] = append(sequences[seq], p)
			continue
		}
		independent = append(independent, p)
	}
	s.sent = make(chan struct{})
	go func() {
		defer close(s.sent)
		work := make(chan *conformance.Planned)
		var wg sync.WaitGroup
		for range s.cfg.Parallel {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for p := range work {
					s.complete(ctx, p)
				}
			}()
		}
		for _, p := range independent {
			work <- p
		}
		close(work)
		wg.Wait()
		for _, seq := range order {
			steps := sequences[seq]
			sort.SliceStable(steps, func(i, j int) bool { return steps[i].Case.Step < steps[j].Case.Step })
			for _, p := range steps {
				s.complete(ctx, p)
			}
		}
	}()
}

// complete sends one case, judges the answer with the case's options and keeps the verdict
// with bounded evidence.
func (s *session) complete(ctx context.Context, p *conformance.Planned) {
	f := s.results[p.Case.ID]
	defer close(f.done)
	if ctx.Err() != nil {
		f.v = conformance.Verdict{Planned: p, Skipped: true, Reason: NotRunInterrupted}
		return
	}
	x := s.send(ctx, p)
	if ctx.Err() != nil { // aborted in flight: its answer, if any, is not evidence
		f.v = conformance.Verdict{Planned: p, Skipped: true, Reason: NotRunInterrupted}
		return
	}
	res := conformance.Evaluate(x, p.Options)
	s.coverage.Observe(x) // before Trim: coverage reads whole bodies
	x.Trim(evidenceLimit)
	f.v = conformance.Verdict{Planned: p, Exchange: x, Result: res}
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
	return f.v
}

// finished returns a case's verdict if it is complete, without waiting: an interrupted suite
// stops reporting, but the cases judged before the signal are still evidence.
func (s *session) finished(p *conformance.Planned) (conformance.Verdict, bool) {
	f, ok := s.results[p.Case.ID]
	if !ok {
		return conformance.Verdict{}, false
	}
	select {
	case <-f.done:
		return f.v, true
	default:
		return conformance.Verdict{}, false
	}
}
