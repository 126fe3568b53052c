package runner

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/conformance-suite/conformance/providers"
)

// Redacted replaces a secret wherever output would show it.
const Redacted = "REDACTED"

// redactor keeps secrets out of every line the runner prints or writes: the configured
// credentials, everything derived from them (signatures, password hashes, sessions from a login),
// passwords in target URLs, each in every encoding a target could reflect it in. Where a secret
// came from an environment variable, the curl command names the variable instead, so that it
// still reproduces the request. It is the one place output is redacted: reports, curl, live lines,
// error texts and Ginkgo's log (Writer) all go through it.
type redactor struct {
	mu    sync.RWMutex
	known map[string]bool // every registered form
	// index holds the forms by their first minSecret bytes, longest first, and first2 marks
	// the two-byte beginnings of any: a scan looks a position up only where one may begin, and
	// adding a secret (one per request signed) costs no rebuild.
	index   map[string][]string
	first2  [1 << 16 / 64]uint64
	longest int
	envOf   map[string]string // secret value → the variable that holds it
}

// secretHeaders are headers whose whole value is a credential.
var secretHeaders = map[string]bool{
	"Authorization": true, "X-Auth-Token": true, "X-Session-Id": true, "X-Security-Token": true,
	"Cookie": true, "X-Subject-Token": true, "Set-Cookie": true, "Proxy-Authorization": true,
}

// secretParams are query parameters that carry a signature or a key.
var secretParams = map[string]bool{"Signature": true, "AccessKeyId": true, "SecurityToken": true}

func newRedactor(c providers.Credentials) *redactor {
	r := &redactor{known: map[string]bool{}, index: map[string][]string{}, envOf: map[string]string{}}
	for _, v := range c.Secrets() {
		r.add(v)
	}
	for _, v := range providers.Variables() {
		if v.Verbatim && c.Get(v) != "" {
			r.envOf[c.Get(v)] = v.Env
		}
	}
	return r
}

// minSecret is the shortest value treated as a secret: replacing shorter ones would mangle
// ordinary text, and no credential is that short.
const minSecret = 4

// add registers one more secret, e.g. a session handed out by a login or a signature just
// computed, with every form a target may echo it in.
func (r *redactor) add(secret string) {
	if len(secret) < minSecret {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, form := range encodings(secret) {
		if r.known[form] {
			continue
		}
		r.known[form] = true
		key := form[:minSecret]
		forms := append(r.index[key], form)
		sort.SliceStable(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
		r.index[key] = forms
		two := uint16(form[0])<<8 | uint16(form[1])
		r.first2[two/64] |= 1 << (two % 64)
		r.longest = max(r.longest, len(form))
	}
}

// encodings are the forms a secret takes in a URL query or path, in JSON (with or without
// HTML escaping, with or without escaped slashes), in HTML, and percent-encoded twice as in an
// Alibaba V1 string to sign.
func encodings(secret string) []string {
	q, p := url.QueryEscape(secret), url.PathEscape(secret)
	j, jh := jsonString(secret, false), jsonString(secret, true)
	return []string{
		secret, q, p, strings.ReplaceAll(q, "+", "%20"), lowerHex(q), lowerHex(p), url.QueryEscape(q),
		j, jh, strings.ReplaceAll(j, "/", `\/`), html.EscapeString(secret),
	}
}

func jsonString(s string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(s)
	out := strings.TrimSpace(b.String())
	return out[1 : len(out)-1]
}

// lowerHex writes the %XX escapes of s in lower case, as some encoders do.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			for j := i + 1; j <= i+2; j++ {
				if 'A' <= b[j] && b[j] <= 'F' {
					b[j] += 'a' - 'A'
				}
			}
		}
	}
	return string(b)
}

// addSigned registers the signatures of a request the moment it is signed: the Signature of
// an SDK-HMAC-SHA256 or ACS3-HMAC-SHA256 Authorization, the signature of a ZStack access key,
// and the Signature query parameter of Alibaba V1.
func (r *redactor) addSigned(req *http.Request) {
	for _, v := range req.Header.Values("Authorization") {
		if i := strings.LastIndex(v, "Signature="); i >= 0 {
			sig := v[i+len("Signature="):]
			if end := strings.IndexAny(sig, ", "); end >= 0 {
				sig = sig[:end]
			}
			r.add(sig)
		}
		if scheme, cred, ok := strings.Cut(v, " "); ok && scheme == "ZStack" {
			if _, sig, ok := strings.Cut(cred, ":"); ok {
				r.add(sig)
			}
		}
	}
	if req.URL != nil {
		for _, sig := range req.URL.Query()["Signature"] {
			r.add(sig)
		}
	}
}

// addURL registers the password of a URL's userinfo, and the Basic credential net/http
// makes of it.
func (r *redactor) addURL(u *url.URL) {
	if u == nil || u.User == nil {
		return
	}
	if pw, ok := u.User.Password(); ok {
		r.add(pw)
		r.add(base64.StdEncoding.EncodeToString([]byte(u.User.Username() + ":" + pw)))
	}
}

// at is the longest form that begins at s[i:], "" when none does. The caller holds mu.
func (r *redactor) at(s string, i int) string {
	if i+minSecret > len(s) {
		return ""
	}
	two := uint16(s[i])<<8 | uint16(s[i+1])
	if r.first2[two/64]&(1<<(two%64)) == 0 {
		return ""
	}
	for _, form := range r.index[s[i:i+minSecret]] {
		if strings.HasPrefix(s[i:], form) {
			return form
		}
	}
	return ""
}

// text replaces every known secret in s, leftmost and longest first, and a secret's beginning
// where a truncation ("…") cut it short.
func (r *redactor) text(s string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if len(r.index) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i+minSecret <= len(s); {
		form := r.at(s, i)
		if form == "" {
			i++
			continue
		}
		if last == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:i])
		b.WriteString(Redacted)
		i += len(form)
		last = i
	}
	if last > 0 {
		b.WriteString(s[last:])
		s = b.String()
	}
	if strings.Contains(s, "…") {
		s = r.truncated(s)
	}
	return s
}

// minPartial is the shortest beginning of a secret, left before an ellipsis by a truncation,
// that is redacted.
const minPartial = 6

// truncated redacts what is left of a secret that a truncation cut short: a beginning of
// one, at least minPartial bytes long, just before "…" (or before `"…`, as %q-quoted excerpts
// end). The caller holds mu.
func (r *redactor) truncated(s string) string {
	var b strings.Builder
	whole, cutAny := s, false
	for {
		i := strings.Index(s, "…")
		if i < 0 {
			if !cutAny { // nothing to redact: the text itself, not a copy of it
				return whole
			}
			b.WriteString(s)
			return b.String()
		}
		end := i
		if end > 0 && s[end-1] == '"' {
			end--
		}
		cut := end
		for j := max(0, end-r.longest); j+minPartial <= end && cut == end; j++ {
			for _, form := range r.index[s[j:j+minSecret]] {
				if end-j < len(form) && s[j:end] == form[:end-j] {
					cut = j
					break
				}
			}
		}
		b.WriteString(s[:cut])
		if cut < end {
			b.WriteString(Redacted)
			cutAny = true
		}
		b.WriteString(s[end : i+len("…")])
		s = s[i+len("…"):]
	}
}

// excerpt redacts s and bounds it to about limit bytes, cut where no secret is split and on a
// rune boundary, with the full size noted. Every text the runner keeps from a target goes
// through it or through text on something already bounded.
func (r *redactor) excerpt(s string, limit int) string {
	if len(s) <= limit {
		return r.text(s)
	}
	cut := r.safeCut(s, limit)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return r.text(strings.ToValidUTF8(s[:cut], "")) + fmt.Sprintf("… (%d bytes in all)", len(s))
}

// body renders the evidence kept of a body of size bytes (b may be its first part only, see
// conformance.Exchange.Trim): invalid UTF-8 replaced, a cut marked "…" with the size, and
// redacted, so that a secret the cut split leaves no beginning either.
func (r *redactor) body(b []byte, size int) string {
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	if size > len(b) {
		s += fmt.Sprintf("… (%d bytes in all)", size)
	}
	return r.text(s)
}

// safeCut moves a cut point p of s back to before any secret that spans it.
func (r *redactor) safeCut(s string, p int) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for moved := true; moved; {
		moved = false
		for j := max(0, p-r.longest+1); j < p; j++ {
			if form := r.at(s, j); form != "" && j+len(form) > p {
				p, moved = j, true
				break
			}
		}
	}
	return p
}

// maxForm is the length of the longest registered form.
func (r *redactor) maxForm() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.longest
}

// header redacts one header value: a credential header keeps only its scheme word.
func (r *redactor) header(name, value string) string {
	if !secretHeaders[http.CanonicalHeaderKey(name)] {
		return r.text(value)
	}
	if scheme, _, ok := strings.Cut(value, " "); ok && authSchemes[scheme] {
		return scheme + " " + Redacted
	}
	return Redacted
}

// authSchemes are the Authorization schemes worth showing: they say how a request was
// authenticated without saying with what. Anything else in a credential header is hidden whole.
var authSchemes = map[string]bool{
	"OAuth": true, "Bearer": true, "Basic": true, "ZStack": true,
	"SDK-HMAC-SHA256": true, "ACS3-HMAC-SHA256": true,
}

// Header redacts a whole header set. What redaction leaves as it was is shared with h, not
// copied (h itself when nothing changes): the evidence of every case of a run is kept until
// the reports are written, and most headers hold no secret. Neither h nor the result may be
// changed afterwards.
func (r *redactor) Header(h http.Header) map[string][]string {
	if len(h) == 0 {
		return map[string][]string{}
	}
	var out map[string][]string
	for k, vs := range h {
		var redacted []string
		for i, v := range vs {
			rv := r.header(k, v)
			if rv != v && redacted == nil {
				redacted = append(make([]string, 0, len(vs)), vs[:i]...)
			}
			if redacted != nil {
				redacted = append(redacted, rv)
			}
		}
		if redacted != nil {
			if out == nil {
				out = maps.Clone(h)
			}
			out[k] = redacted
		}
	}
	if out == nil {
		return h
	}
	return out
}

// URL redacts the signature and key parameters of a URL's query and the password of its
// userinfo.
func (r *redactor) URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return r.text(displayURL(raw))
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), Redacted)
		}
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			if secretParams[k] {
				q.Set(k, Redacted)
			}
		}
		u.RawQuery = q.Encode()
	}
	return r.text(u.String())
}

// displayURL hides the password of a URL that may not even parse, for messages about
// settings: "http://user:secret@host" becomes "http://user:REDACTED@host".
func displayURL(raw string) string {
	prefix, rest := "", raw
	if i := strings.Index(raw, "://"); i >= 0 {
		prefix, rest = raw[:i+3], raw[i+3:]
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return raw
	}
	user, _, hasPassword := strings.Cut(authority[:at], ":")
	if !hasPassword {
		return raw
	}
	return prefix + user + ":" + Redacted + rest[at:]
}

// curl renders a request as a curl command that reproduces it. A credential from the
// environment is written as a reference to its variable (double-quoted so the shell expands
// it); any other secret, such as a signature, is REDACTED and must be computed anew.
func (r *redactor) curl(req *http.Request, body []byte) string {
	var b strings.Builder
	size := 32 + len(body) + len(body)/8 // a curl per case: grown once, not doubled as it is written
	names := make([]string, 0, len(req.Header))
	for k, vs := range req.Header {
		names = append(names, k)
		for _, v := range vs {
			size += 8 + len(k) + len(v)
		}
	}
	fmt.Fprintf(&b, "curl -sS -X %s %s", req.Method, shellQuote(r.URL(req.URL.String())))
	b.Grow(size)
	sort.Strings(names)
	for _, k := range names {
		for _, v := range req.Header[k] {
			b.WriteString(" -H ")
			b.WriteString(r.curlHeader(k, v))
		}
	}
	if len(body) > 0 {
		b.WriteString(" --data-raw ")
		b.WriteString(shellQuote(r.text(string(body))))
	}
	return b.String()
}

func (r *redactor) curlHeader(name, value string) string {
	if secretHeaders[http.CanonicalHeaderKey(name)] {
		scheme, cred, found := strings.Cut(value, " ")
		if !found {
			scheme, cred = "", value
		}
		if env, ok := r.envOf[cred]; ok {
			if scheme != "" {
				scheme += " "
			}
			return `"` + name + ": " + scheme + "$" + env + `"`
		}
	}
	return shellQuote(name + ": " + r.header(name, value))
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// lineLimit bounds how much of one line Writer holds before it writes part of it.
const lineLimit = 64 << 10

// Writer returns a writer that redacts what it is given line by line into w, holding at most
// about lineLimit bytes (plus the longest secret) of an unfinished line; Close writes what is
// left. It is how output the runner does not format itself, Ginkgo's log, is redacted.
func (r *redactor) Writer(w io.Writer) io.WriteCloser {
	return &redactingWriter{r: r, w: w}
}

type redactingWriter struct {
	mu  sync.Mutex
	r   *redactor
	w   io.Writer
	buf []byte
	err error
}

func (rw *redactingWriter) Write(p []byte) (int, error) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	n := len(p)
	for len(p) > 0 && rw.err == nil {
		take := min(len(p), max(1, lineLimit-len(rw.buf)))
		if i := bytes.IndexByte(p[:take], '\n'); i >= 0 {
			take = i + 1
		}
		rw.buf = append(rw.buf, p[:take]...)
		p = p[take:]
		switch {
		case rw.buf[len(rw.buf)-1] == '\n':
			rw.flush(len(rw.buf))
		case len(rw.buf) >= lineLimit:
			// A line this long is written in parts, keeping back what could begin a secret.
			cut := rw.r.safeCut(string(rw.buf), max(0, len(rw.buf)-rw.r.maxForm()))
			if cut == 0 {
				cut = len(rw.buf)
			}
			rw.flush(cut)
		}
	}
	if rw.err != nil {
		return 0, rw.err
	}
	return n, nil
}

// flush writes the first n bytes of the buffer, redacted, and keeps the rest.
func (rw *redactingWriter) flush(n int) {
	if n == 0 {
		return
	}
	_, rw.err = io.WriteString(rw.w, rw.r.text(string(rw.buf[:n])))
	rw.buf = append(rw.buf[:0], rw.buf[n:]...)
}

// Close writes the unfinished line, redacted. It does not close the underlying writer.
func (rw *redactingWriter) Close() error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	rw.flush(len(rw.buf))
	return rw.err
}
