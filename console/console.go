// Package console shows a conformance run where its user watches it: a line per case as each
// finishes, a live progress line and colour on a terminal, plain lines in a log, JSON lines for
// tools, and the closing summary, every line fitted to the terminal's width (80 columns in a
// log). It renders the result model of package reports and nothing else: the reports keep the
// whole text of what a line cuts short.
package console

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/conformance-suite/conformance/reports"
)

// Mode is what the console prints per case (--output).
type Mode string

const (
	// Auto is Lines, with a live progress line under them on a terminal.
	Auto Mode = ""
	// Lines prints a line per finished case, and the failures and warnings under it.
	Lines Mode = "lines"
	// Dots prints a character per finished case (. F W S), then the failed and warned cases.
	Dots Mode = "dots"
	// Quiet prints the failed cases and the closing verdict line only.
	Quiet Mode = "quiet"
	// JSON prints one JSON object per finished case on the case writer, as report.json holds
	// it, for tools; the human text (title, notes, summary) goes to the text writer.
	JSON Mode = "json"
)

// Modes are the values --output takes.
var Modes = []Mode{Dots, Lines, Quiet, JSON}

// ParseMode reads an --output value.
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes {
		if string(m) == s {
			return m, nil
		}
	}
	names := make([]string, len(Modes))
	for i, m := range Modes {
		names[i] = string(m)
	}
	return "", fmt.Errorf("%q: want one of %s", s, strings.Join(names, ", "))
}

// Terminal is what the console knows of where it writes.
type Terminal struct {
	// Width is the number of columns every line fits in.
	Width int
	// TTY is a terminal: a failure message and its curl are wrapped to the width there, and
	// stay whole on one line in a log, to be searched and copied.
	TTY bool
	// Live redraws a progress line under the case lines: only on a terminal that can.
	Live bool
	// Color marks the verdict words: only on a terminal, never with NO_COLOR set.
	Color bool
}

// DefaultWidth is the width of a line written anywhere but a terminal, and of a terminal that
// does not tell its size.
const DefaultWidth = 80

// Detect tells a terminal from a pipe or a file, with golang.org/x/term: w is a terminal when
// it is (or wraps, with an Fd method) a file descriptor that is one. TERM=dumb draws no
// progress line; NO_COLOR (https://no-color.org, any value) or TERM=dumb turns colour off.
func Detect(w io.Writer, getenv func(string) string) Terminal {
	t := Terminal{Width: DefaultWidth}
	f, ok := w.(interface{ Fd() uintptr })
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return t
	}
	if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
		t.Width = cols
	}
	dumb := getenv("TERM") == "dumb"
	_, noColor := os.LookupEnv("NO_COLOR")
	if getenv("NO_COLOR") != "" {
		noColor = true
	}
	t.TTY = true
	t.Live = !dumb
	t.Color = !dumb && !noColor
	return t
}

// Console prints one run. Its methods may be called from several goroutines (cases finish
// on the runner's senders); each call prints whole lines.
type Console struct {
	mu    sync.Mutex
	cases io.Writer // the per-case output: lines, dots or JSON
	text  io.Writer // the title, notes and summary: cases, or the other writer in JSON mode
	mode  Mode
	term  Terminal
	now   func() time.Time

	total, done, failed int
	started             time.Time
	status              bool           // the progress line is drawn, under the last line
	dots                int            // dots on the current line
	later               []reports.Case // Dots: the failed and warned cases, shown at the end
	tick                *time.Ticker
	stop                chan struct{}
}

// New returns a console printing the cases to out (in JSON mode the human text goes to
// errOut, so that out holds JSON alone).
func New(out, errOut io.Writer, mode Mode, t Terminal) *Console {
	if t.Width <= 0 {
		t.Width = DefaultWidth
	}
	c := &Console{cases: out, text: out, mode: mode, term: t, now: time.Now}
	if mode == JSON {
		// The terminal detected is the case writer's: the text goes elsewhere, as to a log.
		c.text, c.term = errOut, Terminal{Width: DefaultWidth}
	}
	if mode != Auto {
		c.term.Live = false // the dots and the JSON lines are their own progress
	}
	return c
}

// Begin opens the run: its title lines, and the count the progress line counts to.
func (c *Console) Begin(title string, total int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total, c.started = total, c.now()
	if c.mode != Quiet {
		for _, line := range strings.Split(title, "\n") {
			c.writeText(wrap(printable(line), "", "  ", c.term.Width)...)
		}
	}
	if c.term.Live {
		c.drawStatus()
		c.tick, c.stop = time.NewTicker(time.Second), make(chan struct{})
		go c.ticking(c.tick, c.stop)
	}
}

// ticking redraws the progress line every second, so that elapsed time and ETA move while a
// slow case holds every line back.
func (c *Console) ticking(t *time.Ticker, stop chan struct{}) {
	for {
		select {
		case <-t.C:
			c.mu.Lock()
			if c.status {
				c.drawStatus()
			}
			c.mu.Unlock()
		case <-stop:
			return
		}
	}
}

// Case shows one finished case.
func (c *Console) Case(rc reports.Case) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.done++
	if rc.State == reports.Failed {
		c.failed++
	}
	switch c.mode {
	case JSON:
		b, err := json.Marshal(rc)
		if err == nil {
			_, _ = c.cases.Write(append(b, '\n'))
		}
	case Dots:
		c.dot(rc)
	case Quiet:
		if rc.State == reports.Failed {
			c.writeCases(c.caseLines(rc)...)
		}
	default:
		c.writeCases(c.caseLines(rc)...)
	}
	if c.term.Live {
		c.drawStatus()
	}
}

// dot prints one case as a character, wrapping at the width.
func (c *Console) dot(rc reports.Case) {
	ch := "."
	switch {
	case rc.State == reports.Failed:
		ch = c.paint(red, "F")
		c.later = append(c.later, rc)
	case rc.State == reports.Skipped:
		ch = "S"
	case len(rc.Warnings) > 0:
		ch = c.paint(yellow, "W")
		c.later = append(c.later, rc)
	}
	if c.dots == c.term.Width {
		_, _ = io.WriteString(c.cases, "\n")
		c.dots = 0
	}
	_, _ = io.WriteString(c.cases, ch)
	c.dots++
}

// Note prints text that is not a case (a restored state, the baseline comparison), each line
// fitted to the width.
func (c *Console) Note(text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.endDots()
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		c.writeText(wrap(printable(line), "", "    ", c.term.Width)...)
	}
}

// caseLines are the lines of one case: its verdict word, id and duration (or skip reason),
// then its failures, warnings and the curl that reproduces it. The id tells apart two cases of
// the same name (a fixture and a derived case).
func (c *Console) caseLines(rc reports.Case) []string {
	w := c.term.Width
	const gap = "  "
	id := printable(rc.ID)
	if rc.State == reports.Skipped {
		head := "SKIP" + gap
		return []string{c.paintWord(fit(head+id+": "+printable(rc.Reason), w))}
	}
	word := "PASS"
	switch {
	case rc.State == reports.Failed:
		word = "FAIL"
	case len(rc.Warnings) > 0:
		word = "WARN"
	}
	took := fmt.Sprintf(" (%dms)", rc.DurationMS)
	lines := []string{c.paintWord(word + gap + fit(id, w-len(word)-len(gap)-len(took)) + took)}
	const indent = "      "
	detail := func(first, text string) {
		text = printable(text)
		if !c.term.TTY {
			lines = append(lines, first+text)
			return
		}
		lines = append(lines, wrap(text, first, indent+"  ", w)...)
	}
	for _, f := range rc.Failures {
		detail(indent+"- ", f.Message)
	}
	for _, f := range rc.Warnings {
		detail(indent+"warning ("+f.Profile+"): ", f.Message)
	}
	if len(rc.Failures)+len(rc.Warnings) > 0 {
		for _, r := range []struct{ label, command string }{{"replay: ", rc.Replay}, {"reproduce: ", rc.Curl}} {
			switch cmd := printable(r.command); {
			case cmd == "":
			case c.term.TTY:
				lines = append(lines, wrapShell(indent+r.label, cmd, indent+"  ", w)...)
			default:
				lines = append(lines, indent+r.label+cmd)
			}
		}
	}
	return lines
}

// drawStatus draws the progress line in place of the last one: done/total, failures so far,
// elapsed time and the time left at the pace so far.
func (c *Console) drawStatus() {
	elapsed := c.now().Sub(c.started)
	eta := "ETA --"
	if c.done > 0 && c.done < c.total {
		left := time.Duration(float64(elapsed) / float64(c.done) * float64(c.total-c.done))
		eta = "ETA " + clock(left)
	} else if c.done >= c.total {
		eta = "ETA 0:00"
	}
	failed := fmt.Sprintf("%d failed", c.failed)
	line := fit(fmt.Sprintf("[%*d/%d] %s  %s elapsed  %s", len(fmt.Sprint(c.total)), c.done, c.total, failed, clock(elapsed), eta), c.term.Width-1)
	if c.failed > 0 {
		line = strings.Replace(line, failed, c.paint(red, failed), 1)
	}
	_, _ = io.WriteString(c.cases, "\r"+eraseLine+line)
	c.status = true
}

// clearStatus erases the progress line, so that the next line takes its place.
func (c *Console) clearStatus() {
	if c.status {
		_, _ = io.WriteString(c.cases, "\r"+eraseLine)
		c.status = false
	}
}

// eraseLine is ECMA-48's "erase in line" (EL, CSI K): with a carriage return before it, the
// only cursor movement the console makes, so any terminal a progress line is drawn on knows it.
const eraseLine = "\x1b[K"

func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// writeCases prints whole lines to the case writer, above the progress line.
func (c *Console) writeCases(lines ...string) {
	c.clearStatus()
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	_, _ = io.WriteString(c.cases, b.String())
}

// writeText prints whole lines of human text (to the case writer but in JSON mode).
func (c *Console) writeText(lines ...string) {
	if c.text == c.cases {
		c.writeCases(lines...)
		return
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	_, _ = io.WriteString(c.text, b.String())
}

// endDots ends the line of dots before other text.
func (c *Console) endDots() {
	if c.dots > 0 {
		_, _ = io.WriteString(c.cases, "\n")
		c.dots = 0
	}
}

// stopStatus ends the live progress line for good: the summary follows.
func (c *Console) stopStatus() {
	if c.tick != nil {
		c.tick.Stop()
		close(c.stop)
		c.tick = nil
	}
	c.clearStatus()
}

// SGR colours of the verdict words.
const (
	red    = "31"
	green  = "32"
	yellow = "33"
	faint  = "2"
)

var wordColors = map[string]string{"PASS": green, "FAIL": red, "WARN": yellow, "SKIP": faint}

// paint wraps s in an SGR colour when the console is coloured.
func (c *Console) paint(color, s string) string {
	if !c.term.Color {
		return s
	}
	return "\x1b[" + color + "m" + s + "\x1b[0m"
}

// paintWord colours a line's leading verdict word (PASS, FAIL, WARN, SKIP), after the line was
// fitted: escape codes take no columns.
func (c *Console) paintWord(line string) string {
	word, rest, _ := strings.Cut(line, " ")
	color, ok := wordColors[strings.TrimSuffix(word, ":")]
	if !ok {
		return line
	}
	bare := strings.TrimSuffix(word, ":")
	return c.paint(color, bare) + word[len(bare):] + " " + rest
}
