package conformance

import (
	"net/http"
	"strconv"

	"github.com/conformance-suite/conformance/fixtures"
)

// CheckIgnoredAuth names IgnoredAuth.
const CheckIgnoredAuth CheckName = "ignored_auth"

// IgnoredAuth fails when a request with missing or wrong credentials, or with the credentials
// of an identity that lacks the permission, is not refused.
var IgnoredAuth = Check{
	Name:        CheckIgnoredAuth,
	Profile:     fixtures.Core,
	JudgesCase:  true,
	Description: "a request without valid credentials, or from an identity without the permission, is refused",
	Needs:       []CheckName{CheckResponseReceived, CheckNotAServerError},
	Run: func(x *Exchange, _ *Options) (bool, []Failure) {
		if x.Case.Kind != fixtures.Auth {
			return false, nil
		}
		if refused(x, x.Case.Expect.Status) {
			return true, nil
		}
		got := acceptedAnswer(x)
		if x.Case.Request.Credentials == fixtures.ForbiddenCredentials && x.Response.Status == http.StatusUnauthorized {
			got += " (a 401: the target did not authenticate that identity; are the _FORBIDDEN_ credentials its own?)"
		}
		return true, []Failure{fail(CheckIgnoredAuth, "", "a refusal of "+credentialsSent(x.Case.Request.Credentials)+": "+expectedRefusal(x.Case.Expect.Status), got)}
	},
}

// credentialsSent says in words what an auth case sent.
func credentialsSent(mode fixtures.Credentials) string {
	switch mode {
	case fixtures.NoCredentials:
		return "no credentials"
	case fixtures.WrongCredentials:
		return "wrong credentials"
	case fixtures.MalformedCredentials:
		return "a malformed credential"
	case fixtures.TamperedCredentials:
		return "a signature over content changed after signing"
	case fixtures.StaleCredentials:
		return "a signature an hour old"
	case fixtures.ForbiddenCredentials:
		return "the valid credentials of an identity without the permission"
	}
	return "credentials " + strconv.Quote(string(mode))
}
