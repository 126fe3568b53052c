package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/specs"
)

// restorer turns what an operation's read counterpart (x-snapshot) showed before the run into
// the bodies that, sent with the operation itself, put that state back.
type restorer func(snapshot any) (bodies []any, what string, err error)

// restorers knows, per mutating operation, how to undo it from its snapshot.
var restorers = map[string]restorer{
	"InitializeTenant": func(snap any) ([]any, string, error) {
		v, ok := field(snap, "service_status").(string)
		if !ok {
			return nil, "", errors.New("the tenant profile has no service_status")
		}
		return []any{map[string]any{"service_status": v}}, "service_status " + v, nil
	},
	"UpdateEnterpriseId": func(snap any) ([]any, string, error) {
		v, ok := field(snap, "enterprise_id").(string)
		if !ok {
			return nil, "", errors.New("the workspace has no enterprise_id")
		}
		return []any{map[string]any{"enterprise_id": v}}, fmt.Sprintf("enterprise_id %q", v), nil
	},
	"UpdateTenantConfig": func(snap any) ([]any, string, error) {
		configs, ok := field(snap, "function_configs").([]any)
		if !ok {
			return nil, "", errors.New("the answer has no function_configs")
		}
		var bodies []any
		for _, c := range configs {
			bodies = append(bodies, map[string]any{"function_config": c})
		}
		return bodies, fmt.Sprintf("%d recorded configurations (configurations the run added cannot be removed: there is no delete operation)", len(configs)), nil
	},
	"ChangeIAM2ProjectState": func(snap any) ([]any, string, error) {
		list, _ := field(snap, "inventories").([]any)
		if len(list) != 1 {
			return nil, "", fmt.Errorf("the query found %d projects, want 1", len(list))
		}
		state, _ := field(list[0], "state").(string)
		event := map[string]string{"Enabled": "enable", "Disabled": "disable"}[state]
		if event == "" {
			return nil, "", fmt.Errorf("state %q cannot be restored with a state event", state)
		}
		return []any{map[string]any{"changeIAM2ProjectState": map[string]any{"stateEvent": event}}}, "state " + state, nil
	},
}

func field(v any, name string) any {
	m, _ := v.(map[string]any)
	return m[name]
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
	if restorers[op.ID] == nil || op.Snapshot == "" {
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
	if _, _, err := restorers[op.ID](v); err != nil {
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
		bodies, what, _ := restorers[snap.op.ID](snap.value)
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
	if !s.loggedIn {
		return
	}
	op, ok := s.specs.Operation("LogOut")
	if !ok || s.breaker.refuse(op.Service) != nil {
		return // a service that stopped answering is not waited for once more
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
	defer cancel()
	u := *s.base[op.Service]
	u.Path += expandPathOrEmpty(op.Path, s.zstack)
	req, err := http.NewRequestWithContext(ctx, op.Method, u.String(), http.NoBody)
	if err != nil {
		return
	}
	_, _ = s.do(op.Service, req)
}

func expandPathOrEmpty(template, session string) string {
	p, _ := expandPath(template, map[string]string{"uuid": session}, nil)
	return p
}
