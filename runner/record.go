package runner

import (
	"fmt"
	"sync"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/recording"
)

// record is a run's recording (--record): each judged exchange of a case sent with valid
// credentials or none, as a fixture case. A case with wrong, malformed, tampered or stale
// credentials is not recorded: the recording would replay it as a valid request.
type record struct {
	*recording.Recorder

	mu      sync.Mutex
	kept    int
	refused int
	why     string // the first reason an exchange was not recorded
}

// add records x, the exchange of p; a nil record (no --record) does nothing.
func (r *record) add(p *conformance.Planned, x *conformance.Exchange) {
	if r == nil || x.Response == nil {
		return
	}
	if mode := p.Case.Request.Credentials; mode != "" && mode != providers.Valid && mode != providers.NoCredentials {
		return
	}
	err := r.Add(p.Op, x.Request, x.Response)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		if r.refused++; r.why == "" {
			r.why = err.Error()
		}
		return
	}
	r.kept++
}

// flush writes the recording and says what it holds.
func (r *record) flush() (string, error) {
	if r == nil {
		return "", nil
	}
	if err := r.Flush(); err != nil {
		return "", err
	}
	note := fmt.Sprintf("recorded %d exchanges as fixture cases", r.kept)
	if r.refused > 0 {
		note += fmt.Sprintf("; %d not recordable, e.g. %s", r.refused, r.why)
	}
	return note, nil
}
