// Package reports holds the result model of a conformance run and turns it into every output
// format. It depends on nothing else in the suite, so reports can be read, compared and merged
// without the specs or a target.
package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Version is the version of the report.json layout; it changes when a field changes meaning.
const Version = "1"

// Case states, ordered as the OCI conformance suite orders them.
const (
	Skipped = "skipped"
	Passed  = "passed"
	Failed  = "failed"
	// Throttled is a case the target throttled on every attempt (HTTP 429 or the provider's
	// throttling code, retried within --timeout): no verdict on the contract, and no pass.
	Throttled = "throttled"
)

// Report is one run: what was targeted, and every case's outcome.
type Report struct {
	Version string `json:"version"`
	// Target describes what was run against: a base URL, or the built-in reference target.
	Target string `json:"target"`
	// Targets is the base URL of each service.
	Targets    map[string]string `json:"targets"`
	Started    time.Time         `json:"started"`
	DurationMS int64             `json:"duration_ms"`
	Summary    Summary           `json:"summary"`
	// Seed is the seed of the generated cases: a run with the same seed sends the same requests.
	Seed int64 `json:"seed"`
	// Checks names the checks the run evaluated, in evaluation order: the columns of the
	// compliance matrix, in the order the suite defines them.
	Checks []string `json:"checks,omitempty"`
	Cases  []Case   `json:"cases"`
	// Discrepancies are the places where the vendor documentation and the real service differ,
	// as the specs record them: the report says what the page claims and what is tested.
	Discrepancies []Discrepancy `json:"discrepancies"`
	// Shard is set on the report of one shard of a sharded run (--shard i/n), so that Merge
	// can tell a missing or repeated shard; a whole run has none.
	Shard *Shard `json:"shard,omitempty"`
	// Restored lists the state a run against a real target recorded and put back
	// (--allow-mutations); empty against the reference target.
	Restored []Restored `json:"restored,omitempty"`
	// Profile is the profile the exit status was computed on (--profile): findings of higher
	// profiles are the cases' warnings. Levels lists every profile, in ascending order.
	Profile string   `json:"profile"`
	Levels  []string `json:"levels"`
	// Profiles is each provider's verdict at each profile.
	Profiles []ProfileResult `json:"profiles"`
	// Interrupted is set when the run was stopped (SIGINT, SIGTERM) before every case ran.
	Interrupted bool `json:"interrupted,omitempty"`
	// BaselineResult is set when the run was compared with a baseline (--baseline): the exit
	// status was then computed on it.
	BaselineResult *BaselineResult `json:"baseline,omitempty"`
	// Coverage is what the run exercised of each documented contract (see coverage.go).
	Coverage *Coverage `json:"coverage,omitempty"`
}

// Restored is one piece of state put back after the run.
type Restored struct {
	Operation string `json:"operation"`
	What      string `json:"what"`
	Error     string `json:"error,omitempty"` // why it could not be restored
}

// Discrepancy is one recorded difference between a documentation page and the service.
type Discrepancy struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Pointer string `json:"pointer"`
	Doc     string `json:"doc"`
	Actual  string `json:"actual"`
	Source  string `json:"source"`
	// Title is the vendor page's title, as the spec declares it (info.x-seed-titles).
	Title string `json:"title,omitempty"`
	// Operation names the operations the discrepancy concerns, comma-separated.
	Operation string `json:"operation,omitempty"`
}

// Summary counts cases by state. Warned counts the passed cases that carry warnings.
type Summary struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	Warned  int `json:"warned"`
	// Throttled counts the throttled cases; Retries the times cases were sent again after a
	// throttled answer, whatever their state.
	Throttled int `json:"throttled,omitempty"`
	Retries   int `json:"retries,omitempty"`
}

// Case is one fixture case's outcome.
type Case struct {
	ID string `json:"id"`
	// Order is the case's 1-based position in the whole run's plan (fixture order), shards
	// included, so that merged shards list their cases as one run would; 0 when unknown.
	Order     int      `json:"order,omitempty"`
	Provider  string   `json:"provider"`
	Service   string   `json:"service"`
	Operation string   `json:"operation"`
	Name      string   `json:"name"`
	Labels    []string `json:"labels"`
	State     string   `json:"state"`
	Reason    string   `json:"reason,omitempty"` // why it was skipped or is throttled
	// Retries counts the times the case was sent again after a throttled answer.
	Retries int `json:"retries,omitempty"`
	// Profile is the case's profile: core, or strict for a probe the pages leave open.
	Profile    string `json:"profile,omitempty"`
	DurationMS int64  `json:"duration_ms"`
	// Checks is each check's verdict: passed, failed, not_applicable or not_evaluated. A run
	// shares one map among the cases whose checks ended alike: read it, never write it.
	Checks   map[string]string `json:"checks,omitempty"`
	Failures []Failure         `json:"failures"`
	// Warnings are findings outside the run's profile: shown, but not failing the case.
	Warnings []Failure `json:"warnings,omitempty"`
	// Curl reproduces the request, with every secret redacted.
	Curl string `json:"curl,omitempty"`
	// Replay is the command that sends the case again, signed afresh with the credentials of
	// the environment: a curl of a signed request carries a redacted signature, so only the
	// replay reproduces a failure of a signed case.
	Replay string `json:"replay,omitempty"`
	// Exchange is the evidence: the request sent and the answer, redacted and truncated.
	Exchange *Exchange `json:"exchange,omitempty"`
	// kept is where a run keeps Curl and Exchange until the reports are written (Evidence):
	// Whole reads them back.
	kept kept
}

// Failure is one broken contract point.
type Failure struct {
	Check    string `json:"check"`
	Message  string `json:"message"`
	Pointer  string `json:"pointer"`
	Expected string `json:"expected"`
	Actual   string `json:"actual"`
	// Profile is the finding's profile: strict when its check or its case is strict.
	Profile string `json:"profile,omitempty"`
}

// Exchange is the redacted transcript of one case.
type Exchange struct {
	Request  Message  `json:"request"`
	Response *Message `json:"response,omitempty"`
	Error    string   `json:"error,omitempty"`
}

// Message is one side of an exchange. Body is truncated; BodyBytes is its real size.
type Message struct {
	Method    string              `json:"method,omitempty"`
	URL       string              `json:"url,omitempty"`
	Status    int                 `json:"status,omitempty"`
	Headers   map[string][]string `json:"headers,omitempty"`
	Body      string              `json:"body,omitempty"`
	BodyBytes int                 `json:"body_bytes"`
}

// Tally recounts the summary from the cases.
func (r *Report) Tally() {
	r.Summary = Summary{}
	for _, c := range r.Cases {
		switch c.State {
		case Passed:
			r.Summary.Passed++
			if len(c.Warnings) > 0 {
				r.Summary.Warned++
			}
		case Failed:
			r.Summary.Failed++
		case Skipped:
			r.Summary.Skipped++
		case Throttled:
			r.Summary.Throttled++
		}
		r.Summary.Retries += c.Retries
	}
	r.tallyProfiles()
}

// SkipReasons lists the reasons cases were skipped, in case order, and how many cases each:
// the console's summary and the message of a run in which nothing ran.
func (r *Report) SkipReasons() ([]string, map[string]int) {
	counts := map[string]int{}
	var order []string
	for _, c := range r.Cases {
		if c.State == Skipped {
			if counts[c.Reason] == 0 {
				order = append(order, c.Reason)
			}
			counts[c.Reason]++
		}
	}
	return order, counts
}

// WriteJSON writes dir/report.json.
func (r *Report) WriteJSON(dir string) error {
	return WriteStream(dir, "report.json", r.writeJSON)
}

// writeJSON writes the report as json.MarshalIndent lays it out, one case at a time: the
// cases are most of a report, so a run of many never holds the whole document in memory.
func (r *Report) writeJSON(w io.Writer) error {
	c := r.canonical()
	cases := c.Cases
	c.Cases = []Case{}
	head, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	// A raw newline is never inside a JSON string: this is the top-level field.
	const field = "\n  \"cases\": ["
	before, after, ok := bytes.Cut(head, []byte(field+"]"))
	if !ok {
		return errors.New("no cases field in the report") // a programming error
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("    ", "  ")
	buf.Write(before)
	buf.WriteString(field)
	for i := range cases {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString("\n    ")
		c, err := cases[i].Whole()
		if err != nil {
			return err
		}
		if err := enc.Encode(canonicalCase(c)); err != nil {
			return err
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
		buf.Reset()
	}
	if len(cases) > 0 {
		buf.WriteString("\n  ")
	}
	buf.WriteByte(']')
	buf.Write(after)
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}

// canonical returns a copy whose nil lists and maps are empty, so that report.json has an
// array wherever its schema says so, never a null that every consumer must special-case.
// Its cases are r's: canonicalCase makes each one canonical as it is written.
func (r *Report) canonical() *Report {
	c := *r
	if c.Targets == nil {
		c.Targets = map[string]string{}
	}
	if c.Discrepancies == nil {
		c.Discrepancies = []Discrepancy{}
	}
	if c.Levels == nil {
		c.Levels = []string{}
	}
	if c.Profiles == nil {
		c.Profiles = []ProfileResult{}
	}
	return &c
}

// canonicalCase is c with empty lists where it has none (see canonical).
func canonicalCase(c Case) Case {
	if c.Labels == nil {
		c.Labels = []string{}
	}
	if c.Failures == nil {
		c.Failures = []Failure{}
	}
	return c
}

// ReadJSON reads a report.json, given its path or its report directory's.
func ReadJSON(path string) (*Report, error) {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		path = filepath.Join(path, "report.json")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if r.Version != Version {
		return nil, fmt.Errorf("%s: report version %q, this tool reads %q", path, r.Version, Version)
	}
	return &r, nil
}

// Reproduce is how to send the case again, as every report shows it next to a failure: the
// replay command, then the curl of the request as it was sent (secrets redacted).
func (c Case) Reproduce() string {
	switch {
	case c.Replay == "":
		return c.Curl
	case c.Curl == "":
		return c.Replay
	}
	return c.Replay + "\n# the request as sent, secrets redacted:\n" + c.Curl
}

// reproduceWhole is Reproduce of the whole case (Whole), for the writers that show it for a
// few cases only; the curl is left out if its evidence cannot be read back.
func (c Case) reproduceWhole() string {
	if w, err := c.Whole(); err == nil {
		c = w
	}
	return c.Reproduce()
}
