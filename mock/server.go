package mock

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/alibabacloud"
	"github.com/conformance-suite/conformance/specs"
)

// DefaultJobPolls is how many times a ZStack job answers 202 before it is done, when
// Options.JobPolls is zero: enough to prove that a client polls, few enough to be quick.
const DefaultJobPolls = 2

// DefaultAddr is where Start listens when given no address: loopback, on an ephemeral port,
// because the target accepts published test credentials.
const DefaultAddr = "127.0.0.1:0"

// Options configures the reference target. The zero value is the conformant target with the
// default credentials.
type Options struct {
	// Fault names one fault mode of Faults(), or "" for none.
	Fault string
	// Lenient names lenient modes of Lenients(), any number and in any order, or none for the
	// strict target. They combine with each other and with Fault.
	Lenient []string
	// AsyncZStack makes ChangeIAM2ProjectState answer 202 + location like a real management
	// node, instead of 200 at once.
	AsyncZStack bool
	// JobPolls is how many 202 answers a ZStack job gives before it is done; 0 means
	// DefaultJobPolls.
	JobPolls int
	// Credentials are the credentials and resource ids the target accepts; each empty field
	// takes its value from providers.Defaults().
	Credentials providers.Credentials
	// Now is the clock for signature windows and ZStack dates; nil means time.Now.
	Now func() time.Time
	// Specs is the spec index to serve; nil means specs.Load().
	Specs *specs.Set
}

// New returns the reference target as a handler. It fails on an unknown fault or lenient
// mode, on configuration it cannot serve (a Tid that is not an integer), and on an operation in
// the specs that it has no handler for, so that a new spec cannot be served half-implemented.
func New(opts Options) (http.Handler, error) {
	return newMock(opts)
}

// Server is the reference target listening on a TCP address.
type Server struct {
	m    *mock
	http *http.Server
	ln   net.Listener
	done chan struct{} // closed when Serve has returned
	once sync.Once
}

// limits bound what one client connection may hold of the target.
type limits struct {
	// readHeader and read bound the arrival of a request's headers and of the whole request,
	// so that a half-sent request cannot hold a connection and its file handle; idle bounds
	// a keep-alive connection between requests.
	readHeader, read, idle time.Duration
	// headerBytes bounds a request's headers; larger ones are answered 431.
	headerBytes int
}

// serverLimits are the limits of Start: far above what a client on a sound network needs
// (the SDKs send under 2 KiB of headers and a body of a few hundred bytes, at once), far below
// forever. They bound reading only: an answer a fault holds back (slow-response, endless-body)
// still lasts until the client goes away or the server stops.
func serverLimits() limits {
	return limits{readHeader: 5 * time.Second, read: 30 * time.Second, idle: 60 * time.Second, headerBytes: 64 << 10}
}

// Start listens on addr (DefaultAddr when empty) and serves the reference target until Close
// or Shutdown.
func Start(addr string, opts Options) (*Server, error) {
	return start(addr, opts, serverLimits())
}

func start(addr string, opts Options, lim limits) (*Server, error) {
	if addr == "" {
		addr = DefaultAddr
	}
	m, err := newMock(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mock: listening on %s: %w", addr, err)
	}
	s := &Server{
		m:  m,
		ln: ln,
		http: &http.Server{
			Handler:           m,
			ReadHeaderTimeout: lim.readHeader,
			ReadTimeout:       lim.read,
			IdleTimeout:       lim.idle,
			MaxHeaderBytes:    lim.headerBytes,
			// A client that goes away mid-fault is normal here, not worth a log line.
			ErrorLog: log.New(io.Discard, "", 0),
		},
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		_ = s.http.Serve(ln) // ErrServerClosed after Close or Shutdown
	}()
	return s, nil
}

// URL is the base URL of the target, e.g. "http://127.0.0.1:43117".
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Addr is the address the target listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Shutdown stops accepting connections and waits, until ctx ends, for the answers in flight.
// Answers held back by a fault (slow, endless) are ended first, since they would never finish.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stop()
	err := s.http.Shutdown(ctx)
	if err == nil {
		<-s.done
	}
	return err
}

// Close stops the target at once, closing every connection.
func (s *Server) Close() error {
	s.stop()
	err := s.http.Close()
	<-s.done
	return err
}

func (s *Server) stop() { s.once.Do(func() { close(s.m.stopping) }) }

// mock is the reference target: configuration, routes, state, and the fault and lenient modes
// in force.
type mock struct {
	creds    providers.Credentials
	tid      int64 // creds.Get(alibabacloud.Tid) as a number
	now      func() time.Time
	async    bool
	polls    int
	fault    *fault // nil when none
	lenient  leniency
	routes   *specs.Set          // routes requests (specs.Set.Route)
	handlers map[string]endpoint // by operationId
	provs    map[string]provider // by spec Provider
	state    *state
	// stopping is closed when a Server shuts down, so that answers a fault holds back end.
	stopping chan struct{}
}

func newMock(opts Options) (*mock, error) {
	set := opts.Specs
	if set == nil {
		var err error
		if set, err = specs.Load(); err != nil {
			return nil, fmt.Errorf("mock: %w", err)
		}
	}
	m := &mock{
		creds:    opts.Credentials.WithDefaults(providers.Defaults()),
		now:      opts.Now,
		async:    opts.AsyncZStack,
		polls:    opts.JobPolls,
		stopping: make(chan struct{}),
	}
	if m.now == nil {
		m.now = time.Now
	}
	switch {
	case m.polls == 0:
		m.polls = DefaultJobPolls
	case m.polls < 0:
		return nil, fmt.Errorf("mock: JobPolls is %d, want 0 (the default, %d) or more", opts.JobPolls, DefaultJobPolls)
	}
	tid, err := strconv.ParseInt(m.creds.Get(alibabacloud.Tid), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("mock: the Alibaba Cloud Tid %q (%s) is not an int64", m.creds.Get(alibabacloud.Tid), alibabacloud.Tid.Env)
	}
	m.tid = tid
	if opts.Fault != "" {
		f, ok := lookupFault(opts.Fault)
		if !ok {
			return nil, fmt.Errorf("mock: unknown fault %q; known faults: %s", opts.Fault, faultNames())
		}
		m.fault = &f
		m.async = m.async || f.jobForever
	}
	for _, name := range opts.Lenient {
		l, ok := lookupLenient(name)
		if !ok {
			return nil, fmt.Errorf("mock: unknown lenient mode %q; known lenient modes: %s", name, lenientNames())
		}
		l.enable(&m.lenient)
	}
	m.state = newState(m.creds, m.now())
	m.provs = map[string]provider{
		"huaweicloud":  huawei{m},
		"alibabacloud": alibaba{m},
		"zstack":       zstack{m},
	}
	m.handlers = map[string]endpoint{}
	for _, p := range m.provs {
		for id, e := range p.endpoints() {
			m.handlers[id] = e
		}
	}
	var errs []error
	for _, op := range set.Operations {
		if _, ok := m.provs[op.Provider]; !ok {
			errs = append(errs, fmt.Errorf("mock: %s: no provider %q", op.Key(), op.Provider))
		}
		if _, ok := m.handlers[op.ID]; !ok {
			errs = append(errs, fmt.Errorf("mock: %s: no handler for this operation", op.Key()))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	m.routes = set
	return m, nil
}
