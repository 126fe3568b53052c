package testtargets

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/mock"
)

// Remote is the reference target as a remote cloud endpoint looks from the runner, on
// loopback: every answer comes after Delay, and Throttling, when set, throttles some requests
// as a provider's gateway does. It records when each request arrived, so that a test can
// measure the rate the runner sent at on the target's side.
type Remote struct {
	URL string

	delay      time.Duration
	throttling *Throttling
	handler    http.Handler

	mu        sync.Mutex
	arrivals  []time.Time
	counted   int // requests Throttling counted (those it applies to)
	throttled int
}

// Throttling decides which requests a Remote throttles and how it answers them: every Every-th
// request that Applies to (all when nil), answered by Answer instead of the reference target.
type Throttling struct {
	Every   int
	Applies func(r *http.Request) bool
	Answer  func(w http.ResponseWriter)
}

// The throttling of the tests: HTTP 429 with Retry-After: 1 on every third request, as Huawei's
// API gateway throttles; Alibaba's Throttling.User envelope (HTTP 400, no Retry-After) on every
// third Alibaba request; and 429 on every request, a quota that never recovers.
var (
	EveryThird429                   = Throttling{Every: 3, Answer: tooManyRequests}
	EveryThirdAlibabaThrottlingUser = Throttling{Every: 3, Applies: alibabaRequest, Answer: alibabaThrottlingUser}
	Forever429                      = Throttling{Every: 1, Answer: tooManyRequests}
)

func tooManyRequests(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Retry-After", "1")
	w.WriteHeader(http.StatusTooManyRequests)
	w.Write([]byte(`{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:5,time:1 second","request_id":"throttled"}`))
}

// alibabaRequest tells an Alibaba RPC request by its action, in the query (V1) or a header (V3).
func alibabaRequest(r *http.Request) bool {
	return r.URL.Query().Get("Action") != "" || r.Header.Get("x-acs-action") != ""
}

func alibabaThrottlingUser(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	w.Write([]byte(`{"RequestId":"7C4B2E6F-0D5A-5E8B-9F31-4A6C2D8E1B07","HostId":"dms-enterprise.aliyuncs.com","Code":"Throttling.User","Message":"Request was denied due to user flow control.","Recommend":"https://api.aliyun.com/troubleshoot?q=Throttling.User"}`))
}

// NewRemote starts a Remote in front of a fresh reference target (mock.New with its default
// options) and closes it when the test ends. throttling may be nil.
func NewRemote(t testing.TB, delay time.Duration, throttling *Throttling) *Remote {
	t.Helper()
	h, err := mock.New(mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &Remote{delay: delay, throttling: throttling, handler: h}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	r.URL = srv.URL
	return r
}

func (rt *Remote) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt.mu.Lock()
	rt.arrivals = append(rt.arrivals, time.Now())
	throttle := false
	if th := rt.throttling; th != nil && (th.Applies == nil || th.Applies(r)) {
		rt.counted++
		throttle = rt.counted%th.Every == 0
		if throttle {
			rt.throttled++
		}
	}
	rt.mu.Unlock()
	if !sleep(r.Context(), rt.delay) {
		return // the runner gave up on the request
	}
	if throttle {
		rt.throttling.Answer(w)
		return
	}
	rt.handler.ServeHTTP(w, r)
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Requests counts the requests received.
func (rt *Remote) Requests() int {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return len(rt.arrivals)
}

// Throttled counts the requests answered as throttled.
func (rt *Remote) Throttled() int {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.throttled
}

// Rate is the requests per second the target received, from the first arrival to the last:
// n requests over the n-1 intervals between them. Zero with fewer than two requests.
func (rt *Remote) Rate() float64 {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	n := len(rt.arrivals)
	if n < 2 {
		return 0
	}
	return float64(n-1) / rt.arrivals[n-1].Sub(rt.arrivals[0]).Seconds()
}
