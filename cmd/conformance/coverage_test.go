package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/conformance-suite/conformance/reports"
)

// The contract coverage of runs against the reference target, checked against what the specs
// say read with yaml.v3 here, independently of the coverage package, and against the statuses
// and error codes the report's own transcripts show.
func TestCoverageOfTheDefaultRun(t *testing.T) {
	r := run(t, nil)
	if r.code != 0 || r.report == nil || r.report.Summary.Failed != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	c := r.report.Coverage
	if c == nil {
		t.Fatal("the report has no coverage")
	}
	docs := readSpecs(t)
	ops := map[string]bool{}
	for _, cs := range r.report.Cases {
		ops[cs.Operation] = true
	}
	var names []string
	for _, o := range c.Operations {
		names = append(names, o.Operation)
	}
	if want := slices.Sorted(func(yield func(string) bool) {
		for op := range ops {
			if !yield(op) {
				return
			}
		}
	}); !slices.Equal(slices.Sorted(slices.Values(names)), want) {
		t.Fatalf("coverage of %v, want the operations with cases %v", names, want)
	}
	totals := map[string]map[string][2]int{} // provider → dimension → covered, documented
	for _, o := range c.Operations {
		want := docs.contract(t, o.Operation)
		if o.Provider != want.provider {
			t.Errorf("%s: provider %s, the spec says %s", o.Operation, o.Provider, want.provider)
		}
		seenStatus, seenCode := transcripts(t, r.report, docs, o.Operation)
		if want.async && slices.Contains(seenStatus, "200") {
			// A transcript keeps a job's final answer, not the 202s polled before it; the
			// built-in target answers an x-async operation as a real management node does,
			// so each of its 200s came through a 202.
			seenStatus = slices.Sorted(slices.Values(append(seenStatus, "202")))
		}
		for _, tt := range []struct {
			dim      string
			count    int
			observed []string // nil: not checked against the transcripts
			seen     []string // everything the transcripts show, documented or not
		}{
			{reports.CoverStatuses, len(want.statuses), intersect(seenStatus, want.statuses), seenStatus},
			{reports.CoverFields, len(want.fields), nil, nil},
			{reports.CoverEnums, len(want.enums), nil, nil},
			{reports.CoverErrorCodes, len(want.codes), intersect(seenCode, want.codes), seenCode},
			{reports.CoverSecurity, want.security, nil, nil},
		} {
			d := o.Dimension(tt.dim)
			if d == nil {
				t.Errorf("%s has no %s", o.Operation, tt.dim)
				continue
			}
			if len(d.Documented) != tt.count {
				t.Errorf("%s %s: %d documented %q, the spec documents %d", o.Operation, tt.dim, len(d.Documented), d.Documented, tt.count)
			}
			if tt.observed != nil && !slices.Equal(d.Observed, tt.observed) {
				t.Errorf("%s %s: observed %q, the transcripts show %q", o.Operation, tt.dim, d.Observed, tt.observed)
			}
			if tt.seen != nil {
				if got := slices.Sorted(slices.Values(append(slices.Clone(d.Observed), d.Undocumented...))); !slices.Equal(got, tt.seen) {
					t.Errorf("%s %s: observed and undocumented %q, the transcripts show %q", o.Operation, tt.dim, got, tt.seen)
				}
			}
			if tt.count > 0 {
				pct := math.Round(float64(len(d.Observed))/float64(tt.count)*1000) / 10
				if d.Percent == nil || *d.Percent != pct {
					t.Errorf("%s %s: percent %v, want %v", o.Operation, tt.dim, d.Percent, pct)
				}
			}
			if totals[o.Provider] == nil {
				totals[o.Provider] = map[string][2]int{}
			}
			sum := totals[o.Provider][tt.dim]
			totals[o.Provider][tt.dim] = [2]int{sum[0] + len(d.Observed), sum[1] + len(d.Documented)}
		}
		if st := o.Dimension(reports.CoverStatuses); len(st.Excluded) != len(want.unreachable) {
			t.Errorf("%s excludes %v, the spec marks %v unreachable", o.Operation, st.Excluded, want.unreachable)
		}
	}
	for provider, dims := range totals {
		p := c.Provider(provider)
		for dim, n := range dims {
			if got := p.Dimension(dim); got.Covered != n[0] || got.Total != n[1] {
				t.Errorf("provider %s %s: %d/%d, its operations sum to %d/%d", provider, dim, got.Covered, got.Total, n[0], n[1])
			}
		}
	}
	// Every documented status a client can provoke is provoked against the reference target
	// (the 403s by an identity without the permission and a stale ZStack access key, ZStack's
	// 202 by its async jobs); the rest are marked x-coverage-unreachable.
	for _, o := range c.Operations {
		if missing := o.Dimension(reports.CoverStatuses).Missing; len(missing) > 0 {
			t.Errorf("%s: statuses %v are never provoked", o.Operation, missing)
		}
	}
	for _, want := range []string{"coverage ", "provider huaweicloud", "uncovered InitializeTenant: "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the console lacks %q", want)
		}
	}
	// The console says how many items an operation misses; conformance coverage names them.
	listed := conformance(t, "coverage", r.dir).stdout
	for _, want := range []string{"uncovered InitializeTenant security: iamToken valid", "x-coverage-unreachable"} {
		if !strings.Contains(listed, want) {
			t.Errorf("conformance coverage lacks %q", want)
		}
	}
	for _, p := range c.Providers {
		t.Logf("coverage %-13s %s: %s", p.Provider, reports.PercentText(p.Percent), dimensionsText(p))
	}
}

func dimensionsText(p reports.ProviderCoverage) string {
	var parts []string
	for _, d := range p.Dimensions {
		parts = append(parts, fmt.Sprintf("%s %d/%d", d.Name, d.Covered, d.Total))
	}
	return strings.Join(parts, ", ")
}

// With only the documented examples as fixtures (and what is derived from them), status and
// error-code coverage drop, and the report names the statuses left uncovered.
func TestCoverageOfTheDocumentedExamplesAlone(t *testing.T) {
	dir := examplesOnly(t)
	full, few := run(t, nil), run(t, nil, "--fixtures", dir)
	if full.code != 0 || few.code != 0 {
		t.Fatalf("exit %d and %d\n%s%s", full.code, few.code, few.stdout, few.stderr)
	}
	for _, dim := range []string{reports.CoverStatuses, reports.CoverErrorCodes} {
		a, b := pooled(full.report.Coverage, dim), pooled(few.report.Coverage, dim)
		if b[0]*a[1] >= a[0]*b[1] {
			t.Errorf("%s: the examples alone cover %d/%d, no less than the default fixtures' %d/%d", dim, b[0], b[1], a[0], a[1])
		}
	}
	lost := 0
	listed := conformance(t, "coverage", few.dir).stdout
	for _, o := range few.report.Coverage.Operations {
		st := o.Dimension(reports.CoverStatuses)
		if len(st.Missing) > 0 && !strings.Contains(listed, "uncovered "+o.Operation+" statuses: "+strings.Join(st.Missing, ", ")) {
			t.Errorf("conformance coverage does not name %s's uncovered statuses %v", o.Operation, st.Missing)
		}
		for _, m := range st.Missing {
			if slices.Contains(full.report.Coverage.Operation(o.Operation).Dimension(reports.CoverStatuses).Observed, m) {
				lost++
				md, _ := os.ReadFile(filepath.Join(few.dir, "summary.md"))
				if !strings.Contains(string(md), "`"+m+"`") {
					t.Errorf("summary.md does not name %s's uncovered status %s", o.Operation, m)
				}
			}
		}
	}
	if lost == 0 {
		t.Error("no status the default fixtures provoke is left uncovered by the examples alone")
	}
}

// examplesOnly writes a fixture directory holding each operation's documented example alone.
func examplesOnly(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	examples := map[string]string{
		"InitializeTenant":         "request: {body: {service_status: active}}\n    expect: {status: 200}",
		"UpdateEnterpriseId":       "request: {body: {enterprise_id: huawei}}\n    expect: {status: 200}",
		"UpdateTenantConfig":       "request: {body: {function_config: {id: xxx-xxx-xxx, name: user_prefix, status: \"ON\", values: [{key: prefix, value: test}]}}}\n    expect: {status: 204}",
		"GetUserActiveTenant":      "request: {query: {Tid: \"{tid}\"}}\n    expect: {status: 200}",
		"GetUserActiveTenantByGet": "request: {query: {Tid: \"{tid}\"}}\n    expect: {status: 200}",
		"ChangeIAM2ProjectState":   "request: {body: {changeIAM2ProjectState: {stateEvent: disable}, systemTags: [], userTags: []}}\n    expect: {status: 200}",
	}
	for op, c := range examples {
		body := fmt.Sprintf("operation: %s\ncases:\n  - name: the documented example\n    kind: positive\n    labels: [example]\n    %s\n", op, c)
		if err := os.WriteFile(filepath.Join(dir, op+".yaml"), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// pooled sums a dimension over every operation: covered, documented.
func pooled(c *reports.Coverage, dim string) [2]int {
	var n [2]int
	for _, o := range c.Operations {
		if d := o.Dimension(dim); d != nil {
			n[0] += len(d.Observed)
			n[1] += len(d.Documented)
		}
	}
	return n
}

// The default fixtures provoke every documented status a client can provoke: against the
// built-in target, --min-coverage statuses=100 passes.
func TestMinCoverageStatusesOfTheDefaultRun(t *testing.T) {
	r := run(t, nil, "--min-coverage", "statuses=100")
	if r.code != 0 || r.report == nil || r.report.Summary.Failed != 0 || r.report.Summary.Skipped != 0 {
		t.Fatalf("exit %d, want 0 with every case passed\n%s%s", r.code, r.stdout, r.stderr)
	}
	c := r.report.Coverage
	if c.Minimum[reports.CoverStatuses] != 100 || len(c.Shortfalls) != 0 {
		t.Errorf("the report records the gate %v and shortfalls %v, want 100 and none", c.Minimum, c.Shortfalls)
	}
	for _, o := range c.Operations {
		if d := o.Dimension(reports.CoverStatuses); d.Percent == nil || *d.Percent != 100 {
			t.Errorf("%s statuses %v, missing %v", o.Operation, reports.PercentText(d.Percent), d.Missing)
		}
	}
	if !strings.Contains(r.stdout, "\nPASS: ") || strings.Contains(r.stdout, "BELOW --min-coverage") {
		t.Errorf("the console does not say the run passed its coverage gate:\n%s", r.stdout)
	}
}

// --min-coverage fails a run whose every case passed when a documented status is never
// provoked, naming each (here: the documented examples alone, which provoke few refusals); a
// floor the run reaches passes; an unknown dimension is a usage error.
func TestMinCoverage(t *testing.T) {
	r := run(t, nil, "--min-coverage", "statuses=100", "--fixtures", examplesOnly(t))
	if r.code != 1 || r.report.Summary.Failed != 0 {
		t.Fatalf("exit %d with %d failed cases, want 1 with none\n%s%s", r.code, r.report.Summary.Failed, r.stdout, r.stderr)
	}
	c := r.report.Coverage
	if c.Minimum[reports.CoverStatuses] != 100 || len(c.Shortfalls) == 0 {
		t.Fatalf("the report records the gate %v and shortfalls %v", c.Minimum, c.Shortfalls)
	}
	for _, o := range c.Operations {
		missing := o.Dimension(reports.CoverStatuses).Missing
		if len(missing) == 0 {
			continue
		}
		want := o.Operation + " statuses "
		if !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "missing "+strings.Join(missing, ", ")) {
			t.Errorf("stderr does not name %s's unprovoked statuses %v:\n%s", o.Operation, missing, r.stderr)
		}
	}
	if !strings.Contains(r.stdout, "\nFAIL: ") || !strings.Contains(r.stdout, "BELOW --min-coverage: ") {
		t.Errorf("the console does not say the run failed its coverage gate:\n%s", r.stdout)
	}
	if ok := run(t, nil, "--min-coverage", "statuses=50,error_codes=40"); ok.code != 0 {
		t.Errorf("a floor the run reaches: exit %d\n%s", ok.code, ok.stderr)
	}
	if bad := run(t, nil, "--min-coverage", "colours=10"); bad.code != 2 || !strings.Contains(bad.stderr, "unknown dimension") {
		t.Errorf("an unknown dimension: exit %d, %s", bad.code, bad.stderr)
	}
}

// The shards of a run, merged, cover what the unsharded run covers: `conformance merge`
// writes the same coverage, `conformance coverage` prints it from the shards directly, and a
// shard records the gate without failing on it, leaving it to the merged shards.
func TestCoverageOfMergedShards(t *testing.T) {
	whole := run(t, nil)
	var shards []string
	// A gate the run does not reach: the default run signs Huawei requests with AK/SK, so
	// iamToken is never sent.
	for i := 1; i <= 3; i++ {
		s := run(t, nil, "--shard", fmt.Sprintf("%d/3", i), "--min-coverage", "security=100")
		if s.code != 0 {
			t.Fatalf("shard %d/3: exit %d (a shard leaves the gate to its merge)\n%s", i, s.code, s.stderr)
		}
		shards = append(shards, s.dir)
	}
	out := filepath.Join(t.TempDir(), "merged")
	if m := conformance(t, append([]string{"merge", "--out", out}, shards...)...); m.code != 0 {
		t.Fatalf("merge: exit %d\n%s", m.code, m.stderr)
	}
	merged, err := reports.ReadJSON(out)
	if err != nil {
		t.Fatal(err)
	}
	got, want := *merged.Coverage, *whole.report.Coverage
	if got.Minimum[reports.CoverSecurity] != 100 || len(got.Shortfalls) == 0 {
		t.Errorf("the merged report lost the shards' gate: %v, %v", got.Minimum, got.Shortfalls)
	}
	got.Minimum, got.Shortfalls = nil, nil
	if !reflect.DeepEqual(got, want) {
		for _, o := range want.Operations {
			if m := got.Operation(o.Operation); !reflect.DeepEqual(m, &o) {
				t.Errorf("%s merged:\n %+v\nunsharded:\n %+v", o.Operation, m, o)
			}
		}
		t.Fatal("the merged shards' coverage differs from the unsharded run's")
	}
	fromShards := conformance(t, append([]string{"coverage", "--json", "--min-coverage", "statuses=0"}, shards...)...)
	fromWhole := conformance(t, "coverage", "--json", "--min-coverage", "statuses=0", whole.dir)
	if fromShards.code != 0 || fromShards.stdout != fromWhole.stdout {
		t.Errorf("conformance coverage of the shards (exit %d) differs from the unsharded run's:\n%s\n%s", fromShards.code, fromShards.stdout, fromWhole.stdout)
	}
	gated := conformance(t, append([]string{"coverage"}, shards...)...)
	if gated.code != 1 || !strings.Contains(gated.stderr, "coverage below --min-coverage") {
		t.Errorf("conformance coverage of shards run with --min-coverage security=100: exit %d, want 1\n%s", gated.code, gated.stderr)
	}
}

// conformance runs the binary with args and no report directory of its own.
func conformance(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
	if err != nil && r.code <= 0 {
		t.Fatalf("running %v: %v", args, err)
	}
	return r
}

// transcripts are the statuses and error codes the report's transcripts of an operation show,
// read with the envelope's code pointer and the business-failure code field of the specs.
func transcripts(t *testing.T, r *reports.Report, docs specDocs, op string) (statuses, codes []string) {
	t.Helper()
	d, node := docs.find(t, op)
	envelope := lookupPath(d.root, "info", "x-error-envelope", "code-pointer").(string)
	for _, c := range r.Cases {
		if c.Operation != op || c.Exchange == nil || c.Exchange.Response == nil {
			continue
		}
		resp := c.Exchange.Response
		statuses = append(statuses, strconv.Itoa(resp.Status))
		var body map[string]any
		if json.Unmarshal([]byte(resp.Body), &body) != nil {
			continue
		}
		var code any
		if resp.Status >= 300 {
			code = pointerIn(body, envelope)
		} else if bf, ok := d.resolve(lookupPath(node, "responses", strconv.Itoa(resp.Status)))["x-business-failure"].(map[string]any); ok {
			code = body[bf["code-field"].(string)]
		}
		if s, ok := code.(string); ok && s != "" {
			codes = append(codes, s)
		}
	}
	return slices.Compact(slices.Sorted(slices.Values(statuses))), slices.Compact(slices.Sorted(slices.Values(codes)))
}

func intersect(xs, with []string) []string {
	out := []string{}
	for _, x := range xs {
		if slices.Contains(with, x) {
			out = append(out, x)
		}
	}
	return out
}

// specDocs are the spec files as plain YAML.
type specDocs []specDoc

type specDoc struct {
	file string
	root map[string]any
}

func readSpecs(t *testing.T) specDocs {
	t.Helper()
	files, err := filepath.Glob("../../specs/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no specs: %v", err)
	}
	var out specDocs
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var root map[string]any
		if err := yaml.Unmarshal(raw, &root); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, specDoc{f, root})
	}
	return out
}

// find returns the document and the operation object of an operationId.
func (ds specDocs) find(t *testing.T, id string) (specDoc, map[string]any) {
	t.Helper()
	for _, d := range ds {
		for _, item := range d.root["paths"].(map[string]any) {
			for _, op := range item.(map[string]any) {
				if m, ok := op.(map[string]any); ok && m["operationId"] == id {
					return d, m
				}
			}
		}
	}
	t.Fatalf("no operation %s in the specs", id)
	return specDoc{}, nil
}

func (ds specDocs) pathItem(d specDoc, id string) map[string]any {
	for _, item := range d.root["paths"].(map[string]any) {
		for _, op := range item.(map[string]any) {
			if m, ok := op.(map[string]any); ok && m["operationId"] == id {
				return item.(map[string]any)
			}
		}
	}
	return nil
}

// resolve follows a local $ref.
func (d specDoc) resolve(n any) map[string]any {
	m, _ := n.(map[string]any)
	for depth := 0; m != nil && depth < 10; depth++ {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		m, _ = pointerIn(d.root, strings.TrimPrefix(ref, "#")).(map[string]any)
	}
	return m
}

// specContract is what the test reads an operation to document.
type specContract struct {
	provider              string
	async                 bool // x-async: its 200 comes after 202s
	statuses, unreachable []string
	fields, enums, codes  []string
	security              int
}

func (ds specDocs) contract(t *testing.T, id string) specContract {
	t.Helper()
	d, op := ds.find(t, id)
	c := specContract{provider: lookupPath(d.root, "info", "x-provider").(string)}
	c.async, _ = op["x-async"].(bool)
	envelope := lookupPath(d.root, "info", "x-error-envelope", "code-pointer").(string)
	fields, enums, codes, excludedCodes := set{}, set{}, set{}, set{}
	for code, raw := range op["responses"].(map[string]any) {
		status, _ := strconv.Atoi(code)
		sibling, _ := raw.(map[string]any)
		resp := d.resolve(raw)
		_, unreachable := sibling["x-coverage-unreachable"]
		if _, onResponse := resp["x-coverage-unreachable"]; onResponse {
			unreachable = true
		}
		if unreachable {
			c.unreachable = append(c.unreachable, code)
		} else {
			c.statuses = append(c.statuses, code)
		}
		these := codes
		if unreachable {
			these = excludedCodes
		}
		for _, list := range []any{sibling["x-error-codes"], resp["x-error-codes"]} {
			for _, v := range asList(list) {
				these[v.(string)] = true
			}
		}
		content, _ := resp["content"].(map[string]any)
		for _, media := range content {
			m := media.(map[string]any)
			if !unreachable {
				d.walk(m["schema"], "", nil, func(ptr string, s map[string]any) {
					fields[code+" "+ptr] = true
					for _, v := range asList(s["enum"]) {
						enums[fmt.Sprintf("response %s %s = %v", code, ptr, v)] = true
					}
				})
			}
			examples, _ := m["examples"].(map[string]any)
			for _, ex := range examples {
				value := d.resolve(ex)["value"]
				var got any
				if status >= 300 {
					got = pointerIn(value, envelope)
				} else if bf, ok := resp["x-business-failure"].(map[string]any); ok {
					got = pointerIn(value, "/"+bf["code-field"].(string))
				}
				if s, ok := got.(string); ok && s != "" {
					these[s] = true
				}
			}
		}
	}
	// The request body's enum values and the parameters' (the path item's and the operation's).
	if rb := d.resolve(op["requestBody"]); rb != nil {
		for mt, media := range rb["content"].(map[string]any) {
			if strings.Contains(mt, "json") {
				d.walk(media.(map[string]any)["schema"], "", nil, func(ptr string, s map[string]any) {
					for _, v := range asList(s["enum"]) {
						enums[fmt.Sprintf("request body %s = %v", ptr, v)] = true
					}
				})
			}
		}
	}
	for _, list := range []any{ds.pathItem(d, id)["parameters"], op["parameters"]} {
		for _, p := range asList(list) {
			pm := d.resolve(p)
			for _, v := range asList(d.resolve(pm["schema"])["enum"]) {
				enums[fmt.Sprintf("request %s %s = %v", pm["in"], pm["name"], v)] = true
			}
		}
	}
	security, ok := op["security"]
	if !ok {
		security = d.root["security"]
	}
	schemes := set{}
	for _, req := range asList(security) {
		for name := range req.(map[string]any) {
			schemes[name] = true
		}
	}
	if len(schemes) > 0 {
		c.security = 2*len(schemes) + 1 // each valid and wrong, and none at all
	}
	c.fields, c.enums, c.codes = fields.sorted(), enums.sorted(), codes.sorted()
	slices.Sort(c.statuses)
	return c
}

// walk visits every property of a schema with its JSON pointer: allOf, oneOf and anyOf
// branches merged, array items as /-.
func (d specDoc) walk(n any, ptr string, refs []string, visit func(string, map[string]any)) {
	m, _ := n.(map[string]any)
	if ref, ok := m["$ref"].(string); ok {
		if slices.Contains(refs, ref) {
			return
		}
		refs = append(slices.Clone(refs), ref)
	}
	s := d.resolve(m)
	if s == nil {
		return
	}
	for _, key := range []string{"allOf", "oneOf", "anyOf"} {
		for _, b := range asList(s[key]) {
			d.walk(b, ptr, refs, visit)
		}
	}
	props, _ := s["properties"].(map[string]any)
	for name, p := range props {
		at := ptr + "/" + strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
		visit(at, d.resolve(p))
		d.walk(p, at, refs, visit)
	}
	if items, ok := s["items"]; ok {
		visit(ptr+"/-", d.resolve(items))
		d.walk(items, ptr+"/-", refs, visit)
	}
}

type set map[string]bool

func (s set) sorted() []string {
	out := []string{}
	for k := range s {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func lookupPath(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// pointerIn resolves a JSON pointer in decoded YAML or JSON.
func pointerIn(v any, ptr string) any {
	if ptr == "" {
		return v
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")]
	}
	return v
}
