package runner

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// The bounds that hold whatever a target sends. A real cloud answer has fewer than 30 header
// fields in a few KiB; the limits leave room for any honest gateway and stop a hostile one
// long before it costs memory.
const (
	// maxResponseHeaderBytes bounds the status line and header block of one answer
	// (http.Transport.MaxResponseHeaderBytes; 1xx answers included).
	maxResponseHeaderBytes = 64 << 10
	// maxResponseHeaders bounds the header fields (values, trailers included) of one answer.
	maxResponseHeaders = 100
	// maxParallel bounds --parallel: more requests in flight buy no speed from one target,
	// only memory.
	maxParallel = 256
	// maxBodyLimit bounds --max-body itself: one answer is held whole while it is judged.
	maxBodyLimit = 1 << 30
	// errorTextLimit bounds every error text the runner keeps for a case (a refused login,
	// a transport error), however much of itself the target put in it.
	errorTextLimit = 1 << 10
	// loginBodyExcerpt is how much of a refused login's body its error quotes.
	loginBodyExcerpt = 256
	// bodyChunk is the unit in which a body of unannounced length is read.
	bodyChunk = 64 << 10
	// bodyBudget bounds the body bytes the answers in flight hold together: a body reserves
	// its announced length, or --max-body when none is announced, before it is read, so that
	// at the defaults two bodies of the largest size are read at once and the others wait
	// for them, and a target that sends the largest body to every request cannot multiply the
	// run's memory by --parallel. A reservation is all or nothing, so readers never deadlock.
	bodyBudget = 16 << 20
	// baseMemoryLimit is the soft memory limit of a run of few cases: about what the defaults
	// keep live (the bodies in flight, bounded by bodyBudget, and the suite itself).
	baseMemoryLimit = 24 << 20
	// caseMemory is what the limit grants each planned case on top of it: at 1,000 operations
	// (make bench-scale) a run keeps about 3.5 KB live per case until the reports are written
	// (its share of the specs, the plan, the coverage and its report), and the heap holds
	// another third of that in the gaps the run's garbage leaves; 5.5 KiB leaves the collector
	// enough room to cost a tenth of the run, and keeps a run of 37,000 cases within 256 MiB.
	caseMemory = 5632 // 5.5 KiB
)

// memoryLimit is a run's soft memory limit (runtime/debug.SetMemoryLimit) while it sends and
// writes its reports. A hostile target can make every request in flight carry a --max-body
// answer: with the limit the garbage collector keeps the heap near what is live instead of
// letting it double, so a run of the default plan stays within its memory budget (64 MiB). A
// fixed limit would do that for the default plan and starve a large one: at 37,000 cases the
// suite itself keeps about 130 MB live, and a collector held under 24 MiB runs all the time
// (a run twice as slow, its reports three times). So the limit grows with the plan, and is
// soft: a larger --max-body still works, with more collection. The loading and the planning
// run under the runtime's defaults, before the limit: they read the user's own files, not
// the target's answers.
func memoryLimit(cases int) int64 { return baseMemoryLimit + int64(cases)*caseMemory }

// errTooLarge marks an answer that broke a size limit: the target answered, so it is no
// transport failure.
var errTooLarge = errors.New("answer too large")

// sizeError is an errTooLarge that says which limit and by how much.
type sizeError struct{ msg string }

func (e *sizeError) Error() string        { return e.msg }
func (e *sizeError) Is(target error) bool { return target == errTooLarge }

func tooLarge(format string, args ...any) error { return &sizeError{msg: fmt.Sprintf(format, args...)} }

// overLimit is the error of a body over --max-body, worded the same wherever it is met: an
// answer the runner reads, or a body a proxy relayed (Observer). what is "answer" or
// "request"; announced is the body's Content-Length when that alone is over the limit, else -1.
func overLimit(what string, announced, limit int64) error {
	if announced > limit {
		return tooLarge("the %s announces a %d-byte body, over the %d-byte limit (--max-body)", what, announced, limit)
	}
	return tooLarge("the %s body exceeds the %d-byte limit (--max-body)", what, limit)
}

// transportFailure is an exchange that got no answer at all and may have cost a --timeout (a
// timeout, a refused connection, an unreachable host): what the circuit breaker counts. An HTTP status,
// however bad, is an answer and is not one.
type transportFailure struct{ msg string }

func (e *transportFailure) Error() string { return e.msg }

// breaker stops sending to a service that stopped answering: after limit consecutive
// transport failures to one service, its remaining cases fail at once, so a dead target costs
// about limit × --timeout instead of cases × --timeout / --parallel. It stays open for the rest
// of the run; any answer resets the count while it is closed.
type breaker struct {
	limit int
	mu    sync.Mutex
	fails map[string]int    // service → consecutive transport failures
	last  map[string]string // service → the last of them
	open  map[string]bool
}

func newBreaker(limit int) *breaker {
	return &breaker{limit: limit, fails: map[string]int{}, last: map[string]string{}, open: map[string]bool{}}
}

// refuse returns why nothing more is sent to svc, or nil while it may be.
func (b *breaker) refuse(svc string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.open[svc] {
		return nil
	}
	return fmt.Errorf("not sent: %s stopped answering after %d consecutive transport failures (last: %s)", svc, b.limit, b.last[svc])
}

// record counts the outcome of one request to svc: err nil or not a transportFailure is an answer.
func (b *breaker) record(svc string, err error) {
	var tf *transportFailure
	b.mu.Lock()
	defer b.mu.Unlock()
	if !errors.As(err, &tf) {
		b.fails[svc] = 0
		return
	}
	b.fails[svc]++
	b.last[svc] = tf.msg
	if b.limit > 0 && b.fails[svc] >= b.limit {
		b.open[svc] = true
	}
}

// headerCount counts the header fields of an answer, a repeated name once per value.
func headerCount(resp *http.Response) int {
	n := 0
	for _, h := range []http.Header{resp.Header, resp.Trailer} {
		for _, vs := range h {
			n += len(vs)
		}
	}
	return n
}

// askedEncoding is the Content-Encoding of an answer when the request asked for it and the
// runner can undo it (gzip or deflate), "" otherwise: an encoding nobody asked for is left as
// sent, for the checks to report.
func askedEncoding(req *http.Request, resp *http.Response) string {
	ce := resp.Header.Values("Content-Encoding")
	if len(ce) != 1 {
		return ""
	}
	enc := strings.ToLower(strings.TrimSpace(ce[0]))
	if enc != "gzip" && enc != "deflate" {
		return ""
	}
	for _, v := range req.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			name, params, _ := strings.Cut(part, ";")
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			if strings.EqualFold(strings.TrimSpace(name), enc) && q != "q=0" && !strings.HasPrefix(q, "q=0.0") && q != "q=0." {
				return enc
			}
		}
	}
	return ""
}

// capReader reads at most n bytes from r and fails with errTooLarge once r holds more.
type capReader struct {
	r io.Reader
	n int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > c.n+1 {
		p = p[:c.n+1]
	}
	n, err := c.r.Read(p)
	c.n -= int64(n)
	if c.n < 0 {
		return n - 1, errTooLarge // the byte past the limit is not the caller's
	}
	return n, err
}

// readBody reads an answer's body within --max-body: of the bytes on the wire, and, when the
// request asked for gzip or deflate, of the decompressed bytes too, so a compression bomb costs
// at most --max-body. A decompressed body loses its Content-Encoding and Content-Length headers,
// as net/http's own transparent decompression does.
func (s *session) readBody(req *http.Request, resp *http.Response) ([]byte, error) {
	limit := s.cfg.MaxBody
	wire := &capReader{r: resp.Body, n: limit}
	enc := askedEncoding(req, resp)
	if enc == "" {
		if resp.ContentLength > limit {
			return nil, overLimit("answer", resp.ContentLength, limit)
		}
		data, err := s.readAll(wire, resp.ContentLength)
		if errors.Is(err, errTooLarge) {
			return nil, overLimit("answer", -1, limit)
		}
		return data, err
	}
	var dec io.Reader
	var err error
	br := bufio.NewReader(wire)
	switch enc {
	case "gzip":
		dec, err = gzip.NewReader(br)
	case "deflate":
		// HTTP's deflate is zlib (RFC 9110); some servers send raw deflate, as browsers accept.
		head, perr := br.Peek(2)
		switch {
		case len(head) == 0:
			err = perr // io.EOF: an empty body
		case len(head) == 2 && head[0]&0x0f == 8 && (uint16(head[0])<<8|uint16(head[1]))%31 == 0:
			dec, err = zlib.NewReader(br)
		default:
			dec = flate.NewReader(br)
		}
	}
	switch {
	case err == io.EOF:
		return nil, nil // an empty body: nothing was compressed
	case err != nil:
		err = s.readError(err)
	default:
		var data []byte
		data, err = s.readAll(&capReader{r: dec, n: limit}, -1)
		if err == nil {
			resp.Header.Del("Content-Encoding")
			resp.Header.Del("Content-Length")
			return data, nil
		}
	}
	switch {
	case errors.Is(err, errTooLarge) && wire.n < 0:
		return nil, tooLarge("the %s answer body exceeds the %d-byte limit (--max-body) before decompression", enc, limit)
	case errors.Is(err, errTooLarge):
		return nil, tooLarge("the %s answer body exceeds the %d-byte limit (--max-body) after decompression", enc, limit)
	}
	var tf *transportFailure
	if errors.As(err, &tf) {
		return nil, err
	}
	return nil, fmt.Errorf("the answer's %s body does not decompress: %v", enc, err)
}

// readAll reads r to its end. With a known length it allocates once; otherwise it reads into
// pooled chunks and joins them only when the whole body fit, so that a body cut off at the
// limit costs no allocation beyond chunks the next answer reuses.
func (s *session) readAll(r io.Reader, length int64) ([]byte, error) {
	need := length
	if need < 0 {
		need = s.cfg.MaxBody + 1
	}
	need = min(need, bodyBudget)
	if need > 0 {
		_ = s.bodies.Acquire(context.Background(), need) // cannot fail: no deadline, need ≤ budget
		defer s.bodies.Release(need)
	}
	if length >= 0 {
		buf := make([]byte, length)
		n, err := io.ReadFull(r, buf)
		if err != nil && err != io.EOF { // io.EOF: a body announced and not allowed (a 204)
			return nil, s.readError(err)
		}
		return buf[:n], nil
	}
	var chunks []*[]byte
	defer func() {
		for _, c := range chunks {
			s.chunks.Put(c)
		}
	}()
	total, fill := 0, bodyChunk
	for {
		if fill == bodyChunk {
			c, _ := s.chunks.Get().(*[]byte)
			if c == nil {
				b := make([]byte, bodyChunk)
				c = &b
			}
			chunks, fill = append(chunks, c), 0
		}
		n, err := r.Read((*chunks[len(chunks)-1])[fill:])
		fill += n
		total += n
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, s.readError(err)
		}
	}
	out := make([]byte, 0, total)
	for _, c := range chunks {
		out = append(out, (*c)[:min(bodyChunk, total-len(out))]...)
	}
	return out, nil
}

// readError keeps a size or decompression error as it is and turns any other into a
// transport failure.
func (s *session) readError(err error) error {
	var tf *transportFailure
	if errors.Is(err, errTooLarge) || errors.As(err, &tf) {
		return err
	}
	if errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, zlib.ErrHeader) ||
		errors.Is(err, zlib.ErrChecksum) || errors.As(err, new(flate.CorruptInputError)) {
		return err
	}
	return s.transportError(nil, err)
}
