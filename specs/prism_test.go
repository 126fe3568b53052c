package specs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/specs"
)

// prismVersion is the @stoplight/prism-cli release the test installs: pinned, so the test
// does not change under us.
const prismVersion = "5.16.0"

// Prism's mock, a router that knows nothing of this suite, routes the exported Alibaba action:
// GET and POST / with Action=GetUserActiveTenant answer 200 with a Tenant, and another action
// is not routed to it. (Against the suite's own document, keyed "/#Action=…", Prism answers 404
// to every request.) The first run installs Prism from the npm registry into the user cache
// (about 25 s), later runs reuse it; -short skips the test.
func TestPrismRoutesTheExportedAlibabaSpec(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping Prism's mock (installs @stoplight/prism-cli from the npm registry)")
	}
	prism := installPrism(t)
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	sp, _ := set.Service("alibabacloud-dms-enterprise")
	docs, err := sp.Export()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, docs[0].File)
	raw, err := docs[0].YAML()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var log bytes.Buffer
	cmd := exec.CommandContext(ctx, prism, "mock", "--host", "127.0.0.1", "--port", fmt.Sprint(port), file)
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = cmd.Wait() }()
	base := fmt.Sprintf("http://127.0.0.1:%d/", port)
	deadline := time.Now().Add(90 * time.Second)
	for {
		if resp, err := http.Get(base); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Prism did not listen on %s within 90 s:\n%s", base, log.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The signature itself is the suite's business; Prism checks that the apiKey is present.
	query := "?Action=GetUserActiveTenant&Version=2018-11-01&Tid=3000&Signature=c2lnbmF0dXJl"
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		status, body := call(t, method, base+query)
		var answer struct {
			Tenant *struct{ Tid int64 }
		}
		if status != http.StatusOK || json.Unmarshal(body, &answer) != nil || answer.Tenant == nil {
			t.Errorf("%s %s: %d %s, want 200 with a Tenant\n%s", method, query, status, body, log.String())
		}
	}
	if status, body := call(t, http.MethodGet, base+"?Action=DeleteEverything&Signature=x"); status == http.StatusOK {
		t.Errorf("another action is routed to GetUserActiveTenant: 200 %s", body)
	}
}

func call(t *testing.T, method, url string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, body
}

// installPrism returns the path of Prism's command, installed with npm into the user cache
// once; skipped where npm is absent.
func installPrism(t *testing.T) string {
	t.Helper()
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("npm is not installed: the Prism test installs @stoplight/prism-cli from the npm registry with it")
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "conformance-suite", "prism-cli-"+prismVersion)
	bin := filepath.Join(dir, "node_modules", ".bin", "prism")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	// Installed beside and renamed into place, so an interrupted install is never reused.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "install-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	install := exec.CommandContext(ctx, npm, "install", "--prefix", tmp, "--no-audit", "--no-fund", "--loglevel=error", "@stoplight/prism-cli@"+prismVersion)
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("npm install @stoplight/prism-cli@%s: %v\n%s", prismVersion, err, out)
	}
	if err := os.Rename(tmp, dir); err != nil && !os.IsExist(err) {
		if _, statErr := os.Stat(bin); statErr != nil { // another process may have won the race
			t.Fatal(err)
		}
	}
	return bin
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
