package mock

import (
	"sort"
	"sync"
	"time"

	"github.com/conformance-suite/conformance/providers"
	zstackcloud "github.com/conformance-suite/conformance/providers/zstack"
	"github.com/conformance-suite/conformance/specs"
)

// zstackDateLayout is how ZStack writes dates: "Nov 24, 2026 5:04:05 PM".
const zstackDateLayout = "Jan 2, 2006 3:04:05 PM"

// state is what the target remembers between requests: one Huawei project, one ZStack IAM2
// project, the sessions it issued and the jobs it runs. One mutex guards it all; every request
// holds it for a few map operations only.
type state struct {
	mu sync.Mutex

	serviceStatus string                    // InitializeTenant
	tenantConfigs map[string]functionConfig // UpdateTenantConfig, by configuration name
	enterpriseID  string                    // UpdateEnterpriseId

	sessions map[string]bool // issued by LogInByAccount; the configured session is always valid
	project  iam2Project
	jobs     map[string]*zstackJob
}

// functionConfig is the function_config of UpdateTenantConfig.
type functionConfig struct {
	ID     string `json:"id,omitempty"`
	Name   string `json:"name,omitempty"`
	Status string `json:"status,omitempty"`
	Values []struct {
		Key   string `json:"key,omitempty"`
		Value string `json:"value,omitempty"`
	} `json:"values,omitempty"`
}

// iam2Project is the ZStack IAM2 project the state changes act on.
type iam2Project struct {
	UUID, Name, Description string
	State                   string // Enabled or Disabled
	Created, LastOp         time.Time
	// Previous is the State before the last event; only the stale-state fault shows it.
	Previous string
}

// zstackJob is an asynchronous API call: it answers 202 until polled enough, then applies
// its effect once and answers the result from then on.
type zstackJob struct {
	origin  *specs.Operation // the operation that started it, whose answer the result is
	polls   int              // 202 answers left
	forever bool             // a fault: the job never finishes
	event   string           // the stateEvent to apply
	done    bool
	result  iam2Project
}

func newState(creds providers.Credentials, now time.Time) *state {
	return &state{
		serviceStatus: "inactive",
		tenantConfigs: map[string]functionConfig{},
		sessions:      map[string]bool{creds.Get(zstackcloud.Session): true},
		project: iam2Project{
			UUID:        creds.Get(zstackcloud.ProjectUUID),
			Name:        "conformance-project",
			Description: "the IAM2 project of the conformance reference target",
			State:       "Enabled",
			Created:     now,
			LastOp:      now,
		},
		jobs: map[string]*zstackJob{},
	}
}

func (s *state) setServiceStatus(status string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.serviceStatus = status
	return s.serviceStatus
}

func (s *state) saveTenantConfig(fc functionConfig) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tenantConfigs[fc.Name] = fc
}

func (s *state) setEnterpriseID(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.enterpriseID = id
	return id
}

// newSession issues a session uuid.
func (s *state) newSession() string {
	id := newUUID()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[id] = true
	return id
}

func (s *state) validSession(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[id]
}

// changeProjectState applies a stateEvent and returns the project as it is right after, so
// that concurrent changes each answer their own result.
func (s *state) changeProjectState(event string, now time.Time) iam2Project {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.applyEvent(event, now)
}

func (s *state) applyEvent(event string, now time.Time) iam2Project {
	s.project.Previous = s.project.State
	switch event {
	case "enable":
		s.project.State = "Enabled"
	case "disable":
		s.project.State = "Disabled"
	}
	s.project.LastOp = now
	return s.project
}

// startJob records a job and returns its uuid.
func (s *state) startJob(j *zstackJob) string {
	id := newUUID()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs[id] = j
	return id
}

// pollJob counts one poll of a job. It reports whether the job exists and, when it is done,
// its result; the poll that finishes a job applies its effect.
func (s *state) pollJob(id string, now time.Time) (origin *specs.Operation, result iam2Project, done, found bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[id]
	switch {
	case !ok:
		return nil, iam2Project{}, false, false
	case j.forever:
		return j.origin, iam2Project{}, false, true
	case !j.done && j.polls > 0:
		j.polls--
		return j.origin, iam2Project{}, false, true
	case !j.done:
		j.done, j.result = true, s.applyEvent(j.event, now)
	}
	return j.origin, j.result, true, true
}

// snapshot is what the read operations show: the state the mutating ones change.
type snapshot struct {
	ServiceStatus string
	EnterpriseID  string
	TenantConfigs []functionConfig // by name
	Project       iam2Project
}

func (s *state) snapshot() snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := snapshot{ServiceStatus: s.serviceStatus, EnterpriseID: s.enterpriseID, Project: s.project}
	names := make([]string, 0, len(s.tenantConfigs))
	for n := range s.tenantConfigs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		snap.TenantConfigs = append(snap.TenantConfigs, s.tenantConfigs[n])
	}
	return snap
}

// endSession forgets a session issued by LogInByAccount; false when there was none.
func (s *state) endSession(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.sessions[id] {
		return false
	}
	delete(s.sessions, id)
	return true
}
