package runner

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/specs"
)

// throttled reports whether an answer of op's provider means the caller was throttled
// (providers.Throttling): such an answer is retried (sendThrottled), and a case still
// throttled after its retries is reported as throttled, not failed.
func throttled(op *specs.Operation, r *conformance.Response) bool {
	if r == nil || r.Status < 400 {
		return false
	}
	rule := providers.Of(op).Throttling
	if slices.Contains(rule.Statuses, r.Status) {
		return true
	}
	if rule.CodeField == "" {
		return false
	}
	body, err := r.JSON() // decoded once: the checks judge the final answer with the same value
	if err != nil {
		return false
	}
	obj, _ := body.(map[string]any)
	code, _ := obj[rule.CodeField].(string)
	return slices.Contains(rule.Codes, code)
}

// The retry policy of a throttled answer. A case is sent again after the answer's Retry-After
// (seconds or an HTTP date) or, without one, after an exponential backoff with jitter, at most
// maxThrottleRetries times, and only while the waits of the case stay within --timeout: a
// quota that does not recover within one exchange's bound is the run's finding, not a hang.
const (
	maxThrottleRetries = 6
	firstBackoff       = 250 * time.Millisecond
	maxBackoff         = 8 * time.Second
)

// retryDelay is how long to wait before attempt (1 for the first retry) of an answer that was
// throttled at now.
func retryDelay(r *conformance.Response, attempt int, now time.Time) time.Duration {
	if v := strings.TrimSpace(r.Header.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
			return time.Duration(min(secs, int64(maxBackoff/time.Second))) * time.Second
		}
		if at, err := http.ParseTime(v); err == nil {
			return min(max(at.Sub(now), 0), maxBackoff)
		}
	}
	d := min(firstBackoff<<(attempt-1), maxBackoff)
	return d/2 + rand.N(d/2+1) // equal jitter: the cases throttled together do not return together
}

// NotRunThrottled starts the reason of a case whose every attempt was throttled.
const NotRunThrottled = "throttled"

// sendThrottled sends a case as send does, pacing it by --rate-limit and holding one of the
// run's request slots for each attempt, and sends it again while the answer is throttled
// (retryDelay). It returns the last exchange, the retries made and, when the last answer was
// still throttled, why the case has no verdict.
func (s *scheduler) sendThrottled(ctx context.Context, p *conformance.Planned) (x *conformance.Exchange, retries int, why string) {
	var waited time.Duration
	for attempt := 0; ; attempt++ {
		if err := s.pace.wait(ctx, s.cfg.RateLimit, p.Op.Service); err != nil {
			return &conformance.Exchange{Case: p.Case, Op: p.Op, Err: err}, retries, ""
		}
		if err := s.slots.Acquire(ctx, 1); err != nil {
			return &conformance.Exchange{Case: p.Case, Op: p.Op, Err: err}, retries, ""
		}
		x = s.send(ctx, p)
		s.slots.Release(1)
		if x.Err != nil || !throttled(p.Op, x.Response) {
			return x, retries, ""
		}
		d := retryDelay(x.Response, attempt+1, time.Now())
		if attempt >= maxThrottleRetries || waited+d > s.cfg.Timeout {
			return x, retries, fmt.Sprintf("%s: HTTP %d, still throttled after %d retries over %s (the provider's throttling answer; lower --rate-limit or --parallel)",
				NotRunThrottled, x.Response.Status, retries, waited.Round(time.Millisecond))
		}
		select {
		case <-ctx.Done():
			return x, retries, ""
		case <-time.After(d):
		}
		waited += d
		retries++
	}
}

// RateLimit is a bound on the requests per unit of time sent to each service (--rate-limit
// N/s or N/m); the zero value sets none.
type RateLimit struct {
	N   int
	Per time.Duration // time.Second or time.Minute
}

// maxRate bounds N: beyond it a limit no longer limits anything a run sends.
const maxRate = 100_000

// ParseRateLimit reads N/s or N/m, N a whole number from 1 to 100000.
func ParseRateLimit(v string) (RateLimit, error) {
	n, unit, ok := strings.Cut(strings.TrimSpace(v), "/")
	per := map[string]time.Duration{"s": time.Second, "m": time.Minute}[unit]
	count, err := strconv.Atoi(n)
	if !ok || per == 0 || err != nil || count < 1 || count > maxRate {
		return RateLimit{}, fmt.Errorf("%q is not N/s or N/m with N from 1 to %d", v, maxRate)
	}
	return RateLimit{N: count, Per: per}, nil
}

func (r RateLimit) String() string {
	if r.N == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%s", r.N, map[time.Duration]string{time.Second: "s", time.Minute: "m"}[r.Per])
}

func (r RateLimit) validate() error {
	if r == (RateLimit{}) {
		return nil
	}
	if r.N < 1 || r.N > maxRate || r.Per != time.Second && r.Per != time.Minute {
		return fmt.Errorf("must be N/s or N/m with N from 1 to %d", maxRate)
	}
	return nil
}

// pacer holds one token bucket per service (--rate-limit), made on the service's first
// request. A bucket of one token spaces the requests evenly: N/s is one request every 1/N s,
// never a burst of N.
type pacer struct {
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// wait blocks until svc may send under limit, or ctx ends.
func (p *pacer) wait(ctx context.Context, limit RateLimit, svc string) error {
	if limit.N == 0 {
		return nil
	}
	p.mu.Lock()
	if p.buckets == nil {
		p.buckets = map[string]*rate.Limiter{}
	}
	b := p.buckets[svc]
	if b == nil {
		b = rate.NewLimiter(rate.Limit(float64(limit.N)/limit.Per.Seconds()), 1)
		p.buckets[svc] = b
	}
	p.mu.Unlock()
	if err := b.Wait(ctx); err != nil {
		return errors.New("the run was interrupted before the case was sent")
	}
	return nil
}
