package proxy

import (
	"io"
	"sync"

	"golang.org/x/sync/semaphore"
)

// capture passes a body through unchanged while keeping its first limit bytes for judging, so
// that the client gets every byte streamed and the proxy holds at most limit of them. The bytes
// kept are taken from budget, shared by every exchange in flight; when it is spent, the body
// still streams but is no longer kept whole (dropped), and the exchange is not judged.
type capture struct {
	r      io.ReadCloser
	limit  int64
	budget *semaphore.Weighted

	// The transport may still read a request body after the answer is relayed: mu guards
	// what the reads record against the judging.
	mu      sync.Mutex
	buf     []byte
	held    int64 // bytes of budget held, released once judged
	eof     bool
	err     error // the first read error, io.EOF aside
	dropped bool
}

func (c *capture) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.mu.Lock()
	defer c.mu.Unlock()
	if keep := min(int64(n), c.limit-int64(len(c.buf))); keep > 0 && !c.dropped {
		if c.budget.TryAcquire(keep) {
			c.held += keep
			c.buf = append(c.buf, p[:keep]...)
		} else {
			c.dropped = true
		}
	}
	switch {
	case err == io.EOF:
		c.eof = true
	case err != nil && c.err == nil:
		c.err = err
	}
	return n, err
}

func (c *capture) Close() error { return c.r.Close() }

// snapshot is what the body's reads recorded so far.
func (c *capture) snapshot() (kept []byte, eof bool, err error, dropped bool) {
	if c == nil {
		return nil, true, nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf, c.eof, c.err, c.dropped
}

// release gives the bytes kept back to the budget, once the exchange is judged.
func (c *capture) release() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.budget.Release(c.held)
	c.held, c.buf = 0, nil
}
