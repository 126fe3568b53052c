package mock_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
)

// FuzzRequestBody sends arbitrary bodies to the operations with the richest schemas, on the
// strict target and on one with every lenient mode. Neither may fail (5xx) or panic; the
// lenient one accepts everything the strict one accepts; and an accepted body never turns
// into U+FFFD text that it did not hold.
func FuzzRequestBody(f *testing.F) {
	for _, seed := range []string{
		`{"enterprise_id":"huawei"}`, `{"function_config":{"id":"a","name":"b","status":"ON","values":[{"key":"k","value":"v"}]}}`,
		`{"function_config":{"values":[{"key":1,"x":2}],"y":"z"}}`, `{"enterprise_id":"\ud83d\ude00"}`, `{"enterprise_id":"\ud800"}`,
		"{\"enterprise_id\":\"\xff\"}", `{"enterprise_id":"\\u\"\\"}`, `{"function_config":"s"}`, `[]`, `"x"`, `{`,
	} {
		f.Add([]byte(seed))
	}
	set, err := loadSpecs()
	if err != nil {
		f.Fatal(err)
	}
	strict, err := mock.New(mock.Options{Specs: set})
	if err != nil {
		f.Fatal(err)
	}
	var all []string
	for _, l := range mock.Lenients() {
		all = append(all, l.Name)
	}
	lenient, err := mock.New(mock.Options{Specs: set, Lenient: all})
	if err != nil {
		f.Fatal(err)
	}
	d := providers.Defaults()
	send := func(h http.Handler, path string, body []byte) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPut, "/v2/"+d.Get(huaweicloud.ProjectID)+path, bytes.NewReader(body))
		r.Header.Set("X-Auth-Token", d.Get(huaweicloud.Token))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, path := range []string{"/workspaces/enterprise-id", "/tenant-configs"} {
			s, l := send(strict, path, body), send(lenient, path, body)
			if s.Code >= 500 || l.Code >= 500 {
				t.Fatalf("%s %q: answered %d (strict) and %d (lenient)", path, body, s.Code, l.Code)
			}
			if s.Code < 300 && l.Code >= 300 {
				t.Fatalf("%s %q: the strict target accepts it (%d), the lenient one refuses it: %s", path, body, s.Code, l.Body)
			}
			if s.Code < 300 && (!utf8.Valid(body) || echoesReplacement(s.Body.Bytes()) && !holdsReplacement(body)) {
				t.Fatalf("%s %q: accepted as %s", path, body, s.Body)
			}
		}
	})
}

// echoesReplacement reports whether an answer's enterprise_id holds U+FFFD.
func echoesReplacement(answer []byte) bool {
	var v struct {
		ID string `json:"enterprise_id"`
	}
	return json.Unmarshal(answer, &v) == nil && strings.ContainsRune(v.ID, utf8.RuneError)
}

// holdsReplacement reports whether a body holds U+FFFD itself, as UTF-8 or escaped.
func holdsReplacement(body []byte) bool {
	return bytes.ContainsRune(body, utf8.RuneError) || bytes.Contains(bytes.ToLower(body), []byte(`\ufffd`))
}
