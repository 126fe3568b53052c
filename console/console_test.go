package console

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conformance-suite/conformance/reports"
)

// longMessage is a failure message wider than any line, from a target that echoes a control
// sequence into it.
const longMessage = "response_schema_conformance: /Tenant/Status: expected one of ACTIVE, INACTIVE, FROZEN as the documented enum says, got \"\x1b[2Jcleared\" from the target under test"

const longCurl = `curl -sS -X PUT 'http://127.0.0.1:40383/v2/0f5181caba0024e72f89c0045e707b91/tenant-configs' -H 'Content-Type: application/json' -H "X-Auth-Token: $CONFORMANCE_HUAWEICLOUD_TOKEN" --data-raw '{"tenant_configs":[{"type":"session","value":"a b c"}]}'`

// sample is a run of four cases: passed, failed with a long message and curl, warned, skipped,
// two of them of the same name (a fixture and a derived case).
func sample() ([]reports.Case, *reports.Report) {
	cases := []reports.Case{
		{ID: "UpdateTenantConfig/no-credentials", Service: "huaweicloud-workspace", Operation: "UpdateTenantConfig", Name: "no credentials", State: reports.Passed, DurationMS: 3, Failures: []reports.Failure{}},
		{ID: "UpdateTenantConfig/derived/no-credentials-and-a-name-far-too-long-for-any-line-of-an-eighty-column-terminal", Service: "huaweicloud-workspace", Operation: "UpdateTenantConfig", Name: "no credentials", State: reports.Failed, DurationMS: 12,
			Labels: []string{"derived"}, Failures: []reports.Failure{{Check: "response_schema_conformance", Message: longMessage}}, Curl: longCurl},
		{ID: "UpdateTenantConfig/missing-content-type", Service: "huaweicloud-workspace", Operation: "UpdateTenantConfig", Name: "missing Content-Type", State: reports.Passed, DurationMS: 1,
			Failures: []reports.Failure{}, Warnings: []reports.Failure{{Check: "negative_data_rejection", Message: "a request without Content-Type was accepted", Profile: "strict"}}, Curl: "curl -sS 'http://x/'"},
		{ID: "InitializeTenant/enable", Service: "huaweicloud-workspaceapp", Operation: "InitializeTenant", Name: "enable", State: reports.Skipped,
			Reason: "held back: InitializeTenant changes state and workspace.cn-north-4.myhuaweicloud.com is not on loopback (pass --allow-mutations to run it)", Failures: []reports.Failure{}},
	}
	pct := 80.6
	r := &reports.Report{Cases: cases, Profile: "core", DurationMS: 1234,
		Coverage: &reports.Coverage{Operations: []reports.OperationCoverage{{
			Operation: "UpdateTenantConfigWithAnOperationIdLongerThanTheColumn", Percent: &pct,
			Dimensions: []reports.Dimension{{Name: reports.CoverStatuses, Documented: []string{"200", "400"}, Observed: []string{"200"}, Missing: []string{"400"}, Percent: &pct}},
		}}},
	}
	r.Tally()
	return cases, r
}

// play runs the sample through a console.
func play(c *Console) {
	cases, r := sample()
	c.Begin("conformance run: 4 cases (seed 1, profile core)\ntarget: built-in reference target at http://127.0.0.1:40383/with/a/path/long/enough/to/wrap/the/line", len(cases))
	for _, rc := range cases {
		c.Case(rc)
	}
	c.Note("restored UpdateTenantConfig: the tenant configuration as recorded before the run, every field of it")
	c.Summary(r, "/tmp/a/report/directory")
}

var sgr = regexp.MustCompile("\x1b\\[[0-9;]*[mK]")

// screen is what a terminal shows of out: each line as the last carriage return left it,
// without colour.
func screen(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if i := strings.LastIndex(l, "\r"); i >= 0 {
			l = l[i+1:]
		}
		lines = append(lines, sgr.ReplaceAllString(l, ""))
	}
	return lines
}

// In a log (not a terminal) the console writes no escape code, every line fits 80 columns
// but a failure's message and curl, which stay whole on their line to be searched and copied.
func TestLogIsPlainAndFits(t *testing.T) {
	var out bytes.Buffer
	play(New(&out, nil, Auto, Terminal{Width: 80}))
	text := out.String()
	if strings.ContainsAny(text, "\x1b\r") {
		t.Errorf("escape codes in a log:\n%q", text)
	}
	for _, l := range strings.Split(text, "\n") {
		detail := strings.HasPrefix(l, "      - ") || strings.HasPrefix(l, "      reproduce: ")
		if columns(l) > 80 && !detail {
			t.Errorf("%d columns: %q", columns(l), l)
		}
	}
	for _, want := range []string{
		"PASS  UpdateTenantConfig/no-credentials (3ms)\n",
		"FAIL  UpdateTenantConfig/derived/no-credentials-and-a-name-far-too-long-… (12ms)\n",
		"      - " + strings.ReplaceAll(longMessage, "\x1b", "\uFFFD") + "\n",
		"      reproduce: " + longCurl + "\n",
		"WARN  UpdateTenantConfig/missing-content-type (1ms)\n",
		"      warning (strict): a request without Content-Type was accepted\n",
		"SKIP  InitializeTenant/enable: held back: InitializeTenant changes state and wo…\n",
		"uncovered UpdateTenantConfigWithAnOperationIdLongerThanTheColumn: 1 statuses\n",
		"skipped 1: held back:",
		"\nFAIL: 2 passed, 1 failed, 1 skipped\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the log lacks %q:\n%s", want, text)
		}
	}
}

// On a terminal, the progress line counts the finished cases and the failures, the verdict
// words are coloured, and every line the terminal shows fits its width, the message and the
// curl wrapped (the curl with the shell's line continuation).
func TestTerminalFitsItsWidth(t *testing.T) {
	for _, width := range []int{60, 80, 132} {
		var out bytes.Buffer
		c := New(&out, nil, Auto, Terminal{Width: width, TTY: true, Live: true, Color: true})
		clock := time.Unix(0, 0)
		c.now = func() time.Time { clock = clock.Add(time.Second); return clock }
		play(c)
		text := out.String()
		for _, want := range []string{"\r\x1b[K[1/4] 0 failed", "[2/4] \x1b[31m1 failed\x1b[0m", "ETA ", "\x1b[32mPASS\x1b[0m  ", "\x1b[31mFAIL\x1b[0m: 2 passed"} {
			if !strings.Contains(text, want) {
				t.Errorf("width %d: the terminal lacks %q:\n%q", width, want, text)
			}
		}
		shown := screen(text)
		for _, l := range shown {
			// One argument of the curl wider than the terminal stays whole, on a line of its own.
			alone := strings.HasPrefix(l, "        '") && len(shellWords(strings.TrimSuffix(l, " \\"))) == 1
			if columns(l) > width && !alone {
				t.Errorf("width %d: a line of %d columns: %q", width, columns(l), l)
			}
		}
		joined := strings.Join(shown, "\n")
		if strings.Contains(joined, "/4]") {
			t.Errorf("width %d: the progress line is left on the screen:\n%s", width, joined)
		}
		if strings.Contains(joined, "\x1b[2J") || !strings.Contains(joined, "\uFFFD[2Jcleared") {
			t.Errorf("width %d: the target's escape sequence reached the terminal", width)
		}
		var curl []string
		for _, l := range shown {
			if (len(curl) == 0 && strings.Contains(l, "reproduce: ")) || (len(curl) > 0 && strings.HasSuffix(curl[len(curl)-1], " \\")) {
				curl = append(curl, l)
			}
		}
		cmd := strings.TrimPrefix(strings.Join(curl, "\n"), "      reproduce: ")
		cmd = regexp.MustCompile(` \\\n +`).ReplaceAllString(cmd, " ")
		if cmd != longCurl {
			t.Errorf("width %d: the wrapped curl does not paste back:\n%s", width, strings.Join(curl, "\n"))
		}
	}
}

// --output json: one JSON object per case on stdout, as report.json holds it; the human text
// on the other writer.
func TestJSONLines(t *testing.T) {
	var out, human bytes.Buffer
	play(New(&out, &human, JSON, Terminal{Width: 80, TTY: true, Live: true, Color: true}))
	cases, _ := sample()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(cases) {
		t.Fatalf("%d lines for %d cases:\n%s", len(lines), len(cases), out.String())
	}
	for i, l := range lines {
		var got reports.Case
		dec := json.NewDecoder(strings.NewReader(l))
		if err := dec.Decode(&got); err != nil || dec.More() {
			t.Fatalf("line %d is not one JSON object (%v): %s", i+1, err, l)
		}
		if got.ID != cases[i].ID || got.State != cases[i].State {
			t.Errorf("line %d is %s %s, want %s %s", i+1, got.ID, got.State, cases[i].ID, cases[i].State)
		}
	}
	if !strings.Contains(human.String(), "conformance run: 4 cases") || !strings.Contains(human.String(), "FAIL: 2 passed, 1 failed") {
		t.Errorf("the human text lacks the title or the verdict:\n%s", human.String())
	}
}

// Dots print a character per case and the failed and warned cases at the end; quiet prints the
// failed cases and the verdict line alone.
func TestDotsAndQuiet(t *testing.T) {
	var dots bytes.Buffer
	play(New(&dots, nil, Dots, Terminal{Width: 80}))
	if !strings.Contains(dots.String(), "\n.FWS\n") || !strings.Contains(dots.String(), "\nFAIL  UpdateTenantConfig/derived/") || !strings.Contains(dots.String(), "\nWARN  ") {
		t.Errorf("dots:\n%s", dots.String())
	}
	var quiet bytes.Buffer
	play(New(&quiet, nil, Quiet, Terminal{Width: 80}))
	got := quiet.String()
	if strings.Contains(got, "PASS  ") || strings.Contains(got, "SKIP  ") || strings.Contains(got, "conformance run:") || !strings.HasPrefix(got, "FAIL  ") || !strings.HasSuffix(got, "\nFAIL: 2 passed, 1 failed, 1 skipped\n") {
		t.Errorf("quiet:\n%s", got)
	}
}

// Cases finish on several goroutines: each call prints whole lines.
func TestConcurrentCases(t *testing.T) {
	var out bytes.Buffer
	c := New(&out, nil, Auto, Terminal{Width: 80, TTY: true, Live: true})
	cases, r := sample()
	c.Begin("run", 40*len(cases))
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			for _, rc := range cases {
				c.Case(rc)
			}
		})
	}
	wg.Wait()
	c.Summary(r, "dir")
	if n := strings.Count(out.String(), "PASS  UpdateTenantConfig/no-credentials (3ms)\n"); n != 40 {
		t.Errorf("%d whole lines of the first case, want 40", n)
	}
}

// A pipe is no terminal: no progress line, no colour, 80 columns.
func TestDetectPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if got := Detect(w, func(string) string { return "" }); got != (Terminal{Width: DefaultWidth}) {
		t.Errorf("a pipe: %+v", got)
	}
	if got := Detect(&bytes.Buffer{}, os.Getenv); got != (Terminal{Width: DefaultWidth}) {
		t.Errorf("a buffer: %+v", got)
	}
}

func TestParseMode(t *testing.T) {
	for _, m := range Modes {
		if got, err := ParseMode(string(m)); got != m || err != nil {
			t.Errorf("ParseMode(%q) = %q, %v", m, got, err)
		}
	}
	if _, err := ParseMode("verbose"); err == nil || !strings.Contains(err.Error(), "dots, lines, quiet, json") {
		t.Errorf("ParseMode(verbose): %v", err)
	}
}

func TestFitAndWrap(t *testing.T) {
	if got := fit("租户配置更新", 7); got != "租户配…" || columns(got) != 7 {
		t.Errorf("fit of wide runes: %q (%d columns)", got, columns(got))
	}
	if got := fit("short", 80); got != "short" {
		t.Errorf("fit: %q", got)
	}
	lines := wrap("a-very-long-word-without-any-space-at-all and more", "- ", "  ", 12)
	for _, l := range lines {
		if columns(l) > 12 {
			t.Errorf("wrap: %q is %d columns", l, columns(l))
		}
	}
	if want := []string{"- a-very-lon", "  g-word-wit", "  hout-any-s", "  pace-at-al", "  l and more"}; !slices.Equal(lines, want) {
		t.Errorf("wrap lost text: %q", lines)
	}
}
