package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/specs"
)

// restorer is how the operation's provider puts back what it changes, nil when it knows no way.
func restorer(op *specs.Operation) providers.Restorer {
	return providers.Of(op).Restorers[op.ID]
}

// snapshot is the recorded state of one mutating operation.
type snapshot struct {
	op    *specs.Operation
	value any
}

// needsRestore reports whether the run mutates a target that is not on loopback: the reference
// target on loopback is disposable, a real tenant is not.
func (s *session) needsRestore(op *specs.Operation) bool {
	base, ok := s.base[op.Service]
	return ok && op.Mutates && s.cfg.AllowMutations && !loopback(base)
}

// record reads the state of every mutating operation that the plan will run against a remote
// target, before anything is sent. A case whose state cannot be recorded is skipped: what
// cannot be restored is not changed.
func (p *Plan) record() {
	done := map[string]error{}
	for _, pc := range p.Cases {
		op := pc.Op
		if pc.Skip != "" || pc.Case.Kind != fixtures.Positive || !p.session.needsRestore(op) {
			continue
		}
		err, seen := done[op.ID]
		if !seen {
			err = p.recordOne(op)
			done[op.ID] = err
		}
		if err != nil {
			pc.Skip = fmt.Sprintf("%s changes state that could not be recorded to restore it: %v", op.ID, err)
		}
	}
}

func (p *Plan) recordOne(op *specs.Operation) error {
	if restorer(op) == nil || op.Snapshot == "" {
		return errors.New("no way to restore it is known")
	}
	read, ok := p.session.specs.Operation(op.Snapshot)
	if !ok {
		return fmt.Errorf("x-snapshot names %s, which is no operation", op.Snapshot)
	}
	x := p.session.send(context.Background(), &conformance.Planned{Op: read, Case: &fixtures.Case{
		ID: read.ID + "/snapshot", Operation: read.ID, Kind: fixtures.Positive, Request: fixtures.Request{Credentials: fixtures.Valid},
	}})
	if x.Err != nil {
		return x.Err
	}
	if x.Response.Status != http.StatusOK {
		return fmt.Errorf("%s answered %s", read.ID, specs.StatusText(x.Response.Status))
	}
	var v any
	if err := json.Unmarshal(x.Response.Body, &v); err != nil {
		return fmt.Errorf("%s: %v", read.ID, err)
	}
	if _, _, err := restorer(op)(v); err != nil {
		return fmt.Errorf("%s: %v", read.ID, err)
	}
	p.snapshots = append(p.snapshots, snapshot{op: op, value: v})
	return nil
}

// Finish puts back the state recorded before the run and ends a session the run opened.
// It reports what it restored.
func (p *Plan) Finish() []reports.Restored {
	var out []reports.Restored
	for _, snap := range p.snapshots {
		bodies, what, _ := restorer(snap.op)(snap.value)
		r := reports.Restored{Operation: snap.op.ID, What: what}
		for _, body := range bodies {
			raw, _ := json.Marshal(body)
			x := p.session.send(context.Background(), &conformance.Planned{Op: snap.op, Case: &fixtures.Case{
				ID: snap.op.ID + "/restore", Operation: snap.op.ID, Kind: fixtures.Positive,
				Request: fixtures.Request{Body: raw, Credentials: fixtures.Valid},
			}})
			if err := restoreError(x); err != nil {
				r.Error = err.Error()
				break
			}
		}
		out = append(out, r)
	}
	p.session.logOut()
	return out
}

func restoreError(x *conformance.Exchange) error {
	switch {
	case x.Err != nil:
		return x.Err
	case x.Response.Status >= 300:
		return fmt.Errorf("answered %s", specs.StatusText(x.Response.Status))
	}
	return nil
}

// logOut ends the ZStack session the run logged in for; a session from the environment is
// the user's and stays.
func (s *session) logOut() {
	for _, l := range s.logins {
		if l.loggedIn {
			s.logOutOf(l)
		}
	}
}

// logOutOf ends the session the run logged in to, whose path takes it as {uuid}.
func (s *session) logOutOf(l *login) {
	op, ok := s.specs.Operation(l.provider.Session.Logout)
	if !ok || s.breaker.refuse(op.Service) != nil {
		return // a service that stopped answering is not waited for once more
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
	defer cancel()
	u := *s.base[op.Service]
	path, _ := expandPath(op.Path, map[string]string{"uuid": l.session}, nil, nil)
	u.Path += path
	req, err := http.NewRequestWithContext(ctx, op.Method, u.String(), http.NoBody)
	if err != nil {
		return
	}
	_, _ = s.do(op.Service, req)
}
