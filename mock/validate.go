package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/conformance-suite/conformance/specs"
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
// else one line per broken field, each naming the field. body is what the handler gets: the
// body as sent, less what a lenient mode ignores.
//
// Beyond kin-openapi's validation, a JSON body must be UTF-8 without lone surrogates
// (encoding/json would silently read U+FFFD), and the strict target refuses the members its
// schema does not describe: OpenAPI allows them unless additionalProperties is false, but a
// service that answers 200 to a field it ignores lets a client's typo pass unnoticed.
func (m *mock) validateRequest(r *http.Request, op *specs.Operation, params map[string]string, body []byte) ([]byte, string) {
	req := r.Clone(r.Context())
	var reasons []string
	if schema := op.RequestSchema(); op.Route.Operation.RequestBody != nil && len(body) > 0 {
		ct := req.Header.Get("Content-Type")
		mt, _, err := mime.ParseMediaType(ct)
		switch {
		case ct == "":
			// Only operations that do not mandate the header get here (or any, under the
			// content-type lenient mode): read the body as the JSON that every documented
			// body is.
			mt, err = "application/json", nil
		case m.lenient.contentType && schema != nil && (err != nil || !isJSON(mt)):
			mt, err = "application/json", nil
		}
		if err == nil && isJSON(mt) {
			req.Header.Set("Content-Type", mt)
			if reason := malformedJSON(body); reason != "" {
				return body, reason
			}
			if reason := invalidUnicode(body); reason != "" {
				return body, reason
			}
			var unknown []string
			body, unknown = m.sift(schema, body)
			for _, ptr := range unknown {
				reasons = append(reasons, fmt.Sprintf("body field %q: not a field of this operation's request (the spec does not describe it)", ptr))
			}
		}
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	req.GetBody = nil
	err := openapi3filter.ValidateRequest(r.Context(), &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      op.Route,
		Options:    validationOptions(),
	})
	if err != nil {
		reasons = append(describe(err, "request"), reasons...)
	}
	return body, strings.Join(reasons, "; ")
}

// sift applies the lenient modes in force to a JSON body that its schema describes: it drops
// what they ignore, re-encoding the body only if something was dropped, and returns the
// pointers of the unknown members that the strict target refuses.
func (m *mock) sift(schema *openapi3.Schema, body []byte) ([]byte, []string) {
	if schema == nil {
		return body, nil
	}
	v, ok := decodeJSON(body)
	if !ok {
		return body, nil
	}
	p := fieldPolicy{dropUnknown: m.lenient.unknownFields, dropWrongType: m.lenient.optionalTypes}
	unknown, changed := p.sift(schema, v)
	if changed {
		if b, ok := encodeJSON(v); ok {
			body = b
		}
	}
	return body, unknown
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

// invalidUnicode says where a JSON body holds text that is not Unicode, or returns "": bytes
// that are not UTF-8, or a \u escape of a lone surrogate. RFC 8259 requires UTF-8 and I-JSON
// (RFC 7493) excludes lone surrogates; encoding/json would store either as U+FFFD and answer
// 200. body is already known to be valid JSON, so every escape is complete.
func invalidUnicode(body []byte) string {
	for i := 0; i < len(body); {
		r, n := utf8.DecodeRune(body[i:])
		if r == utf8.RuneError && n == 1 {
			return fmt.Sprintf("the request body is not valid UTF-8 (at byte %d)", i)
		}
		i += n
	}
	inString := false
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '"':
			inString = !inString
		case '\\':
			if !inString {
				continue
			}
			if body[i+1] != 'u' {
				i++ // an escaped quote or backslash ends nothing
				continue
			}
			r := hexRune(body[i+2 : i+6])
			switch {
			case utf16.IsSurrogate(r) && r < 0xDC00 && i+12 <= len(body) && body[i+6] == '\\' && body[i+7] == 'u' &&
				utf16.DecodeRune(r, hexRune(body[i+8:i+12])) != unicode.ReplacementChar:
				i += 11 // a high surrogate and its low one: one character
			case utf16.IsSurrogate(r):
				return fmt.Sprintf("the request body escapes a lone UTF-16 surrogate, %s, which is not a character (at byte %d)", body[i:i+6], i)
			default:
				i += 5
			}
		}
	}
	return ""
}

// hexRune reads the four hex digits of a \u escape.
func hexRune(digits []byte) rune {
	n, err := strconv.ParseUint(string(digits), 16, 16)
	if err != nil {
		return unicode.ReplacementChar
	}
	return rune(n)
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
