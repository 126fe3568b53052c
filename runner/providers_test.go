package runner_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conformance-suite/conformance/runner"
)

// A spec whose info.x-provider names no registered provider is refused when the specs are
// loaded, with the providers there are, so that no later step meets a provider it knows
// nothing of.
func TestSpecOfAnUnknownProviderIsRefusedAtLoad(t *testing.T) {
	dir := t.TempDir()
	spec := `openapi: 3.0.3
info:
  title: Nowhere
  version: "1"
  x-provider: nowherecloud
  x-service: nowhere-things
  x-error-envelope: {schema: '#/components/schemas/Error', code-pointer: /code}
servers: [{url: "https://things.nowhere.example"}]
paths:
  /things:
    get:
      operationId: ListNowhereThings
      x-mutates: false
      responses:
        "200":
          description: The things.
          content: {application/json: {schema: {type: object}}}
        "404":
          description: None.
          content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
components:
  schemas:
    Error: {type: object, required: [code], properties: {code: {type: string}}}
`
	if err := os.WriteFile(filepath.Join(dir, "nowhere-things.yaml"), []byte(spec), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := runner.LoadSpecs(dir)
	if err == nil || !strings.Contains(err.Error(), `"nowherecloud" is not a provider the suite supports (alibabacloud, huaweicloud, zstack)`) {
		t.Fatalf("err %v", err)
	}
}
