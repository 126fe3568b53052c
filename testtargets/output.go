package testtargets

import (
	"bytes"
	"sync"
)

// Output is what a console writes while the goroutines of a proxy or a run write to it, read
// by the test as it goes: a bytes.Buffer safe for concurrent use.
type Output struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

// String is everything written so far.
func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}
