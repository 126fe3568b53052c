// Package har reads HTTP Archive (HAR 1.2) files, the recordings browsers, Postman, Charles,
// mitmproxy and Insomnia export, as exchanges the check library can judge offline
// (conformance check).
//
// A HAR file is input from anywhere, so it is read as hostile: one entry at a time from a
// stream (the file's size does not set the memory used), each body bounded, every field
// checked before use. The format is the one of http://www.softwareishard.com/blog/har-12-spec/.
package har

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/conformance-suite/conformance/conformance"
)

// Entry is one exchange of a HAR file.
type Entry struct {
	// Index is the entry's position in log.entries, from 0: the order the tool recorded.
	Index   int
	Request conformance.Request
	// Response is nil when the entry holds no answer (status 0: the request was aborted or
	// blocked); Err then says so.
	Response *conformance.Response
	Err      error
	// Time is the entry's total time, request sent to answer read.
	Time time.Duration
}

// The parts of a HAR file that an exchange is judged on.
type (
	entry struct {
		Time     float64  `json:"time"`
		Request  request  `json:"request"`
		Response response `json:"response"`
	}
	request struct {
		Method   string    `json:"method"`
		URL      string    `json:"url"`
		Headers  []nameVal `json:"headers"`
		PostData *struct {
			MimeType string    `json:"mimeType"`
			Text     string    `json:"text"`
			Params   []nameVal `json:"params"`
		} `json:"postData"`
	}
	response struct {
		Status  int       `json:"status"`
		Headers []nameVal `json:"headers"`
		Content struct {
			Size     int64  `json:"size"`
			Text     string `json:"text"`
			Encoding string `json:"encoding"`
		} `json:"content"`
	}
	nameVal struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
)

// Read streams the entries of a HAR file to each, in order, one entry in memory at a time. A
// body over maxBody is cut to maxBody+1 bytes, so that the judge refuses it with its own
// words; a file that is not HAR (no log.entries array, a malformed entry) is an error naming
// where, returned after the entries before it were given to each.
func Read(r io.Reader, maxBody int64, each func(Entry) error) error {
	dec := json.NewDecoder(&capped{r: r, left: MaxFile})
	if err := enterEntries(dec); err != nil {
		return err
	}
	for i := 0; dec.More(); i++ {
		var e entry
		if err := dec.Decode(&e); err != nil {
			return fmt.Errorf("log.entries[%d]: %w", i, err)
		}
		x, err := e.exchange(maxBody)
		if err != nil {
			return fmt.Errorf("log.entries[%d]: %w", i, err)
		}
		x.Index = i
		if err := each(x); err != nil {
			return err
		}
	}
	return nil
}

// MaxFile bounds the bytes read from one HAR file. The decoder holds one entry at a time, but
// the whole of it, bodies included: the bound keeps a hostile file from costing more memory.
const MaxFile = 512 << 20

// capped fails a read past its bound, naming it.
type capped struct {
	r    io.Reader
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, fmt.Errorf("the file is larger than %d MiB", MaxFile>>20)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// enterEntries moves dec into the log.entries array, skipping whatever else the file holds
// (creator, pages, browser) without decoding it.
func enterEntries(dec *json.Decoder) error {
	if err := expectDelim(dec, '{', "a HAR file is a JSON object"); err != nil {
		return err
	}
	if !seekKey(dec, "log") {
		return errors.New("not a HAR file: no log")
	}
	if err := expectDelim(dec, '{', "log is not an object"); err != nil {
		return err
	}
	if !seekKey(dec, "entries") {
		return errors.New("not a HAR file: no log.entries")
	}
	return expectDelim(dec, '[', "log.entries is not an array")
}

func expectDelim(dec *json.Decoder, want json.Delim, msg string) error {
	t, err := dec.Token()
	if err != nil {
		return fmt.Errorf("not a HAR file: %w", err)
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return errors.New("not a HAR file: " + msg)
	}
	return nil
}

// seekKey reads an object's members up to the key name, skipping the values of the others.
func seekKey(dec *json.Decoder, name string) bool {
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		if key, _ := t.(string); key == name {
			return true
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return false
		}
	}
	return false
}

// exchange is the entry as the checks see it.
func (e entry) exchange(maxBody int64) (Entry, error) {
	u, err := url.Parse(e.Request.URL)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return Entry{}, fmt.Errorf("request.url is not an absolute URL")
	}
	method := strings.ToUpper(e.Request.Method)
	if method == "" || strings.ContainsAny(method, " \t\r\n") {
		return Entry{}, fmt.Errorf("request.method %q is not an HTTP method", e.Request.Method)
	}
	x := Entry{
		Request: conformance.Request{Method: method, URL: u.String(), Header: header(e.Request.Headers)},
		Time:    time.Duration(max(e.Time, 0) * float64(time.Millisecond)),
	}
	if pd := e.Request.PostData; pd != nil {
		body := pd.Text
		if body == "" && len(pd.Params) > 0 { // a form some tools keep as params alone
			form := url.Values{}
			for _, p := range pd.Params {
				form.Add(p.Name, p.Value)
			}
			body = form.Encode()
		}
		x.Request.Body = bounded([]byte(body), maxBody)
		if x.Request.Header.Get("Content-Type") == "" && pd.MimeType != "" {
			// The tools write the body's type here even when the header list lacks it.
			x.Request.Header.Set("Content-Type", pd.MimeType)
		}
	}
	if e.Response.Status == 0 {
		x.Err = errors.New("the recording holds no answer (status 0: aborted, blocked or not sent)")
		return x, nil
	}
	if e.Response.Status < 100 || e.Response.Status > 999 {
		return Entry{}, fmt.Errorf("response.status %d is not an HTTP status", e.Response.Status)
	}
	body := []byte(e.Response.Content.Text)
	if strings.EqualFold(e.Response.Content.Encoding, "base64") {
		if body, err = base64.StdEncoding.DecodeString(e.Response.Content.Text); err != nil {
			return Entry{}, fmt.Errorf("response.content.text is not base64: %w", err)
		}
	}
	h := header(e.Response.Headers)
	// HAR keeps the body decoded: the headers that described the bytes on the wire no longer
	// describe it, and would make the judge decode it again.
	h.Del("Content-Encoding")
	h.Del("Content-Length")
	x.Response = &conformance.Response{Status: e.Response.Status, Header: h, Body: bounded(body, maxBody)}
	return x, nil
}

// header is a HAR header list as an http.Header; HTTP/2 pseudo-headers (":authority") are
// the request line's, not headers.
func header(list []nameVal) http.Header {
	h := http.Header{}
	for _, nv := range list {
		if nv.Name == "" || strings.HasPrefix(nv.Name, ":") {
			continue
		}
		h.Add(nv.Name, nv.Value)
	}
	return h
}

// bounded cuts b one byte past limit: enough for the judge to say it is over the limit.
func bounded(b []byte, limit int64) []byte {
	if limit >= 0 && int64(len(b)) > limit+1 {
		return b[:limit+1]
	}
	return b
}
