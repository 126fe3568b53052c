package reports

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The dimensions of contract coverage, in the order every report shows them. Each names a set
// of documented items per operation; an item is covered once one exchange exercised it.
const (
	// CoverStatuses: the documented statuses, "200"; observed in an answer.
	CoverStatuses = "statuses"
	// CoverFields: every JSON pointer of every documented response schema, by status,
	// "200 /Tenant/Tid" (allOf, oneOf and anyOf branches merged, array items as /-); present
	// in an answer of that status.
	CoverFields = "fields"
	// CoverEnums: every value of every enum field, "response 200 /Tenant/Status = ACTIVE",
	// "request body /service_status = inactive", "request query Format = XML"; sent or answered.
	CoverEnums = "enums"
	// CoverInputs: every request parameter and body field, "query Tid", "body /enterprise_id";
	// sent at least once.
	CoverInputs = "inputs"
	// CoverInvalidInputs: the same items, sent invalid at least once (a value its schema
	// refuses, or a required one left out); an input no value of which is invalid, and a
	// credential (see CoverSecurity), is excluded.
	CoverInvalidInputs = "invalid_inputs"
	// CoverErrorCodes: the provider error codes the spec documents (its examples and
	// x-error-codes lists), "APIGW.0301"; carried by an answer.
	CoverErrorCodes = "error_codes"
	// CoverSecurity: each security scheme sent valid and sent wrong, "akskSignature wrong",
	// and a request with no credentials at all, "missing".
	CoverSecurity = "security"
	// CoverOverall names the overall figure in --min-coverage: the mean of the dimensions.
	CoverOverall = "overall"
)

// CoverageDimensions lists the dimensions in report order.
func CoverageDimensions() []string {
	return []string{CoverStatuses, CoverFields, CoverEnums, CoverInputs, CoverInvalidInputs, CoverErrorCodes, CoverSecurity}
}

// Coverage is what a run exercised of each documented contract: per operation, per dimension,
// the documented items and the ones observed. Only the item sets are facts; percentages,
// missing items, provider totals and shortfalls are derived from them (Tally), so coverages
// merge by set union, and merged shards give the coverage of the unsharded run.
type Coverage struct {
	Operations []OperationCoverage `json:"operations"`
	// Providers totals each provider's operations, dimension by dimension.
	Providers []ProviderCoverage `json:"providers"`
	// Minimum is the gate the run was given (--min-coverage), by dimension or "overall";
	// Shortfalls are the operations below it, each naming what it misses.
	Minimum    map[string]float64 `json:"minimum,omitempty"`
	Shortfalls []Shortfall        `json:"shortfalls,omitempty"`
}

// OperationCoverage is one operation's coverage. Percent is the mean of the percentages of its
// dimensions that document anything; absent when none does.
type OperationCoverage struct {
	Provider   string      `json:"provider"`
	Service    string      `json:"service"`
	Operation  string      `json:"operation"`
	Percent    *float64    `json:"percent,omitempty"`
	Dimensions []Dimension `json:"dimensions"`
}

// Dimension is one dimension of one operation. Observed holds documented items only, so
// Percent is observed over documented; items seen but not documented (a status or an error
// code the spec does not name) are Undocumented, and documented items left out of the
// denominator are Excluded with the reason, which the spec states (x-coverage-unreachable)
// or the dimension's rules give.
type Dimension struct {
	Name         string      `json:"name"`
	Documented   []string    `json:"documented"`
	Observed     []string    `json:"observed"`
	Missing      []string    `json:"missing"`
	Undocumented []string    `json:"undocumented,omitempty"`
	Excluded     []Exclusion `json:"excluded,omitempty"`
	// Percent is len(Observed) / len(Documented) × 100, one decimal; absent when nothing is
	// documented, which is no figure rather than 0% or 100%.
	Percent *float64 `json:"percent,omitempty"`
}

// Exclusion is a documented item left out of a dimension's denominator, and why.
type Exclusion struct {
	Item   string `json:"item"`
	Reason string `json:"reason"`
}

// ProviderCoverage totals one provider: per dimension the items of all its operations pooled,
// and Percent the mean of those dimension percentages.
type ProviderCoverage struct {
	Provider   string           `json:"provider"`
	Percent    *float64         `json:"percent,omitempty"`
	Dimensions []DimensionTotal `json:"dimensions"`
}

// DimensionTotal is a dimension pooled over several operations: Covered of Total items.
type DimensionTotal struct {
	Name    string   `json:"name"`
	Total   int      `json:"total"`
	Covered int      `json:"covered"`
	Percent *float64 `json:"percent,omitempty"`
}

// Shortfall is one operation below the --min-coverage gate in one dimension (or overall).
type Shortfall struct {
	Operation string   `json:"operation"`
	Dimension string   `json:"dimension"`
	Percent   float64  `json:"percent"`
	Minimum   float64  `json:"minimum"`
	Missing   []string `json:"missing"`
}

func (s Shortfall) String() string {
	return fmt.Sprintf("%s %s %s%% < %s%%: missing %s", s.Operation, s.Dimension, formatPercent(s.Percent),
		formatPercent(s.Minimum), strings.Join(s.Missing, ", "))
}

// Dimension returns the operation's dimension by name, nil when it has none of that name.
func (o *OperationCoverage) Dimension(name string) *Dimension {
	for i := range o.Dimensions {
		if o.Dimensions[i].Name == name {
			return &o.Dimensions[i]
		}
	}
	return nil
}

// Operation returns an operation's coverage by operationId, nil when there is none.
func (c *Coverage) Operation(id string) *OperationCoverage {
	if c == nil {
		return nil
	}
	for i := range c.Operations {
		if c.Operations[i].Operation == id {
			return &c.Operations[i]
		}
	}
	return nil
}

// Provider returns a provider's totals, nil when it has none.
func (c *Coverage) Provider(name string) *ProviderCoverage {
	if c == nil {
		return nil
	}
	for i := range c.Providers {
		if c.Providers[i].Provider == name {
			return &c.Providers[i]
		}
	}
	return nil
}

// Dimension returns a provider's total of one dimension, nil when there is none.
func (p *ProviderCoverage) Dimension(name string) *DimensionTotal {
	for i := range p.Dimensions {
		if p.Dimensions[i].Name == name {
			return &p.Dimensions[i]
		}
	}
	return nil
}

// Tally derives everything that is not an item set: each list sorted and without repeats,
// observed items outside the documented ones dropped, excluded ones out of the documented,
// missing items, every percentage, the provider totals and, under a Minimum, the shortfalls.
func (c *Coverage) Tally() {
	if c == nil {
		return
	}
	slices.SortFunc(c.Operations, func(a, b OperationCoverage) int {
		return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Service, b.Service), cmp.Compare(a.Operation, b.Operation))
	})
	for i := range c.Operations {
		c.Operations[i].tally()
	}
	c.tallyProviders()
	c.gate()
}

func (o *OperationCoverage) tally() {
	slices.SortStableFunc(o.Dimensions, func(a, b Dimension) int { return cmp.Compare(dimensionRank(a.Name), dimensionRank(b.Name)) })
	var sum float64
	var n int
	for i := range o.Dimensions {
		d := &o.Dimensions[i]
		d.tally()
		if d.Percent != nil {
			sum += ratio(len(d.Observed), len(d.Documented))
			n++
		}
	}
	o.Percent = nil
	if n > 0 {
		o.Percent = percent(sum / float64(n))
	}
}

func (d *Dimension) tally() {
	d.Excluded = uniqueExclusions(d.Excluded)
	excluded := map[string]bool{}
	for _, e := range d.Excluded {
		excluded[e.Item] = true
	}
	d.Documented = slices.DeleteFunc(sortedSet(d.Documented), func(s string) bool { return excluded[s] })
	documented := map[string]bool{}
	for _, s := range d.Documented {
		documented[s] = true
	}
	d.Observed = slices.DeleteFunc(sortedSet(d.Observed), func(s string) bool { return !documented[s] })
	observed := map[string]bool{}
	for _, s := range d.Observed {
		observed[s] = true
	}
	d.Missing = slices.DeleteFunc(slices.Clone(d.Documented), func(s string) bool { return observed[s] })
	if d.Missing == nil {
		d.Missing = []string{}
	}
	d.Undocumented = slices.DeleteFunc(sortedSet(d.Undocumented), func(s string) bool { return documented[s] || excluded[s] })
	if len(d.Undocumented) == 0 {
		d.Undocumented = nil
	}
	d.Percent = nil
	if len(d.Documented) > 0 {
		d.Percent = percent(ratio(len(d.Observed), len(d.Documented)))
	}
}

func (c *Coverage) tallyProviders() {
	c.Providers = nil
	by := map[string]*ProviderCoverage{}
	for _, o := range c.Operations {
		p := by[o.Provider]
		if p == nil {
			p = &ProviderCoverage{Provider: o.Provider}
			for _, name := range CoverageDimensions() {
				p.Dimensions = append(p.Dimensions, DimensionTotal{Name: name})
			}
			by[o.Provider] = p
		}
		for _, d := range o.Dimensions {
			t := p.Dimension(d.Name)
			if t == nil {
				p.Dimensions = append(p.Dimensions, DimensionTotal{Name: d.Name})
				t = &p.Dimensions[len(p.Dimensions)-1]
			}
			t.Total += len(d.Documented)
			t.Covered += len(d.Observed)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(by)) {
		p := by[name]
		var sum float64
		var n int
		for i := range p.Dimensions {
			t := &p.Dimensions[i]
			if t.Total > 0 {
				t.Percent = percent(ratio(t.Covered, t.Total))
				sum += ratio(t.Covered, t.Total)
				n++
			}
		}
		if n > 0 {
			p.Percent = percent(sum / float64(n))
		}
		c.Providers = append(c.Providers, *p)
	}
}

// Gate sets the --min-coverage gate (dimension or "overall" → percent) and lists the
// operations below it.
func (c *Coverage) Gate(minimum map[string]float64) {
	if c == nil {
		return
	}
	c.Minimum = nil
	if len(minimum) > 0 {
		c.Minimum = maps.Clone(minimum)
	}
	c.gate()
}

func (c *Coverage) gate() {
	c.Shortfalls = nil
	if len(c.Minimum) == 0 {
		return
	}
	for _, o := range c.Operations {
		for _, name := range append(CoverageDimensions(), CoverOverall) {
			floor, ok := c.Minimum[name]
			if !ok {
				continue
			}
			var got float64
			var missing []string
			if name == CoverOverall {
				if o.Percent == nil {
					continue
				}
				for _, d := range o.Dimensions {
					if d.Percent != nil {
						got += ratio(len(d.Observed), len(d.Documented))
					}
					for _, m := range d.Missing {
						missing = append(missing, d.Name+": "+m)
					}
				}
				got /= float64(countApplying(o.Dimensions))
			} else {
				d := o.Dimension(name)
				if d == nil || d.Percent == nil {
					continue // nothing documented: nothing to miss
				}
				got, missing = ratio(len(d.Observed), len(d.Documented)), d.Missing
			}
			if got*100 < floor-1e-9 {
				c.Shortfalls = append(c.Shortfalls, Shortfall{Operation: o.Operation, Dimension: name,
					Percent: *percent(got), Minimum: floor, Missing: slices.Clone(missing)})
			}
		}
	}
}

// Short reports whether any operation is below the gate; false without coverage or gate.
func (c *Coverage) Short() bool { return c != nil && len(c.Shortfalls) > 0 }

// ShortfallError names every shortfall in one error, nil when there is none.
func (c *Coverage) ShortfallError() error {
	if !c.Short() {
		return nil
	}
	parts := make([]string, len(c.Shortfalls))
	for i, s := range c.Shortfalls {
		parts[i] = s.String()
	}
	return errors.New("coverage below --min-coverage: " + strings.Join(parts, "; "))
}

// MergeCoverage joins coverages of the same contracts, the shards of one run or runs of
// different kinds (a proxy session and a run): per operation and dimension, the union of the
// item sets; the gate is the strictest of theirs. Nil coverages are left out; nil when all are.
func MergeCoverage(cs ...*Coverage) *Coverage {
	var m *Coverage
	ops := map[string]int{}
	for _, c := range cs {
		if c == nil {
			continue
		}
		if m == nil {
			m = &Coverage{Operations: []OperationCoverage{}}
		}
		for name, floor := range c.Minimum {
			if m.Minimum == nil {
				m.Minimum = map[string]float64{}
			}
			m.Minimum[name] = max(m.Minimum[name], floor)
		}
		for _, o := range c.Operations {
			i, ok := ops[o.Operation]
			if !ok {
				i = len(m.Operations)
				ops[o.Operation] = i
				m.Operations = append(m.Operations, OperationCoverage{Provider: o.Provider, Service: o.Service, Operation: o.Operation})
			}
			mo := &m.Operations[i]
			for _, d := range o.Dimensions {
				md := mo.Dimension(d.Name)
				if md == nil {
					mo.Dimensions = append(mo.Dimensions, Dimension{Name: d.Name})
					md = &mo.Dimensions[len(mo.Dimensions)-1]
				}
				md.Documented = append(md.Documented, d.Documented...)
				md.Observed = append(md.Observed, d.Observed...)
				md.Undocumented = append(md.Undocumented, d.Undocumented...)
				md.Excluded = append(md.Excluded, d.Excluded...)
			}
		}
	}
	m.Tally()
	return m
}

// ParseMinCoverage reads --min-coverage: "statuses=100,fields=90", each a dimension (or
// "overall") and a percentage between 0 and 100.
func ParseMinCoverage(s string) (map[string]float64, error) {
	out := map[string]float64{}
	valid := append(CoverageDimensions(), CoverOverall)
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		name = strings.TrimSpace(name)
		if !ok {
			return nil, fmt.Errorf("%q: want DIMENSION=PERCENT, e.g. statuses=100", part)
		}
		if !slices.Contains(valid, name) {
			return nil, fmt.Errorf("%q: unknown dimension %q (valid: %s)", part, name, strings.Join(valid, ", "))
		}
		pct, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(value), "%"), 64)
		if err != nil || pct < 0 || pct > 100 || math.IsNaN(pct) {
			return nil, fmt.Errorf("%q: want a percentage between 0 and 100", part)
		}
		out[name] = pct
	}
	if len(out) == 0 {
		return nil, errors.New("want DIMENSION=PERCENT[,...], e.g. statuses=100,fields=90")
	}
	return out, nil
}

// WriteText prints the coverage for a terminal: a row per operation and per provider with
// each dimension's percentage, then what each operation misses, the exclusions and the gate.
func (c *Coverage) WriteText(w io.Writer) error {
	if c == nil {
		_, err := fmt.Fprintln(w, "no coverage recorded")
		return err
	}
	var b strings.Builder
	dims := CoverageDimensions()
	fmt.Fprintf(&b, "%-34s", "coverage")
	for _, name := range dims {
		fmt.Fprintf(&b, " %9s", shortDimension(name))
	}
	fmt.Fprintf(&b, " %8s\n", "overall")
	for _, o := range c.Operations {
		fmt.Fprintf(&b, "%-34s", o.Operation)
		for _, name := range dims {
			cell := "n/a"
			if d := o.Dimension(name); d != nil && d.Percent != nil {
				cell = fmt.Sprintf("%d/%d", len(d.Observed), len(d.Documented))
			}
			fmt.Fprintf(&b, " %9s", cell)
		}
		fmt.Fprintf(&b, " %8s\n", PercentText(o.Percent))
	}
	for _, p := range c.Providers {
		fmt.Fprintf(&b, "%-34s", "provider "+p.Provider)
		for _, name := range dims {
			cell := "n/a"
			if t := p.Dimension(name); t != nil {
				cell = PercentText(t.Percent)
			}
			fmt.Fprintf(&b, " %9s", cell)
		}
		fmt.Fprintf(&b, " %8s\n", PercentText(p.Percent))
	}
	for _, o := range c.Operations {
		for _, d := range o.Dimensions {
			if len(d.Missing) > 0 && (d.Name == CoverStatuses || d.Name == CoverErrorCodes || d.Name == CoverSecurity) {
				fmt.Fprintf(&b, "uncovered %s %s: %s\n", o.Operation, d.Name, strings.Join(d.Missing, ", "))
			}
			if len(d.Undocumented) > 0 {
				fmt.Fprintf(&b, "undocumented %s %s seen: %s\n", o.Operation, d.Name, strings.Join(d.Undocumented, ", "))
			}
		}
	}
	var unreachable []string
	others := 0
	for _, o := range c.Operations {
		for _, d := range o.Dimensions {
			if d.Name != CoverStatuses {
				others += len(d.Excluded)
				continue
			}
			var items []string
			for _, e := range d.Excluded {
				items = append(items, e.Item)
			}
			if len(items) > 0 {
				unreachable = append(unreachable, o.Operation+" "+strings.Join(items, ", "))
			}
		}
	}
	if len(unreachable) > 0 {
		fmt.Fprintf(&b, "not counted, no client can provoke them (x-coverage-unreachable): %s\n", strings.Join(unreachable, "; "))
	}
	if others > 0 {
		fmt.Fprintf(&b, "%d more items are not counted (documented under those statuses, or no value of them is invalid); report.json says why\n", others)
	}
	for _, s := range c.Shortfalls {
		fmt.Fprintf(&b, "BELOW --min-coverage: %s\n", s)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// PercentText renders a percentage for people: "83.3%", "n/a" when there is none.
func PercentText(p *float64) string {
	if p == nil {
		return "n/a"
	}
	return formatPercent(*p) + "%"
}

func formatPercent(p float64) string { return strconv.FormatFloat(p, 'f', 1, 64) }

// shortDimension abbreviates a dimension name for a narrow column.
func shortDimension(name string) string {
	switch name {
	case CoverInvalidInputs:
		return "invalid"
	case CoverErrorCodes:
		return "codes"
	}
	return name
}

// mergeCoverage is the coverage of merged reports.
func mergeCoverage(rs []*Report) *Coverage {
	cs := make([]*Coverage, len(rs))
	for i, r := range rs {
		cs[i] = r.Coverage
	}
	return MergeCoverage(cs...)
}

func dimensionRank(name string) int {
	if i := slices.Index(CoverageDimensions(), name); i >= 0 {
		return i
	}
	return len(CoverageDimensions())
}

func countApplying(ds []Dimension) int {
	n := 0
	for _, d := range ds {
		if d.Percent != nil {
			n++
		}
	}
	return n
}

func ratio(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// percent turns a ratio into a percentage rounded to one decimal.
func percent(r float64) *float64 {
	p := math.Round(r*1000) / 10
	return &p
}

func sortedSet(xs []string) []string {
	out := slices.Compact(slices.Sorted(slices.Values(xs)))
	if out == nil {
		out = []string{}
	}
	return out
}

func uniqueExclusions(es []Exclusion) []Exclusion {
	slices.SortFunc(es, func(a, b Exclusion) int { return cmp.Or(cmp.Compare(a.Item, b.Item), cmp.Compare(a.Reason, b.Reason)) })
	es = slices.CompactFunc(es, func(a, b Exclusion) bool { return a.Item == b.Item })
	if len(es) == 0 {
		return nil
	}
	return es
}
