package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/runner/credentials"
)

func TestDispatch(t *testing.T) {
	for _, c := range []struct {
		args     []string
		code     int
		stdout   string // a substring of stdout
		stderrOK string // a substring of stderr
	}{
		{nil, 2, "", "no command given"},
		{[]string{"nope"}, 2, "", `unknown command "nope"`},
		{[]string{"help"}, 0, "serve", ""},
		{[]string{"--help"}, 0, "serve", ""},
		{[]string{"help", "serve"}, 0, "--list-faults", ""},
		{[]string{"help", "nope"}, 2, "", `unknown command "nope"`},
		{[]string{"serve", "--bogus"}, 2, "", "flag provided but not defined: -bogus"},
		{[]string{"serve", "extra"}, 2, "", `unexpected argument "extra"`},
		{[]string{"serve", "--fault", "nope"}, 2, "", `unknown fault "nope"`},
		{[]string{"serve", "--job-polls", "0"}, 2, "", "--job-polls is 0"},
		{[]string{"serve", "--list-faults"}, 0, "wrong-field-type", ""},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := dispatch(c.args, &stdout, &stderr)
			if code != c.code || !strings.Contains(stdout.String(), c.stdout) || !strings.Contains(stderr.String(), c.stderrOK) {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, stdout.String(), stderr.String())
			}
		})
	}
}

// --list-faults prints one row per fault: name, operations, check, description.
func TestListFaults(t *testing.T) {
	var out bytes.Buffer
	listFaults(&out)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(mock.Faults())+1 {
		t.Fatalf("%d lines, want a header and %d faults:\n%s", len(lines), len(mock.Faults()), out.String())
	}
	for i, f := range mock.Faults() {
		fields := strings.Fields(lines[i+1])
		if fields[0] != f.Name || fields[1] != strings.Join(f.Operations, ",") || fields[2] != f.Breaks {
			t.Errorf("row %q, want %s %v %s", lines[i+1], f.Name, f.Operations, f.Breaks)
		}
	}
}

// serve prints the URL and the credentials without their secrets, answers, and stops when its
// context ends (as on SIGINT or SIGTERM).
func TestServeUntilCancelled(t *testing.T) {
	env := map[string]string{credentials.EnvHuaweiToken: "token-from-the-environment", credentials.EnvHuaweiProjectID: "project-from-env"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	code := make(chan int, 1)
	go func() {
		code <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--async-zstack"}, lookup, pw, &stderr)
		pw.Close()
	}()
	var out strings.Builder
	first, scanned := make(chan string, 1), make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if out.Len() == 0 {
				first <- sc.Text()
			}
			out.WriteString(sc.Text() + "\n")
		}
		close(first)
	}()
	var url string
	select {
	case line, ok := <-first:
		if !ok {
			t.Fatalf("serve stopped before its banner: %s", stderr.String())
		}
		url = line[strings.LastIndex(line, " ")+1:]
	case <-time.After(10 * time.Second):
		t.Fatal("no banner")
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("banner names %q, want a loopback URL", url)
	}
	r, _ := http.NewRequest(http.MethodPost, url+"/v1/project-from-env/tenant/action/active", strings.NewReader(`{"service_status":"active"}`))
	r.Header.Set("X-Auth-Token", env[credentials.EnvHuaweiToken])
	r.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the configured token and project answered %d, want 200", resp.StatusCode)
	}
	cancel()
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit %d, want 0; stderr: %s", c, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop when its context ended")
	}
	<-scanned // serve has closed the pipe: the banner is complete
	banner := out.String()
	for _, want := range []string{credentials.EnvHuaweiToken, "project-from-env", "asynchronous"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	for _, secret := range append(credentials.Defaults().Secrets(), env[credentials.EnvHuaweiToken]) {
		if strings.Contains(banner+stderr.String(), secret) {
			t.Errorf("the output shows a secret:\n%s", banner)
		}
	}
}
