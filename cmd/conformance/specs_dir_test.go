package main_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
	"github.com/conformance-suite/conformance/signing"
)

// syntheticSpec is one more Huawei Cloud operation, as a user would add it: a spec file and
// nothing else of Go.
const syntheticSpec = `openapi: 3.0.3
info:
  title: Synthetic widgets (a user's own operation)
  version: "v1"
  x-provider: huaweicloud
  x-service: huaweicloud-widgets
  x-error-envelope:
    schema: '#/components/schemas/GatewayError'
    code-pointer: /error_code
servers:
  - url: https://widgets.{region}.myhuaweicloud.com
    variables:
      region:
        default: cn-north-4
security:
  - akskSignature: []
paths:
  /v1/{project_id}/widgets/{widget_id}:
    get:
      operationId: ShowSyntheticWidget
      x-mutates: false
      parameters:
        - {name: project_id, in: path, required: true, schema: {type: string}}
        - {name: widget_id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The widget.
          content:
            application/json:
              schema:
                type: object
                required: [widget_id, size]
                properties:
                  widget_id: {type: string}
                  size: {type: integer}
        "401":
          description: Bad credentials.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/GatewayError'}
        "404":
          description: No such widget.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/GatewayError'}
components:
  securitySchemes:
    akskSignature:
      type: apiKey
      in: header
      name: Authorization
  schemas:
    GatewayError:
      type: object
      required: [error_code, error_msg]
      properties:
        error_code: {type: string}
        error_msg: {type: string}
`

const syntheticFixture = `operation: ShowSyntheticWidget
cases:
  - name: show a widget
    kind: positive
    labels: [example]
    request:
      path: {widget_id: w1}
    expect: {status: 200, body: {/widget_id: w1}}
  - name: unknown widget
    kind: negative
    request:
      path: {widget_id: nothing-here}
    expect: {status: 404, error_code: WKS.00404}
`

// TestAddingAnOperationNeedsSpecAndFixtureOnly walks through the README's "Adding an
// endpoint" for an operation of a supported provider: a spec and a fixture file in temporary
// directories, no Go, run with --specs and --fixtures against a stub that verifies the
// signatures with the suite's own verifier.
func TestAddingAnOperationNeedsSpecAndFixtureOnly(t *testing.T) {
	specDir, fixtureDir := t.TempDir(), t.TempDir()
	for path, body := range map[string]string{
		filepath.Join(specDir, "huaweicloud-widgets.yaml"):    syntheticSpec,
		filepath.Join(fixtureDir, "ShowSyntheticWidget.yaml"): syntheticFixture,
	} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	d := providers.Defaults()
	answer := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		secret := func(ak string) (string, bool) {
			return d.Get(huaweicloud.SecretKey), ak == d.Get(huaweicloud.AccessKey)
		}
		if err := signing.VerifyHuawei(r, body, secret, time.Now(), 15*time.Minute); err != nil {
			answer(w, 401, map[string]string{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information"})
			return
		}
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		if len(parts) != 4 || parts[1] != d.Get(huaweicloud.ProjectID) || parts[3] != "w1" {
			answer(w, 404, map[string]string{"error_code": "WKS.00404", "error_msg": "no such widget"})
			return
		}
		answer(w, 200, map[string]any{"widget_id": parts[3], "size": 3})
	}))
	defer stub.Close()

	r := run(t, nil, "--target", stub.URL, "--specs", specDir, "--fixtures", fixtureDir)
	if r.code != 0 || r.report == nil {
		t.Fatalf("exit %d, want 0\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	kinds := map[string]int{}
	for _, c := range r.report.Cases {
		if c.Operation != "ShowSyntheticWidget" || c.State != "passed" {
			t.Errorf("case %s of %s: %s", c.ID, c.Operation, c.State)
		}
		kinds[c.Labels[3]]++
	}
	if kinds["positive"] == 0 || kinds["negative"] == 0 || kinds["auth"] == 0 {
		t.Errorf("cases by kind %v: want fixture, derived and auth cases of the new operation", kinds)
	}
	if !strings.Contains(r.stdout, "ShowSyntheticWidget") {
		t.Errorf("the summary does not name the new operation:\n%s", r.stdout)
	}

	// A provider the suite cannot sign for is refused before anything is sent.
	if err := os.WriteFile(filepath.Join(specDir, "huaweicloud-widgets.yaml"),
		[]byte(strings.Replace(syntheticSpec, "x-provider: huaweicloud", "x-provider: othercloud", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, nil, "--target", stub.URL, "--specs", specDir, "--fixtures", fixtureDir)
	if r.code != 2 || !strings.Contains(r.stderr, `"othercloud" is not a provider`) {
		t.Errorf("unknown provider: exit %d, want 2 naming it\n%s", r.code, r.stderr)
	}
}
