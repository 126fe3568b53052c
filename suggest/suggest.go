// Package suggest names the valid name closest to a mistyped one, for the messages that refuse
// it: "unknown flag --tagret; did you mean --target?".
package suggest

// Closest returns the candidate nearest to name by edit distance, or "" when none is near
// enough to be what was meant: at most a third of the name's length (and at least one or
// two edits) away, so a short typo finds its flag and an unrelated word finds nothing.
// Ties go to the earlier candidate.
func Closest(name string, candidates []string) string {
	best, bestDist := "", max(2, len([]rune(name))/3)+1
	for _, c := range candidates {
		if d := distance(name, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b, in runes: the edits (insert, delete,
// substitute one rune) that turn a into b. The names compared are short, so one row suffices.
func distance(a, b string) int {
	s, t := []rune(a), []rune(b)
	row := make([]int, len(t)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(s); i++ {
		diag := row[0]
		row[0] = i
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			diag, row[j] = row[j], min(row[j]+1, row[j-1]+1, diag+cost)
		}
	}
	return row[len(t)]
}
