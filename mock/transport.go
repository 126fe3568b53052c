package mock

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// The sizes and delays of the transport faults, chosen against the runner's limits: an answer
// must come within seconds and a body must stay under 8 MiB.
const (
	slowDelay     = 30 * time.Second
	oversizedSize = 64 << 20 // bytes of the whole body, its Content-Length
	streamChunk   = 64 << 10 // bytes written at a time, so a huge body never sits in memory
)

// slow writes the answer after slowDelay, or nothing if the client or the server goes away
// first: a handler that outlives its client would be a leaked goroutine.
func slow(m *mock, w http.ResponseWriter, r *http.Request, rep reply) {
	t := time.NewTimer(slowDelay)
	defer t.Stop()
	select {
	case <-t.C:
		writeReply(w, rep)
	case <-r.Context().Done():
	case <-m.stopping:
	}
}

// resetConnection drops the connection with a TCP reset (SO_LINGER 0), so the client reads
// ECONNRESET instead of an answer.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // not HTTP/1: abort the stream instead
	}
	if tcp, ok := conn.(interface{ SetLinger(int) error }); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// bodyOn204 sends a 204 with a JSON body. net/http refuses to write a body on a 204, so the
// answer is written on the raw connection, which is closed after it, since the client cannot
// know where this answer ends.
func bodyOn204(m *mock, w http.ResponseWriter, r *http.Request, rep reply) {
	if rep.status != http.StatusNoContent {
		writeReply(w, rep)
		return
	}
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		writeReply(w, rep)
		return
	}
	defer conn.Close()
	body := `{"result":"ok"}`
	fmt.Fprintf(buf, "HTTP/1.1 204 No Content\r\nDate: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		m.now().UTC().Format(http.TimeFormat), len(body), body)
	_ = buf.Flush()
}

// endlessBody starts the answer's JSON object and never closes it, streaming padding until
// the client or the server goes away.
func endlessBody(m *mock, w http.ResponseWriter, r *http.Request, rep reply) {
	w.Header().Set("Content-Type", rep.contentType)
	w.WriteHeader(rep.status)
	rc := http.NewResponseController(w)
	chunk := bytes.Repeat([]byte("x"), streamChunk)
	if _, err := w.Write(openObject(rep.body, "padding")); err != nil {
		return
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case <-m.stopping:
			return
		default:
		}
		if _, err := w.Write(chunk); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// oversizedBody sends the answer's JSON object padded to oversizedSize bytes: valid JSON that
// still matches the schema (the padding is an extra property), with its Content-Length, so
// that only the size is wrong.
func oversizedBody(m *mock, w http.ResponseWriter, r *http.Request, rep reply) {
	head, tail := openObject(rep.body, "padding"), []byte(`"}`)
	pad := oversizedSize - len(head) - len(tail)
	w.Header().Set("Content-Type", rep.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(oversizedSize))
	w.WriteHeader(rep.status)
	if _, err := w.Write(head); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("x"), streamChunk)
	for pad > 0 {
		select {
		case <-m.stopping:
			return
		default:
		}
		n := min(pad, len(chunk))
		if _, err := w.Write(chunk[:n]); err != nil {
			return // the client stopped reading
		}
		pad -= n
	}
	_, _ = w.Write(tail)
}

// openObject turns the JSON object body into its opening up to an open string property field:
// {"a":"b"} becomes {"a":"b","field":" .
func openObject(body []byte, field string) []byte {
	b := bytes.TrimSuffix(bytes.TrimSpace(body), []byte("}"))
	out := append([]byte(nil), b...)
	if len(bytes.TrimSpace(b)) > 1 { // more than "{": the object has members
		out = append(out, ',')
	}
	return append(out, strconv.Quote(field)+`:"`...)
}
