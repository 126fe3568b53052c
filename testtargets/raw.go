package testtargets

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Raw is a TCP target on loopback that reads each request of a connection and answers it with
// serve, for answers no http.Handler can give (megabytes of headers, a body that never ends).
// Every connection ends within 30 s, and the listener with the test.
func Raw(t testing.TB, serve func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				c.SetDeadline(time.Now().Add(30 * time.Second))
				br := bufio.NewReader(c)
				for {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					io.Copy(io.Discard, req.Body)
					serve(c)
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// Gzipped is n zero bytes (a multiple of 16 MiB, or 0) gzipped as concatenated members, as a
// gzip reader reads them: a bomb of 1 GiB in about 1 MB, built in milliseconds.
func Gzipped(n int) []byte {
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, min(n, 16<<20)))
	zw.Close()
	return bytes.Repeat(member.Bytes(), max(1, n/(16<<20)))
}
