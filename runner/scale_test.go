package runner

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
	"github.com/conformance-suite/conformance/reports"
	"github.com/conformance-suite/conformance/signing"
)

// scaleSizes are the numbers of operations of the synthetic provider surface BenchmarkScale
// measures; the goals compare the largest with the smallest.
var scaleSizes = []int{10, 100, 1000}

// scaleSpecHead is the head of the synthetic spec: one Huawei service behind the API gateway,
// as specs/huaweicloud-workspace.yaml declares it.
const scaleSpecHead = `openapi: 3.0.3
info:
  title: Synthetic Huawei Cloud service of %d operations (BenchmarkScale)
  version: v2
  x-provider: huaweicloud
  x-service: huaweicloud-scale
  x-error-envelope:
    schema: '#/components/schemas/GatewayError'
    code-pointer: /error_code
servers:
  - url: https://scale.{region}.myhuaweicloud.com
    variables:
      region:
        default: cn-north-4
security:
  - iamToken: []
  - akskSignature: []
paths:
`

// scaleOperation is one synthetic operation (OP is replaced by its name): a request and a
// response of the size of a real Workspace resource (a nested object, an array of objects,
// enums, integers, booleans) and the gateway's documented errors.
const scaleOperation = `  /v2/{project_id}/scale/OP:
    put:
      operationId: OP
      summary: Updates a synthetic resource.
      x-mutates: false
      parameters:
        - $ref: '#/components/parameters/ProjectId'
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/OPRequest'
      responses:
        "200":
          description: The resource as updated.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/OPResponse'
        "400": {$ref: '#/components/responses/GatewayError'}
        "401": {$ref: '#/components/responses/GatewayError'}
        "403": {$ref: '#/components/responses/GatewayError'}
        "404": {$ref: '#/components/responses/GatewayError'}
`

const scaleSchemas = `    OPRequest:
      type: object
      required: [name]
      properties:
        name: {type: string}
        description: {type: string}
        status: {type: string, enum: ["ON", "OFF"]}
        size: {type: integer, format: int32}
        enabled: {type: boolean}
        tags:
          type: array
          items: {$ref: '#/components/schemas/Tag'}
        config:
          type: object
          properties:
            flavor: {type: string}
            disk_gb: {type: integer, format: int32}
            network: {type: string, enum: [vpc, classic]}
    OPResponse:
      type: object
      required: [id, name, status]
      properties:
        id: {type: string}
        name: {type: string}
        description: {type: string}
        status: {type: string, enum: ["ON", "OFF"]}
        size: {type: integer, format: int32}
        enabled: {type: boolean}
        created_at: {type: string}
        updated_at: {type: string}
        project_id: {type: string}
        tags:
          type: array
          items: {$ref: '#/components/schemas/Tag'}
        config:
          type: object
          properties:
            flavor: {type: string}
            disk_gb: {type: integer, format: int32}
            network: {type: string, enum: [vpc, classic]}
`

const scaleComponents = `components:
  responses:
    GatewayError:
      description: An error of the service or of the API gateway.
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/GatewayError'
  securitySchemes:
    iamToken: {type: apiKey, in: header, name: X-Auth-Token}
    akskSignature: {type: apiKey, in: header, name: Authorization, x-signature-scheme: SDK-HMAC-SHA256}
  parameters:
    ProjectId: {name: project_id, in: path, required: true, schema: {type: string}}
  schemas:
    Tag:
      type: object
      required: [key]
      properties:
        key: {type: string}
        value: {type: string}
    GatewayError:
      type: object
      required: [error_code, error_msg]
      properties:
        error_code: {type: string}
        error_msg: {type: string}
        request_id: {type: string}
`

const scaleFixture = `operation: OP
cases:
  - name: a whole resource
    kind: positive
    request:
      body: {name: web-01, description: a synthetic resource, status: "ON", size: 2, enabled: true,
             tags: [{key: env, value: bench}, {key: team, value: conformance}],
             config: {flavor: s6.large.2, disk_gb: 80, network: vpc}}
    expect: {status: 200}
  - name: the required name alone
    kind: positive
    request:
      body: {name: web-02}
    expect: {status: 200}
  - name: missing required name
    kind: negative
    request:
      body: {status: "ON"}
    expect: {status: 400}
`

// scaleAnswer is the stub's 200 body, valid under every OPResponse.
const scaleAnswer = `{"id":"7a1c2f0e-5b7d-4d8e-9a41-2c6b1f0d3e55","name":"web-01","description":"a synthetic resource","status":"ON","size":2,"enabled":true,"created_at":"2026-11-24T17:04:05Z","updated_at":"2026-11-24T17:04:05Z","project_id":"0f5181caba0024e72f89c0045e707b91","tags":[{"key":"env","value":"bench"},{"key":"team","value":"conformance"}],"config":{"flavor":"s6.large.2","disk_gb":80,"network":"vpc"}}`

// writeScale writes the synthetic spec and one fixture file per operation under dir.
func writeScale(dir string, ops int) (specsDir, fixturesDir string, err error) {
	specsDir, fixturesDir = filepath.Join(dir, "specs"), filepath.Join(dir, "fixtures")
	for _, d := range []string{specsDir, fixturesDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", "", err
		}
	}
	var paths, schemas strings.Builder
	for i := range ops {
		op := fmt.Sprintf("ScaleOp%04d", i)
		paths.WriteString(strings.ReplaceAll(scaleOperation, "OP", op))
		schemas.WriteString(strings.ReplaceAll(scaleSchemas, "OP", op))
		if err := os.WriteFile(filepath.Join(fixturesDir, op+".yaml"), []byte(strings.ReplaceAll(scaleFixture, "OP", op)), 0o644); err != nil {
			return "", "", err
		}
	}
	spec := fmt.Sprintf(scaleSpecHead, ops) + paths.String() + scaleComponents + schemas.String()
	return specsDir, fixturesDir, os.WriteFile(filepath.Join(specsDir, "huaweicloud-scale.yaml"), []byte(spec), 0o644)
}

// scaleStub answers every synthetic operation as its spec and the API gateway say, so that a
// correct run against it passes every case, as against a real service: 401 without
// credentials or with a wrong token or signature (an hour-old one included), 403 for the
// identity without the permission, 404 for another project, 400 for a body that is not an
// OPRequest, else 200 with a valid resource.
func scaleStub(w http.ResponseWriter, r *http.Request) {
	d := providers.Defaults()
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	answer := func(status int, envelope string) {
		w.WriteHeader(status)
		w.Write([]byte(envelope))
	}
	w.Header().Set("Content-Type", "application/json")
	secretFor := func(ak string) (string, bool) {
		switch ak {
		case d.Get(huaweicloud.AccessKey):
			return d.Get(huaweicloud.SecretKey), true
		case d.Get(huaweicloud.ForbiddenAccessKey):
			return d.Get(huaweicloud.ForbiddenSecretKey), true
		}
		return "", false
	}
	token := r.Header.Get("X-Auth-Token")
	switch {
	case token != "" && token != d.Get(huaweicloud.Token),
		token == "" && signing.VerifyHuawei(r, body, secretFor, time.Now(), 15*time.Minute) != nil:
		answer(http.StatusUnauthorized, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}`)
	case token == "" && strings.Contains(r.Header.Get("Authorization"), "Access="+d.Get(huaweicloud.ForbiddenAccessKey)+","):
		answer(http.StatusForbidden, `{"error_code":"APIGW.0302","error_msg":"The IAM user is forbidden"}`)
	case !strings.HasPrefix(r.URL.Path, "/v2/"+d.Get(huaweicloud.ProjectID)+"/"):
		answer(http.StatusNotFound, `{"error_code":"SCALE.0404","error_msg":"project not found"}`)
	case !validScaleRequest(body):
		answer(http.StatusBadRequest, `{"error_code":"APIGW.0201","error_msg":"Bad request"}`)
	default:
		w.Write([]byte(scaleAnswer))
	}
}

// validScaleRequest is whether body is an OPRequest (scaleSchemas).
func validScaleRequest(body []byte) bool {
	var req struct {
		Name   *string `json:"name"`
		Status *string `json:"status"`
		Tags   []struct {
			Key *string `json:"key"`
		} `json:"tags"`
		Config *struct {
			Network *string `json:"network"`
		} `json:"config"`
	}
	if json.Unmarshal(body, &req) != nil || req.Name == nil {
		return false
	}
	if req.Status != nil && *req.Status != "ON" && *req.Status != "OFF" {
		return false
	}
	for _, t := range req.Tags {
		if t.Key == nil {
			return false
		}
	}
	n := req.Config
	return n == nil || n.Network == nil || *n.Network == "vpc" || *n.Network == "classic"
}

// scalePhases is what one child process measured for one size.
type scalePhases struct {
	Ops, Cases, Passed, Failed int
	Load, Plan, Run, Report    time.Duration
	// The peak RSS, in bytes, once the specs were loaded, once the plan was made and once the
	// run ended (before the reports were written): where the peak of the process comes from.
	LoadHWM, PlanHWM, RunHWM int64
}

// BenchmarkScale measures how the cost of a run grows with the operations of one provider:
// for 10, 100 and 1,000 synthetic operations (writeScale) against a loopback stub, each in a
// process of its own (so that its peak RSS is its own), the spec load, the planning (derived
// cases included), the run (through the Ginkgo suite, as conformance run sends and judges its
// cases) and the report writing, with the cost per operation, and checks the growth: every
// phase at most 120× from 10 to 1,000 operations. make bench-scale runs it. The child runs
// under the command's soft memory limit (LimitMemory), so its peak RSS is the command's.
func BenchmarkScale(b *testing.B) {
	// To profile one size: CONFORMANCE_SCALE_WRITE=dir:ops writes its files, and
	// CONFORMANCE_SCALE_CHILD=dir CONFORMANCE_SCALE_TARGET=url runs it in this process;
	// CONFORMANCE_SCALE_HEAP=file writes the heap profile the run leaves.
	if w := os.Getenv("CONFORMANCE_SCALE_WRITE"); w != "" {
		dir, n, _ := strings.Cut(w, ":")
		ops, _ := strconv.Atoi(n)
		if _, _, err := writeScale(dir, ops); err != nil {
			b.Fatal(err)
		}
		return
	}
	if dir := os.Getenv("CONFORMANCE_SCALE_CHILD"); dir != "" {
		scaleChild(b, dir, os.Getenv("CONFORMANCE_SCALE_TARGET"))
		return
	}
	if os.Getenv("CONFORMANCE_BENCH_SCALE") == "" {
		b.Skip("make bench-scale runs it (CONFORMANCE_BENCH_SCALE=1): minutes of work")
	}
	stub := httptest.NewServer(http.HandlerFunc(scaleStub))
	defer stub.Close()
	results := map[int]scalePhases{}
	rss := map[int]int64{}
	for b.Loop() {
		for _, ops := range scaleSizes {
			dir := b.TempDir()
			if _, _, err := writeScale(dir, ops); err != nil {
				b.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run", "^$", "-test.bench", "^BenchmarkScale$", "-test.benchtime", "1x")
			cmd.Env = append(os.Environ(), "CONFORMANCE_SCALE_CHILD="+dir, "CONFORMANCE_SCALE_TARGET="+stub.URL)
			cmd.Stderr = os.Stderr
			out, err := cmd.Output()
			if err != nil {
				b.Fatalf("%d operations: %v\n%s", ops, err, out)
			}
			m := regexp.MustCompile(`(?m)^scale (\{.*\})$`).FindSubmatch(out)
			if m == nil {
				b.Fatalf("%d operations: no measurement in\n%s", ops, out)
			}
			var p scalePhases
			if err := json.Unmarshal(m[1], &p); err != nil {
				b.Fatal(err)
			}
			results[ops] = p
			rss[ops] = cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // KiB on Linux
		}
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, "\n%6s %7s %10s %10s %10s %10s %9s %10s %10s %10s %10s %13s\n", "ops", "cases", "load", "plan", "run", "report", "cases/s", "RSS @load", "RSS @plan", "RSS @run", "peak RSS", "per op")
	for _, ops := range scaleSizes {
		p := results[ops]
		total := p.Load + p.Plan + p.Run + p.Report
		fmt.Fprintf(w, "%6d %7d %10s %10s %10s %10s %9.0f %8.1fMi %8.1fMi %8.1fMi %8.1fMi %13s\n", ops, p.Cases, ms(p.Load), ms(p.Plan), ms(p.Run), ms(p.Report),
			float64(p.Cases)/p.Run.Seconds(), mib(p.LoadHWM), mib(p.PlanHWM), mib(p.RunHWM), mib(rss[ops]), (total / time.Duration(ops)).Round(time.Microsecond))
	}
	small, large := results[scaleSizes[0]], results[scaleSizes[len(scaleSizes)-1]]
	fmt.Fprintf(w, "growth %d→%d operations: load %.0f×, plan %.0f×, run %.0f×, report %.0f× (goal ≤ 120×); load+plan %s (goal ≤ 2s); %.0f cases/s (goal ≥ 5000); peak RSS %.0f MiB (goal ≤ 256)\n",
		scaleSizes[0], scaleSizes[len(scaleSizes)-1], ratio(large.Load, small.Load), ratio(large.Plan, small.Plan), ratio(large.Run, small.Run), ratio(large.Report, small.Report),
		ms(large.Load+large.Plan), float64(large.Cases)/large.Run.Seconds(), mib(rss[scaleSizes[len(scaleSizes)-1]]))
	fmt.Fprintf(w, "passed/failed at %d operations: %d/%d\n", large.Ops, large.Passed, large.Failed)
	for _, ops := range scaleSizes {
		if p := results[ops]; p.Failed > 0 {
			b.Errorf("%d operations: %d cases failed against the stub, which answers as the spec says", ops, p.Failed)
		}
	}
}

// vmHWM is this process's peak RSS so far (/proc/self/status), 0 where it cannot be read.
func vmHWM() int64 {
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func ratio(a, b time.Duration) float64 { return float64(a) / float64(max(b, 1)) }

// scaleChild measures one size in this process and prints it on a line of its own.
func scaleChild(b *testing.B, dir, target string) {
	specsDir, fixturesDir := filepath.Join(dir, "specs"), filepath.Join(dir, "fixtures")
	start := time.Now()
	if _, err := LoadSpecs(specsDir); err != nil {
		b.Fatal(err)
	}
	var p scalePhases
	p.Load = time.Since(start)
	p.LoadHWM = vmHWM()
	cfg := DefaultConfig()
	cfg.Target, cfg.SpecsDir, cfg.FixturesDir, cfg.ReportDir = target, specsDir, fixturesDir, filepath.Join(dir, "report")
	cfg.Credentials = providers.Defaults()
	cfg.LimitMemory = true // as conformance run does
	if err := cfg.prepareDirs(); err != nil {
		b.Fatal(err)
	}
	// NewPlan loads the specs too: the planning is NewPlan less a load, both timed after the
	// first load, which also pays the process's one-time costs. The planning of a small size
	// takes a few milliseconds, of the order of the machine's noise: below the largest size,
	// each is the fastest of a few repetitions, which can only make the growth look steeper.
	reps := 1
	if fixtures, err := os.ReadDir(fixturesDir); err == nil && len(fixtures) < slices.Max(scaleSizes) { // a file per operation
		reps = 5
	}
	var plan *Plan
	again, planned := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	for range reps {
		start = time.Now()
		if _, err := LoadSpecs(specsDir); err != nil {
			b.Fatal(err)
		}
		again = min(again, time.Since(start))
		start = time.Now()
		var err error
		if plan, err = NewPlan(cfg); err != nil {
			b.Fatal(err)
		}
		planned = min(planned, time.Since(start))
	}
	p.Plan = max(planned-again, 0)
	p.PlanHWM = vmHWM()
	// The run is what conformance run does between planning and writing: every case sent
	// and judged through the Ginkgo suite, the report built.
	defer plan.limitMemory()() // as Run does, for the run and the writing
	started := time.Now()
	report, err := plan.execute(context.Background(), started)
	if err != nil {
		b.Fatal(err)
	}
	p.Run = time.Since(started)
	p.RunHWM = vmHWM()
	if f := os.Getenv("CONFORMANCE_SCALE_HEAP"); f != "" { // to profile the heap the run left
		runtime.GC()
		if out, err := os.Create(f); err == nil {
			_ = pprof.WriteHeapProfile(out)
			out.Close()
		}
	}
	p.Cases, p.Passed, p.Failed = len(plan.Cases), report.Summary.Passed, report.Summary.Failed
	ops := map[string]bool{}
	for _, c := range plan.Cases {
		ops[c.Op.ID] = true
	}
	p.Ops = len(ops)
	start = time.Now()
	if err := reports.WriteAll(cfg.ReportDir, report); err != nil {
		b.Fatal(err)
	}
	p.Report = time.Since(start)
	line, _ := json.Marshal(p)
	fmt.Printf("scale %s\n", line)
}
