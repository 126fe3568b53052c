package specs_test

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing/fstest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"gopkg.in/yaml.v3"

	"github.com/conformance-suite/conformance/specs"
)

// wantDiscrepancies is every difference CONTEXT.md section 1 lists between a seed page and the
// real service. Each must be recorded as an x-doc-discrepancy on the node it concerns (at is
// its JSON pointer, or a part of it), and its doc and actual must name what differs (words).
var wantDiscrepancies = []struct {
	about, file, at string
	words           []string
}{
	{"ZStack's body-key spelling", "zstack-iam2.yaml",
		"/components/schemas/ChangeIAM2ProjectStateRequest", []string{"changeiam2projectstate", "changeIAM2ProjectState"}},
	{"ZStack's state, an object on the page and a string on the wire", "zstack-iam2.yaml",
		"/components/schemas/IAM2ProjectInventory/properties/state", []string{"object", "string"}},
	{"ZStack's synchronous label and asynchronous answer", "zstack-iam2.yaml",
		"/paths/~1zstack~1v1~1iam2~1projects~1{uuid}~1actions/put", []string{"Synchronous", "202"}},
	{"Alibaba's sample Tid 0 against the table's 3***", "alibabacloud-dms-enterprise.yaml",
		"/components/schemas/Tenant/properties/Tid", []string{"0", "3***"}},
	{"Alibaba's sample ErrorCode together with Success true", "alibabacloud-dms-enterprise.yaml",
		"/examples/documentedSample", []string{"ErrorCode", "Success true"}},
	{"ZStack's error fields, all Required on the page and mostly null on the wire", "zstack-iam2.yaml",
		"/components/schemas/ErrorCode", []string{"Required", "null"}},
	{"InitializeTenant's undocumented gateway statuses", "huaweicloud-workspaceapp.yaml",
		"/paths/~1v1~1{project_id}~1tenant~1action~1active/post", []string{"401", "403", "404", "gateway"}},
}

var _ = Describe("the recorded discrepancies", func() {
	for _, w := range wantDiscrepancies {
		It("include "+w.about, func() {
			var candidates []string
			for _, d := range specByFile(w.file).Discrepancies() {
				if !strings.Contains(d.Pointer, w.at) {
					continue
				}
				text := strings.ToLower(d.Doc + " " + d.Actual)
				if !slices.ContainsFunc(w.words, func(word string) bool { return !strings.Contains(text, strings.ToLower(word)) }) {
					return
				}
				candidates = append(candidates, d.String())
			}
			Fail(fmt.Sprintf("no x-doc-discrepancy at %s in %s names %q; near candidates: %q", w.at, w.file, w.words, candidates))
		})
	}

	It("each cite a seed page", func() {
		var seeds []string
		for _, t := range seedFields {
			if t.seed != "" {
				seeds = append(seeds, t.seed)
			}
		}
		for _, d := range embedded.Discrepancies() {
			Expect(seeds).To(ContainElement(d.Source), d.String())
		}
	})

	It("come sorted by file, then line", func() {
		all := embedded.Discrepancies()
		Expect(all).NotTo(BeEmpty())
		Expect(slices.IsSortedFunc(all, func(a, b specs.Discrepancy) int {
			if c := strings.Compare(a.File, b.File); c != 0 {
				return c
			}
			return a.Line - b.Line
		})).To(BeTrue())
		var concatenated []specs.Discrepancy
		for _, sp := range embedded.Specs {
			concatenated = append(concatenated, sp.Discrepancies()...)
		}
		Expect(all).To(Equal(concatenated))
	})

	DescribeTable("sit on the lines where a grep finds them",
		func(file string) {
			sp := specByFile(file)
			var lines []int
			for _, d := range sp.Discrepancies() {
				Expect(d.File).To(Equal(file))
				lines = append(lines, d.Line)
			}
			Expect(lines).To(Equal(grepLines(string(sp.Raw), `^\s*x-doc-discrepancy:`)))
		},
		fileEntries(),
	)

	DescribeTable("name by their pointer the node that carries them",
		func(file string) {
			sp := specByFile(file)
			var root yaml.Node
			Expect(yaml.Unmarshal(sp.Raw, &root)).To(Succeed())
			for _, d := range sp.Discrepancies() {
				node, err := at(&root, d.Pointer)
				Expect(err).NotTo(HaveOccurred(), d.String())
				Expect(keyLine(node, specs.DiscrepancyKey)).To(Equal(d.Line), d.String())
			}
		},
		fileEntries(),
	)

	It("are a copy the caller may change", func() {
		sp := specByFile("zstack-iam2.yaml")
		got := sp.Discrepancies()
		got[0].Doc = "changed"
		Expect(sp.Discrepancies()[0].Doc).NotTo(Equal("changed"))
	})

	Describe("in a document of their own", func() {
		load := func(extra string) ([]specs.Discrepancy, error) {
			doc := minimalDoc("d", "Ping") + extra
			set, err := specs.LoadFS(fstest.MapFS{"d.yaml": {Data: []byte(doc)}})
			if err != nil {
				return nil, err
			}
			return set.Discrepancies(), nil
		}
		It("are found under names that look like keywords, and not in example payloads", func() {
			found, err := load(`    Thing:
      type: object
      properties:
        default:
          type: string
          x-doc-discrepancy: {doc: a property named default, actual: found, source: s.txt}
      example:
        x-doc-discrepancy: {doc: payload, actual: not an extension, source: s.txt}
  responses:
    default:
      description: any
      x-doc-discrepancy: {doc: the default response, actual: found, source: s.txt}
      content:
        application/json:
          schema: {type: object}
          examples:
            sample:
              value:
                x-doc-discrepancy: {doc: payload, actual: not an extension, source: s.txt}
`)
			Expect(err).NotTo(HaveOccurred())
			var pointers []string
			for _, d := range found {
				pointers = append(pointers, d.Pointer)
			}
			Expect(pointers).To(Equal([]string{
				"/components/schemas/Thing/properties/default",
				"/components/responses/default",
			}))
		})
		DescribeTable("are rejected, with the line, when they are not one {doc, actual, source} mapping",
			func(value, why string) {
				extra := "    Thing:\n      type: string\n      x-doc-discrepancy: " + value + "\n"
				_, err := load(extra)
				line := lineOf(minimalDoc("d", "Ping")+extra, "x-doc-discrepancy:")
				Expect(err).To(MatchError(ContainSubstring("d.yaml:%d:", line)))
				Expect(err).To(MatchError(ContainSubstring(why)))
			},
			Entry("a string", "the page is wrong", "want a mapping"),
			Entry("no actual", "{doc: says, source: s.txt}", "missing actual"),
			Entry("an unknown field", "{doc: says, actual: does, source: s.txt, seen: yesterday}", `unknown field "seen"`),
		)
	})
})

// grepLines is the 1-based numbers of the lines of text that match pattern.
func grepLines(text, pattern string) []int {
	re := regexp.MustCompile(pattern)
	var out []int
	for i, line := range strings.Split(text, "\n") {
		if re.MatchString(line) {
			out = append(out, i+1)
		}
	}
	return out
}

// at resolves a JSON pointer in a yaml.v3 tree: a second parser's view of the same document.
func at(root *yaml.Node, pointer string) (*yaml.Node, error) {
	n := root
	if n.Kind == yaml.DocumentNode {
		n = n.Content[0]
	}
	if pointer == "" {
		return n, nil
	}
	unescape := strings.NewReplacer("~1", "/", "~0", "~")
	for _, seg := range strings.Split(pointer, "/")[1:] {
		seg = unescape.Replace(seg)
		switch n.Kind {
		case yaml.MappingNode:
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == seg {
					next = n.Content[i+1]
				}
			}
			if next == nil {
				return nil, fmt.Errorf("%s: no key %q", pointer, seg)
			}
			n = next
		case yaml.SequenceNode:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil, fmt.Errorf("%s: no item %q", pointer, seg)
			}
			n = n.Content[i]
		default:
			return nil, fmt.Errorf("%s: %q is inside a scalar", pointer, seg)
		}
	}
	return n, nil
}

// keyLine is the line of key in mapping n, 0 when it has none.
func keyLine(n *yaml.Node, key string) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i].Line
		}
	}
	return 0
}
