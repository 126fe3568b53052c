package reports

import (
	"fmt"
	"slices"
)

// The verdicts of a profile, after Gateway API's ConformanceReport: passed when every case of
// the profile ran and held, partial when none failed but some did not run, failed when any
// failed, not_run when none ran.
const (
	ProfilePassed  = "passed"
	ProfilePartial = "partial"
	ProfileFailed  = "failed"
	ProfileNotRun  = "not_run"
)

// ProfileResult is one provider's verdict at one profile. A profile includes the ones below it
// (strict includes core), so a case counts as failed at a profile when any of its findings is
// of that profile or a lower one.
type ProfileResult struct {
	Provider string `json:"provider"`
	Profile  string `json:"profile"`
	Verdict  string `json:"verdict"`
	Passed   int    `json:"passed"`
	Failed   int    `json:"failed"`
	Skipped  int    `json:"skipped"`
}

// BaselineResult is the run's verdict against a baseline (--baseline): the exit status is
// computed on it, so every report says it.
type BaselineResult struct {
	// Source is the baseline report the run was compared with.
	Source string `json:"source"`
	// Regressions are the ids of the cases that regressed, sorted.
	Regressions []string `json:"regressions"`
	// KnownFailures counts the cases that failed in the baseline and still fail.
	KnownFailures int `json:"known_failures"`
	// Fixed counts the cases that failed in the baseline and pass now.
	Fixed int `json:"fixed"`
}

// Regressed reports whether the baseline gate fails.
func (b *BaselineResult) Regressed() bool { return len(b.Regressions) > 0 }

// String is the baseline verdict in words: "no regression (2 known failures)".
func (b *BaselineResult) String() string {
	if b.Regressed() {
		return fmt.Sprintf("%s against the baseline (%s known)", plural(len(b.Regressions), "regression"), plural(b.KnownFailures, "failure"))
	}
	return fmt.Sprintf("no regression (%s known)", plural(b.KnownFailures, "failure"))
}

// Baseline records the comparison with a baseline in the report.
func (r *Report) Baseline(source string, c Comparison) {
	b := &BaselineResult{Source: source, Regressions: []string{}, KnownFailures: len(c.StillFailing), Fixed: len(c.Fixed)}
	for _, ch := range c.Regressions {
		b.Regressions = append(b.Regressions, ch.ID)
	}
	r.BaselineResult = b
}

// Passed reports whether the run passes its gate: against a baseline, no regression;
// otherwise no failed case. A run in which no case ran, or that was interrupted, does not pass.
func (r *Report) Passed() bool {
	if r.Interrupted || r.Summary.Passed+r.Summary.Failed == 0 {
		return false
	}
	if r.BaselineResult != nil {
		return !r.BaselineResult.Regressed()
	}
	return r.Summary.Failed == 0 && r.Summary.Throttled == 0
}

// Verdict is the run's verdict in a few words, for the head of every report.
func (r *Report) Verdict() string {
	switch {
	case r.Interrupted:
		return "interrupted"
	case r.Summary.Throttled > 0 && r.Summary.Failed == 0 && r.BaselineResult == nil:
		return "throttled" // the cases that reached no verdict decide it, whatever passed
	case r.Summary.Passed+r.Summary.Failed == 0:
		return "no case ran"
	case r.BaselineResult != nil:
		return r.BaselineResult.String()
	case r.Summary.Failed > 0:
		return "failed"
	}
	return "passed"
}

// tallyProfiles computes each provider's verdict at each of r.Levels.
func (r *Report) tallyProfiles() {
	r.Profiles = nil
	var providers []string
	for _, c := range r.Cases {
		if !slices.Contains(providers, c.Provider) {
			providers = append(providers, c.Provider)
		}
	}
	slices.Sort(providers)
	for _, provider := range providers {
		for level, profile := range r.Levels {
			pr := ProfileResult{Provider: provider, Profile: profile}
			for _, c := range r.Cases {
				if c.Provider != provider {
					continue
				}
				switch {
				case c.State == Skipped || c.State == Throttled: // neither has a verdict
					pr.Skipped++
				case r.failsAt(c, level):
					pr.Failed++
				default:
					pr.Passed++
				}
			}
			switch {
			case pr.Failed > 0:
				pr.Verdict = ProfileFailed
			case pr.Passed == 0:
				pr.Verdict = ProfileNotRun
			case pr.Skipped > 0:
				pr.Verdict = ProfilePartial
			default:
				pr.Verdict = ProfilePassed
			}
			r.Profiles = append(r.Profiles, pr)
		}
	}
}

// failsAt reports whether a case has a finding at a profile of r.Levels or below it.
func (r *Report) failsAt(c Case, level int) bool {
	for _, f := range slices.Concat(c.Failures, c.Warnings) {
		if i := slices.Index(r.Levels, f.Profile); i <= level {
			return true // a finding of an unknown profile (i == -1) counts everywhere
		}
	}
	return false
}
