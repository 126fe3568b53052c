package specs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-openapi/jsonpointer"
)

// SeedTitlesKey is the info extension that names the vendor pages a document was written from:
// a map from the seed file (the value of an operation's x-seed and of a discrepancy's source)
// to the page's own title, so that reports name "Modifying an Enterprise ID", not
// 004_ead8581c6d973fd2.txt. It is declared once per document, beside the pages' other facts.
const SeedTitlesKey = "x-seed-titles"

// seedTitles reads info.x-seed-titles; a document without it has no titles.
func seedTitles(ext map[string]any) (map[string]string, error) {
	raw, ok := ext[SeedTitlesKey]
	if !ok {
		return nil, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("info.%s: want a map from seed file to page title", SeedTitlesKey)
	}
	titles := map[string]string{}
	for seed, v := range m {
		title, ok := v.(string)
		if !ok || strings.TrimSpace(title) == "" {
			return nil, fmt.Errorf("info.%s.%s: want the page title, a non-empty string", SeedTitlesKey, seed)
		}
		titles[seed] = strings.TrimSpace(title)
	}
	return titles, nil
}

// describeDiscrepancies gives each discrepancy its page title and the operations it concerns:
// the one operation its pointer lies in, the operations of its path, or else (a shared schema)
// the operations written from its page.
func (sp *Spec) describeDiscrepancies() {
	for i := range sp.discrepancies {
		d := &sp.discrepancies[i]
		d.Title = sp.SeedTitles[d.Source]
		d.Operation = strings.Join(sp.discrepancyOperations(d), ", ")
	}
}

func (sp *Spec) discrepancyOperations(d *Discrepancy) []string {
	var segs []string
	for _, s := range strings.Split(strings.TrimPrefix(d.Pointer, "/"), "/") {
		segs = append(segs, jsonpointer.Unescape(s))
	}
	var ids []string
	if len(segs) >= 2 && segs[0] == "paths" && sp.Doc.Paths != nil {
		if item := sp.Doc.Paths.Value(segs[1]); item != nil {
			if len(segs) >= 3 {
				if op := item.GetOperation(strings.ToUpper(segs[2])); op != nil {
					return []string{op.OperationID}
				}
			}
			for _, op := range item.Operations() {
				ids = append(ids, op.OperationID)
			}
		}
	}
	if len(ids) == 0 && sp.Doc.Paths != nil {
		for _, item := range sp.Doc.Paths.Map() {
			for _, op := range item.Operations() {
				if seed, _ := op.Extensions["x-seed"].(string); seed == d.Source {
					ids = append(ids, op.OperationID)
				}
			}
		}
	}
	slices.Sort(ids)
	return ids
}
