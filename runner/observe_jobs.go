package runner

import (
	"net/http"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/specs"
)

// job is an asynchronous job that an observed exchange started (a 202 of an x-async operation
// naming where it is polled, providers.Async): the answer that ends it is judged as the answer
// of that operation to that request, with the 202 as its step, as a run judges the job it
// polls itself. Without this, a job's final answer would be judged against the polling
// operation's schema alone (ZStack's GetAPIJobResult: "an object"), and a broken final answer
// would pass.
type job struct {
	op       *specs.Operation
	request  conformance.Request
	hr       *http.Request
	accepted *conformance.Response
	// started is the id of the case of the 202, at when it was admitted.
	started string
	at      time.Time
	// polls counts the polls that found it still running; err, once set, is why it failed.
	polls int
	err   error
}

// maxJobs bounds the jobs an observer follows at once, and maxJobRequest the request body a
// job keeps: a client that starts jobs and never polls them costs no more than this. A job
// beyond either is not followed; its polls are judged as the polling operation's.
const (
	maxJobs       = 1024
	maxJobRequest = 64 << 10
)

// jobLocation is where the job an admitted exchange started is polled (the location's path,
// which a client behind a proxy polls on another host), with the decoded 202; "" unless the
// exchange is a 202 of an asynchronous operation that names a location.
func (o *Observer) jobLocation(a *Admitted) (string, *conformance.Response) {
	if a.op == nil || !a.op.Async || a.resp == nil || a.resp.Status != http.StatusAccepted || len(a.req.Body) > maxJobRequest {
		return "", nil
	}
	async := providers.Of(a.op).Async
	if async == nil {
		return "", nil
	}
	resp, err := o.read(a.hr, a.req, a.resp, nil)
	if err != nil {
		return "", nil
	}
	loc, err := a.hr.URL.Parse(async.Location(resp.Body))
	if err != nil || loc.Path == "" || loc.Path == a.hr.URL.Path {
		return "", nil
	}
	return loc.Path, resp
}

// jobEnded is the job that the poll hr ended with resp, forgotten as it ends; nil when hr
// polls no job or the job still runs. A job ends with anything but another 202 (no answer at
// all included), or with a 202 that comes once --timeout has passed since the job was
// accepted: a run fails a job that runs longer (stillRunning). A job nobody polls is never
// judged: a client may start one and not wait for it, and the service is not at fault. o.mu
// is held.
func (o *Observer) jobEnded(hr *http.Request, resp *conformance.Response) *job {
	j := o.jobs[hr.URL.Path]
	if j == nil {
		return nil
	}
	if resp != nil && resp.Status == http.StatusAccepted {
		j.polls++
		if time.Since(j.at) <= o.s.cfg.Timeout {
			return nil
		}
		j.err = stillRunning(o.s.cfg.Timeout, j.polls)
	}
	delete(o.jobs, hr.URL.Path)
	return j
}

// jobStarted notes the job that a numbered exchange started, polled at path. o.mu is held.
func (o *Observer) jobStarted(a *Admitted, path string, accepted *conformance.Response) {
	if path == "" || len(o.jobs) >= maxJobs {
		return
	}
	o.jobs[path] = &job{op: a.op, request: a.req, hr: a.hr, accepted: accepted, started: a.c.ID, at: time.Now()}
}
