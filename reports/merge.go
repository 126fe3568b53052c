package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Merge joins the reports of a sharded run into the report one unsharded run would have
// written: cases in plan order (Case.Order, then id), the tally recounted, the earliest start
// and the wall-clock span of all shards, the state each shard put back (Restored) in shard
// order.
//
// It refuses shards that cannot belong to one run: differing report versions or check lists
// (different versions of the suite), a case in two shards, and, where the shards say which
// they are (Report.Shard), a shard given twice, a missing shard or differing shard counts.
// Differing targets are kept side by side rather than refused: the built-in reference target
// listens on a new port in every shard.
func Merge(shards ...*Report) (*Report, error) {
	if len(shards) == 0 {
		return nil, fmt.Errorf("merge: no report to merge")
	}
	var checks []string
	for i, s := range shards {
		if s.Version != shards[0].Version {
			return nil, fmt.Errorf("merge: report %d has version %q, report 1 has %q", i+1, s.Version, shards[0].Version)
		}
		if s.Profile != shards[0].Profile {
			return nil, fmt.Errorf("merge: report %d was judged at profile %q, report 1 at %q", i+1, s.Profile, shards[0].Profile)
		}
		switch {
		case len(s.Checks) == 0:
		case checks == nil:
			checks = s.Checks
		case !slices.Equal(s.Checks, checks):
			return nil, fmt.Errorf("merge: report %d ran the checks %v, an earlier report %v: different versions of the suite", i+1, s.Checks, checks)
		}
	}
	if err := checkShards(shards); err != nil {
		return nil, err
	}
	if shards[0].Shard != nil { // then all are shards: take them in shard order, whatever the arguments'
		shards = slices.Clone(shards)
		slices.SortFunc(shards, func(a, b *Report) int { return cmp.Compare(a.Shard.Index, b.Shard.Index) })
	}
	m := &Report{Version: shards[0].Version, Checks: checks, Targets: map[string]string{}, Cases: []Case{},
		Profile: shards[0].Profile, Levels: shards[0].Levels}
	var targets []string
	var end time.Time
	from := map[string]int{}
	for i, s := range shards {
		if !slices.Contains(targets, s.Target) {
			targets = append(targets, s.Target)
		}
		for svc, u := range s.Targets {
			switch prev, ok := m.Targets[svc]; {
			case !ok:
				m.Targets[svc] = u
			case !slices.Contains(strings.Split(prev, ", "), u):
				m.Targets[svc] = prev + ", " + u
			}
		}
		if m.Started.IsZero() || s.Started.Before(m.Started) {
			m.Started = s.Started
		}
		if e := s.Started.Add(time.Duration(s.DurationMS) * time.Millisecond); e.After(end) {
			end = e
		}
		for _, c := range s.Cases {
			if j, dup := from[c.ID]; dup {
				return nil, fmt.Errorf("merge: case %s is in both %s and %s", c.ID, name(shards, j), name(shards, i))
			}
			from[c.ID] = i
			m.Cases = append(m.Cases, c)
		}
		m.Restored = append(m.Restored, s.Restored...)
		m.Interrupted = m.Interrupted || s.Interrupted
		for _, d := range s.Discrepancies {
			if !slices.ContainsFunc(m.Discrepancies, func(e Discrepancy) bool { return e == d }) {
				m.Discrepancies = append(m.Discrepancies, d)
			}
		}
	}
	m.Coverage = mergeCoverage(shards)
	m.Target = strings.Join(targets, "; ")
	m.DurationMS = end.Sub(m.Started).Milliseconds()
	m.sort()
	m.Tally()
	return m, nil
}

// name names a report in errors: by its shard, or by its position among the arguments.
func name(rs []*Report, i int) string {
	if sh := rs[i].Shard; sh != nil {
		return "shard " + sh.String()
	}
	return fmt.Sprintf("report %d", i+1)
}

// checkShards verifies that shards which say which shard they are make up one whole run.
func checkShards(shards []*Report) error {
	var marked []*Shard
	for _, s := range shards {
		if s.Shard != nil {
			marked = append(marked, s.Shard)
		}
	}
	if len(marked) == 0 {
		return nil
	}
	if len(marked) != len(shards) {
		return fmt.Errorf("merge: %d of the %d reports are shards, the others whole runs", len(marked), len(shards))
	}
	n := marked[0].Count
	seen := map[int]bool{}
	for _, sh := range marked {
		switch {
		case sh.Count != n:
			return fmt.Errorf("merge: shard %s and shard %s split the run differently", marked[0], sh)
		case seen[sh.Index]:
			return fmt.Errorf("merge: shard %s is given twice", sh)
		}
		seen[sh.Index] = true
	}
	for i := 1; i <= n; i++ {
		if !seen[i] {
			return fmt.Errorf("merge: shard %d/%d is missing", i, n)
		}
	}
	return nil
}

// sort puts cases in plan order and discrepancies in file and line order: the order of an
// unsharded run.
func (r *Report) sort() {
	slices.SortStableFunc(r.Cases, func(a, b Case) int {
		return cmp.Or(cmp.Compare(a.Order, b.Order), cmp.Compare(a.ID, b.ID))
	})
	slices.SortStableFunc(r.Discrepancies, func(a, b Discrepancy) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Pointer, b.Pointer))
	})
}

// Normalize removes what legitimately differs between two runs of the same cases, so that
// reports can be compared with reflect.DeepEqual: timings (start, durations) and shard
// marks are zeroed, cases and discrepancies sorted as Merge sorts them, nil lists made empty
// and the tally recounted. Targets and transcripts are kept: two runs against the built-in
// reference target differ there (its port, Date headers), and whether that matters is the
// caller's judgement, not this function's.
func (r *Report) Normalize() {
	*r = *r.canonical()
	r.Started, r.DurationMS, r.Shard = time.Time{}, 0, nil
	r.Cases = slices.Clone(r.Cases) // a copy: whoever else holds the cases keeps their timings
	for i := range r.Cases {
		r.Cases[i] = canonicalCase(r.Cases[i])
		r.Cases[i].DurationMS = 0
	}
	r.sort()
	r.Tally()
}
