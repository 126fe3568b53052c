// Package coverage measures what recorded exchanges exercised of each documented contract:
// the statuses, response fields, enum values, request inputs (sent, and sent invalid), error
// codes and security schemes that an operation's spec documents, against those the exchanges
// showed. A green run says nothing about what was never tried; this says what was.
//
// The documented items come from the specs alone (contract.go), the observed ones from each
// exchange alone (observe.go), so any source of exchanges feeds the same Recorder through one
// entry point, Observe: the runner between judging an exchange and trimming its bodies, and a
// proxy or a checker of recorded traffic the same way. The result is a reports.Coverage, whose
// item sets merge by union (shards, or a proxy session plus a run).
package coverage

import (
	"slices"
	"sync"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/specs"
)

// Recorder collects the items exchanges exercised, per operation. It is safe for concurrent
// use: the runner observes from every worker at once.
type Recorder struct {
	mu        sync.Mutex
	contracts map[*specs.Operation]*contract
	ops       map[string]*specs.Operation
	seen      map[string]*sets // operationId → what its exchanges exercised
}

// sets holds one operation's observed items: per dimension, the documented items seen and
// the undocumented ones (statuses and error codes the spec does not name).
type sets struct {
	observed, undocumented map[string]map[string]bool
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder {
	return &Recorder{contracts: map[*specs.Operation]*contract{}, ops: map[string]*specs.Operation{}, seen: map[string]*sets{}}
}

// Observe records what one exchange exercised of its operation's contract. It needs whole
// bodies: call it before the exchange is trimmed to evidence. An exchange with no operation
// (traffic no operation routes) is ignored. A nil Recorder observes nothing.
func (r *Recorder) Observe(x *conformance.Exchange) {
	if r == nil || x == nil || x.Op == nil {
		return
	}
	c := r.contract(x.Op)
	obs := c.observe(x) // outside the lock: decoding bodies is the costly part
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.seen[x.Op.ID]
	if s == nil {
		s = &sets{observed: map[string]map[string]bool{}, undocumented: map[string]map[string]bool{}}
		r.seen[x.Op.ID] = s
		r.ops[x.Op.ID] = x.Op
	}
	add(s.observed, obs.observed)
	add(s.undocumented, obs.undocumented)
}

func add(into map[string]map[string]bool, items map[string][]string) {
	for dim, xs := range items {
		if into[dim] == nil {
			into[dim] = map[string]bool{}
		}
		for _, x := range xs {
			into[dim][x] = true
		}
	}
}

// Expect builds the contracts of the operations a run is about to observe, before it sends:
// built as the first answers come back, the contracts, which live until the reports are
// written, would be scattered among the exchanges' short-lived garbage, whose memory the
// heap then cannot give back (a tenth of the heap of a run of 37,000 cases).
func (r *Recorder) Expect(ops []*specs.Operation) {
	if r == nil {
		return
	}
	for _, op := range ops {
		r.contract(op)
	}
}

// contract returns the documented items of an operation, computed once.
func (r *Recorder) contract(op *specs.Operation) *contract {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.contracts[op]
	if !ok {
		c = newContract(op)
		r.contracts[op] = c
	}
	return c
}

// Coverage returns the coverage of the given operations (those in scope: a run's planned
// operations, covered or not) and of every operation observed, tallied.
func (r *Recorder) Coverage(ops []*specs.Operation) *reports.Coverage {
	scope := map[string]*specs.Operation{}
	for _, op := range ops {
		scope[op.ID] = op
	}
	r.mu.Lock()
	for id, op := range r.ops {
		scope[id] = op
	}
	r.mu.Unlock()
	out := &reports.Coverage{Operations: []reports.OperationCoverage{}}
	for _, op := range scope {
		c := r.contract(op)
		r.mu.Lock()
		s := r.seen[op.ID]
		oc := reports.OperationCoverage{Provider: op.Provider, Service: op.Service, Operation: op.ID}
		for _, name := range reports.CoverageDimensions() {
			d := reports.Dimension{Name: name, Documented: slices.Clone(c.documented[name]), Excluded: slices.Clone(c.excluded[name])}
			if s != nil {
				d.Observed = keys(s.observed[name])
				d.Undocumented = keys(s.undocumented[name])
			}
			oc.Dimensions = append(oc.Dimensions, d)
		}
		r.mu.Unlock()
		out.Operations = append(out.Operations, oc)
	}
	out.Tally()
	return out
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
