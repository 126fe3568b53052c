package conformance

import (
	"slices"

	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/specs"
)

// CheckStatusCodeConformance names StatusCodeConformance.
const CheckStatusCodeConformance CheckName = "status_code_conformance"

// StatusCodeConformance fails when the status is not documented for the operation, and, for a
// positive case, when a status below 400 is not the one the fixture expects (a 201 for a 200,
// a redirect). A 4xx to a positive case is a refusal of valid input, judged by
// PositiveDataAcceptance alone; whether a negative or auth case was refused is judged by
// NegativeDataRejection and IgnoredAuth. An undocumented refusal thus fails both this check
// (the status is not documented) and the one that owns the refusal: two broken points.
var StatusCodeConformance = Check{
	Name:        CheckStatusCodeConformance,
	Profile:     fixtures.Core,
	Description: "the status is documented for the operation and, for a positive case that was not refused, the one the fixture expects",
	Needs:       []CheckName{CheckResponseReceived, CheckNotAServerError},
	Run: func(x *Exchange, _ *Options) (bool, []Failure) {
		status := x.Response.Status
		if !x.Op.Documented(status) {
			return true, []Failure{fail(CheckStatusCodeConformance, "", "a documented status ("+joinInts(x.Op.Statuses)+")", specs.StatusText(status)+" "+excerpt(x.Response.Body))}
		}
		expect := x.Case.Expect.Status
		if x.Case.Kind == fixtures.Positive && status < 400 && len(expect) > 0 && !slices.Contains(expect, status) {
			return true, []Failure{fail(CheckStatusCodeConformance, "", specs.StatusText(expect[0]), specs.StatusText(status)+" "+excerpt(x.Response.Body))}
		}
		return true, nil
	},
}
