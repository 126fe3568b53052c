package har

import (
	"errors"
	"strings"
	"testing"
)

const sample = `{"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}, "pages": [{"id": "p"}],
 "entries": [
  {"time": 12.5,
   "request": {"method": "post", "url": "https://dms-enterprise.cn-hangzhou.aliyuncs.com/?Action=GetUserActiveTenant",
     "headers": [{"name": ":authority", "value": "x"}, {"name": "x-acs-action", "value": "GetUserActiveTenant"}],
     "postData": {"mimeType": "application/x-www-form-urlencoded", "params": [{"name": "Tid", "value": "3000"}]}},
   "response": {"status": 200, "headers": [{"name": "Content-Encoding", "value": "gzip"}, {"name": "Content-Type", "value": "application/json"}],
     "content": {"size": 16, "encoding": "base64", "text": "eyJTdWNjZXNzIjp0cnVlfQ=="}}},
  {"request": {"method": "GET", "url": "http://127.0.0.1:1/v1/x"}, "response": {"status": 0, "content": {}}},
  {"request": {"method": "PUT", "url": "http://127.0.0.1:1/big", "postData": {"mimeType": "application/json", "text": "0123456789"}},
   "response": {"status": 204, "content": {"text": "abcdefghij"}}}
 ]}}`

func TestReadTakesEachEntryAsTheWireHadIt(t *testing.T) {
	var got []Entry
	if err := Read(strings.NewReader(sample), 4, func(e Entry) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d entries", len(got))
	}
	a := got[0]
	if a.Request.Method != "POST" || string(a.Request.Body) != "Tid=3" || a.Request.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || a.Request.Header.Get(":authority") != "" {
		t.Errorf("request %+v", a.Request)
	}
	if a.Response == nil || a.Response.Status != 200 || string(a.Response.Body) != `{"Suc` || a.Response.Header.Get("Content-Encoding") != "" {
		t.Errorf("response %+v %q: want the base64 body decoded, cut one byte past the limit, no Content-Encoding", a.Response, a.Response.Body)
	}
	if a.Time.Milliseconds() != 12 {
		t.Errorf("time %v", a.Time)
	}
	if got[1].Response != nil || got[1].Err == nil || got[1].Index != 1 {
		t.Errorf("an entry without an answer: %+v", got[1])
	}
	if string(got[2].Request.Body) != "01234" || string(got[2].Response.Body) != "abcde" {
		t.Errorf("bodies over the limit are cut one byte past it: %q %q", got[2].Request.Body, got[2].Response.Body)
	}
}

func TestReadRefusesWhatIsNotHAR(t *testing.T) {
	for name, in := range map[string]string{
		"not json":        "GET / HTTP/1.1",
		"an array":        "[]",
		"no log":          `{"entries": []}`,
		"no entries":      `{"log": {"version": "1.2"}}`,
		"entries object":  `{"log": {"entries": {}}}`,
		"relative url":    `{"log": {"entries": [{"request": {"method": "GET", "url": "/x"}, "response": {"status": 200}}]}}`,
		"bad method":      `{"log": {"entries": [{"request": {"method": "GE T", "url": "http://h/x"}, "response": {"status": 200}}]}}`,
		"bad status":      `{"log": {"entries": [{"request": {"method": "GET", "url": "http://h/x"}, "response": {"status": 42}}]}}`,
		"bad base64":      `{"log": {"entries": [{"request": {"method": "GET", "url": "http://h/x"}, "response": {"status": 200, "content": {"encoding": "base64", "text": "%%%"}}}]}}`,
		"truncated entry": `{"log": {"entries": [{"request": {"method": "GET"`,
	} {
		if err := Read(strings.NewReader(in), 1<<20, func(Entry) error { return nil }); err == nil {
			t.Errorf("%s: read without an error", name)
		}
	}
}

// The callback's error stops the reading and is returned as it is.
func TestReadStopsOnTheCallersError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := Read(strings.NewReader(sample), 1<<20, func(Entry) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err %v after %d entries", err, n)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(sample))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = Read(strings.NewReader(string(b)), 64, func(e Entry) error {
			if e.Response != nil && len(e.Response.Body) > 65 {
				t.Fatalf("a body of %d bytes past the bound", len(e.Response.Body))
			}
			return nil
		})
	})
}
