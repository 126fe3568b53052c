package reports

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
)

// The JUnit XML layout that GitLab, Jenkins and the GitHub test-report actions all read:
// <testsuites> of one <testsuite> per service, one <testcase> per case, with the attributes
// each of them requires (Jenkins' schema wants a timestamp without a zone, and the children of
// a testcase in the order failure/error/skipped, system-out).
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Time       string          `xml:"time,attr"`
		Timestamp  string          `xml:"timestamp,attr"`
		Properties []junitProperty `xml:"properties>property"`
		Cases      junitCases      `xml:"testcase"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		Time      string        `xml:"time,attr"`
		Failure   *junitFailure `xml:"failure,omitempty"`
		Error     *junitFailure `xml:"error,omitempty"`
		Skipped   *junitSkipped `xml:"skipped,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	junitSkipped struct {
		Message string `xml:"message,attr"`
	}
)

// JUnit renders the report as JUnit XML. Every case that ran carries its redacted transcript
// in <system-out>, passed ones too: the evidence of a pass is the exchange that earned it.
// encoding/xml escapes all text, and replaces bytes XML cannot carry (a target may answer
// with control characters) by U+FFFD, so the file parses whatever the target sent.
func (r *Report) JUnit() ([]byte, error) {
	var b bytes.Buffer
	if err := r.writeJUnit(&b); err != nil {
		return nil, fmt.Errorf("junit.xml: %w", err)
	}
	return b.Bytes(), nil
}

// writeJUnit writes what JUnit returns to w, one <testcase> at a time: the counts are taken
// first, so that a run of many cases never holds the whole document (every transcript again)
// in memory.
func (r *Report) writeJUnit(w io.Writer) error {
	doc := junitSuites{Name: "conformance", Time: seconds(r.DurationMS)}
	bySvc := map[string]*junitSuite{}
	var order []string
	caseMS := map[string]int64{}
	for i, c := range r.Cases {
		s := bySvc[c.Service]
		if s == nil {
			s = &junitSuite{Name: c.Service, Timestamp: r.Started.UTC().Format("2006-01-02T15:04:05"), Properties: r.junitProperties(c.Service)}
			s.Cases.r = r
			bySvc[c.Service] = s
			order = append(order, c.Service)
		}
		switch c.State {
		case Failed:
			s.Failures++
		case Skipped:
			s.Skipped++
		case Throttled:
			s.Errors++
		}
		s.Tests++
		caseMS[c.Service] += c.DurationMS
		s.Cases.of = append(s.Cases.of, i)
	}
	slices.Sort(order)
	for _, svc := range order {
		s := bySvc[svc]
		s.Time = seconds(caseMS[svc])
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
		doc.Suites = append(doc.Suites, *s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return err
	}
	return nil
}

// junitCases are the <testcase> elements of one suite, made from the report's cases as they
// are encoded (an xml.Marshaler may encode any number of elements).
type junitCases struct {
	r  *Report
	of []int // indexes into r.Cases, in report order
}

func (cs junitCases) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	for _, i := range cs.of {
		c, err := cs.r.Cases[i].Whole()
		if err != nil {
			return err
		}
		if err := e.EncodeElement(junitCaseOf(c), start); err != nil {
			return err
		}
	}
	return nil
}

// junitCaseOf is one case as a <testcase>: its verdict as JUnit's failure, error or skipped,
// and its transcript.
func junitCaseOf(c Case) junitCase {
	jc := junitCase{Name: c.Name, Classname: c.Service + "." + c.Operation, Time: seconds(c.DurationMS)}
	switch c.State {
	case Failed:
		jc.Failure = junitFailureOf(c)
	case Skipped:
		jc.Skipped = &junitSkipped{Message: c.Reason}
	case Throttled: // JUnit's error: the test could not reach a verdict, which is no failure of the contract
		jc.Error = &junitFailure{Message: c.Reason, Type: Throttled}
	}
	if c.Exchange != nil {
		jc.SystemOut = fmt.Sprintf("case %s\nlabels: %s\nprofile: %s\n%s\n%s", c.ID, strings.Join(c.Labels, ", "), c.Profile, warningsText(c), c.Exchange.Text())
	}
	return jc
}

// junitFailureOf puts every failure's message in the message attribute, which is what the CI
// pages show first, and the messages with the expected and actual values and the curl
// reproduction in the body.
func junitFailureOf(c Case) *junitFailure {
	var msgs, checks []string
	var text strings.Builder
	for _, f := range c.Failures {
		msgs = append(msgs, f.Message)
		if !slices.Contains(checks, f.Check) {
			checks = append(checks, f.Check)
		}
		fmt.Fprintf(&text, "%s\n", f.Message)
		if f.Pointer != "" {
			fmt.Fprintf(&text, "  at:       %s\n", f.Pointer)
		}
		fmt.Fprintf(&text, "  expected: %s\n  actual:   %s\n", f.Expected, f.Actual)
	}
	if len(c.Failures) == 0 {
		msgs = append(msgs, "failed without a recorded failure")
	}
	if r := c.Reproduce(); r != "" {
		fmt.Fprintf(&text, "\nreproduce:\n%s\n", r)
	}
	return &junitFailure{Message: strings.Join(msgs, "; "), Type: strings.Join(checks, ","), Text: text.String()}
}

// warningsText lists a case's warnings for its <system-out>: JUnit has no warning state, and a
// warning must not count as a failure.
func warningsText(c Case) string {
	var b strings.Builder
	for _, f := range c.Warnings {
		fmt.Fprintf(&b, "warning (%s): %s\n", f.Profile, f.Message)
	}
	return b.String()
}

func (r *Report) junitProperties(service string) []junitProperty {
	props := []junitProperty{{"report.version", r.Version}, {"target", r.Target},
		{"profile", r.Profile}, {"verdict", r.Verdict()}}
	for _, p := range r.Profiles {
		props = append(props, junitProperty{"profile." + p.Provider + "." + p.Profile, p.Verdict})
	}
	if bl := r.BaselineResult; bl != nil {
		props = append(props, junitProperty{"baseline", bl.String()}, junitProperty{"baseline.source", bl.Source})
	}
	if u := r.Targets[service]; u != "" {
		props = append(props, junitProperty{"target." + service, u})
	}
	if r.Shard != nil {
		props = append(props, junitProperty{"shard", r.Shard.String()})
	}
	props = append(props, r.junitCoverage(service)...)
	return props
}

func seconds(ms int64) string { return fmt.Sprintf("%.3f", float64(ms)/1000) }
