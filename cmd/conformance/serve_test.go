package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/alibabacloud"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
	"github.com/conformance-suite/conformance/providers/zstack"
	"github.com/conformance-suite/conformance/signing"
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
		{[]string{"serve", "--list-faults"}, 0, "extra-response-fields", ""},
		{[]string{"serve", "--lenient", "nope"}, 2, "", `unknown lenient mode "nope"`},
		{[]string{"serve", "--lenient", "content-type,nope"}, 2, "", `unknown lenient mode "nope"`},
		{[]string{"serve", "--lenient", "content-type,"}, 2, "", `an empty name in "content-type,"`},
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

// --list-faults prints a section of faults (one row each: name, operations, check,
// description) and a section of lenient modes (name, description), each under its title.
func TestListFaults(t *testing.T) {
	var out bytes.Buffer
	listFaults(&out)
	faults, lenients, ok := strings.Cut(strings.TrimSpace(out.String()), "\n\n")
	if !ok {
		t.Fatalf("no blank line between the sections:\n%s", out.String())
	}
	rows := func(section, title string, want int) []string {
		lines := strings.Split(section, "\n")
		if !strings.HasPrefix(lines[0], title) || len(lines) != want+2 {
			t.Fatalf("section %q: want the title %q, a header and %d rows", section, title, want)
		}
		return lines[2:]
	}
	for i, f := range mock.Faults() {
		line := rows(faults, "fault modes (--fault NAME)", len(mock.Faults()))[i]
		fields := strings.Fields(line)
		if fields[0] != f.Name || fields[1] != strings.Join(f.Operations, ",") || fields[2] != f.Breaks {
			t.Errorf("row %q, want %s %v %s", line, f.Name, f.Operations, f.Breaks)
		}
	}
	for i, l := range mock.Lenients() {
		line := rows(lenients, "lenient modes (--lenient NAME[,NAME])", len(mock.Lenients()))[i]
		if name, desc, _ := strings.Cut(line, " "); name != l.Name || strings.TrimSpace(desc) != l.Description {
			t.Errorf("row %q, want %s %s", line, l.Name, l.Description)
		}
	}
}

// served is a `conformance serve` running in the test, on an ephemeral loopback port.
type served struct {
	url    string
	stop   func() (code int, banner string) // cancels serve's context, as SIGINT does; once
	stderr *bytes.Buffer
}

// startServe runs serve with args and the environment env until the test stops it.
func startServe(t *testing.T, env map[string]string, args ...string) *served {
	t.Helper()
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	pr, pw := io.Pipe()
	stderr := &bytes.Buffer{}
	code := make(chan int, 1)
	go func() {
		code <- serve(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), lookup, pw, stderr)
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
	s := &served{stderr: stderr}
	select {
	case line, ok := <-first:
		if !ok {
			t.Fatalf("serve stopped before its banner: %s", stderr.String())
		}
		s.url = line[strings.LastIndex(line, " ")+1:]
	case <-time.After(10 * time.Second):
		t.Fatal("no banner")
	}
	if !strings.HasPrefix(s.url, "http://127.0.0.1:") {
		t.Fatalf("banner names %q, want a loopback URL", s.url)
	}
	s.stop = sync.OnceValues(func() (int, string) {
		cancel()
		var c int
		select {
		case c = <-code:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop when its context ended")
			return -1, ""
		}
		<-scanned // serve has closed the pipe: the banner is complete
		return c, out.String()
	})
	return s
}

// serve prints the URL and the credentials without the environment's secrets, answers, and
// stops when its context ends (as on SIGINT or SIGTERM).
func TestServeUntilCancelled(t *testing.T) {
	env := map[string]string{huaweicloud.Token.Env: "token-from-the-environment", huaweicloud.ProjectID.Env: "project-from-env"}
	s := startServe(t, env, "--async-zstack")
	r, _ := http.NewRequest(http.MethodPost, s.url+"/v1/project-from-env/tenant/action/active", strings.NewReader(`{"service_status":"active"}`))
	r.Header.Set("X-Auth-Token", env[huaweicloud.Token.Env])
	r.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the configured token and project answered %d, want 200", resp.StatusCode)
	}
	code, banner := s.stop()
	if code != 0 {
		t.Errorf("exit %d, want 0; stderr: %s", code, s.stderr.String())
	}
	for _, want := range []string{huaweicloud.Token.Env, "project-from-env", "asynchronous", "lenient:     none"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	if strings.Contains(banner+s.stderr.String(), env[huaweicloud.Token.Env]) {
		t.Errorf("the output shows the environment's secret:\n%s", banner)
	}
}

// The banner's export lines are exactly what `conformance run` needs: every variable the
// environment leaves unset, at its built-in default, except the Huawei token, so that the
// run signs with AK/SK; the others are said to come from the environment, without their
// values. Exported credentials work against the target.
func TestServeBannerExports(t *testing.T) {
	env := map[string]string{
		huaweicloud.ProjectID.Env:  "project-from-env",
		alibabacloud.KeySecret.Env: "alibaba-secret-from-env",
		zstack.Password.Env:        "", // set but empty: unset, as the runner reads it
	}
	s := startServe(t, env)
	_, banner := s.stop()
	defaults := providers.Defaults()
	exported, fromEnv := map[string]string{}, map[string]bool{}
	run := ""
	for line := range strings.SplitSeq(banner, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "export "):
			name, value, _ := strings.Cut(strings.TrimPrefix(line, "export "), "=")
			exported[name] = value
		case strings.HasPrefix(line, "# ") && strings.Contains(line, "taken from the environment"):
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "# "), ":")
			fromEnv[name] = true
		case strings.HasPrefix(line, "conformance run "):
			run = line
		}
	}
	for _, row := range credentialRows(defaults) {
		v, set := env[row.Env]
		switch {
		case set && v != "":
			if _, ok := exported[row.Env]; ok || !fromEnv[row.Env] {
				t.Errorf("%s is set: want it said to come from the environment, not exported", row.Env)
			}
		case row.ClientOmits:
			if _, ok := exported[row.Env]; ok {
				t.Errorf("%s is exported; want it unset so that the run signs with AK/SK", row.Env)
			}
		case exported[row.Env] != row.value:
			t.Errorf("export %s=%q, want its default %q", row.Env, exported[row.Env], row.value)
		}
	}
	if strings.Contains(banner, env[alibabacloud.KeySecret.Env]) {
		t.Errorf("the banner shows the environment's secret:\n%s", banner)
	}
	if run != "conformance run --target "+s.url {
		t.Errorf("run line %q, want conformance run --target %s", run, s.url)
	}

	// The exported AK/SK sign a request the target accepts.
	s = startServe(t, env)
	defer s.stop()
	body := []byte(`{"service_status":"active"}`)
	r, _ := http.NewRequest(http.MethodPost, s.url+"/v1/project-from-env/tenant/action/active", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	signer := signing.Huawei{AccessKey: exported[huaweicloud.AccessKey.Env], SecretKey: exported[huaweicloud.SecretKey.Env], Now: time.Now}
	if err := signer.Sign(r, body); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("signed with the exported AK/SK: %d, want 200", resp.StatusCode)
	}
}

// --lenient may be repeated and comma-separated; the modes combine, over real HTTP.
func TestServeLenient(t *testing.T) {
	s := startServe(t, nil, "--lenient", "content-type", "--lenient", "unknown-fields,extra-response-fields,content-type")
	defer s.stop()
	d := providers.Defaults()
	r, _ := http.NewRequest(http.MethodPut, s.url+"/v2/"+d.Get(huaweicloud.ProjectID)+"/workspaces/enterprise-id",
		strings.NewReader(`{"enterprise_id":"huawei","colour":"blue"}`))
	r.Header.Set("X-Auth-Token", d.Get(huaweicloud.Token))
	r.Header.Set("Content-Type", "text/plain")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK || got["enterprise_id"] != "huawei" || len(got) < 2 {
		t.Errorf("answered %d %v (%v), want 200 with the enterprise id and an undocumented field", resp.StatusCode, got, err)
	}
	if _, banner := s.stop(); !strings.Contains(banner, "lenient:     content-type, unknown-fields, extra-response-fields (") {
		t.Errorf("the banner does not name each lenient mode once:\n%s", banner)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"CONFORMANCEHWAK00001": "CONFORMANCEHWAK00001",
		"a-b_c.d/e:f@g%h+i,j":  "a-b_c.d/e:f@g%h+i,j",
		"":                     "''",
		"two words":            "'two words'",
		"it's $HOME":           `'it'\''s $HOME'`,
		"é":                    "'é'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
