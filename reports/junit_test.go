package reports_test

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/joshdk/go-junit"

	"github.com/conformance-suite/conformance/reports"
)

// junit.xml parses with a JUnit library, has one testcase per case with the right states,
// and every failure's message, the curl and the transcript.
func TestJUnitParses(t *testing.T) {
	for _, tt := range reportsUnderTest {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r()
			suites, err := junit.Ingest(read(t, writeAll(t, r), "junit.xml"))
			if err != nil {
				t.Fatal(err)
			}
			var got reports.Summary
			tests := map[string]junit.Test{}
			for _, s := range suites {
				s.Aggregate()
				got.Passed += s.Totals.Passed
				got.Failed += s.Totals.Failed
				got.Skipped += s.Totals.Skipped
				if s.Totals.Error != 0 {
					t.Errorf("suite %s has %d errors", s.Name, s.Totals.Error)
				}
				for _, tc := range s.Tests {
					tests[tc.Classname+"/"+tc.Name] = tc
				}
			}
			if got != r.Summary {
				t.Errorf("junit counts %+v, report %+v", got, r.Summary)
			}
			if len(tests) != len(r.Cases) {
				t.Errorf("%d testcases for %d cases", len(tests), len(r.Cases))
			}
			for _, c := range r.Cases {
				tc, ok := tests[c.Service+"."+c.Operation+"/"+c.Name]
				if !ok {
					t.Errorf("no testcase %s.%s %q", c.Service, c.Operation, c.Name)
					continue
				}
				switch c.State {
				case reports.Failed:
					jerr, _ := tc.Error.(junit.Error)
					for _, f := range c.Failures {
						// XML cannot carry NUL or ESC: the writer replaces them, nothing else changes.
						want := strings.NewReplacer("\x00", "\uFFFD", "\x1b", "\uFFFD").Replace(f.Message)
						if !strings.Contains(tc.Message, want) || !strings.Contains(jerr.Body, want) {
							t.Errorf("%s: failure message or body lacks %q", c.ID, want)
						}
					}
					if !strings.Contains(jerr.Body, c.Curl) {
						t.Errorf("%s: failure body lacks the curl", c.ID)
					}
				case reports.Skipped:
					if tc.Status != junit.StatusSkipped || tc.Message != c.Reason {
						t.Errorf("%s: status %s message %q, want skipped %q", c.ID, tc.Status, tc.Message, c.Reason)
					}
				case reports.Passed:
					if tc.Status != junit.StatusPassed {
						t.Errorf("%s: status %s", c.ID, tc.Status)
					}
				}
				if c.Exchange != nil && !strings.Contains(tc.SystemOut, "> "+c.Exchange.Request.Method+" "+c.Exchange.Request.URL) {
					t.Errorf("%s: system-out lacks the transcript:\n%s", c.ID, tc.SystemOut)
				}
			}
		})
	}
}

// The attributes the CI consumers require, which a lenient parser would not miss: GitLab,
// Jenkins' schema and the GitHub actions read tests/failures/skipped/time on <testsuites> and
// <testsuite>, and Jenkins wants a zone-less timestamp.
func TestJUnitLayout(t *testing.T) {
	type attrs struct {
		Name      string `xml:"name,attr"`
		Tests     *int   `xml:"tests,attr"`
		Failures  *int   `xml:"failures,attr"`
		Errors    *int   `xml:"errors,attr"`
		Skipped   *int   `xml:"skipped,attr"`
		Time      string `xml:"time,attr"`
		Timestamp string `xml:"timestamp,attr"`
	}
	var doc struct {
		XMLName xml.Name `xml:"testsuites"`
		attrs
		Suites []struct {
			attrs
			Properties []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Cases []struct {
				Name      string `xml:"name,attr"`
				Classname string `xml:"classname,attr"`
				Time      string `xml:"time,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	r := failingReport()
	raw := read(t, writeAll(t, r), "junit.xml")
	if !bytes.HasPrefix(raw, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Error("no XML declaration")
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	complete := func(where string, a attrs) {
		if a.Tests == nil || a.Failures == nil || a.Errors == nil || a.Skipped == nil || a.Time == "" {
			t.Errorf("%s lacks tests/failures/errors/skipped/time: %+v", where, a)
		}
	}
	complete("testsuites", doc.attrs)
	if *doc.Tests != len(r.Cases) || *doc.Failures != r.Summary.Failed || *doc.Skipped != r.Summary.Skipped {
		t.Errorf("testsuites counts %d/%d/%d, want %d/%d/%d", *doc.Tests, *doc.Failures, *doc.Skipped, len(r.Cases), r.Summary.Failed, r.Summary.Skipped)
	}
	if len(doc.Suites) != 3 {
		t.Errorf("%d testsuites, want one per service (3)", len(doc.Suites))
	}
	for _, s := range doc.Suites {
		complete("testsuite "+s.Name, s.attrs)
		if s.Timestamp != "2026-11-25T23:49:53" {
			t.Errorf("testsuite %s timestamp %q", s.Name, s.Timestamp)
		}
		if len(s.Properties) == 0 {
			t.Errorf("testsuite %s has no properties", s.Name)
		}
		for _, c := range s.Cases {
			if c.Classname == "" || c.Name == "" || c.Time == "" {
				t.Errorf("testcase %+v lacks an attribute", c)
			}
			if !strings.HasPrefix(c.Classname, s.Name+".") {
				t.Errorf("testcase classname %q is not <service>.<operation> of suite %s", c.Classname, s.Name)
			}
		}
	}
}
