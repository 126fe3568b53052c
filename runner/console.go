package runner

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/conformance-suite/conformance/reports"
)

// Console shows a run while it goes, in the result model of the reports (redacted like them):
// package console's, which the command builds for its terminal or log, or nothing (nil).
type Console interface {
	// Begin opens the run with its title lines and the number of cases it holds.
	Begin(title string, total int)
	// Case shows one case as soon as it finishes: cases come in the order they finish, from
	// the goroutines that send them, not in plan order.
	Case(c reports.Case)
	// Note shows text that is not a case: a restored state, the baseline comparison.
	Note(text string)
	// Summary closes the run with its report and where the reports are.
	Summary(r *reports.Report, reportDir string)
}

// silent is the Console of a run nobody watches (Config.Console nil).
type silent struct{}

func (silent) Begin(string, int)               {}
func (silent) Case(reports.Case)               {}
func (silent) Note(string)                     {}
func (silent) Summary(*reports.Report, string) {}

// showOn opens the run on con (nil: nowhere) and has the plan show each case on it as it
// finishes; the cases skipped at plan time are shown at once, since nothing sends them.
// A case the interruption left unsent is not shown: the summary counts those.
func (p *Plan) showOn(con Console) Console {
	if con == nil {
		con = silent{}
	}
	cfg, red := p.session.cfg, p.session.redact
	command := cmp.Or(cfg.Command, "conformance run")
	con.Begin(fmt.Sprintf("%s: %d cases (seed %d, profile %s)\ntarget: %s", command, len(p.Cases), cfg.Seed, cfg.Profile, red.text(p.Target)), len(p.Cases))
	order := p.positions()
	for _, pc := range p.Cases {
		if pc.Skip != "" {
			con.Case(p.session.caseOf(pc, order[pc.Case.ID]))
		}
	}
	p.finished = con.Case
	return con
}

// plainGinkgoError is a Ginkgo error (a --label-filter syntax error) as plain text: Ginkgo's
// own Error() paints it with terminal escape codes, which a pipe or a log would show raw.
func plainGinkgoError(err error) error {
	var ge types.GinkgoError
	if !errors.As(err, &ge) {
		return err
	}
	text := ginkgoMarkup.ReplaceAllString(ge.Heading+": "+ge.Message, "")
	return errors.New(strings.Join(strings.Fields(strings.ReplaceAll(text, "\n", " | ")), " "))
}

// ginkgoMarkup is the colour markup of Ginkgo's messages, "{{red}}", "{{/}}".
var ginkgoMarkup = regexp.MustCompile(`\{\{[a-z/-]*\}\}`)
