package runner_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/conformance"
	"github.com/conformance-suite/conformance/mock"
	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
	"github.com/conformance-suite/conformance/providers/zstack"
	"github.com/conformance-suite/conformance/runner"
	"github.com/conformance-suite/conformance/specs"
)

// exchanges runs a plan without Ginkgo (which allows one suite per process) and judges each
// case: the same plan, sending and checks that `conformance run` uses.
func exchanges(t *testing.T, cfg runner.Config) (map[string]conformance.Result, *runner.Plan) {
	t.Helper()
	plan, err := runner.NewPlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	plan.Start(context.Background())
	out := map[string]conformance.Result{}
	for _, p := range plan.Cases {
		if p.Skip != "" {
			continue
		}
		out[p.Case.ID] = plan.Verdict(p).Result
	}
	return out, plan
}

func config(target string) runner.Config {
	cfg := runner.DefaultConfig()
	cfg.Target = target
	d := providers.Defaults()
	d[huaweicloud.Token.Env] = ""
	cfg.Credentials = d
	return cfg
}

func mustPass(t *testing.T, results map[string]conformance.Result) {
	t.Helper()
	if len(results) == 0 {
		t.Fatal("no case ran")
	}
	for id, r := range results {
		for _, f := range r.Failures() {
			t.Errorf("%s: %s", id, f.Message)
		}
	}
}

func TestAlibabaSignatureV3RunPasses(t *testing.T) {
	srv, err := mock.Start("", mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfg := config(srv.URL())
	cfg.AlibabaSignature = "v3"
	cfg.LabelFilter = "alibabacloud"
	results, _ := exchanges(t, cfg)
	mustPass(t, results)
}

// In async mode the runner polls each 202's location and judges the final answer.
func TestZStackAsyncRunPasses(t *testing.T) {
	srv, err := mock.Start("", mock.Options{AsyncZStack: true, JobPolls: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfg := config(srv.URL())
	cfg.LabelFilter = "zstack"
	results, _ := exchanges(t, cfg)
	mustPass(t, results)
}

// A ZStack account and password instead of a session: the runner logs in with the SHA-512
// of the password, and logs out at the end.
func TestZStackLoginAndLogout(t *testing.T) {
	srv, err := mock.Start("", mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfg := config(srv.URL())
	cfg.Credentials[zstack.Session.Env] = ""
	cfg.LabelFilter = "zstack"
	results, plan := exchanges(t, cfg)
	mustPass(t, results)
	plan.Finish()
}

// recorder is a target that remembers every request and its status, standing in front of the
// reference target.
type recorder struct {
	mu   sync.Mutex
	seen []string // "METHOD path status"
	next http.Handler
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	rec := httptest.NewRecorder()
	r.next.ServeHTTP(rec, req)
	r.mu.Lock()
	r.seen = append(r.seen, req.Method+" "+req.URL.Path+" "+http.StatusText(rec.Code))
	r.mu.Unlock()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// remote serves the reference target behind a recorder, reachable only through a dialer that
// maps a host name which is not loopback-looking onto it.
func remote(t *testing.T) (*recorder, runner.Config) {
	t.Helper()
	h, err := mock.New(mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{next: h}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	cfg := config("http://tenant.example.test")
	addr := strings.TrimPrefix(srv.URL, "http://")
	cfg.Dial = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	return rec, cfg
}

func TestRemoteTargetWithoutAllowMutationsSendsNoMutation(t *testing.T) {
	rec, cfg := remote(t)
	results, plan := exchanges(t, cfg)
	mustPass(t, results)
	plan.Finish()
	set, _ := specs.Load()
	held, ran := 0, 0
	for _, p := range plan.Cases {
		switch {
		case p.Op.Mutates && !strings.HasPrefix(p.Skip, runner.HeldBack):
			t.Errorf("%s (%s) of a mutating operation was not held back: skip %q", p.Case.ID, p.Case.Kind, p.Skip)
		case p.Op.Mutates:
			held++
		case p.Skip == "":
			ran++
		}
	}
	if held == 0 || ran == 0 {
		t.Fatalf("%d cases held back, %d run: want both (the read operations still run)", held, ran)
	}
	// The target received no request at all to a mutating operation: not a positive one, not
	// an auth or a negative one, which a lenient service might apply as well.
	for _, line := range rec.seen {
		for _, op := range set.Operations {
			if op.Mutates && strings.HasPrefix(line, op.Method+" ") && pathMatches(op.Path, strings.Fields(line)[1]) {
				t.Errorf("a request to the mutating operation %s reached the target: %s", op.ID, line)
			}
		}
	}
}

// TestRemoteTargetWithAllowMutationsRestoresState: the runner records what it changes first,
// and puts it back at the end.
func TestRemoteTargetWithAllowMutationsRestoresState(t *testing.T) {
	rec, cfg := remote(t)
	cfg.AllowMutations = true
	before := readState(t, cfg)
	results, plan := exchanges(t, cfg)
	mustPass(t, results)
	restored := plan.Finish()
	if len(restored) != 4 {
		t.Fatalf("restored %+v, want the 4 mutating operations", restored)
	}
	for _, r := range restored {
		if r.Error != "" {
			t.Errorf("%s not restored: %s", r.Operation, r.Error)
		}
	}
	after := readState(t, cfg)
	if before != after {
		t.Errorf("state before the run %q, after it %q", before, after)
	}
	mutated := false
	for _, line := range rec.seen {
		mutated = mutated || strings.HasPrefix(line, "PUT /v2/") && strings.HasSuffix(line, "/workspaces/enterprise-id OK")
	}
	if !mutated {
		t.Error("with --allow-mutations the mutating cases did not run")
	}
}

// readState reads what the mutating operations change, through the read operations.
func readState(t *testing.T, cfg runner.Config) string {
	t.Helper()
	d := providers.Defaults()
	client := &http.Client{Transport: &http.Transport{DialContext: cfg.Dial}, Timeout: 5 * time.Second}
	var parts []string
	for _, path := range []string{
		"/v1/" + d.Get(huaweicloud.ProjectID) + "/tenant/profile",
		"/v2/" + d.Get(huaweicloud.ProjectID) + "/workspaces",
		"/zstack/v1/iam2/projects/" + d.Get(zstack.ProjectUUID),
	} {
		req, _ := http.NewRequest(http.MethodGet, cfg.Target+path, nil)
		req.Header.Set("X-Auth-Token", d.Get(huaweicloud.Token))
		req.Header.Set("Authorization", "OAuth "+d.Get(zstack.Session))
		if strings.HasPrefix(path, "/v") {
			req.Header.Del("Authorization")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var v map[string]any
		json.Unmarshal(body, &v)
		delete(v, "lastOpDate")
		if inv, ok := v["inventories"].([]any); ok && len(inv) == 1 {
			parts = append(parts, inv[0].(map[string]any)["state"].(string))
			continue
		}
		b, _ := json.Marshal(v)
		parts = append(parts, string(b))
	}
	return strings.Join(parts, " ")
}

func pathMatches(template, path string) bool {
	ts, ps := strings.Split(template, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i := range ts {
		if !strings.HasPrefix(ts[i], "{") && ts[i] != ps[i] {
			return false
		}
	}
	return true
}

func TestConfigFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("target: http://127.0.0.1:9\ntimeout: 3s\nparallel: 2\nregion: cn-north-4\nenvironment:\n  CONFORMANCE_HUAWEICLOUD_PROJECT_ID: p1\n"), 0o644)
	f, err := runner.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := runner.DefaultConfig()
	f.Apply(&cfg, nil)
	creds := providers.FromEnv(f.Lookup(func(string) (string, bool) { return "", false }))
	if cfg.Target != "http://127.0.0.1:9" || cfg.Timeout != 3*time.Second || cfg.Parallel != 2 || creds.Get(huaweicloud.ProjectID) != "p1" {
		t.Fatalf("config %+v, creds %+v", cfg, creds)
	}
	os.WriteFile(path, []byte("targt: x\n"), 0o644)
	if _, err := runner.ReadFile(path); err == nil || !strings.Contains(err.Error(), "c.yaml:1: unknown key targt (did you mean target?)") || strings.Contains(err.Error(), "runner.") {
		t.Fatalf("an unknown key: %v, want an error naming the file, the line, the key and the closest one, no Go type", err)
	}
	os.WriteFile(path, []byte("timeout: soon\noperations:\n  InitializeTenant:\n    exclude_check: [x]\n"), 0o644)
	if _, err := runner.ReadFile(path); err == nil || !strings.Contains(err.Error(), `c.yaml:1: timeout: "soon" is not a duration`) ||
		!strings.Contains(err.Error(), "c.yaml:4: unknown key exclude_check of an operation (under operations:) (did you mean exclude_checks?)") || strings.Contains(err.Error(), "runner.") {
		t.Fatalf("a bad value and an unknown key of an operation: %v", err)
	}
	os.WriteFile(path, []byte("environment:\n  CONFORMANCE_NO_SUCH: x\n"), 0o644)
	if _, err := runner.ReadFile(path); err == nil {
		t.Fatal("an unknown variable was accepted")
	}
}

// The region derives each regional service's public endpoint from the spec's servers.
func TestRegionDerivesEndpoints(t *testing.T) {
	cfg := runner.DefaultConfig()
	cfg.Regions = map[string]string{"huaweicloud": "ap-southeast-1", "alibabacloud": "cn-shanghai"}
	cfg.LabelFilter = "auth"
	plan, err := runner.NewPlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"huaweicloud-workspace":       "https://workspace.ap-southeast-1.myhuaweicloud.com",
		"huaweicloud-workspaceapp":    "https://appstream.ap-southeast-1.myhuaweicloud.com",
		"alibabacloud-dms-enterprise": "https://dms-enterprise.cn-shanghai.aliyuncs.com",
	}
	for svc, u := range want {
		if plan.Targets[svc] != u {
			t.Errorf("%s: %q, want %q", svc, plan.Targets[svc], u)
		}
	}
	for _, p := range plan.Cases {
		if p.Op.Service == "zstack-iam2" && !strings.Contains(p.Skip, "no target for zstack-iam2") {
			t.Errorf("%s: skip %q, want no target", p.Case.ID, p.Skip)
		}
	}
}

// TestSameSeedSameRequests: two runs with one seed send the same generated requests, byte for
// byte (signatures aside, which hold a time and a nonce); another seed sends others.
func TestSameSeedSameRequests(t *testing.T) {
	srv, err := mock.Start("", mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	sent := func(seed int64) string {
		cfg := config(srv.URL())
		cfg.Seed = seed
		cfg.LabelFilter = "generated"
		plan, err := runner.NewPlan(cfg)
		if err != nil {
			t.Fatal(err)
		}
		plan.Start(context.Background())
		var b strings.Builder
		for _, p := range plan.Cases {
			x := plan.Verdict(p).Exchange
			u := x.Request.URL
			if i := strings.Index(u, "?"); i >= 0 && strings.Contains(u, "Signature=") {
				u = u[:i] // V1 query: timestamp, nonce and signature change every time
			}
			b.WriteString(x.Request.Method + " " + u + " " + string(x.Request.Body) + "\n")
		}
		return b.String()
	}
	a, b, c := sent(7), sent(7), sent(8)
	if a == "" || a != b {
		t.Fatalf("the same seed sent different requests:\n%s\n---\n%s", a, b)
	}
	if a == c {
		t.Fatal("another seed sent the same requests")
	}
}
