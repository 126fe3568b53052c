package mock_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/mock"
)

// The short timeouts of these tests, and how long the target may take beyond one to act.
const (
	testTimeout = 300 * time.Millisecond
	actWithin   = 2 * time.Second
)

// startShort serves the reference target on loopback with every connection timeout testTimeout.
func startShort(t *testing.T) *mock.Server {
	t.Helper()
	set, err := loadSpecs()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mock.StartWithTimeouts("127.0.0.1:0", mock.Options{Specs: set}, testTimeout, testTimeout, testTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// dial opens a raw connection to srv that gives up on its own after a few seconds.
func dial(t *testing.T, srv *mock.Server) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", srv.Addr().String(), actWithin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(3 * actWithin))
	return conn
}

// closedWithin reads what the server sends until it closes the connection, and fails the
// test unless that happens within d.
func closedWithin(t *testing.T, conn net.Conn, d time.Duration) string {
	t.Helper()
	start := time.Now()
	got, err := io.ReadAll(conn)
	if elapsed := time.Since(start); err != nil || elapsed > d {
		t.Fatalf("the connection was still open after %v (read error %v), want it closed within %v", elapsed, err, d)
	}
	return string(got)
}

// A client that sends half its headers and stops is dropped after the read-header timeout.
func TestHalfSentHeadersAreDropped(t *testing.T) {
	conn := dial(t, startShort(t))
	if _, err := io.WriteString(conn, "PUT /v2/p/workspaces/enterprise-id HTTP/1.1\r\nHost: x\r\n"); err != nil {
		t.Fatal(err)
	}
	closedWithin(t, conn, testTimeout+actWithin)
}

// A client that sends its headers and half its body is refused with the provider's 400 once
// the read timeout passes, and the connection is closed.
func TestHalfSentBodyIsRefused(t *testing.T) {
	srv := startShort(t)
	conn := dial(t, srv)
	const body = `{"enterprise_id":"huawei"}`
	if _, err := io.WriteString(conn, "PUT /v2/p/workspaces/enterprise-id HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"+
		"Content-Length: 100\r\n\r\n"+body); err != nil {
		t.Fatal(err)
	}
	answer := closedWithin(t, conn, testTimeout+actWithin)
	resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(answer)), nil)
	if err != nil {
		t.Fatalf("no answer before the connection closed: %q", answer)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(answer, "WKS.00200001") || !strings.Contains(answer, "reading the request body") {
		t.Errorf("answered %q, want the Huawei 400 that says the body did not arrive", answer)
	}
}

// A keep-alive connection left idle is closed after the idle timeout.
func TestIdleConnectionIsClosed(t *testing.T) {
	conn := dial(t, startShort(t))
	if _, err := io.WriteString(conn, "GET /no/such/api HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	start := time.Now()
	if _, err := r.ReadByte(); err != io.EOF || time.Since(start) > testTimeout+actWithin {
		t.Errorf("after %v idle: read %v, want the connection closed after about %v", time.Since(start), err, testTimeout)
	}
}

// Start bounds a request's headers: 100 KiB of them are answered 431, a few KiB are not.
func TestStartBoundsRequestHeaders(t *testing.T) {
	set, err := loadSpecs()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mock.Start("", mock.Options{Specs: set})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for size, want := range map[int]int{4 << 10: http.StatusNotFound, 100 << 10: http.StatusRequestHeaderFieldsTooLarge} {
		r, _ := http.NewRequest(http.MethodGet, srv.URL()+"/no/such/api", nil)
		r.Header.Set("X-Padding", strings.Repeat("a", size))
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%d bytes of headers answered %d, want %d", size, resp.StatusCode, want)
		}
	}
}
