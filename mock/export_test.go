package mock

import "time"

// StartWithTimeouts is Start with other connection timeouts, so that the tests of the
// timeouts need not wait for the real ones.
func StartWithTimeouts(addr string, opts Options, readHeader, read, idle time.Duration) (*Server, error) {
	lim := serverLimits()
	lim.readHeader, lim.read, lim.idle = readHeader, read, idle
	return start(addr, opts, lim)
}
