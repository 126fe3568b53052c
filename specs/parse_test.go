package specs_test

import (
	"errors"
	"strings"
	"testing/fstest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/conformance-suite/conformance/specs"
)

// minimalDoc is the smallest document LoadFS accepts, for service (the file's base name)
// with one operation; each rejection below breaks it in one place.
func minimalDoc(service, operationID string) string {
	return strings.NewReplacer("SERVICE", service, "OPERATION", operationID).Replace(`openapi: 3.0.3
info:
  title: a minimal document
  version: "1"
  x-provider: test
  x-service: SERVICE
  x-error-envelope:
    schema: '#/components/schemas/Error'
    code-pointer: /code
paths:
  /ping:
    get:
      operationId: OPERATION
      responses:
        "200":
          description: pong
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pong'
components:
  schemas:
    Pong:
      type: object
      properties:
        at:
          type: string
          example: now
    Error:
      type: object
      required: [code]
      properties:
        code:
          type: string
`)
}

func loadOne(file, doc string) (*specs.Set, error) {
	return specs.LoadFS(fstest.MapFS{file: {Data: []byte(doc)}})
}

var _ = Describe("loading", func() {
	It("accepts the minimal document the rejections start from", func() {
		set, err := loadOne("minimal.yaml", minimalDoc("minimal", "Ping"))
		Expect(err).NotTo(HaveOccurred())
		_, ok := set.Operation("Ping")
		Expect(ok).To(BeTrue())
	})

	// Each case replaces old with new in the minimal document of broken.yaml; the error must
	// name the file, and the line of the first line holding marker when there is one, and say why.
	DescribeTable("rejects a broken document, naming the file and the line",
		func(old, new, marker, why string) {
			good := minimalDoc("broken", "Ping")
			Expect(good).To(ContainSubstring(old))
			doc := strings.Replace(good, old, new, 1)

			_, err := loadOne("broken.yaml", doc)
			Expect(err).To(HaveOccurred())
			Expect(err).To(MatchError(ContainSubstring(why)))
			var located *specs.Error
			Expect(errors.As(err, &located)).To(BeTrue(), "want a *specs.Error, got %T: %v", err, err)
			Expect(located.File).To(Equal("broken.yaml"))
			if marker == "" {
				Expect(err).To(MatchError(HavePrefix("specs: broken.yaml: ")))
				return
			}
			line := lineOf(doc, marker)
			Expect(line).To(BeNumerically(">", 0), "the marker is not in the document")
			Expect(located.Line).To(Equal(line), err.Error())
			Expect(err).To(MatchError(ContainSubstring("broken.yaml:%d:", line)))

			By("Parse saying the same")
			_, perr := specs.Parse("broken.yaml", []byte(doc))
			Expect(perr).To(MatchError(err.Error()))
		},
		Entry("a YAML syntax error",
			`  version: "1"`, "  version: \"1\"\n   broken: [", "broken: [", "invalid YAML"),
		Entry("a tab in the indentation",
			"    Pong:\n      type: object", "    Pong:\n\ttype: object", "\ttype: object", "invalid YAML"),
		Entry("an unresolvable schema $ref",
			"'#/components/schemas/Pong'", "'#/components/schemas/Nope'", "schemas/Nope", "#/components/schemas/Nope"),
		Entry("an unresolvable response $ref",
			`        "200":`, "        \"404\":\n          $ref: '#/components/responses/Nope'\n        \"200\":", "responses/Nope", "#/components/responses/Nope"),
		Entry("an unresolvable parameter $ref",
			"      operationId: Ping", "      operationId: Ping\n      parameters:\n        - $ref: '#/components/parameters/Nope'", "parameters/Nope", "#/components/parameters/Nope"),
		Entry("a malformed x-doc-discrepancy",
			"          description: pong", "          description: pong\n          x-doc-discrepancy: {doc: only this}", "x-doc-discrepancy", "missing actual, source"),
		Entry("a missing x-provider", "  x-provider: test\n", "", "", "x-provider"),
		Entry("a missing x-service", "  x-service: broken\n", "", "", "x-service"),
		Entry("an x-service that is not the file's name", "x-service: broken", "x-service: other", "", `"broken"`),
		Entry("a missing x-error-envelope",
			"  x-error-envelope:\n    schema: '#/components/schemas/Error'\n    code-pointer: /code\n", "", "", "x-error-envelope"),
		Entry("an example that breaks its schema (kin-openapi)", "example: now", "example: 7", "", "example"),
	)

	It("rejects an empty directory", func() {
		_, err := specs.LoadFS(fstest.MapFS{})
		Expect(err).To(MatchError(ContainSubstring("no *.yaml documents")))
	})

	It("rejects a directory without documents", func() {
		_, err := specs.LoadFS(fstest.MapFS{"README.md": {Data: []byte("# specs\n")}})
		Expect(err).To(MatchError(ContainSubstring("no *.yaml documents")))
	})

	It("rejects an operationId used in two documents, naming both and the line", func() {
		_, err := specs.LoadFS(fstest.MapFS{
			"first.yaml":  {Data: []byte(minimalDoc("first", "Ping"))},
			"second.yaml": {Data: []byte(minimalDoc("second", "Ping"))},
		})
		line := lineOf(minimalDoc("second", "Ping"), "operationId: Ping")
		Expect(err).To(MatchError(And(
			ContainSubstring("second.yaml:%d:", line),
			ContainSubstring("operationId Ping"),
			ContainSubstring("first.yaml:%d", line),
		)))
	})
})
