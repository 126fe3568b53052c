package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// validationOptions are kin-openapi's options for requests the target has already
// authenticated itself: the spec's security schemes cannot tell a valid signature from a
// forged one, so its authentication hook accepts everything.
func validationOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
		MultiError:          true,
		SkipSettingDefaults: true, // the handler sees the body as sent
	}
}

// validateRequest checks a request against its operation and returns "" when it conforms,
// else one line per broken field, each naming the field.
func validateRequest(r *http.Request, rt route, body []byte) string {
	req := r.Clone(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	req.GetBody = nil
	op := rt.op.Route.Operation
	if op.RequestBody != nil && len(body) > 0 {
		ct := req.Header.Get("Content-Type")
		if ct == "" {
			// Only operations that do not mandate the header get here: read the body as the
			// JSON that every documented body is.
			ct = "application/json"
			req.Header.Set("Content-Type", ct)
		}
		if mt, _, err := mime.ParseMediaType(ct); err == nil && strings.HasSuffix(mt, "json") {
			if reason := malformedJSON(body); reason != "" {
				return reason
			}
		}
	}
	err := openapi3filter.ValidateRequest(r.Context(), &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: rt.params,
		Route:      rt.op.Route,
		Options:    validationOptions(),
	})
	if err == nil {
		return ""
	}
	return strings.Join(describe(err, "request"), "; ")
}

// malformedJSON says where a body stops being JSON, or returns "".
func malformedJSON(body []byte) string {
	var v any
	err := json.Unmarshal(body, &v)
	if err == nil {
		return ""
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Sprintf("the request body is not valid JSON: %s (at byte %d)", syntax, syntax.Offset)
	}
	return "the request body is not valid JSON: " + err.Error()
}

// describe turns kin-openapi's error tree into one message per broken field, naming the field
// the way a client sees it: a parameter by name and place, a body field by JSON pointer.
func describe(err error, where string) []string {
	switch e := err.(type) {
	case openapi3.MultiError:
		var out []string
		for _, x := range e {
			out = append(out, describe(x, where)...)
		}
		return out
	case *openapi3filter.RequestError:
		switch {
		case e.Parameter != nil:
			where = fmt.Sprintf("parameter %q in %s", e.Parameter.Name, e.Parameter.In)
		case e.RequestBody != nil:
			where = "body"
		}
		switch e.Err.(type) {
		case nil:
			return []string{where + ": " + e.Reason}
		case openapi3.MultiError, *openapi3.SchemaError:
			return describe(e.Err, where)
		}
		if e.Reason != "" {
			return []string{where + ": " + e.Reason + ": " + e.Err.Error()}
		}
		return []string{where + ": " + e.Err.Error()}
	case *openapi3.SchemaError:
		field := where
		if ptr := e.JSONPointer(); len(ptr) > 0 {
			field = fmt.Sprintf("%s field %q", where, "/"+strings.Join(ptr, "/"))
		}
		return []string{field + ": " + e.Reason}
	default:
		return []string{where + ": " + err.Error()}
	}
}
