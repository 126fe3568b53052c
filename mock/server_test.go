package mock_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/alibabacloud"
)

func TestStartServesOnLoopback(t *testing.T) {
	set, err := loadSpecs()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mock.Start("", mock.Options{Specs: set})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") {
		t.Errorf("URL %s, want loopback on an ephemeral port", srv.URL())
	}
	resp, err := http.Get(srv.URL() + "/no/such/api")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path answered %d, want 404", resp.StatusCode)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := http.Get(srv.URL()); err == nil {
		t.Errorf("still answering after Close")
	}
}

// Shutdown ends the answers a fault holds back instead of waiting 30 s for them.
func TestShutdownEndsHeldAnswers(t *testing.T) {
	set, err := loadSpecs()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mock.Start("127.0.0.1:0", mock.Options{Specs: set, Fault: "slow-response"})
	if err != nil {
		t.Fatal(err)
	}
	tg := &target{url: srv.URL(), set: set, creds: providers.Defaults(), now: time.Now, client: &http.Client{}}
	done := make(chan error, 1)
	go func() {
		_, err := tg.trySend(t, req{op: "GetUserActiveTenant"})
		done <- err
	}()
	time.Sleep(100 * time.Millisecond) // let the request arrive
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Shutdown took %v", d)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Errorf("the held request never ended")
	}
}

func TestStartRefusesABusyAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	set, _ := loadSpecs()
	if _, err := mock.Start(ln.Addr().String(), mock.Options{Specs: set}); err == nil || !strings.Contains(err.Error(), ln.Addr().String()) {
		t.Errorf("Start on a busy address: %v, want an error naming it", err)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	set, _ := loadSpecs()
	for name, opts := range map[string]mock.Options{
		"JobPolls":                     {Specs: set, JobPolls: -1},
		"CONFORMANCE_ALIBABACLOUD_TID": {Specs: set, Credentials: providers.Credentials{alibabacloud.Tid.Env: "abc"}},
	} {
		if _, err := mock.New(opts); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("New with a bad %s: %v, want an error naming it", name, err)
		}
	}
}
