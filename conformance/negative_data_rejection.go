package conformance

import (
	"github.com/conformance-suite/conformance/fixtures"
)

// CheckNegativeDataRejection names NegativeDataRejection.
const CheckNegativeDataRejection CheckName = "negative_data_rejection"

// NegativeDataRejection fails when invalid input is not refused with one of the statuses the
// fixture expects (a documented 4xx; Options.RefusalStatuses when the user sets them), or, where
// the fixture expects a business failure, when the 2xx answer does not say so. A body that broke its schema cannot be judged, hence the Needs.
var NegativeDataRejection = Check{
	Name:        CheckNegativeDataRejection,
	Profile:     fixtures.Core,
	JudgesCase:  true,
	Description: "invalid input is refused with a documented 4xx (or a documented business failure)",
	Needs:       []CheckName{CheckResponseReceived, CheckNotAServerError, CheckContentEncodingConformance, CheckResponseSchemaConformance},
	Run: func(x *Exchange, o *Options) (bool, []Failure) {
		if x.Case.Kind != fixtures.Negative {
			return false, nil
		}
		statuses := x.Case.Expect.Status
		if o != nil && o.RefusalStatuses != nil {
			statuses = o.RefusalStatuses
		}
		if refused(x, statuses) {
			return true, nil
		}
		return true, []Failure{fail(CheckNegativeDataRejection, "", "a refusal: "+expectedRefusal(statuses), acceptedAnswer(x)+"; input sent: "+inputSummary(x))}
	},
}
