package reports

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"sync"
)

// Evidence holds the transcripts and curls of a run's cases in a file while the run goes on
// (Keep), so that the memory of a run holds its verdicts and not its evidence: a transcript is
// most of a case, and a run of a thousand operations has tens of thousands of cases. The
// writers read each case's evidence back as they write it (Case.Whole). The file is in the
// report directory, whose mode keeps it private, and holds only what the reports will hold,
// already redacted. It is unlinked as soon as it is open where the system allows it, so that
// a killed run leaves nothing behind, and removed by Close elsewhere.
type Evidence struct {
	mu   sync.Mutex
	f    *os.File
	name string // to remove at Close; "" once unlinked
	end  int64
	err  error // the first write error: later cases keep their evidence in memory
	// buf is the record being written, reused from case to case under mu: a run writes a
	// record for each of its cases, and the file keeps the bytes, not the buffer.
	buf []byte
}

// kept is where a case's evidence is in its Evidence file; the zero value is no evidence kept
// there (the case holds its own, if any).
type kept struct {
	from *Evidence
	off  int64
	n    int
}

// NewEvidence opens the evidence file of a run in dir.
func NewEvidence(dir string) (*Evidence, error) {
	f, err := os.CreateTemp(dir, ".evidence-*")
	if err != nil {
		return nil, err
	}
	e := &Evidence{f: f, name: f.Name()}
	if os.Remove(e.name) == nil {
		e.name = ""
	}
	return e, nil
}

// Keep moves c's transcript and curl into the file, leaving c light; c.Whole reads them back.
// Should the file fail, c keeps them in memory and the reports lose nothing. A nil Evidence
// keeps nothing. Safe for concurrent use.
func (e *Evidence) Keep(c *Case) {
	if e == nil || c.Exchange == nil && c.Curl == "" {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err != nil {
		return
	}
	b := appendEvidence(e.buf[:0], c.Curl, c.Exchange)
	e.buf = b
	if _, err := e.f.WriteAt(b, e.end); err != nil {
		e.err = err
		return
	}
	c.kept = kept{from: e, off: e.end, n: len(b)}
	c.Curl, c.Exchange = "", nil
	e.end += int64(len(b))
}

// Close closes and removes the file: the evidence of the cases kept in it is gone.
func (e *Evidence) Close() error {
	if e == nil {
		return nil
	}
	err := e.f.Close()
	if e.name != "" {
		err = errors.Join(err, os.Remove(e.name))
	}
	return err
}

// records are the buffers Whole reads records into: each report format reads every case's
// record once, and what it keeps of a record is a copy (readEvidence).
var records sync.Pool

// Whole is c with its transcript and curl, read back from its Evidence file when the run kept
// them there; c itself otherwise.
func (c Case) Whole() (Case, error) {
	k := c.kept
	if k.from == nil {
		return c, nil
	}
	buf, _ := records.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	defer records.Put(buf)
	*buf = slices.Grow((*buf)[:0], k.n)[:k.n]
	if _, err := k.from.f.ReadAt(*buf, k.off); err != nil {
		return c, fmt.Errorf("the evidence of case %s: %w", c.ID, err)
	}
	curl, x, err := readEvidence(*buf)
	if err != nil {
		return c, fmt.Errorf("the evidence of case %s: %w", c.ID, err)
	}
	c.Curl, c.Exchange, c.kept = curl, x, kept{}
	return c, nil
}

// The evidence file's records: strings and numbers length-prefixed as uvarints, headers in
// sorted order. A record is read back by the process that wrote it, so the layout needs no
// version; it is a few times faster to read than JSON, and every case is read once per
// report format.
func appendEvidence(b []byte, curl string, x *Exchange) []byte {
	b = appendString(b, curl)
	if x == nil {
		return append(b, 0)
	}
	b = append(b, 1)
	b = appendMessage(b, &x.Request)
	b = appendString(b, x.Error)
	if x.Response == nil {
		return append(b, 0)
	}
	return appendMessage(append(b, 1), x.Response)
}

func appendMessage(b []byte, m *Message) []byte {
	b = appendString(b, m.Method)
	b = appendString(b, m.URL)
	b = binary.AppendUvarint(b, uint64(m.Status))
	b = appendString(b, m.Body)
	b = binary.AppendUvarint(b, uint64(m.BodyBytes))
	b = binary.AppendUvarint(b, uint64(len(m.Headers)))
	for _, name := range slices.Sorted(maps.Keys(m.Headers)) {
		b = appendString(b, name)
		values := m.Headers[name]
		b = binary.AppendUvarint(b, uint64(len(values)))
		for _, v := range values {
			b = appendString(b, v)
		}
	}
	return b
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// errEvidence is a record that does not read back: the file was changed under the run.
var errEvidence = errors.New("corrupt evidence record")

// evidenceReader reads one record; the first error sticks.
// The strings of a record are cut from one copy of it (s), not copied one by one: b and s
// hold the same bytes and advance together.
type evidenceReader struct {
	b   []byte
	s   string
	err error
}

// readEvidence reads one record; what it returns shares nothing with b.
func readEvidence(b []byte) (string, *Exchange, error) {
	r := &evidenceReader{b: b, s: string(b)}
	curl := r.string()
	var x *Exchange
	if r.byte() == 1 {
		x = &Exchange{}
		r.message(&x.Request)
		x.Error = r.string()
		if r.byte() == 1 {
			x.Response = &Message{}
			r.message(x.Response)
		}
	}
	if r.err == nil && len(r.b) != 0 {
		r.err = errEvidence
	}
	return curl, x, r.err
}

func (r *evidenceReader) message(m *Message) {
	m.Method, m.URL = r.string(), r.string()
	m.Status = int(r.uvarint())
	m.Body = r.string()
	m.BodyBytes = int(r.uvarint())
	n := r.count()
	if n == 0 {
		return
	}
	m.Headers = make(map[string][]string, n)
	for range n {
		name := r.string()
		values := make([]string, r.count())
		for i := range values {
			values[i] = r.string()
		}
		if r.err != nil {
			return
		}
		m.Headers[name] = values
	}
}

func (r *evidenceReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errEvidence
		return 0
	}
	r.b, r.s = r.b[n:], r.s[n:]
	return v
}

// count is a number of items that follow, each of at least one byte.
func (r *evidenceReader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.err = errEvidence
		return 0
	}
	return int(n)
}

func (r *evidenceReader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.err = errEvidence
		return 0
	}
	v := r.b[0]
	r.b, r.s = r.b[1:], r.s[1:]
	return v
}

func (r *evidenceReader) string() string {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errEvidence
		return ""
	}
	s := r.s[:n]
	r.b, r.s = r.b[n:], r.s[n:]
	return s
}
