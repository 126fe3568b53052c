package reports

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Absent is the state of a case that one of two compared reports does not have.
const Absent = "absent"

// Comparison is how a run moved against a baseline, case by case, cases matched by Case.ID.
//
// A regression is any case that fails now and did not fail in the baseline (it passed, was
// skipped, or did not exist: a new case that fails is a contract the target breaks, and a gate
// that waved it through would let every new breakage in under a new name), and any case that
// passed in the baseline and does not pass now because it is missing or skipped (coverage that
// silently vanishes is a regression too: a run with the credentials gone would otherwise pass
// the gate with every case skipped). A case that failed in both is still failing, which the
// baseline already accepted.
type Comparison struct {
	Baseline, Current Summary
	Regressions       []CaseChange
	Fixed             []CaseChange // failed in the baseline, passed now
	StillFailing      []CaseChange // failed in both
}

// CaseChange is one case's move between the baseline and the current run.
type CaseChange struct {
	ID, Service, Operation, Name string
	Was, Now                     string // a case state, or Absent
	// Failures are the current run's failures of the case, when it fails now.
	Failures []Failure
}

// Regressed reports whether the gate fails.
func (c Comparison) Regressed() bool { return len(c.Regressions) > 0 }

// Compare compares the current run with a baseline. Each list is sorted by case id.
func Compare(baseline, current *Report) Comparison {
	cmpr := Comparison{Baseline: tally(baseline.Cases), Current: tally(current.Cases)}
	before := map[string]Case{}
	for _, c := range baseline.Cases {
		before[c.ID] = c
	}
	now := map[string]bool{}
	for _, c := range current.Cases {
		now[c.ID] = true
		was := Absent
		if b, ok := before[c.ID]; ok {
			was = b.State
		}
		ch := CaseChange{ID: c.ID, Service: c.Service, Operation: c.Operation, Name: c.Name, Was: was, Now: c.State}
		if c.State == Failed {
			ch.Failures = c.Failures
		}
		switch {
		case c.State == Failed && was == Failed:
			cmpr.StillFailing = append(cmpr.StillFailing, ch)
		case c.State == Failed:
			cmpr.Regressions = append(cmpr.Regressions, ch)
		case c.State == Passed && was == Failed:
			cmpr.Fixed = append(cmpr.Fixed, ch)
		case c.State == Skipped && was == Passed:
			cmpr.Regressions = append(cmpr.Regressions, ch)
		}
	}
	for _, b := range baseline.Cases {
		if !now[b.ID] && b.State == Passed {
			cmpr.Regressions = append(cmpr.Regressions, CaseChange{ID: b.ID, Service: b.Service, Operation: b.Operation, Name: b.Name, Was: Passed, Now: Absent})
		}
	}
	for _, list := range []*[]CaseChange{&cmpr.Regressions, &cmpr.Fixed, &cmpr.StillFailing} {
		slices.SortFunc(*list, func(a, b CaseChange) int { return cmp.Compare(a.ID, b.ID) })
	}
	return cmpr
}

func tally(cases []Case) Summary {
	var s Summary
	for _, c := range cases {
		s.add(c.State)
	}
	return s
}

// Write renders the comparison as text: the two tallies, each regression with its current
// failures, each fix, the cases still failing, and a closing count.
func (c Comparison) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "baseline: %s\ncurrent:  %s\n", c.Baseline, c.Current)
	if len(c.Regressions)+len(c.Fixed)+len(c.StillFailing) > 0 {
		b.WriteString("\n")
	}
	for _, r := range c.Regressions {
		fmt.Fprintf(&b, "REGRESSION  %s\n", r)
		for _, f := range r.Failures {
			fmt.Fprintf(&b, "            - %s\n", printable(f.Message))
		}
	}
	for _, f := range c.Fixed {
		fmt.Fprintf(&b, "FIXED       %s\n", f)
	}
	for _, s := range c.StillFailing {
		fmt.Fprintf(&b, "STILL FAILS %s\n", s)
	}
	verdict := "no regression"
	if c.Regressed() {
		verdict = plural(len(c.Regressions), "regression")
	}
	fmt.Fprintf(&b, "\n%s, %s, %d still failing\n", verdict, plural(len(c.Fixed), "fix"), len(c.StillFailing))
	_, err := io.WriteString(w, b.String())
	return err
}

func (s Summary) String() string {
	text := fmt.Sprintf("%s: %d passed, %d failed, %d skipped", plural(s.Passed+s.Failed+s.Skipped+s.Throttled, "case"), s.Passed, s.Failed, s.Skipped)
	if s.Throttled > 0 {
		text += fmt.Sprintf(", %d throttled", s.Throttled)
	}
	return text
}

func (c CaseChange) String() string {
	s := fmt.Sprintf("%s (%s.%s: %s): %s → %s", c.ID, c.Service, c.Operation, c.Name, c.Was, c.Now)
	switch {
	case c.Was == Absent:
		s += " (a new case)"
	case c.Now == Absent:
		s += " (missing from the current run)"
	}
	return s
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "x") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
