package console

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// columns is how many terminal columns s takes: one per rune, two for East Asian wide and
// fullwidth ones (a case name or a message a target echoes may hold them).
func columns(s string) int {
	n := 0
	for _, r := range s {
		n += runeColumns(r)
	}
	return n
}

func runeColumns(r rune) int {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// fit cuts s to at most w columns, marking the cut with an ellipsis; the reports keep the
// whole text.
func fit(s string, w int) string {
	if columns(s) <= w {
		return s
	}
	if w < 1 {
		return ""
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		if used+runeColumns(r) > w-1 {
			break
		}
		b.WriteRune(r)
		used += runeColumns(r)
	}
	return b.String() + "…"
}

// wrap breaks s at spaces into lines of at most w columns, the first prefixed with first and the
// others with indent (both counted); a word longer than a line is cut where the line ends.
func wrap(s, first, indent string, w int) []string {
	var lines []string
	line, lineCols := first, columns(first)
	bare := true // nothing but the prefix on the line yet
	for _, word := range strings.Fields(s) {
		wc := columns(word)
		if !bare && lineCols+1+wc > w {
			lines = append(lines, line)
			line, lineCols, bare = indent, columns(indent), true
		}
		if !bare {
			line += " "
			lineCols++
		}
		for lineCols+wc > w && w-lineCols > 0 { // a word wider than a whole line
			head := cutColumns(word, w-lineCols)
			lines = append(lines, line+head)
			word = word[len(head):]
			wc = columns(word)
			line, lineCols = indent, columns(indent)
		}
		line += word
		lineCols += wc
		bare = false
	}
	return append(lines, line)
}

// cutColumns is the longest head of s that takes at most w columns (at least one rune).
func cutColumns(s string, w int) string {
	used := 0
	for i, r := range s {
		if used+runeColumns(r) > w && i > 0 {
			return s[:i]
		}
		used += runeColumns(r)
	}
	return s
}

// wrapShell breaks a shell command line (the reproducing curl) into lines of at most w columns
// joined with " \\", the shell's line continuation, so that it still pastes as one command:
// the first line starts with first, the others with indent. It breaks only at spaces outside
// quotes; one argument longer than a line stays whole.
func wrapShell(first, cmd, indent string, w int) []string {
	var lines []string
	line := first
	bare := true
	for _, arg := range shellWords(cmd) {
		if !bare && columns(line)+1+columns(arg)+2 > w {
			lines = append(lines, line+" \\")
			line, bare = indent, true
		}
		if !bare {
			line += " "
		}
		line += arg
		bare = false
	}
	return append(lines, line)
}

// shellWords splits a command line at the spaces outside single and double quotes, keeping
// every word as written (quotes and escapes included).
func shellWords(cmd string) []string {
	var words []string
	var quote rune
	escaped := false
	start := -1
	for i, r := range cmd {
		switch {
		case escaped:
			escaped = false
		case r == '\\' && quote != '\'':
			escaped = true
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == ' ':
			if start >= 0 {
				words = append(words, cmd[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		words = append(words, cmd[start:])
	}
	return words
}

// printable replaces what a terminal would interpret in text that came from a target (a
// control character, an escape sequence) so that nothing but the console itself draws:
// line breaks and tabs become spaces, every other control character U+FFFD.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r):
			return '\uFFFD'
		}
		return r
	}, s)
}
