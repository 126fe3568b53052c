package proxy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/reports"
)

// handOver judges a relayed exchange off the client's path: in a goroutine, at most
// cap(workers) at a time, each holding its kept bodies (within the budget) until judged. client
// is the client's request context, done when it went away.
func (p *Proxy) handOver(x *exchange, client context.Context) {
	verdict := p.verdict(x, client)
	go func() { // ServeHTTP counted the exchange in judging
		defer p.judging.Done()
		p.workers <- struct{}{}
		rc := verdict()
		<-p.workers
		x.req.release()
		x.resp.release()
		if p.con != nil {
			p.con.Case(rc)
		}
	}()
}

// verdict decides, from what the relaying recorded, how the exchange is judged, and returns
// the judging to run. It reads the captures now: a request body the transport still reads
// after the answer adds nothing to what is judged.
func (p *Proxy) verdict(x *exchange, client context.Context) func() reports.Case {
	reqBody, _, _, reqDropped := x.req.snapshot()
	x.request.Body = reqBody
	respBody, eof, respErr, respDropped := x.resp.snapshot()
	took := time.Since(x.start)
	skip := func(why string) func() reports.Case {
		return func() reports.Case { return p.obs.Skip(x.request, why) }
	}
	// Admitted now, judged later: numbered in the order the exchanges were relayed, and a job
	// it starts noted before the client's poll of that job can be (runner.Observer.Admit).
	judge := func(resp *conformance.Response, err error) func() reports.Case {
		a := p.obs.Admit(x.request, resp)
		return func() reports.Case { return a.Judge(err, took) }
	}
	clientGone := client.Err() != nil
	switch {
	case reqDropped || respDropped:
		return skip(fmt.Sprintf("not judged: the bodies of the exchanges in flight already held the proxy's budget of %d bytes", p.budgetMax))
	case x.err != nil && clientGone && !errors.Is(x.err, context.DeadlineExceeded):
		return skip("not judged: the client went away before the answer came")
	case x.err != nil:
		return judge(nil, x.err)
	case x.resp == nil:
		return judge(nil, errors.New("no answer was relayed"))
	case x.resp.limit == 0 || int64(len(respBody)) >= x.resp.limit:
		// Announced or read over --max-body: judged over-size, in a run's words, whatever came
		// after (a run stops reading there).
	case respErr != nil:
		return judge(nil, respErr) // the upstream failed mid-body: a reset, the --timeout
	case !eof:
		return skip("not judged: the client went away before the whole answer was relayed")
	}
	return judge(&conformance.Response{Status: x.status, Header: x.header, Body: respBody}, nil)
}
