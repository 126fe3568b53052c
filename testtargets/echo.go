// Package testtargets holds hostile targets the tests of several packages run the suite
// against, on loopback: one declaration each, so the runner's tests and the command's tests
// judge the same behaviour; and what those tests watch a run or a proxy session with (its
// console's Output, the search of its outputs for secrets).
package testtargets

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Echo reflects everything a request carried (method, URI, headers, body) in its answer's
// headers and in an error body shaped like every provider's envelope, and keeps it, so that a
// test can look for each secret and signature sent in each output of a run.
type Echo struct {
	mu       sync.Mutex
	received []string
}

func (e *Echo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", r.Method, r.URL.RequestURI())
	for k, vs := range r.Header {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
			w.Header().Add("X-Echo-"+k, v)
		}
	}
	b.Write(body)
	e.mu.Lock()
	e.received = append(e.received, b.String())
	e.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, `{"error_code":"APIGW.0201","error_msg":%q,"Code":"Echo","Message":%q,"error":{"code":"SYS.1007","details":%q}}`,
		b.String(), r.URL.RawQuery, string(body))
}

// Signatures are the signatures the target received since the last Reset: each Signature=
// value of a header or query, as sent and unescaped.
func (e *Echo) Signatures() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, sent := range e.received {
		out = append(out, signatures(sent)...)
	}
	return out
}

// Reset forgets what was received.
func (e *Echo) Reset() {
	e.mu.Lock()
	e.received = nil
	e.mu.Unlock()
}

func signatures(sent string) []string {
	var out []string
	for _, key := range []string{"Signature=", "Signature%3D"} {
		for rest := sent; ; {
			i := strings.Index(rest, key)
			if i < 0 {
				break
			}
			rest = rest[i+len(key):]
			end := strings.IndexAny(rest, ",& \n\"")
			if end < 0 {
				end = len(rest)
			}
			sig := rest[:end]
			raw, err := url.QueryUnescape(sig)
			if err != nil {
				raw = sig
			}
			// "!not-base64!" is the malformed case's signature, no secret.
			if len(sig) >= 8 && !strings.Contains(raw, "!") {
				out = append(out, sig)
				if raw != sig {
					out = append(out, raw)
				}
			}
		}
	}
	return out
}
